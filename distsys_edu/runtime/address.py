"""Addresses: how actors (and notebook cells) send messages.

Three ways to send, as in Actix:

* ``do_send(msg)``: fire and forget. The network decides what happens; the
  trace records it.
* ``try_send(msg)``: like ``do_send``, but raises :class:`SendError` if the
  recipient is not running *right now*. This is the in-process oracle that the
  blog's design leans on; a real network gives no such signal (a partition, for
  one, does not raise).
* ``send(msg, timeout=...)``: request-reply. The recipient's handler return
  value travels back over the network as a ``Reply`` message; if none arrives
  within ``timeout`` seconds of virtual time, ``on_timeout`` runs instead.

The sender is whoever's code is running: a handler or timer of some node, or
the world outside every actor (your notebook), which no partition cuts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import check_time, invalid

if TYPE_CHECKING:
    from .world import Named, ReplyCallback, Resident, TimeoutCallback, World


@dataclass(frozen=True)
class Reply:
    """The runtime's answer to a ``send`` request: the handler's return ``value``."""

    request_id: int
    value: Any


class Request:
    """An answer still to come (a future in virtual time).

    Attributes:
        id: the request's number, as carried by its ``Reply``.
        done: the reply arrived (``value`` holds it).
        timed_out: the timeout passed first.
        value: the handler's return value once ``done``.
    """

    __slots__ = (
        "done",
        "id",
        "incarnation",
        "node",
        "on_reply",
        "on_timeout",
        "timed_out",
        "timer",
        "value",
    )

    def __init__(
        self,
        request_id: int,
        node: Resident | None,
        on_reply: ReplyCallback | None,
        on_timeout: TimeoutCallback | None,
    ) -> None:
        self.id = request_id
        self.node = node
        self.incarnation = None if node is None else node.incarnation
        self.on_reply = on_reply
        self.on_timeout = on_timeout
        self.done = False
        self.timed_out = False
        self.value: Any = None
        self.timer: Any = None

    @property
    def pending(self) -> bool:
        """Neither answered nor timed out yet."""
        return not (self.done or self.timed_out)

    def __repr__(self) -> str:
        state = "done" if self.done else "timed out" if self.timed_out else "pending"
        return f"<Request {self.id} {state}{f' value={self.value!r}' if self.done else ''}>"


class Addr:
    """The address of one node. Put it in messages, compare it, send to it.

    It stays valid across crashes and restarts: it names the node, not one
    incarnation of it. Sending asks the world through its
    :class:`~distsys_edu.runtime.world.World` interface.

    Args:
        world: the world the node lives in.
        node: the world's record of the node.
    """

    __slots__ = ("_node", "_world")

    def __init__(self, world: World, node: Named) -> None:
        self._world = world
        self._node = node

    @property
    def name(self) -> str:
        """The node's name."""
        return self._node.name

    @property
    def __sim_address__(self) -> str:  # how traces encode an address
        return self._node.name

    def do_send(self, msg: Any) -> None:
        """Send ``msg`` and forget it. Nothing is raised if it is lost."""
        send = self._world._send  # an attribute of the Sim, not a method: read, then called
        send(self._node, msg)

    def try_send(self, msg: Any) -> None:
        """Send ``msg``, or raise :class:`SendError` if the recipient is not running now."""
        self._world._try_send(self._node, msg)

    def send(
        self,
        msg: Any,
        *,
        timeout: float,
        on_reply: ReplyCallback | None = None,
        on_timeout: TimeoutCallback | None = None,
    ) -> Request:
        """Send a request; its handler's return value comes back as the reply.

        Args:
            msg: the request message.
            timeout: seconds of virtual time to wait for the reply.
            on_reply: called as ``on_reply(value, ctx)`` when the reply arrives.
            on_timeout: called as ``on_timeout(ctx)`` if it does not arrive in time.
                Outside any actor, ``ctx`` is ``None``.

        Returns:
            The :class:`Request`, to inspect after ``sim.run``.

        Raises:
            InvalidArgument: ``timeout`` is not a number > 0, or a callback is
                neither callable nor ``None``.
        """
        timeout = check_time("timeout", timeout, positive=True)
        for param, callback in (("on_reply", on_reply), ("on_timeout", on_timeout)):
            if callback is not None and not callable(callback):
                raise invalid(param, callback, "must be a function or None")
        return self._world._request(self._node, msg, timeout, on_reply, on_timeout)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Addr) and other._node is self._node

    def __hash__(self) -> int:
        return id(self._node)

    def __repr__(self) -> str:
        return f"Addr({self.name!r})"
