"""Plausible but wrong Standbys, each with one mistake a learner makes (lesson 02)."""

from __future__ import annotations

from distsys_edu.exercises.solutions.failover import Standby
from distsys_edu.protocols.blog import Follower, Heartbeat
from distsys_edu.runtime import Context, SendError


class OnlySuspects(Standby):
    """Notices the silence, forgets the leader, but never leads (the first exercise's answer)."""

    def take_over(self, ctx: Context) -> None:
        self.leader = None
        self.publish(ctx)


class TriggerHappy(Standby):
    """Takes over after one heartbeat interval of silence: a late heartbeat is enough."""

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.cancel(self.silence)
        self.timeout = 1.1 * self.config.heartbeat_interval
        self.silence = ctx.run_later(self.timeout, self.take_over)


class AnnouncesOnce(Standby):
    """Takes over and sends one heartbeat to the others, then nothing."""

    def take_over(self, ctx: Context) -> None:
        self.leader, self.leading = None, True
        self.publish(ctx)
        self.lead(ctx)


class WaitsForFailedSend(Standby):
    """Takes over only when try_send to the leader fails, the blog's way."""

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.cancel(self.silence)

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        self.last_heartbeat = ctx.now

    def tick(self, ctx: Context) -> None:
        if self.leader is None:
            return
        try:
            self.leader.try_send(Heartbeat(ctx.name))
        except SendError:
            self.take_over(ctx)


class SlowToTakeOver(Standby):
    """Waits ten heartbeat intervals: too slow."""

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.cancel(self.silence)
        self.timeout = 10 * self.config.heartbeat_interval
        self.silence = ctx.run_later(self.timeout, self.take_over)


class LeadsSilently(Standby):
    """Publishes itself as leader but sends no heartbeats."""

    def lead(self, ctx: Context) -> None:
        pass


class HeartbeatsInTheLeadersName(Standby):
    """Heartbeats the others, but in the old leader's name."""

    def lead(self, ctx: Context) -> None:
        for name in self.others:
            ctx.addr(name).do_send(Heartbeat(self.leader_name))


# -- one rule left out of the worked answer (issue 15) ----------------------------------


class CallsTheBlogsPublish(Standby):
    """Announces itself leader, then calls the blog's publish(), which says 'follower'."""

    def take_over(self, ctx: Context) -> None:
        self.leader, self.leading = None, True
        ctx.annotate(role="leader", leader=ctx.name)
        self.lead(ctx)
        ctx.run_interval(self.config.heartbeat_interval, self.lead)
        Follower.publish(self, ctx)


class NeverRestartsTheTimer(Standby):
    """Starts the silence timer once; a heartbeat does not start it afresh."""

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        Follower.on_heartbeat(self, msg, ctx)


class KeepsFollowing(Standby):
    """Takes over but never stops following: it goes on heartbeating the old leader."""

    def take_over(self, ctx: Context) -> None:
        self.leading = True
        self.publish(ctx)
        self.lead(ctx)
        ctx.run_interval(self.config.heartbeat_interval, self.lead)


class LeaderWithoutAName(Standby):
    """Publishes role='leader' but not leader=its own name."""

    def publish(self, ctx: Context) -> None:
        if self.leading:
            ctx.annotate(role="leader", leader=None)
        else:
            super().publish(ctx)


class NeverPublishesItself(Standby):
    """Leads (stops following, heartbeats n3) but never publishes role='leader'."""

    def take_over(self, ctx: Context) -> None:
        self.leader, self.leading = None, True
        self.lead(ctx)
        ctx.run_interval(self.config.heartbeat_interval, self.lead)


class NeverRegisters(Standby):
    """Leaves out super().started(ctx): it never registers with the leader."""

    def started(self, ctx: Context) -> None:
        self.leader = ctx.addr(self.leader_name)
        self.timeout = 3 * self.config.heartbeat_interval
        self.silence = ctx.run_later(self.timeout, self.take_over)


# -- written from the lesson text alone ---------------------------------------------------


class TimerFromStartOnly(Follower):
    """A student's Standby: notes the last heartbeat but checks it only once, at t=3."""

    def __init__(self, leader: str, config, others) -> None:
        super().__init__(leader, config)
        self.others = tuple(others)

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.run_later(3.0, self.check)

    def check(self, ctx: Context) -> None:
        if self.last_heartbeat is None or ctx.now - self.last_heartbeat > 2.0:
            self.take_over(ctx)

    def take_over(self, ctx: Context) -> None:
        self.leader = None
        ctx.annotate(role="leader", leader=ctx.name)
        ctx.run_interval(self.config.heartbeat_interval, self.beat)

    def beat(self, ctx: Context) -> None:
        for name in self.others:
            ctx.addr(name).do_send(Heartbeat(ctx.name))


class HeartbeatsOnlyTheOldLeader(Standby):
    """A student's Standby: after taking over it heartbeats n1, not the other followers."""

    def lead(self, ctx: Context) -> None:
        ctx.addr(self.leader_name).do_send(Heartbeat(ctx.name))


class NeverCancels(Standby):
    """A student's Standby: each heartbeat starts a new timer, the old ones still run."""

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        Follower.on_heartbeat(self, msg, ctx)
        if not self.leading:
            self.silence = ctx.run_later(self.timeout, self.take_over)
