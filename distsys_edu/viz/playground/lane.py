"""One run of the playground: a setup, its live Sim, its picture and its monitor.

A :class:`Lane` owns a :class:`~distsys_edu.runtime.Sim` built from a
:class:`~.setup.Setup` and a fault schedule. It runs it forward in virtual time,
applies faults to it by hand, and rebuilds it from the seed when the playground
goes back in time. What the learner's own code raises (an actor's ``__init__`` or
``started``, a spawn function) never escapes: the lane keeps it as
:attr:`Lane.error`, a readable message, and stands still; a handler that raises
is recorded by the runtime in ``sim.failures`` and its node crashes, as always.
The widget shows both (:meth:`Lane.problems`), so the lane runs its Sim under
:func:`~distsys_edu.runtime.failures_reported_elsewhere`: no ``HandlerFailureWarning``
tells the learner a second time.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence

from ...checks.explore import FALLBACK_INVARIANTS, Invariant
from ...checks.invariants import Violation
from ...checks.named_invariants import default_invariants
from ...runtime import Fault, Sim, Snapshot, Timer, failures_reported_elsewhere
from ...runtime.snapshot import Replay
from ..story import LossChange, losses_at
from .setup import Setup

MONITORED = ("one_leader_per_term", "one_leader_among_reachable")
"""The invariants a live monitor can judge at any moment: safety, not "eventually"."""

RECHECK_GROWTH = 1.1
"""The monitor re-reads the trace once it has grown by this factor (plus :data:`RECHECK_EVENTS`
events) since the last reading, so that watching costs a fixed share of running."""

RECHECK_EVENTS = 200


def monitored_invariants(setup: Setup) -> tuple[Invariant, ...]:
    """What the monitor watches for ``setup``: the explorer's defaults for its protocol
    that are safety properties (:data:`MONITORED`), else both leader invariants."""
    chosen = default_invariants(setup.name)
    safety = tuple(check for check in chosen if check.name in MONITORED)
    return safety or FALLBACK_INVARIANTS


def describe_error(exc: BaseException, doing: str) -> str:
    """A learner's exception in words: what we were doing, the error, and where it came from."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (in {frames[-1].name}, {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{doing}: {type(exc).__name__}: {exc}{where}"


class Lane:
    """One Sim of the playground, kept at the playground's virtual time.

    Args:
        setup: what the run is made of.
        invariants: what the monitor watches (default: :func:`monitored_invariants`).
    """

    def __init__(self, setup: Setup, invariants: Sequence[Invariant] | None = None) -> None:
        self.setup = setup
        self.invariants = tuple(invariants or monitored_invariants(setup))
        self.sim = Sim(seed=setup.seed)
        self.error: str | None = None
        self._replay = Replay()
        self._replayed = 0
        self._checked = -1
        self._violation: Violation | None = None

    def rebuild(self, faults: Sequence[Fault], until: float) -> None:
        """Start again from the seed: a fresh Sim with ``faults`` scheduled, run to ``until``.

        Going back in time is this: the same seed and the same schedule give the
        same run, so the past is recomputed, never stored.
        """
        self.error = None
        self._replay, self._replayed = Replay(), 0
        self._checked, self._violation = -1, None
        try:
            self.sim = self.setup.build(faults)
        except Exception as exc:
            self.sim = Sim(seed=self.setup.seed)
            self.error = describe_error(exc, f"spawning the {self.setup.name} cluster")
            return
        self.run(until)

    @property
    def nodes(self) -> list[str]:
        """The nodes, in spawn order."""
        return self.sim.nodes

    @failures_reported_elsewhere()
    def run(self, until: float) -> None:
        """Run the Sim up to virtual time ``until`` (nothing, once the lane has an error)."""
        if self.error is not None:
            return
        try:
            self.sim.run(until=until)
        except Exception as exc:
            self.error = describe_error(exc, f"running to t={until:g}")

    @failures_reported_elsewhere()
    def apply(self, fault: Fault) -> None:
        """Apply ``fault`` now, by hand, then run what it made due now.

        A restarted node's ``started`` is due at once: running it now, as the
        instant of a scheduled fault would, keeps the trace at this time the same
        as a replay's. A restart calls your factory: what it raises is kept.
        """
        if self.error is not None:
            return
        try:
            self.sim.apply(fault)
        except Exception as exc:
            self.error = describe_error(exc, f"applying '{fault}'")
            return
        self.run(self.sim.now)

    def frame(self, schedule: Sequence[Fault]) -> tuple[Snapshot, list[Timer.View], dict]:
        """What the picture shows now: the snapshot, the pending timers, each link's loss.

        The snapshot is built incrementally (only the events since the last frame
        are replayed) and equals ``sim.snapshot()``.
        """
        trace = self.sim.trace
        for i in range(self._replayed, len(trace)):
            self._replay.apply(trace[i])
        self._replayed = len(trace)
        now = self.sim.now
        changes: list[LossChange] = [(0.0, None, None, self.setup.loss)]
        changes += [(f.at, None, None, f.args[0]) for f in schedule if _default_loss(f)]
        losses = losses_at(changes, self.nodes, now)
        return self._replay.snapshot(now, trace.nodes), self.sim.pending_timers(), losses

    def violation(self, *, force: bool = False) -> Violation | None:
        """The first violation of a watched invariant so far, or ``None``.

        The trace is read again only when ``force`` is set or it has grown enough
        (see :data:`RECHECK_GROWTH`); once found, a violation stays (it is in the past).
        """
        size = len(self.sim.trace)
        due = size >= self._checked * RECHECK_GROWTH + RECHECK_EVENTS
        if self._violation is None and size != self._checked and (force or due):
            self._checked = size
            found = [v for check in self.invariants for v in check.check(self.sim.trace)]
            self._violation = min(found, key=lambda v: v.t) if found else None
        return self._violation

    def problems(self) -> list[str]:
        """What went wrong in the learner's code: the lane's error, then handler failures."""
        failures = [str(f) for f in self.sim.failures]
        return [self.error, *failures] if self.error else failures


def _default_loss(fault: Fault) -> bool:
    return fault.action == "loss" and len(fault.args) == 1
