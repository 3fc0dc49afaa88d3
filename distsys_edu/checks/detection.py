"""Failure detection over a trace: how soon crashes are suspected, and false suspicions.

* :func:`detection_times`, :func:`completeness`: how soon each live node
  suspects a crashed one, and whether it ever does.
* :func:`false_suspicions`: suspicions of nodes that were up.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from ..runtime import Trace
from ..runtime.errors import invalid
from ..runtime.snapshot import CLEARS_NOTES
from .arguments import optional_seconds, trace_of
from .cluster_state import PAUSED, UP, ClusterState, end_time, instants
from .violation import Violation

__all__ = ["Detection", "Suspicion", "completeness", "detection_times", "false_suspicions"]


@dataclass(frozen=True)
class Detection:
    """How long ``observer`` took to suspect ``node`` after ``node`` crashed.

    Attributes:
        observer: the node that should suspect.
        node: the node that crashed.
        crashed_at: when ``node`` crashed.
        since: when the observer could start suspecting: the crash, or the
            observer's own (re)start if that came later (a restarted node
            remembers nothing, so it must find out afresh).
        detected_at: the first time at or after ``since`` at which the observer's
            ``suspects`` held ``node``, or ``None`` if it never did while
            ``node`` was down.
        recovered_at: when ``node`` came back up, or ``None`` if it was still
            down when the trace ended.
    """

    observer: str
    node: str
    crashed_at: float
    since: float
    detected_at: float | None
    recovered_at: float | None

    @property
    def delay(self) -> float | None:
        """``detected_at - since``, or ``None`` if never detected."""
        return None if self.detected_at is None else self.detected_at - self.since

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (with ``delay``)."""
        return {**asdict(self), "delay": self.delay}


@dataclass(frozen=True)
class Suspicion:
    """``observer`` began to suspect ``node`` at ``t`` while ``node`` was up.

    Attributes:
        t: when the suspicion began.
        observer: the node that suspected.
        node: the suspected node, which was up (not down, paused or stopped).
    """

    t: float
    observer: str
    node: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return asdict(self)


def detection_times(trace: Trace) -> list[Detection]:
    """For each crash and each node up when it ends, how long until it was suspected.

    A crash *episode* of node ``x`` runs from its crash to its restart (or to
    the end of the trace). Every node ``o`` that is up when the episode ends
    gets one :class:`Detection`: the first instant, from ``since = max(crash,
    o's last (re)start)``, at which ``o``'s ``suspects`` held ``x``.

    Returns:
        Detections ordered by crash time, then observer in spawn order.
    """
    done: list[Detection] = []
    # open episodes: crashed node -> (crash time, {observer: first detection})
    episodes: dict[str, tuple[float, dict[str, float]]] = {}

    def close(node: str, state: ClusterState, recovered_at: float | None) -> None:
        crashed_at, seen = episodes.pop(node)
        for observer in state.up():
            if observer == node:
                continue
            since = max(crashed_at, state.booted.get(observer, 0.0))
            done.append(
                Detection(observer, node, crashed_at, since, seen.get(observer), recovered_at)
            )

    state = None
    for t, events, state in instants(trace):  # state: read after the loop too
        watchers: dict[str, None] = {}
        for e in events:
            node = e.node
            if node is None:
                continue
            if e.kind == "crash" and node not in episodes:
                episodes[node] = (t, {})
                watchers.update(dict.fromkeys(state.status))  # someone may suspect already
            elif e.kind in ("spawn", "restart") and node in episodes:
                close(node, state, t)
            if e.kind in CLEARS_NOTES:
                for _, seen in episodes.values():  # a fresh incarnation starts over
                    seen.pop(node, None)
            if e.kind in ("annotate", "crash", "restart", "spawn"):
                watchers[node] = None
        for node, (_, seen) in episodes.items():
            for observer in watchers:
                if (
                    observer != node
                    and observer not in seen
                    and state.status.get(observer) in (UP, PAUSED)
                    and node in state.suspects(observer)
                ):
                    seen[observer] = t
    for node in list(episodes):  # still down when the trace ends
        assert state is not None  # an episode began at some instant
        close(node, state, None)
    done.sort(key=lambda d: (d.crashed_at, d.node))  # stable: observers stay in spawn order
    return done


def completeness(
    trace: Trace,
    within: float | None = None,
    *,
    restarted: bool = False,
    end: float | None = None,
) -> list[Violation]:
    """Every crashed node is suspected by every live node (strong completeness).

    Looks at every node still down when the trace ends and every node up then:
    the observer must have suspected the crashed node (its ``suspects``
    annotation held it) at some instant since the crash, or since its own
    restart if that came later (see :class:`Detection`).

    Args:
        trace: a full trace.
        within: if given, the suspicion must come at most this many seconds
            after the crash (or the observer's restart). A crash too recent to
            tell (the trace ends before ``within`` has passed) is not flagged.
        restarted: also check crashes that ended in a restart, as seen by the
            nodes up at that restart. Needs ``within``: a crash that lasted
            less than ``within`` is not flagged.
        end: when the run ended (default: the last event's time).

    Returns:
        One violation per (crashed node, observer) pair that missed.

    Raises:
        InvalidArgument: ``restarted=True`` without ``within``, or ``within`` not
            seconds >= 0.
    """
    trace = trace_of(trace)
    within = optional_seconds("within", within)
    if not isinstance(restarted, bool):
        raise invalid("restarted", restarted, "must be True or False")
    if restarted and within is None:
        raise invalid("restarted", restarted, "needs within=SECONDS: a short crash may end unseen")
    given_end = optional_seconds("end", end)
    stop = end_time(trace) if given_end is None else given_end
    found = []
    for d in detection_times(trace):
        if d.recovered_at is not None and not restarted:
            continue
        missed = _missed(d, within, stop if d.recovered_at is None else d.recovered_at)
        if missed is not None:
            found.append(Violation("completeness", d.crashed_at, (d.node, d.observer), missed))
    return found


def _missed(d: Detection, within: float | None, until: float) -> str | None:
    """Why ``d`` breaks completeness (``until``: when the crashed node came back or
    the run ended), or ``None`` if it does not."""
    if within is None:
        if d.detected_at is None:
            return f"{d.observer} never suspected {d.node}, down since t={d.crashed_at:.3f}"
        return None
    deadline = d.since + within
    if d.detected_at is None and until > deadline:
        return (
            f"{d.observer} did not suspect {d.node} within {within:g} s of t={d.since:.3f} "
            f"(it never did while {d.node} was down)"
        )
    if d.detected_at is not None and d.detected_at > deadline:
        return (
            f"{d.observer} suspected {d.node} only {d.detected_at - d.since:.3f} s after "
            f"t={d.since:.3f}, not within {within:g} s"
        )
    return None


def false_suspicions(trace: Trace) -> list[Suspicion]:
    """Suspicions that began while the suspected node was up.

    A suspicion begins when a node's ``suspects`` gains a name (or holds it
    when the node starts). It is false when the suspected node is up at the end
    of that instant: not down, stopped, or paused (a long pause looks like a
    crash from outside, so suspecting a paused node is not a mistake). A
    suspicion that merely outlives the suspect's recovery is not counted again.

    Returns:
        The false suspicions in time order; ``len()`` is their count.
    """
    held: dict[str, frozenset[str]] = {}
    found: list[Suspicion] = []
    for t, events, state in instants(trace):
        touched = dict.fromkeys(e.node for e in events if e.node is not None)
        for observer in touched:
            assert observer is not None
            before = held.get(observer, frozenset())
            if any(e.node == observer and e.kind in CLEARS_NOTES for e in events):
                before = frozenset()
            alive = state.status.get(observer) in (UP, PAUSED)
            now = state.suspects(observer) if alive else frozenset()
            held[observer] = now
            for node in sorted(now - before, key=_spawn_order(state)):
                if state.status.get(node) == UP:
                    found.append(Suspicion(t, observer, node))
    return found


def _spawn_order(state: ClusterState) -> Any:
    order = {name: i for i, name in enumerate(state.status)}
    return lambda name: (order.get(name, math.inf), name)
