"""Drive one actor by hand, with no network: a protocol rule tested in a few lines.

A :class:`Probe` is a tiny world for one actor. It implements the runtime's
:class:`~distsys_edu.runtime.world.World` interface, as the Sim and a real-network
node do, and hands the actor the runtime's own :class:`~distsys_edu.runtime.Context`,
:class:`~distsys_edu.runtime.Addr` and :class:`~distsys_edu.runtime.Timer` objects:
every guard they have (a frozen message, a timer interval the clock can resolve,
frozen annotations, a ``cancel`` that takes only a timer...) holds for a probed node
as it does in a Sim. What differs is what the world does when asked: instead of
carrying out what the actor asks, the probe records it:

* :attr:`Probe.sent`: every message sent, in order, as :class:`Sent` records;
* :attr:`Probe.timers`: the timers still pending, in the order they would fire;
* :attr:`Probe.published`: what the actor publishes with ``ctx.annotate`` (and
  :attr:`Probe.annotations`, every call in order);
* :attr:`Probe.log`: every message delivered to it and sent by it, in order, with the
  virtual time (:meth:`Probe.lines` writes it out, as an exercise's feedback shows it).

Virtual time moves only when the check says so, never by itself: nothing is delivered
and no timer fires unless asked. :meth:`Probe.deliver` hands a message to the handler
the runtime would call, at the current time; :meth:`Probe.fire` moves time to one
timer's due time and runs it; :meth:`Probe.advance` moves time on, firing every timer
that comes due on the way, in order. The handler is found as the runtime finds it
(``on_<type>``, else ``on_message``), the context is passed last, and ``started(ctx)``
runs when the probe is made, as at a spawn. ``ctx.rng`` is seeded as the runtime seeds
a node's first life, so ``Probe(..., seed=s)`` draws what node ``name`` would draw in
``Sim(seed=s)``. What the actor's code raises comes straight out of the call that ran
it (as in ``Sim(strict=True)``).

Example:
    >>> from distsys_edu.protocols.raft import RaftNode, RequestVote, RequestVoteReply
    >>> probe = Probe(RaftNode(["n2", "n3"]), name="n1", peers=["n2", "n3"])
    >>> probe.deliver(RequestVote(term=1, candidate_id="n2"))
    >>> probe.sent[-1]
    Sent(to='n2', msg=RequestVoteReply(term=1, vote_granted=True, voter='n1'), how='do_send')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..runtime import Actor, Addr, Context, Timer
from ..runtime.actor import TimerCallback, find_handler
from ..runtime.address import Request
from ..runtime.errors import SendError, UnknownNode, check_time, invalid
from ..runtime.immutability import check_message
from ..runtime.world import Named, ReplyCallback, TimeoutCallback

__all__ = ["Logged", "Probe", "Sent"]


@dataclass(frozen=True)
class Sent:
    """One message the actor sent: to whom, what, and how (``do_send``, ``try_send``
    or ``send``)."""

    to: str
    msg: Any
    how: str


@dataclass(frozen=True)
class Logged:
    """A message the probed actor received or sent, at virtual time ``t``.

    Attributes:
        t: when, in the probe's virtual time.
        way: ``"received"`` or ``"sent"``.
        peer: for a sent message, the node it went to (``""`` for one received).
        msg: the message.
        during: where a message was sent from if not a handler: ``"started()"`` or
            ``"a timer"`` (``""`` for a handler, or one received).
    """

    t: float
    way: str
    peer: str
    msg: Any
    during: str = ""


@dataclass(frozen=True)
class _Peer:
    """Another node, as an ``Addr`` of the probe names it (the probe knows no more)."""

    name: str


class Probe:
    """One actor, driven by hand in virtual time, with everything it does recorded.

    The probe is the actor's world (it implements ``World``) and its node (``name``,
    ``incarnation``, ``storage``: the ``Resident`` a ``Context`` reads). Its clock
    ``now`` moves only in :meth:`fire` and :meth:`advance`, or when a check sets it.

    Args:
        actor_or_factory: an :class:`~distsys_edu.runtime.Actor`, or a callable with no
            arguments that returns one (what ``sim.spawn`` takes).
        name: the node's name.
        peers: the names of the other nodes it may address (``ctx.peers()``, in order).
        now: the virtual time to start at, in seconds.
        storage: the node's persistent storage (its disk); a new dict by default.
        seed: the seed of ``ctx.rng``, as the runtime's ``Sim(seed=...)`` would use.

    Attributes:
        down: names of peers to treat as not running: ``try_send`` to one raises
            ``SendError`` (as the Sim's does to a crashed node).
        stopped: the actor stopped itself with ``ctx.stop()``.
        incarnation: always 0: a probe runs one life of the actor.

    Raises:
        InvalidArgument: a factory that does not return an ``Actor``, a bad ``now``,
            ``name`` among ``peers``.
    """

    def __init__(
        self,
        actor_or_factory: Actor | Callable[[], Actor],
        name: str = "n1",
        peers: Iterable[str] = (),
        now: float = 0.0,
        storage: dict[str, Any] | None = None,
        seed: int = 0,
    ) -> None:
        actor = actor_or_factory if isinstance(actor_or_factory, Actor) else None
        if actor is None and callable(actor_or_factory):
            actor = actor_or_factory()
        if not isinstance(actor, Actor):
            raise invalid("actor_or_factory", actor_or_factory, "must be an Actor or return one")
        self.peers = tuple(peers)
        if name in self.peers:
            raise invalid("peers", self.peers, f"must not name the probed node {name!r} itself")
        self.actor = actor
        self.name = name
        self.seed = seed
        self.now = check_time("now", now)
        self.storage: dict[str, Any] = {} if storage is None else storage
        self.incarnation = 0
        self.down: set[str] = set()
        self.stopped = False
        self.sent: list[Sent] = []
        self.published: dict[str, Any] = {}
        self.annotations: list[dict[str, Any]] = []
        self.log: list[Logged] = []
        self._timers: list[Timer] = []
        own: Named = self
        self._addrs = {n: Addr(self, own if n == name else _Peer(n)) for n in (name, *self.peers)}
        self.ctx = Context(self, self)
        self._during = "started()"
        actor.started(self.ctx)
        self._during = ""

    # -- what the actor did --------------------------------------------------------

    def lines(self, name: Callable[[Any], str] = repr) -> list[str]:
        """:attr:`log` as text, a line a message: ``t=0  n3 received Election(5)``,
        ``t=0  n3 sent Election(5) to n4 (in started())`` (``name`` writes a message)."""
        return [
            f"t={e.t:g}  {self.name} {e.way} {name(e.msg)}"
            + (f" to {e.peer}" if e.peer else "")
            + (f" (in {e.during})" if e.during else "")
            for e in self.log
        ]

    def messages(self, of_type: type | None = None, to: str | None = None) -> list[Any]:
        """The messages sent, in order, of one type and to one node if given."""
        return [
            s.msg
            for s in self.sent
            if (of_type is None or isinstance(s.msg, of_type)) and (to is None or s.to == to)
        ]

    @property
    def timers(self) -> list[Timer]:
        """The timers still pending, in the order they would fire."""
        self._timers = [t for t in self._timers if t.active]
        return sorted(self._timers, key=Timer.due)  # stable: ties fire in the order set

    # -- making things happen ------------------------------------------------------

    def deliver(self, msg: Any) -> Any:
        """Hand ``msg`` to the handler the runtime would call, now; return its result.

        Raises:
            MessageTypeError: ``msg`` is not a frozen dataclass instance.
            UnhandledMessage: the actor has no handler for its type.
            InvalidArgument: the actor has stopped.
        """
        check_message(msg)
        if self.stopped:
            raise invalid("msg", msg, "cannot be delivered: the actor has stopped")
        self.log.append(Logged(self.now, "received", "", msg))
        return find_handler(self.actor, type(msg))(msg, self.ctx)

    def fire(self, timer: Timer) -> None:
        """Move time to ``timer``'s due time and run it (an interval timer stays pending).

        Raises:
            InvalidArgument: the timer is not pending here.
        """
        if timer not in self.timers:
            raise invalid("timer", timer, "must be a pending timer of this probe")
        self.now = max(self.now, timer.due())
        if timer.every is None:
            timer.cancelled = True  # a one-shot timer is spent
        else:
            timer.fired += 1
        self._during = "a timer"
        try:
            timer.callback(self.ctx)
        finally:
            self._during = ""

    def advance(self, dt: float) -> None:
        """Move time on by ``dt`` seconds, firing every timer due on the way, in order."""
        until = self.now + check_time("dt", dt)
        while (pending := self.timers) and pending[0].due() <= until:
            self.fire(pending[0])
        self.now = until

    def reply(self, request: Request, value: Any) -> None:
        """Answer a request the actor made with ``send``: ``on_reply(value, ctx)`` runs."""
        if not request.pending:
            raise invalid("request", request, "must be pending")
        request.done, request.value = True, value
        self.ctx.cancel(request.timer)
        if request.on_reply is not None:
            request.on_reply(value, self.ctx)

    # -- the World interface: what the runtime's Context, Addr and Timer ask ------

    @property
    def nodes(self) -> list[str]:
        """The probed node, then its peers (World)."""
        return list(self._addrs)

    def addr(self, name: str) -> Addr:
        """The address of ``name``, which must be this node or one of its peers (World)."""
        found = self._addrs.get(name)
        if found is None:
            known = ", ".join(self._addrs)
            raise UnknownNode(f"node={name!r} is not allowed: no such node (known: {known})")
        return found

    def _record(self, dst: Named, msg: Any, how: str) -> None:
        """Record one message sent to ``dst``: in :attr:`sent` and in :attr:`log`."""
        check_message(msg)
        self.sent.append(Sent(dst.name, msg, how))
        self.log.append(Logged(self.now, "sent", dst.name, msg, self._during))

    def _send(self, dst: Named, msg: Any, request_id: int = 0) -> None:
        """``addr.do_send``: recorded, not delivered (World)."""
        self._record(dst, msg, "do_send")

    def _try_send(self, dst: Named, msg: Any) -> None:
        """``addr.try_send``: recorded, or ``SendError`` for a node in :attr:`down` (World)."""
        check_message(msg)
        if dst.name in self.down:
            what = f"try_send({type(msg).__name__}) to {dst.name!r}"
            raise SendError(f"{what} failed: the node is down")
        self._record(dst, msg, "try_send")

    def _request(
        self,
        dst: Named,
        msg: Any,
        timeout: float,
        on_reply: ReplyCallback | None,
        on_timeout: TimeoutCallback | None,
    ) -> Request:
        """``addr.send``: recorded; answer it with :meth:`reply`, or let its timeout fire
        (a pending timer that calls ``on_timeout``) (World)."""
        self._record(dst, msg, "send")
        request = Request(len(self.sent), self, on_reply, on_timeout)

        def request_timeout(ctx: Context) -> None:
            if request.pending:
                request.timed_out = True
                if on_timeout is not None:
                    on_timeout(ctx)

        request.timer = self._start_timer(self, request_timeout, self.now + timeout, None)
        return request

    def _start_timer(
        self, node: Probe, callback: TimerCallback, start: float, every: float | None
    ) -> Timer:
        """A pending timer, due at ``start`` (or every ``every`` after it) (World)."""
        timer = Timer(node, callback, start, every, self.now)
        self._timers.append(timer)
        return timer

    def _cancel_timer(self, timer: Timer) -> None:
        """``ctx.cancel``: the timer leaves :attr:`timers` (World)."""
        timer.cancelled = True

    def _stop(self, node: Probe) -> None:
        """``ctx.stop``: ``stopped(ctx)`` runs, its timers end, it takes no more mail (World)."""
        if not self.stopped:
            self.stopped = True
            self.actor.stopped(self.ctx)
            for timer in self._timers:
                timer.cancelled = True

    def _annotate(self, node: Probe, state: dict[str, Any]) -> None:
        """``ctx.annotate`` (``state`` already frozen): recorded and published (World)."""
        self.annotations.append(dict(state))
        for key, value in state.items():
            if value is None:
                self.published.pop(key, None)
            else:
                self.published[key] = value
