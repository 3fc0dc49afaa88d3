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

from .trace import Trace


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


_STATUS_AFTER = {
    "spawn": "up",
    "restart": "up",
    "resume": "up",
    "crash": "down",
    "pause": "paused",
    "stop": "stopped",
}


def snapshot_at(trace: Trace, t: float) -> Snapshot:
    """Replay ``trace`` up to and including time ``t``.

    Raises:
        TraceLevelError: the trace keeps counts only.
    """
    status: dict[str, str] = {}
    notes: dict[str, dict[str, Any]] = {}
    blocked: set[tuple[str, str]] = set()
    held: set[tuple[str, str]] = set()
    flying: dict[int, InFlight] = {}
    for e in trace:
        if e.t > t:
            break
        kind = e.kind
        if kind in ("send", "duplicate"):
            if e.due is not None and e.msg_id is not None:
                flying[e.msg_id] = InFlight(e.msg_id, e.node, e.peer, e.msg, e.t, e.due)
        elif kind in ("deliver", "drop") and e.msg_id is not None:
            flying.pop(e.msg_id, None)
        elif kind in _STATUS_AFTER:
            assert e.node is not None
            status[e.node] = _STATUS_AFTER[kind]
            if kind in ("spawn", "restart", "crash", "stop"):
                notes[e.node] = {}
        elif kind == "annotate":
            assert e.node is not None
            view = notes.setdefault(e.node, {})
            for key, value in e.data.items():
                if value is None:
                    view.pop(key, None)
                else:
                    view[key] = value
        elif kind == "partition":
            a, b = e.data["a"], e.data["b"]
            blocked |= {(x, y) for x in a for y in b}
            if not e.data["one_way"]:
                blocked |= {(y, x) for x in a for y in b}
        elif kind == "heal":
            blocked.clear()
        elif kind == "hold":
            assert e.node is not None and e.peer is not None
            held.add((e.node, e.peer))
        elif kind == "release":
            held -= {tuple(link) for link in e.data["links"]}
    nodes = {
        name: NodeView(name, status[name], notes.get(name, {}))
        for name in trace.nodes
        if name in status
    }
    return Snapshot(t, nodes, frozenset(blocked), frozenset(held), tuple(flying.values()))
