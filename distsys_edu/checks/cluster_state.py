"""One pass over a trace: the cluster's state, advanced instant by instant.

Every check in this package asks questions of the form "at every moment, ..." or
"from this moment on, ...". Asking :func:`~distsys_edu.runtime.snapshot_at` at
every event would replay the trace from the start each time, O(n^2) in the
number of events. Instead a check walks the trace once with a
:class:`ClusterState` and reads it after each *instant* or after each event.

An instant is every event that shares one virtual time. The state "at time t"
is the state once every event with time ``<= t`` has run, exactly what
``snapshot_at(trace, t)`` returns, and it holds until the next instant. Checks
that measure how long something lasted read the state between instants
(:func:`instants`); safety checks, which must hold after every event, read it
after each event (:func:`steps`).

Only the events that change what a check reads are visited: spawns, crashes,
restarts, stops, pauses, resumes, annotations, partitions and heals (and link
changes, holds and releases, which :func:`last_fault_time` needs). Message and
timer events, most of a trace, are skipped without being decoded, and the events
visited are read as :class:`StateEvent` tuples straight from the trace's columns
(:meth:`~distsys_edu.runtime.Trace.rows`): building a full
:class:`~distsys_edu.runtime.Event` for each cost more than the checks themselves.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, cast

from ..runtime import Event, Snapshot, Trace, TraceLevelError
from ..runtime.errors import invalid
from ..runtime.snapshot import STATUS_AFTER, Replay

UP, PAUSED = "up", "paused"

_BOOTS = ("spawn", "restart")

FAULT_KINDS = (
    "crash",
    "restart",
    "pause",
    "resume",
    "partition",
    "heal",
    "hold",
    "release",
    "link",
)
"""Event kinds that are (or end) a fault: what :func:`last_fault_time` looks for.
``resume`` is there because a pause ends when the node resumes."""

STATE_KINDS = frozenset({*STATUS_AFTER, "annotate", *FAULT_KINDS})
"""Every event kind a check reads; message and timer events are skipped."""


def _need_full(trace: Trace) -> None:
    if not isinstance(trace, Trace):
        raise invalid("trace", trace, "must be a Trace (sim.trace)")
    if not trace.full:
        raise TraceLevelError(
            "the checks need the full trace, but this Sim was made with trace='counts'; "
            "use Sim(trace='full')"
        )


class StateEvent(NamedTuple):
    """A state event, as the checks read it: the fields of
    :class:`~distsys_edu.runtime.Event` that a state event has (no message, no due
    time), in a plain tuple that is cheap to build. ``position`` is the event's
    index in the trace (``index`` would hide the tuple's own method)."""

    position: int
    t: float
    kind: str
    node: str | None
    peer: str | None
    data: Any


def state_events(trace: Trace) -> list[StateEvent]:
    """The events of ``trace`` whose kind is in :data:`STATE_KINDS`, in order.

    The list is remembered for as long as the trace lives and does not grow, so
    several checks of one trace decode its events once.

    Raises:
        TraceLevelError: the trace keeps counts only.
    """
    _need_full(trace)
    cached = _decoded.get(trace)
    if cached is not None and cached[0] == len(trace):
        return cached[1]
    make = StateEvent._make
    events = [make(row) for row in trace.rows(trace.positions(STATE_KINDS))]
    _decoded[trace] = (len(trace), events)
    return events


_decoded: weakref.WeakKeyDictionary[Trace, tuple[int, list[StateEvent]]] = (
    weakref.WeakKeyDictionary()
)


def end_time(trace: Trace) -> float:
    """When the run ended: how far it was run, or its last event if that is later.

    A Sim run ``until=15`` records 15 in ``trace.end`` (kept in the JSON-lines
    header too), though nothing may happen at exactly 15; a trace without it
    (run to exhaustion, or stepped) ends at its last event (0.0 when empty).
    """
    _need_full(trace)
    last = trace[-1].t if len(trace) else 0.0
    return last if trace.end is None else max(trace.end, last)


def last_fault_time(trace: Trace) -> float | None:
    """When the last fault happened or ended, or ``None`` if there was none.

    Faults are the events of :data:`FAULT_KINDS`: crashes, restarts, pauses and
    their ends (``resume``), partitions, heals, holds, releases and link changes.
    A crash caused by a handler that raised counts too.
    """
    last = None
    for e in state_events(trace):
        if e.kind in FAULT_KINDS:
            last = e.t
    return last


def as_names(value: Any) -> frozenset[str]:
    """An annotation holding node names (a tuple, list or set; ``None``) as a set."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset((value,))
    return frozenset(value)


def agreed_leader(status: Mapping[str, str], notes: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The leader every up node agrees on, if there is one.

    Args:
        status: each node's status (``"up"``, ``"down"``...).
        notes: each node's annotations.

    Returns:
        The name ``L`` when at least one node is up, ``L`` is up and annotates
        ``role="leader"``, and every other up node annotates ``leader=L`` (``L``
        itself may annotate ``leader=L`` or leave it out); else ``None``.
    """
    up = [name for name, s in status.items() if s == UP]
    if not up:
        return None
    first = notes.get(up[0], {})
    candidate = first.get("leader")
    if candidate is None and first.get("role") == "leader":
        candidate = up[0]
    if candidate is None or status.get(candidate) != UP:
        return None
    if notes.get(candidate, {}).get("role") != "leader":
        return None
    for name in up:
        believed = notes.get(name, {}).get("leader")
        if believed != candidate and not (name == candidate and believed is None):
            return None
    return candidate


class ClusterState(Replay):
    """Node statuses, annotations, boot times and cut links, one event at a time.

    The runtime's :class:`~distsys_edu.runtime.snapshot.Replay` (the rules
    :func:`~distsys_edu.runtime.snapshot_at` follows), plus when each node
    booted and the questions checks ask. Fed only :data:`STATE_KINDS`, it keeps
    no messages in flight.

    Nodes appear as their ``spawn`` event is applied, in spawn order.

    Attributes:
        booted: when each node's current incarnation started (spawn or restart).
        now: the time of the last event applied.
    """

    __slots__ = ("booted", "now")

    def __init__(self) -> None:
        super().__init__()
        self.booted: dict[str, float] = {}
        self.now = 0.0

    def apply(self, e: Event | StateEvent) -> None:
        """Advance the state past one event."""
        # A StateEvent has every field Replay.apply reads for a state event's kind.
        super().apply(cast(Event, e))
        self.now = e.t
        if e.kind in _BOOTS:
            assert e.node is not None
            self.booted[e.node] = e.t

    # -- questions -----------------------------------------------------------

    def up(self) -> list[str]:
        """Names of the nodes that are up, in spawn order."""
        return [name for name, s in self.status.items() if s == UP]

    def can_reach(self, src: str, dst: str) -> bool:
        """Whether ``src -> dst`` is not cut by a partition."""
        return (src, dst) not in self.blocked

    def leaders(self) -> list[str]:
        """Up nodes that annotate ``role="leader"``, in spawn order."""
        notes = self.notes
        return [
            name
            for name, s in self.status.items()
            if s == UP and notes.get(name, {}).get("role") == "leader"
        ]

    def suspects(self, node: str) -> frozenset[str]:
        """The nodes ``node`` now suspects (its ``suspects`` annotation)."""
        return as_names(self.notes.get(node, {}).get("suspects"))

    def agreed_leader(self) -> str | None:
        """See :func:`agreed_leader`."""
        return agreed_leader(self.status, self.notes)


def steps(trace: Trace) -> Iterator[tuple[StateEvent, ClusterState]]:
    """Walk ``trace`` once, event by event: what a safety check reads.

    A safety property must hold after every event, not only once an instant is
    over: a node may lead and step down within one instant (while a resumed node
    drains its backlog, say), and the messages it sent meanwhile are real.

    Yields:
        ``(event, state)`` for each state event (see :data:`STATE_KINDS`), with
        the (shared, updated in place) state once that event has run. Read
        ``state`` before asking for the next event.
    """
    state = ClusterState()
    for e in state_events(trace):
        state.apply(e)
        yield e, state


def instants(trace: Trace) -> Iterator[tuple[float, list[StateEvent], ClusterState]]:
    """Walk ``trace`` once, instant by instant.

    Yields:
        ``(t, events, state)`` for each virtual time ``t`` at which a state
        event happened: the events of that instant in order, and the (shared,
        updated in place) state once all of them have run. Read ``state``
        before asking for the next instant.
    """
    state = ClusterState()
    batch: list[StateEvent] = []
    for e in state_events(trace):
        if batch and e.t != batch[0].t:
            yield batch[0].t, batch, state
            batch = []
        state.apply(e)
        batch.append(e)
    if batch:
        yield batch[0].t, batch, state


def snapshot_state(snapshot: Snapshot) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """A snapshot's statuses and annotations, in the form :func:`agreed_leader` takes."""
    status = {name: view.status for name, view in snapshot.nodes.items()}
    notes = {name: dict(view.annotations) for name, view in snapshot.nodes.items()}
    return status, notes
