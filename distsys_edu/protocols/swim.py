"""SWIM membership and failure detection (Das, Gupta, Motivala, DSN 2002).

What it fixes in the blog's design: nobody relies on an oracle or on all-to-all
heartbeats. Each member checks *one* other member per protocol period, asks a few
others for help before it accuses anyone, lets the accused answer before it is
declared dead, and spreads what it learns by piggybacking on messages it sends
anyway. The load on each member is constant, whatever the size of the group.

How it runs, in virtual time (every member alike; all start in the same phase):

* **Probe.** Every protocol period T' (:data:`PROTOCOL_PERIOD`) a member picks the
  next member of its probe list and sends it ``Ping``. The list is a shuffle of the
  other members, walked round-robin and reshuffled after each pass (the paper's
  section 4.3, using ``ctx.rng``), so every member is probed by each other member
  within at most ``2 (n - 1) - 1`` periods, not just "eventually".
* **Indirect probe.** If no ``Ack`` came within :data:`PING_TIMEOUT`, it sends
  ``PingReq(target)`` to k (:data:`INDIRECT_PROBES`) other members picked at
  random; each pings the target itself and relays the target's ``Ack``. This gets
  around one bad link (and congestion near the prober).
* **Suspect.** If no ack, direct or relayed, arrived by the end of the period, the
  target becomes *suspected* (section 4.2). A suspected member is still probed.
* **Refute.** A member that learns it is suspected increments its *incarnation*
  number and spreads ``Alive`` with it. Only a member changes its own incarnation.
* **Confirm.** A member still suspected, with the same incarnation,
  :data:`SUSPICION_TIMEOUT` after this member came to suspect it is declared dead
  (``Confirm``). Dead is final: the paper's way back is to rejoin as a new member,
  and there are no joins here (the group is fixed at spawn).
* **Disseminate.** Membership updates (``Alive``, ``Suspect``, ``Confirm``, each
  with an incarnation) ride on ``Ping``, ``Ack`` and ``PingReq`` (section 4.1):
  each member keeps a buffer with at most one update per member, each message
  carries at most :data:`MAX_PIGGYBACK` of them, least-sent first, and an update
  is dropped from the buffer after it was carried ``ceil(lambda * ln n)`` times
  (:data:`DISSEMINATION_FACTOR` is lambda), which is enough for an epidemic to
  reach every member with high probability.

Which update wins (section 4.2), for a member ``m`` known at incarnation ``j``:
``Alive(m, i)`` overrides ``Alive``/``Suspect`` if ``i > j``; ``Suspect(m, i)``
overrides ``Suspect`` if ``i > j`` and ``Alive`` if ``i >= j``; ``Confirm``
overrides both, whatever the incarnations. Only updates that change something are
passed on.

Two choices the paper leaves open, made here:

* A message to a member that this member suspects always carries that
  ``Suspect`` (it takes one of the piggyback slots): the accused hears the
  accusation at the first chance, instead of whenever the gossip reaches it.
* Helpers for indirect probes are picked among members believed alive (not
  suspected), as in HashiCorp's memberlist.

With no loss, a crashed member is confirmed dead by every live member at most
``2 (n - 1) T' + SUSPICION_TIMEOUT`` after it crashed: the next probe of it by any
given member starts at most ``2 (n - 1) - 1`` periods later, that probe fails at
the end of its period, and that member's own suspicion timer then runs out (news
from others can only make it sooner).

Each member publishes ``role`` (``"member"``), ``suspects`` (the sorted tuple of
members it suspects or holds dead), ``dead`` (sorted tuple) and ``incarnation``
(its own).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..runtime import Actor, Context, Sim, Timer
from ..runtime.errors import invalid
from .cluster import Membership, check_times, node_names
from .memory import Footprint, check_cluster_fits

PROTOCOL_PERIOD = 1.0
"""T': seconds between two probes by the same member."""

PING_TIMEOUT = 0.2
"""Seconds to wait for a direct ``Ack`` before asking for indirect probes. It must
exceed a round trip, and leave time in the period for the four hops of an indirect
one (prober, helper, target, helper, prober)."""

INDIRECT_PROBES = 3
"""k: how many members are asked to probe the target when the direct ping fails."""

SUSPICION_TIMEOUT = 5.0
"""Seconds a suspected member has to refute the suspicion before it is declared dead.

It must cover the accused hearing of the accusation (at its next message to or from
a suspector) and its ``Alive`` reaching every suspector by gossip, which takes a few
periods (about ``log n``); with three periods, a member paused for one and a half
was often confirmed dead before its refutation arrived."""

DISSEMINATION_FACTOR = 3.0
"""lambda: each update is piggybacked ``ceil(lambda * ln n)`` times before it is dropped."""

MAX_PIGGYBACK = 6
"""Most updates carried by one message (this bounds a message's size)."""

FOOTPRINT = Footprint(per_node=7_000, per_pair=16)
"""Bytes a member, and per pair of members: each member's probe list names every other
(see :mod:`.memory`; measured by ``benchmarks/cluster_memory.py``)."""

MEMBER = "member"
ALIVE, SUSPECT, DEAD = "alive", "suspect", "dead"


@dataclass(frozen=True)
class SwimConfig:
    """Timing and dissemination settings of a SWIM group.

    Args:
        protocol_period: T', seconds between two probes by one member.
        ping_timeout: seconds to wait for a direct ack; less than ``protocol_period``.
        indirect_probes: k, members asked for an indirect probe (an int >= 0).
        suspicion_timeout: seconds from suspicion to confirmation.
        dissemination_factor: lambda, a number > 0.
        max_piggyback: most updates per message (an int >= 1).

    Raises:
        InvalidArgument: a setting outside what is allowed (the message says which).
    """

    protocol_period: float = PROTOCOL_PERIOD
    ping_timeout: float = PING_TIMEOUT
    indirect_probes: int = INDIRECT_PROBES
    suspicion_timeout: float = SUSPICION_TIMEOUT
    dissemination_factor: float = DISSEMINATION_FACTOR
    max_piggyback: int = MAX_PIGGYBACK

    def __post_init__(self) -> None:
        check_times(self, ["protocol_period", "ping_timeout", "suspicion_timeout"])
        if self.ping_timeout >= self.protocol_period:
            raise invalid(
                "ping_timeout",
                self.ping_timeout,
                f"must be shorter than protocol_period ({self.protocol_period!r})",
            )
        for name, least in (("indirect_probes", 0), ("max_piggyback", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise invalid(name, value, f"must be an int >= {least}")
        factor = self.dissemination_factor
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not factor > 0:
            raise invalid("dissemination_factor", factor, "must be a number > 0")
        if not math.isfinite(factor):
            raise invalid("dissemination_factor", factor, "must be a finite number > 0")

    def transmissions(self, group_size: int) -> int:
        """How many times an update is piggybacked in a group of ``group_size`` members."""
        return max(1, math.ceil(self.dissemination_factor * math.log(group_size)))


# -- membership updates (only ever piggybacked) ----------------------------------


@dataclass(frozen=True)
class Alive:
    """``member`` is alive at ``incarnation`` (only the member itself raises it)."""

    member: str
    incarnation: int


@dataclass(frozen=True)
class Suspect:
    """Someone suspects ``member`` (as of its ``incarnation``) to have failed."""

    member: str
    incarnation: int


@dataclass(frozen=True)
class Confirm:
    """``member`` is declared dead: it did not refute a suspicion in time."""

    member: str
    incarnation: int


Update = Alive | Suspect | Confirm


# -- messages ----------------------------------------------------------------------


@dataclass(frozen=True)
class Ping:
    """Are you alive? Probe number ``seq`` of ``sender``; answered by an ``Ack``."""

    sender: str
    seq: int
    updates: tuple[Update, ...] = ()


@dataclass(frozen=True)
class PingReq:
    """Please ping ``target`` for me and relay its ``Ack`` (my probe number ``seq``)."""

    sender: str
    seq: int
    target: str
    updates: tuple[Update, ...] = ()


@dataclass(frozen=True)
class Ack:
    """``target`` answered probe ``seq``; ``sender`` is the target or a relaying helper."""

    sender: str
    seq: int
    target: str
    updates: tuple[Update, ...] = ()


class _Probe:
    """This member's probe of the current period."""

    __slots__ = ("acked", "seq", "target", "timer")

    def __init__(self, target: str, seq: int) -> None:
        self.target = target
        self.seq = seq
        self.acked = False
        self.timer: Timer | None = None  # the ping timeout, cancelled by the ack


class _Gossip:
    """An update waiting in the dissemination buffer, and how often it was sent."""

    __slots__ = ("order", "sent", "update")

    def __init__(self, update: Update, order: int) -> None:
        self.update = update
        self.order = order
        self.sent = 0


class SwimMember(Actor):
    """One member of a SWIM group.

    A member's view of the group is kept sparse: ``status`` and ``incarnations``
    hold only the members it knows more of than "alive at incarnation 0", which is
    what it believes of everyone at first. The paper's membership list is that view
    over the shared ``members``; it costs memory only for members with news.

    Args:
        members: every member's name, this one included (a shared
            :class:`~.cluster.Membership`, or a sequence of names).
        config: timing and dissemination settings.
    """

    def __init__(
        self, members: Membership | Sequence[str], config: SwimConfig | None = None
    ) -> None:
        self.members = Membership.of(members)
        self.config = config or SwimConfig()
        self.max_sends = self.config.transmissions(len(self.members))
        self.incarnation = 0
        self.status: dict[str, str] = {}  # ALIVE unless listed
        self.incarnations: dict[str, int] = {}  # 0 unless listed
        self.suspicion_timers: dict[str, Timer] = {}
        self.buffer: dict[str, _Gossip] = {}
        self.buffered = 0  # how many updates entered the buffer: their order
        self.probe_order: list[str] = []
        self.probe_index = 0
        self.probe: _Probe | None = None
        self.seq = 0
        self.relays: dict[int, tuple[str, int, str, float]] = {}
        self.published: tuple[object, ...] = ()

    def started(self, ctx: Context) -> None:
        """Believe every other member alive at incarnation 0; probe once a period."""
        self.publish(ctx)
        ctx.run_interval(self.config.protocol_period, self.tick)

    # -- the failure detector ------------------------------------------------------

    def tick(self, ctx: Context) -> None:
        """A new protocol period: judge the last probe, then probe the next member."""
        self.end_probe(ctx)
        horizon = ctx.now - self.config.protocol_period
        for seq in [s for s, relay in self.relays.items() if relay[3] < horizon]:
            del self.relays[seq]  # a relay older than a period will not be awaited
        target = self.next_target(ctx)
        if target is None:
            return
        self.seq += 1
        probe = self.probe = _Probe(target, self.seq)
        ctx.addr(target).do_send(Ping(ctx.name, probe.seq, self.piggyback(target)))

        def ping_timed_out(ctx: Context) -> None:
            self.probe_indirectly(ctx, probe)

        probe.timer = ctx.run_later(self.config.ping_timeout, ping_timed_out)

    def next_target(self, ctx: Context) -> str | None:
        """The next member of the round-robin probe list, reshuffled after each pass."""
        while True:
            if self.probe_index >= len(self.probe_order):
                self.probe_order = [m for m in self.others(ctx) if self.status_of(m) != DEAD]
                if not self.probe_order:
                    return None
                ctx.rng.shuffle(self.probe_order)
                self.probe_index = 0
            member = self.probe_order[self.probe_index]
            self.probe_index += 1
            if self.status_of(member) != DEAD:
                return member

    def probe_indirectly(self, ctx: Context, probe: _Probe) -> None:
        """No direct ack in time: ask k random members believed alive to ping the target."""
        if probe is not self.probe or probe.acked:
            return
        helpers = [m for m in self.others(ctx) if self.status_of(m) == ALIVE and m != probe.target]
        chosen = ctx.rng.sample(helpers, min(self.config.indirect_probes, len(helpers)))
        for helper in chosen:
            updates = self.piggyback(helper)
            ctx.addr(helper).do_send(PingReq(ctx.name, probe.seq, probe.target, updates))

    def end_probe(self, ctx: Context) -> None:
        """The period is over: a target not acked, directly or via a helper, is suspected."""
        probe, self.probe = self.probe, None
        if probe is not None and not probe.acked:
            target = probe.target
            if self.status_of(target) == ALIVE:
                self.learn(ctx, Suspect(target, self.incarnations.get(target, 0)))

    # -- handlers --------------------------------------------------------------------

    def on_ping(self, msg: Ping, ctx: Context) -> None:
        """Answer a probe (direct, or a helper's) with an ``Ack``."""
        self.learn_all(ctx, msg.updates)
        ctx.addr(msg.sender).do_send(Ack(ctx.name, msg.seq, ctx.name, self.piggyback(msg.sender)))

    def on_ping_req(self, msg: PingReq, ctx: Context) -> None:
        """Help ``msg.sender``: ping the target with a probe number of our own."""
        self.learn_all(ctx, msg.updates)
        self.seq += 1
        self.relays[self.seq] = (msg.sender, msg.seq, msg.target, ctx.now)
        ctx.addr(msg.target).do_send(Ping(ctx.name, self.seq, self.piggyback(msg.target)))

    def on_ack(self, msg: Ack, ctx: Context) -> None:
        """An ack of our probe ends it; an ack of a helper's ping is relayed to whom we help."""
        self.learn_all(ctx, msg.updates)
        relay = self.relays.get(msg.seq)
        if relay is not None and relay[2] == msg.target:
            del self.relays[msg.seq]
            origin, origin_seq, target, _ = relay
            ctx.addr(origin).do_send(Ack(ctx.name, origin_seq, target, self.piggyback(origin)))
            return
        probe = self.probe
        if probe is not None and probe.seq == msg.seq and probe.target == msg.target:
            probe.acked = True
            ctx.cancel(probe.timer)

    # -- membership and dissemination -------------------------------------------------

    def learn_all(self, ctx: Context, updates: tuple[Update, ...]) -> None:
        """Apply every piggybacked update, in the order it was carried."""
        for update in updates:
            self.learn(ctx, update)

    def learn(self, ctx: Context, update: Update) -> None:
        """Apply one update by the override rules; pass it on only if it changed something."""
        member, incarnation = update.member, update.incarnation
        if member == ctx.name:
            self.refute(ctx, update)
            return
        if member not in self.members:
            return  # not a member of this group
        status = self.status_of(member)
        if status == DEAD:
            return  # dead is final
        known = self.incarnations.get(member, 0)
        if isinstance(update, Confirm):
            self.set_status(ctx, member, DEAD, max(known, incarnation))
        elif isinstance(update, Suspect):
            if not (incarnation > known or (status == ALIVE and incarnation == known)):
                return
            self.set_status(ctx, member, SUSPECT, incarnation)
            self.start_suspicion_timer(ctx, member, incarnation)
        else:
            if not incarnation > known:
                return
            self.set_status(ctx, member, ALIVE, incarnation)
        self.gossip(update)
        self.publish(ctx)

    def refute(self, ctx: Context, update: Update) -> None:
        """Suspected at our current incarnation (or later): raise it and spread ``Alive``.

        A ``Confirm`` about this member cannot be refuted: the others have removed
        it, and it would have to rejoin under a new identity (no joins here).
        """
        if isinstance(update, Suspect) and update.incarnation >= self.incarnation:
            self.incarnation = update.incarnation + 1
            self.gossip(Alive(ctx.name, self.incarnation))
            self.publish(ctx)

    def set_status(self, ctx: Context, member: str, status: str, incarnation: int) -> None:
        """Record ``member``'s new status; leaving *suspect* cancels its suspicion timer."""
        self.status[member] = status
        self.incarnations[member] = incarnation
        if status != SUSPECT:
            ctx.cancel(self.suspicion_timers.pop(member, None))

    def start_suspicion_timer(self, ctx: Context, member: str, incarnation: int) -> None:
        """Declare ``member`` dead unless it refutes within the suspicion timeout."""
        ctx.cancel(self.suspicion_timers.get(member))

        def suspicion_timed_out(ctx: Context) -> None:
            self.suspicion_timers.pop(member, None)
            if self.status_of(member) == SUSPECT and self.incarnations[member] == incarnation:
                self.learn(ctx, Confirm(member, incarnation))

        self.suspicion_timers[member] = ctx.run_later(
            self.config.suspicion_timeout, suspicion_timed_out
        )

    def gossip(self, update: Update) -> None:
        """Put ``update`` in the buffer, replacing any older news about the same member."""
        self.buffered += 1
        self.buffer[update.member] = _Gossip(update, self.buffered)

    def piggyback(self, recipient: str) -> tuple[Update, ...]:
        """The updates to carry on a message to ``recipient``: least-sent first, bounded.

        Each one counts as sent once more, and leaves the buffer after it was sent
        ``ceil(lambda * ln n)`` times. A suspected recipient always hears of it.
        """
        accused = self.status_of(recipient) == SUSPECT
        room = self.config.max_piggyback - (1 if accused else 0)
        chosen = sorted(self.buffer.values(), key=lambda g: (g.sent, g.order))[:room]
        updates = [g.update for g in chosen]
        for gossip in chosen:
            gossip.sent += 1
            if gossip.sent >= self.max_sends:
                del self.buffer[gossip.update.member]
        if accused and all(u.member != recipient for u in updates):
            updates.append(Suspect(recipient, self.incarnations[recipient]))
        return tuple(updates)

    def status_of(self, member: str) -> str:
        """What this member believes of ``member``: alive, suspect or dead."""
        return self.status.get(member, ALIVE)

    def others(self, ctx: Context) -> Sequence[str]:
        """Every other member of the group, in the group's order."""
        return self.members.peers(ctx.name)

    def publish(self, ctx: Context) -> None:
        """Annotate this member's view, if it changed since it was last published."""
        suspects = tuple(sorted(m for m, s in self.status.items() if s != ALIVE))
        dead = tuple(sorted(m for m, s in self.status.items() if s == DEAD))
        view = (suspects, dead, self.incarnation)
        if view != self.published:
            self.published = view
            ctx.annotate(role=MEMBER, suspects=suspects, dead=dead, incarnation=self.incarnation)


def spawn_cluster(
    sim: Sim,
    nodes: int | Sequence[str] = 5,
    *,
    protocol_period: float = PROTOCOL_PERIOD,
    ping_timeout: float = PING_TIMEOUT,
    indirect_probes: int = INDIRECT_PROBES,
    suspicion_timeout: float = SUSPICION_TIMEOUT,
    dissemination_factor: float = DISSEMINATION_FACTOR,
    max_piggyback: int = MAX_PIGGYBACK,
) -> list[str]:
    """Spawn a SWIM group and return its member names.

    Args:
        sim: the world to spawn into.
        nodes: a count (names ``n1``...) or a list of names.
        protocol_period: T', seconds.
        ping_timeout: seconds to wait for a direct ack.
        indirect_probes: k, helpers asked when the direct ping fails.
        suspicion_timeout: seconds from suspicion to confirmation.
        dissemination_factor: lambda in ``ceil(lambda * ln n)`` piggybacks per update.
        max_piggyback: most updates a message carries.

    Raises:
        InvalidArgument: bad names or settings.
    """
    names = node_names(nodes)
    config = SwimConfig(
        protocol_period,
        ping_timeout,
        indirect_probes,
        suspicion_timeout,
        dissemination_factor,
        max_piggyback,
    )
    check_cluster_fits("swim", len(names), FOOTPRINT, pairs=len(names) * (len(names) - 1))
    members = Membership(names)
    for name in names:
        sim.spawn(name, lambda: SwimMember(members, config))
    return names
