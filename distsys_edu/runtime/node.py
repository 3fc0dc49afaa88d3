"""A node as the runtime keeps it, and a message on its way (an envelope).

A :class:`Node` is the runtime's record of one named node: which actor runs
there now, its status, its incarnation, its disk, what waits while it is
paused. It outlives crashes and restarts; the actor and its ``Context`` do not.
An :data:`Envelope` is one copy of one message between two nodes.

This module imports no other part of the runtime: the engine, the transport,
the lifecycle and the fault controller all read and write these records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .trace import NODE_SHIFT, PEER_SHIFT

if TYPE_CHECKING:
    from .actor import Actor, Context
    from .address import Addr
    from .supervisor import Supervisor

UP, DOWN, PAUSED, STOPPED = "up", "down", "paused", "stopped"
NODE_STATES = (UP, DOWN, PAUSED, STOPPED)

ActorFactory = Callable[[], "Actor"]


class Node:
    """The runtime's record of one node; it outlives crashes and restarts.

    Attributes:
        name: the node's name (``"<outside>"`` for the code outside every actor).
        index: its position in spawn order (``-1`` for the outside), as the trace stores it.
        out_code, in_code: its part of a trace event's packed code, as sender and
            as receiver (see ``trace.pack``), computed once for the hot path.
        factory, supervisor: as given to ``spawn``.
        actor, ctx: the running actor and its context (``None`` while down).
        addr: its address (set by the Sim right after the record is made).
        status: one of :data:`NODE_STATES`.
        incarnation: bumped whenever the running actor's timers and requests
            must go stale (crash, stop, restart, supervised restart).
        storage: the dict that survives crashes, like a disk.
        backlog: ``(heap kind, item)`` pairs that wait for a paused node.
        handlers: the running actor's handler per message type, found on first use.
        restart_times: when the supervisor restarted it (for its restart limit).
        annotations: what the running actor last published.
        pause_until: the virtual time its current pause ends.
    """

    __slots__ = (
        "actor",
        "addr",
        "annotations",
        "backlog",
        "ctx",
        "factory",
        "handlers",
        "in_code",
        "incarnation",
        "index",
        "name",
        "out_code",
        "pause_until",
        "restart_times",
        "status",
        "storage",
        "supervisor",
    )

    addr: Addr

    def __init__(
        self,
        name: str,
        index: int,
        factory: ActorFactory | None,
        supervisor: Supervisor | None,
    ) -> None:
        self.name = name
        self.index = index
        self.out_code = (index + 1) << NODE_SHIFT
        self.in_code = (index + 1) << PEER_SHIFT
        self.factory = factory
        self.supervisor = supervisor
        self.actor: Actor | None = None
        self.ctx: Context | None = None
        self.status = UP
        self.incarnation = 0
        self.storage: dict[str, Any] = {}
        self.backlog: list[tuple[int, Any]] = []
        self.handlers: dict[type, Callable[[Any, Context], Any]] = {}
        self.restart_times: list[float] = []
        self.annotations: dict[str, Any] = {}
        self.pause_until = 0.0


Envelope = tuple[int, Node, Node, Any, int]
"""One copy of one message on its way: ``(msg_id, src, dst, msg, request_id)``;
``request_id`` is 0 unless the sender waits for a reply."""
