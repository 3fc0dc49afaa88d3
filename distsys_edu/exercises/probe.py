"""Drive one actor by hand, with no network: a protocol rule tested in a few lines.

A :class:`Probe` holds one actor and gives it a context with the public interface
of the runtime's :class:`~distsys_edu.runtime.Context` (``name``, ``address``,
``now``, ``rng``, ``storage``, ``incarnation``, ``addr(name)`` and its
``do_send``/``try_send``/``send``, ``peers()``, ``run_later``, ``run_interval``,
``cancel``, ``stop``, ``annotate``). Instead of doing what the actor asks, the
probe records it:

* :attr:`Probe.sent`: every message sent, in order, as :class:`Sent` records;
* :attr:`Probe.timers`: the timers still pending, in the order they would fire;
* :attr:`Probe.published`: what the actor publishes with ``ctx.annotate`` (and
  :attr:`Probe.annotations`, every call in order);
* :attr:`Probe.log`: every message delivered to it and sent by it, in order, with the
  virtual time (:meth:`Probe.lines` writes it out, as an exercise's feedback shows it).

Time moves only when you say: :meth:`Probe.deliver` hands a message to the handler
the runtime would call, now; :meth:`Probe.fire` runs one timer at its due time;
:meth:`Probe.advance` moves time on, firing every timer that comes due on the way.
The runtime's rules hold: a message must be a frozen dataclass (checked by
:func:`~distsys_edu.runtime.immutability.check_message`), the handler is found as the
runtime finds it (``on_<type>``, else ``on_message``), the context is passed last,
and ``started(ctx)`` runs when the probe is made, as at a spawn. ``ctx.rng`` is
seeded as the runtime seeds a node's first life, so ``Probe(..., seed=s)`` draws
what node ``name`` would draw in ``Sim(seed=s)``.

Example:
    >>> from distsys_edu.protocols.raft import RaftNode, RequestVote, RequestVoteReply
    >>> probe = Probe(RaftNode(["n2", "n3"]), name="n1", peers=["n2", "n3"])
    >>> probe.deliver(RequestVote(term=1, candidate_id="n2"))
    >>> probe.sent[-1]
    Sent(to='n2', msg=RequestVoteReply(term=1, vote_granted=True, voter='n1'), how='do_send')
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from ..runtime import Actor, Timer
from ..runtime.actor import TimerCallback, find_handler
from ..runtime.address import Request
from ..runtime.errors import SendError, UnknownNode, check_time, invalid
from ..runtime.immutability import check_message

__all__ = ["Logged", "Probe", "ProbeAddr", "ProbeContext", "Sent"]


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


class ProbeAddr:
    """The address of a node as the probed actor sees it: sending records the message."""

    def __init__(self, probe: Probe, name: str) -> None:
        self._probe = probe
        self.name = name

    def do_send(self, msg: Any) -> None:
        """Record ``msg`` as sent to this node."""
        self._probe._record(self.name, msg, "do_send")

    def try_send(self, msg: Any) -> None:
        """Record ``msg``, or raise :class:`~distsys_edu.runtime.SendError` if this node
        is in :attr:`Probe.down` (nothing is recorded then)."""
        check_message(msg)
        if self.name in self._probe.down:
            raise SendError(f"try_send({type(msg).__name__}) to {self.name!r} failed: down")
        self._probe._record(self.name, msg, "try_send")

    def send(
        self,
        msg: Any,
        *,
        timeout: float,
        on_reply: Callable[[Any, Any], Any] | None = None,
        on_timeout: Callable[[Any], Any] | None = None,
    ) -> Request:
        """Record a request; answer it with :meth:`Probe.reply`, or let its timeout fire
        (a pending timer that calls ``on_timeout``)."""
        timeout = check_time("timeout", timeout)
        self._probe._record(self.name, msg, "send")
        request = Request(len(self._probe.sent), None, on_reply, on_timeout)

        def request_timeout(ctx: Any) -> None:
            if request.pending:
                request.timed_out = True
                if on_timeout is not None:
                    on_timeout(ctx)

        request.timer = self._probe.ctx.run_later(timeout, request_timeout)
        return request

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProbeAddr) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("ProbeAddr", self.name))

    def __repr__(self) -> str:
        return f"<ProbeAddr {self.name}>"


class ProbeContext:
    """What the probed actor may do: the runtime's ``Context`` interface, recorded."""

    def __init__(self, probe: Probe, seed: int) -> None:
        self._probe = probe
        self.rng = random.Random(f"{seed}/node/{probe.name}/0")

    @property
    def name(self) -> str:
        """This node's name."""
        return self._probe.name

    @property
    def address(self) -> ProbeAddr:
        """This actor's own address."""
        return self.addr(self._probe.name)

    @property
    def now(self) -> float:
        """The probe's virtual time in seconds."""
        return self._probe.now

    @property
    def storage(self) -> dict[str, Any]:
        """This node's persistent storage (the dict given to the probe)."""
        return self._probe.storage

    @property
    def incarnation(self) -> int:
        """Always 0: a probe runs one life of the actor."""
        return 0

    def addr(self, name: str) -> ProbeAddr:
        """The address of ``name``, which must be this node or one of its peers."""
        if name != self._probe.name and name not in self._probe.peers:
            known = ", ".join((self._probe.name, *self._probe.peers))
            raise UnknownNode(f"node={name!r} is not allowed: no such node (known: {known})")
        return ProbeAddr(self._probe, name)

    def peers(self) -> list[str]:
        """The names of every other node, as given to the probe."""
        return list(self._probe.peers)

    def run_later(self, after: float, callback: TimerCallback) -> Timer:
        """A pending timer that fires ``after`` seconds from now."""
        after = check_time("after", after)
        return self._probe._start_timer(callback, self._probe.now + after, None)

    def run_interval(self, every: float, callback: TimerCallback) -> Timer:
        """A pending timer that fires every ``every`` seconds, first ``every`` from now."""
        every = check_time("every", every, positive=True)
        return self._probe._start_timer(callback, self._probe.now, every)

    def cancel(self, timer: Timer | None) -> None:
        """Cancel a timer (``None`` or an already-fired one is fine)."""
        if timer is not None:
            timer.cancelled = True

    def stop(self) -> None:
        """Stop the actor: ``stopped(ctx)`` runs, its timers end, and it takes no more mail."""
        if not self._probe.stopped:
            self._probe.stopped = True
            self._probe.actor.stopped(cast(Any, self))
            for timer in self._probe._timers:
                timer.cancelled = True

    def annotate(self, **state: Any) -> None:
        """Record what the actor publishes; a value of ``None`` removes the key."""
        self._probe.annotations.append(dict(state))
        for key, value in state.items():
            if value is None:
                self._probe.published.pop(key, None)
            else:
                self._probe.published[key] = value


class Probe:
    """One actor, driven by hand, with everything it does recorded.

    Args:
        actor_or_factory: an :class:`~distsys_edu.runtime.Actor`, or a callable with no
            arguments that returns one (what ``sim.spawn`` takes).
        name: the node's name.
        peers: the names of the other nodes it may address.
        now: the virtual time to start at.
        storage: the node's persistent storage (its disk); a new dict by default.
        seed: the seed of ``ctx.rng``, as the runtime's ``Sim(seed=...)`` would use.

    Raises:
        InvalidArgument: a factory that does not return an ``Actor``, a bad ``now``.
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
        self.actor = actor
        self.name = name
        self.peers = tuple(peers)
        self.now = check_time("now", now)
        self.storage: dict[str, Any] = {} if storage is None else storage
        self.down: set[str] = set()
        self.sent: list[Sent] = []
        self.published: dict[str, Any] = {}
        self.annotations: list[dict[str, Any]] = []
        self.log: list[Logged] = []
        self.stopped = False
        self.incarnation = 0  # what a runtime Timer compares to stay active
        self._timers: list[Timer] = []
        self.ctx = ProbeContext(self, seed)
        self._during = "started()"
        actor.started(cast(Any, self.ctx))
        self._during = ""

    # -- what the actor did --------------------------------------------------------

    def _record(self, to: str, msg: Any, how: str) -> None:
        check_message(msg)
        self.sent.append(Sent(to, msg, how))
        self.log.append(Logged(self.now, "sent", to, msg, self._during))

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

    def _start_timer(self, callback: TimerCallback, start: float, every: float | None) -> Timer:
        timer = Timer(cast(Any, self), callback, start, every, self.now)
        self._timers.append(timer)
        return timer

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
        return find_handler(self.actor, type(msg))(msg, cast(Any, self.ctx))

    def fire(self, timer: Timer) -> None:
        """Move time to ``timer``'s due time and run it.

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
            timer.callback(cast(Any, self.ctx))
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
            request.on_reply(value, cast(Any, self.ctx))
