"""Snapshots: the cluster as it stood at one virtual time, rebuilt from a trace.

A snapshot is what a picture draws and what a check inspects: each node's
status and published annotations, the state of the links, and every message
still on its way. It is computed by replaying the trace's events up to and
including time ``t``, so it works the same on a live Sim and on a trace read
back from JSON lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import check_instant
from .trace import Event, Trace


@dataclass(frozen=True)
class NodeView:
    """One node at the snapshot's time.

    Attributes:
        name: the node's name.
        status: ``"up"``, ``"down"``, ``"paused"`` or ``"stopped"``.
        annotations: what it last published with ``ctx.annotate`` since it started.
    """

    name: str
    status: str
    annotations: dict[str, Any]


@dataclass(frozen=True)
class InFlight:
    """A message sent but not yet delivered or dropped.

    Attributes:
        msg_id: its id in the trace.
        src: sender (``None`` for the world outside the actors).
        dst: recipient (``None`` for a reply to the outside).
        msg: the message.
        sent_at: when it was sent.
        due: when it is due to arrive; a message past due is held on its link
            or waits at a paused node.
    """

    msg_id: int
    src: str | None
    dst: str | None
    msg: Any
    sent_at: float
    due: float


@dataclass(frozen=True)
class Snapshot:
    """The cluster at virtual time ``t``.

    Attributes:
        t: the time.
        nodes: each node's view, by name, in spawn order.
        blocked: directed links cut by a partition.
        held: directed links that park messages.
        in_flight: messages on their way, oldest first.
    """

    t: float
    nodes: dict[str, NodeView]
    blocked: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    held: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    in_flight: tuple[InFlight, ...] = ()

    def can_reach(self, src: str, dst: str) -> bool:
        """Whether a message from ``src`` to ``dst`` is not cut by a partition."""
        return (src, dst) not in self.blocked

    def up(self) -> list[str]:
        """Names of the nodes that are up (not down, paused or stopped)."""
        return [n.name for n in self.nodes.values() if n.status == "up"]


STATUS_AFTER = {
    "spawn": "up",
    "restart": "up",
    "resume": "up",
    "crash": "down",
    "pause": "paused",
    "stop": "stopped",
}
"""The status a node has after an event of each of these kinds."""

CLEARS_NOTES = ("spawn", "restart", "crash", "stop")
"""Event kinds after which a node has published nothing yet."""


class Replay:
    """The cluster's state, advanced one trace event at a time.

    The one place where the rules of replay live: :func:`snapshot_at` feeds it
    every event up to a time; the checks feed it as they walk a trace once.

    Attributes:
        status: each node's status, for nodes spawned so far.
        notes: each node's annotations since its last (re)start.
        blocked: directed links cut by a partition.
        held: directed links that park messages.
        in_flight: messages sent and not yet delivered or dropped, by id.
    """

    __slots__ = ("blocked", "held", "in_flight", "notes", "status")

    def __init__(self) -> None:
        self.status: dict[str, str] = {}
        self.notes: dict[str, dict[str, Any]] = {}
        self.blocked: set[tuple[str, str]] = set()
        self.held: set[tuple[str, str]] = set()
        self.in_flight: dict[int, InFlight] = {}

    def apply(self, e: Event) -> None:
        """Advance the state past one event."""
        kind = e.kind
        if kind in ("send", "duplicate"):
            if e.due is not None and e.msg_id is not None:
                self.in_flight[e.msg_id] = InFlight(e.msg_id, e.node, e.peer, e.msg, e.t, e.due)
        elif kind in ("deliver", "drop") and e.msg_id is not None:
            self.in_flight.pop(e.msg_id, None)
        elif kind in STATUS_AFTER:
            assert e.node is not None
            self.status[e.node] = STATUS_AFTER[kind]
            if kind in CLEARS_NOTES:
                self.notes[e.node] = {}
        elif kind == "annotate":
            assert e.node is not None
            view = self.notes.setdefault(e.node, {})
            for key, value in e.data.items():
                if value is None:
                    view.pop(key, None)
                else:
                    view[key] = value
        elif kind == "partition":
            a, b = e.data["a"], e.data["b"]
            self.blocked.update((x, y) for x in a for y in b)
            if not e.data["one_way"]:
                self.blocked.update((y, x) for x in a for y in b)
        elif kind == "heal":
            self.blocked.clear()
        elif kind == "hold":
            assert e.node is not None and e.peer is not None
            self.held.add((e.node, e.peer))
        elif kind == "release":
            self.held.difference_update(tuple(link) for link in e.data["links"])

    def snapshot(self, t: float, order: list[str]) -> Snapshot:
        """The state as a :class:`Snapshot` at time ``t``, nodes in ``order``."""
        nodes = {  # a copy of the notes: replaying on must not change this snapshot
            name: NodeView(name, self.status[name], dict(self.notes.get(name, {})))
            for name in order
            if name in self.status
        }
        return Snapshot(
            t, nodes, frozenset(self.blocked), frozenset(self.held), tuple(self.in_flight.values())
        )


def snapshot_at(trace: Trace, t: float) -> Snapshot:
    """Replay ``trace`` up to and including time ``t``.

    Raises:
        TraceLevelError: the trace keeps counts only.
        InvalidArgument: ``t`` is not a number, or NaN.
    """
    t = check_instant("t", t)
    replay = Replay()
    for e in trace:
        if e.t > t:
            break
        replay.apply(e)
    return replay.snapshot(t, trace.nodes)
