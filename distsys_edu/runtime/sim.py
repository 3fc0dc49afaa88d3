"""The Sim: a seeded virtual clock, one event heap, nodes, and the fault API.

``Sim`` is the public face of a few parts, each an object owning its own state
(``face.py`` lists them, docs/architecture.md draws them): ``sim.scheduler``
owns the clock and the future, ``sim.writer`` the trace rows, ``sim.engine``
the loop, ``sim.lifecycle`` the nodes, ``sim.timers`` the timers,
``sim.transport`` the network and the send path, ``sim.faults`` the fault
history. This module adds only the constructor's checks, ``pending_timers``
and ``snapshot``. The Sim implements the ``World`` interface (``world.py``)
through which its actors' ``Context``, ``Addr`` and ``Timer`` objects reach it.

Priorities, in order: correctness and determinism, then clarity, then speed.
The same seed and code give the same trace, byte for byte, in any process: all
randomness comes from generators seeded with strings derived from the seed
(``random.Random`` hashes a str seed with SHA-512, not ``hash()``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .actor import Timer
from .controlled import Controlled
from .entries import RUN_TIMER, TIMER_DUE
from .errors import InvalidArgument, check_time, invalid
from .faults import Fault
from .network import LinkConfig
from .snapshot import Snapshot, snapshot_at


class Sim(Controlled):
    """A deterministic world of actors on a simulated network.

    Build it, ``spawn`` nodes, then ``run(until=...)``, ``run_for(...)`` or
    ``step()``; break things with ``crash``, ``restart``, ``pause``,
    ``partition``, ``heal``, ``hold``/``release``, ``set_link`` and
    ``set_network``, by hand or from a ``schedule``. Or drive it by hand, one
    chosen event at a time: ``choices()`` and ``choose(id)`` (``controlled.py``).

    Its parts (each owns its state; ``sim.now`` is ``sim.scheduler.now``):
    ``scheduler`` (the clock, the heap and the FIFO: what is next), ``writer``
    (the trace rows), ``engine`` (the loop), ``lifecycle`` (the nodes),
    ``timers``, ``transport`` (the network, the one send path) and ``faults``
    (the fault controller and its history).

    Args:
        seed: the only source of randomness (network delays and losses, each
            node's ``ctx.rng``).
        trace: ``"full"`` keeps every event; ``"counts"`` keeps tallies only.
        strict: re-raise a handler's exception out of ``run`` instead of
            recording it and crashing the node.
        network: the default settings of every link (``LinkConfig``).
        faults: a fault schedule to apply as virtual time passes.
        max_events_per_instant: how many events may run at one virtual instant
            before the run stops with ``ClockStuckError`` (a loop that never
            advances time, such as a node that sends to itself in every
            handler). The default, a million, is more than a 1,000-node cluster
            sending all-to-all at one instant needs.

    Attributes:
        now: the virtual time in seconds.
        trace: every event so far (``sim.trace.events("drop")``,
            ``sim.trace.counts()``, ``sim.trace.digest()``).
        failures: every exception a handler, timer or hook raised, as
            ``Failure`` records (``sim.failures[0].traceback`` to read one).
        nodes: every node's name, in spawn order (``status(name)``,
            ``actor(name)``, ``annotations(name)``, ``storage(name)`` per node).
        network: the link settings (``network.default``, ``network.links``).
        fault_history: every fault applied so far, as a schedule that replays
            the same run in a fresh Sim.
        sent, delivered, dropped, in_flight: the message accounting;
            ``sent == delivered + dropped + in_flight`` at every moment.
        seed, strict, max_events_per_instant: as given.

    Raises:
        InvalidArgument: a seed that is not an int, an unknown trace level, or
            a ``max_events_per_instant`` that is not an int >= 1.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        trace: str = "full",
        strict: bool = False,
        network: LinkConfig | None = None,
        faults: Iterable[Fault | str | dict[str, Any]] | None = None,
        max_events_per_instant: int = 1_000_000,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise invalid("seed", seed, "must be an int")
        if (
            isinstance(max_events_per_instant, bool)
            or not isinstance(max_events_per_instant, int)
            or max_events_per_instant < 1
        ):
            raise invalid("max_events_per_instant", max_events_per_instant, "must be an int >= 1")
        if not isinstance(strict, bool):
            raise invalid("strict", strict, "must be True or False")
        if network is not None and not isinstance(network, LinkConfig):
            raise invalid("network", network, "must be a LinkConfig or None")
        super().__init__(
            seed=seed,
            trace=trace,
            strict=strict,
            network=network,
            max_events_per_instant=max_events_per_instant,
        )
        if faults is not None:
            self.schedule(faults)

    def pending_timers(self) -> list[Timer.View]:
        """Every live timer still to run, soonest first: a read-only view for pictures.

        Nothing changes: these are copies. A timer that came due while its node
        was paused and waits to run on resume is listed with its past due time.
        """
        timers = [item for _, _, kind, item in sorted(self.scheduler.heap) if kind == TIMER_DUE]
        for node in self.lifecycle.nodes.values():
            timers.extend(item for kind, item in node.backlog if kind == RUN_TIMER)
        views = {id(timer): timer.view() for timer in timers if timer.active}
        return sorted(views.values(), key=lambda view: view.due)

    def snapshot(self, t: float | None = None) -> Snapshot:
        """The cluster as it was at virtual time ``t`` (default: now), from the trace.

        Raises:
            TraceLevelError: the Sim keeps only counts.
            InvalidArgument: ``t`` is in the future.
        """
        allowed = f"must be a time between 0 and now ({self.now!r}); the future is not known"
        try:
            when = self.now if t is None else check_time("t", t)
        except InvalidArgument:
            raise invalid("t", t, allowed) from None
        if when > self.now:
            raise invalid("t", t, allowed)
        return snapshot_at(self.trace, when)

    def __repr__(self) -> str:
        states = ", ".join(f"{n.name}:{n.status}" for n in self.lifecycle.nodes.values())
        return f"<Sim seed={self.seed} now={self.now:g} nodes=[{states}]>"
