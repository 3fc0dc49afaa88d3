"""One SWIM member: its failure detector (probe, indirect probe, suspect, confirm) and
its membership list, spread by piggybacking."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from ...runtime import Actor, Context, Timer
from ..cluster import Membership
from .config import ALIVE, DEAD, MEMBER, RANDOM, SUSPECT, SwimConfig
from .messages import Ack, Alive, Confirm, Ping, PingReq, Suspect, Update


class _ProbeOrder:
    """Positions ``0 .. size - 1`` of a list, each pass over them in a new random order.

    A pass is the walk ``(start + k * stride) mod size`` for ``k = 0 .. size - 1``,
    with ``start`` and ``stride`` drawn at random when the pass begins and ``stride``
    coprime with ``size``: such a walk visits every position exactly once. It costs
    three numbers, where a shuffled copy of the list would cost ``size``: ``size``
    pointers a member, ``n (n - 1)`` in a group (800 MB at 10,000 members). The
    orders it draws are not all ``size!`` orders of a shuffle, but what the protocol
    needs of them holds: each pass pings every member once, and where a given
    member falls in a pass is uniform.
    """

    __slots__ = ("size", "start", "step", "stride")

    def __init__(self, size: int) -> None:
        self.size = size
        self.start = self.stride = 0
        self.step = size  # the first call begins a pass

    def next(self, rng: random.Random) -> int:
        """The next position: the pass's next, or the first of a new pass."""
        if self.step >= self.size:
            self.start = rng.randrange(self.size)
            while True:
                self.stride = rng.randrange(1, self.size + 1)
                if math.gcd(self.stride, self.size) == 1:
                    break
            self.step = 0
        position = (self.start + self.step * self.stride) % self.size
        self.step += 1
        return position


class _Probe:
    """This member's probe of the current period."""

    __slots__ = ("acked", "seq", "target")

    def __init__(self, target: str, seq: int) -> None:
        self.target = target
        self.seq = seq
        self.acked = False


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
            :class:`~..cluster.Membership`, or a sequence of names).
        config: timing and dissemination settings.
    """

    def __init__(
        self, members: Membership | Sequence[str], config: SwimConfig | None = None
    ) -> None:
        self.members = Membership.of(members)
        self.config = config or SwimConfig()
        self.max_sends = self.config.transmissions(len(self.members))
        self.suspicion_timeout = self.config.suspicion_timeout_for(len(self.members))
        self.incarnation = 0
        self.status: dict[str, str] = {}  # ALIVE unless listed
        self.incarnations: dict[str, int] = {}  # 0 unless listed
        self.dead_members = 0
        self.suspicion_timers: dict[str, Timer] = {}
        self.buffer: dict[str, _Gossip] = {}
        self.buffered = 0  # how many updates entered the buffer: their order
        self.probe_order = _ProbeOrder(len(self.members) - 1)
        self.probe: _Probe | None = None
        # The ping timeout of the current probe, cancelled by its ack. Kept here, not
        # on the probe that its callback names: that would be a reference cycle a
        # period, which only the garbage collector frees (a quarter of the CPU time
        # of a 10,000-member run went to collecting them).
        self.ping_timer: Timer | None = None
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

        self.ping_timer = ctx.run_later(self.config.ping_timeout, ping_timed_out)

    def next_target(self, ctx: Context) -> str | None:
        """The member to ping this period, never one held dead (None if all are).

        Round-robin: the next of this pass over the others, in a random order drawn
        for each pass. Random: one of the others, uniformly.
        """
        others = self.others(ctx)
        if self.dead_members == len(others):
            return None
        while True:
            if self.config.ping_targets == RANDOM:
                member = others[ctx.rng.randrange(len(others))]
            else:
                member = others[self.probe_order.next(ctx.rng)]
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
            ctx.cancel(self.ping_timer)

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
        """Suspected: spread ``Alive`` at once, raising the incarnation if need be.

        Suspected at the current incarnation (or later), the member raises it past
        the suspicion's. Suspected at an older one, it keeps its incarnation (only
        a suspicion of the current one raises it, section 4.2) but spreads its
        ``Alive`` afresh: the sender of that suspicion has not heard the refutation,
        which may have run out of piggybacks everywhere; left alone, its suspicion
        would time out and declare a live member dead. (Section 4.2: a member that
        hears it is suspected starts propagating an ``Alive`` message.) A ``Ping``
        to a suspected member carries the suspicion, and the ``Ack`` is built after
        it was learnt, so the ``Ack`` carries the refutation back.

        A ``Confirm`` about this member cannot be refuted: the others have removed
        it, and it would have to rejoin under a new identity (no joins here).
        """
        if not isinstance(update, Suspect):
            return
        if update.incarnation >= self.incarnation:
            self.incarnation = update.incarnation + 1
            self.publish(ctx)
        self.gossip(Alive(ctx.name, self.incarnation))

    def set_status(self, ctx: Context, member: str, status: str, incarnation: int) -> None:
        """Record ``member``'s new status; leaving *suspect* cancels its suspicion timer."""
        self.status[member] = status
        self.incarnations[member] = incarnation
        if status == DEAD:
            self.dead_members += 1  # once: dead is final
        if status != SUSPECT:
            ctx.cancel(self.suspicion_timers.pop(member, None))

    def start_suspicion_timer(self, ctx: Context, member: str, incarnation: int) -> None:
        """Declare ``member`` dead unless it refutes within the suspicion timeout."""
        ctx.cancel(self.suspicion_timers.get(member))

        def suspicion_timed_out(ctx: Context) -> None:
            self.suspicion_timers.pop(member, None)
            if self.status_of(member) == SUSPECT and self.incarnations[member] == incarnation:
                self.learn(ctx, Confirm(member, incarnation))

        self.suspicion_timers[member] = ctx.run_later(self.suspicion_timeout, suspicion_timed_out)

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
