"""The world an actor lives in: what ``Context``, ``Addr`` and ``Timer`` may ask of it.

An actor never sees the Sim. It sees its :class:`~distsys_edu.runtime.Context`,
the :class:`~distsys_edu.runtime.Addr` of each node and its
:class:`~distsys_edu.runtime.Timer` objects, and those talk to the world through
the two small interfaces below and nothing else. The :class:`~distsys_edu.runtime.Sim`
implements them, in virtual time; a real-network node (``distsys_edu.net.node.NetNode``)
implements them too, on asyncio and UDP, so the same actor code runs on both.

The members that do something are underscored: they are the runtime's business,
not a learner's API (``sim._send`` is not for a notebook; ``addr.do_send`` is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # type-only: these classes are built on the interfaces below
    from .actor import Context, Timer, TimerCallback
    from .address import Addr, Request


class Named(Protocol):
    """A node as its ``Addr`` sees it: a name (the world knows the rest)."""

    @property
    def name(self) -> str: ...


class Resident(Named, Protocol):
    """The node an actor runs on, as its ``Context`` and its timers see it.

    Attributes:
        name: the node's name.
        incarnation: how many times it (re)started; a timer made in an earlier
            incarnation is stale and never fires.
        storage: the node's persistent storage (its disk).
    """

    @property
    def incarnation(self) -> int: ...

    @property
    def storage(self) -> dict[str, Any]: ...


ReplyCallback = Callable[[Any, "Context | None"], Any]
"""``on_reply(value, ctx)``; ``ctx`` is ``None`` for a request sent from outside the actors."""
TimeoutCallback = Callable[["Context | None"], Any]
"""``on_timeout(ctx)``; ``ctx`` is ``None`` for a request sent from outside the actors."""


class World(Protocol):
    """What a ``Context``, an ``Addr`` and a ``Timer`` ask of the world they live in.

    Every ``node`` below is the world's own record of a node (the Sim's ``Node``),
    handed to ``Context`` and ``Addr`` when the world made them; they pass it back.

    Attributes:
        seed: seeds each incarnation's ``ctx.rng`` (``"{seed}/node/{name}/{incarnation}"``).
        now: the current time, in seconds.
        nodes: every node's name, in order.
    """

    seed: int

    @property
    def now(self) -> float: ...

    @property
    def nodes(self) -> list[str]: ...

    def addr(self, name: str) -> Addr:
        """The address of node ``name``; raises ``UnknownNode`` for an unknown name."""
        ...

    def _send(self, dst: Any, msg: Any, request_id: int = 0) -> None:
        """Put ``msg`` on its way from whoever's code runs now to ``dst`` (``do_send``)."""
        ...

    def _try_send(self, dst: Any, msg: Any) -> None:
        """Send ``msg`` to ``dst``, or raise ``SendError`` if ``dst`` cannot take it now."""
        ...

    def _request(
        self,
        dst: Any,
        msg: Any,
        timeout: float,
        on_reply: ReplyCallback | None,
        on_timeout: TimeoutCallback | None,
    ) -> Request:
        """Send ``msg`` to ``dst`` and wait ``timeout`` seconds for its handler's return value."""
        ...

    def _start_timer(
        self, node: Any, callback: TimerCallback, start: float, every: float | None
    ) -> Timer:
        """A timer of ``node``: due at ``start``, or every ``every`` seconds after ``start``."""
        ...

    def _cancel_timer(self, timer: Timer) -> None:
        """Make ``timer`` never fire again."""
        ...

    def _stop(self, node: Any) -> None:
        """``ctx.stop()``: the actor on ``node`` ends itself (``stopped(ctx)`` runs)."""
        ...

    def _annotate(self, node: Any, state: dict[str, Any]) -> None:
        """Publish ``state`` (already frozen) as ``node``'s local view; ``None`` removes a key."""
        ...
