"""Plausible but wrong Standbys, each with one mistake a learner makes (lesson 02)."""

from __future__ import annotations

from distsys_edu.exercises.solutions.failover import Standby
from distsys_edu.protocols.blog import Heartbeat
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
