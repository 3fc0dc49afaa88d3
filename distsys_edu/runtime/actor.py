"""Actors, their context, and timers.

An actor is a plain Python object with one handler per message type. A handler
for ``RequestVote`` is the method ``on_request_vote(self, msg, ctx)``: the
message class name in snake_case, prefixed ``on_``. (Actix writes
``impl Handler<RequestVote>``; a name is the Python way to say the same.) A
method ``on_message(self, msg, ctx)`` catches every type without its own
handler. Whatever a handler returns is the reply to an ``Addr.send`` request.

The runtime always passes the actor's :class:`Context` as the last argument:
to handlers, to ``started``/``stopped``/``restarting``, and to timer callbacks.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import UnhandledMessage, check_time, invalid
from .immutability import frozen

if TYPE_CHECKING:
    from .address import Addr
    from .world import Resident, World


class Actor:
    """Base class of every actor. Override the hooks you need and add handlers."""

    def started(self, ctx: Context) -> None:
        """Called when the node starts (at spawn, after a restart or supervised restart)."""

    def stopped(self, ctx: Context) -> None:
        """Called when the actor stops itself with ``ctx.stop()`` (not on a crash)."""

    def restarting(self, ctx: Context) -> None:
        """Called on a supervised restart, before ``started``; the instance is kept."""


TimerCallback = Callable[["Context"], Any]


class Timer:
    """A pending ``run_later`` or ``run_interval``; pass it to ``ctx.cancel``.

    An interval timer's n-th firing is due at ``start + n * every``, computed
    afresh each time, so rounding never accumulates into drift.
    """

    __slots__ = (
        "backlogged",
        "callback",
        "cancelled",
        "every",
        "fired",
        "incarnation",
        "last_run",
        "node",
        "set_at",
        "start",
    )

    class View(NamedTuple):
        """A read-only copy of a pending timer, for pictures (see ``Sim.pending_timers``).

        Attributes:
            node: the node whose timer it is.
            name: the callback's name (``start_election``, ``send_heartbeats``...).
            set_at: when it was set (an interval timer: when its current period began).
            due: when it fires next.
            every: the interval of a ``run_interval`` timer; ``None`` for ``run_later``.
        """

        node: str
        name: str
        set_at: float
        due: float
        every: float | None

    def __init__(
        self,
        node: Resident,
        callback: TimerCallback,
        start: float,
        every: float | None,
        set_at: float,
    ) -> None:
        self.node = node
        self.set_at = set_at
        self.incarnation = node.incarnation
        self.callback = callback
        self.start = start
        self.every = every
        self.fired = 0
        self.cancelled = False
        self.backlogged = False  # already waiting on a paused node: run once on resume
        self.last_run = -1.0  # virtual time of its last run (an overdue run covers that tick)

    @property
    def name(self) -> str:
        """The callback's name, as the trace shows it."""
        return getattr(self.callback, "__name__", type(self.callback).__name__)

    @property
    def active(self) -> bool:
        """Whether it may still fire (not cancelled, and its node has not restarted)."""
        return not self.cancelled and self.incarnation == self.node.incarnation

    def due(self) -> float:
        """The virtual time of its next firing."""
        if self.every is None:
            return self.start
        return self.start + (self.fired + 1) * self.every

    def view(self) -> Timer.View:
        """A read-only copy: whose timer, which callback, when set, when due."""
        due = self.due()
        set_at = self.set_at if self.every is None else due - self.every
        return Timer.View(self.node.name, self.name, set_at, due, self.every)


class Context:
    """What an actor may do to the world. One per node incarnation.

    It asks the world through the :class:`~distsys_edu.runtime.world.World`
    interface only (the Sim, or a real-network node, implements it).

    Args:
        world: the world the actor lives in.
        node: the world's record of this node.

    Attributes:
        rng: this incarnation's random generator, seeded from the world's seed,
            the node's name and its incarnation number (stable across processes).
    """

    __slots__ = ("_node", "_world", "rng")

    def __init__(self, world: World, node: Resident) -> None:
        self._world = world
        self._node = node
        self.rng = random.Random(f"{world.seed}/node/{node.name}/{node.incarnation}")

    @property
    def name(self) -> str:
        """This node's name."""
        return self._node.name

    @property
    def address(self) -> Addr:
        """This actor's own address."""
        return self._world.addr(self._node.name)

    @property
    def now(self) -> float:
        """The current virtual time in seconds."""
        return self._world.now

    @property
    def storage(self) -> dict[str, Any]:
        """This node's persistent storage: a dict that survives crashes, like a disk."""
        return self._node.storage

    @property
    def incarnation(self) -> int:
        """How many times this node has (re)started before this incarnation."""
        return self._node.incarnation

    def addr(self, name: str) -> Addr:
        """The address of node ``name``. Raises ``UnknownNode`` if none was spawned."""
        return self._world.addr(name)

    def peers(self) -> list[str]:
        """The names of every other node in the Sim, in spawn order."""
        return [n for n in self._world.nodes if n != self._node.name]

    def run_later(self, after: float, callback: TimerCallback) -> Timer:
        """Call ``callback(ctx)`` once, ``after`` seconds of virtual time from now."""
        after = check_time("after", after)
        return self._world._start_timer(self._node, callback, self._world.now + after, None)

    def run_interval(self, every: float, callback: TimerCallback) -> Timer:
        """Call ``callback(ctx)`` every ``every`` seconds; the first call is ``every`` from now.

        Raises:
            InvalidArgument: ``every`` is not a number > 0, or too small to move
                the clock now: below ``math.ulp(max(now, 1.0))`` (2.2e-16 s up
                to 1 s of virtual time), ``now + every`` rounds to ``now`` or
                nearly so, and the timer would never let time advance.
        """
        every = check_time("every", every, positive=True)
        now = self._world.now
        resolution = math.ulp(max(now, 1.0))
        if every < resolution:
            raise invalid(
                "every",
                every,
                f"must be at least {resolution!r} s at now={now!r}: a smaller interval is "
                "lost to rounding and its timer would never let virtual time advance",
            )
        return self._world._start_timer(self._node, callback, now, every)

    def cancel(self, timer: Timer | None) -> None:
        """Cancel a timer (``None`` or an already-fired one is fine).

        Raises:
            InvalidArgument: ``timer`` is not a ``Timer`` (what ``run_later`` and
                ``run_interval`` return) or ``None``.
        """
        if timer is None:
            return
        if not isinstance(timer, Timer):
            raise invalid("timer", timer, "must be a Timer from run_later/run_interval, or None")
        self._world._cancel_timer(timer)

    def stop(self) -> None:
        """Stop this actor for good: ``stopped(ctx)`` runs, timers end, later mail is dropped."""
        self._world._stop(self._node)

    def annotate(self, **state: Any) -> None:
        """Publish this node's local view (role, term, leader...) to the trace and pictures.

        Later calls update earlier keys; a value of ``None`` removes the key. What
        is published cannot change afterwards: a list is kept as a tuple, a set as
        a frozenset, a dict as a copy (see ``messages.frozen``).
        """
        self._world._annotate(self._node, {key: frozen(value) for key, value in state.items()})


def handler_name(message_type: type) -> str:
    """``RequestVote`` -> ``on_request_vote``: the method that handles a type."""
    snake = re.sub(
        r"(?<=[a-z0-9])([A-Z])|(?<=[A-Z])([A-Z])(?=[a-z])", r"_\1\2", message_type.__name__
    )
    return "on_" + snake.lower()


def find_handler(actor: Actor, message_type: type) -> Callable[[Any, Context], Any]:
    """The bound method of ``actor`` that handles ``message_type``.

    Raises:
        UnhandledMessage: no ``on_<type>`` method and no ``on_message`` fallback.
    """
    name = handler_name(message_type)
    method = getattr(actor, name, None) or getattr(actor, "on_message", None)
    if method is None:
        raise UnhandledMessage(
            f"{type(actor).__name__} has no handler for {message_type.__name__}: "
            f"define `def {name}(self, msg, ctx)` (or `on_message` for any type)"
        )
    return method
