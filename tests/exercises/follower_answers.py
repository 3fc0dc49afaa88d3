"""Plausible but wrong followers, each with one mistake a learner makes (lesson 02)."""

from __future__ import annotations

from distsys_edu import Context
from distsys_edu.exercises.solutions.follower import WatchfulFollower
from distsys_edu.protocols.blog import Follower, Heartbeat


class BlogFollower(Follower):
    """The blog's own follower: it relies on try_send alone."""


class ShortTimeout(WatchfulFollower):
    """Suspects after half a heartbeat interval of silence."""

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.cancel(self.silence)
        self.timeout = 0.5 * self.config.heartbeat_interval
        self.silence = ctx.run_later(self.timeout, self.leader_silent)


class TightTimeout(WatchfulFollower):
    """Suspects after 1.1 heartbeat intervals: fine on a steady network only."""

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.cancel(self.silence)
        self.timeout = 1.1 * self.config.heartbeat_interval
        self.silence = ctx.run_later(self.timeout, self.leader_silent)


class NeverResets(WatchfulFollower):
    """Starts the timer once and never restarts it on a heartbeat."""

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        Follower.on_heartbeat(self, msg, ctx)


class SlowToNotice(WatchfulFollower):
    """Waits ten heartbeat intervals: never wrong, but far too slow."""

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.cancel(self.silence)
        self.timeout = 10 * self.config.heartbeat_interval
        self.silence = ctx.run_later(self.timeout, self.leader_silent)


class SmallMargin(WatchfulFollower):
    """Suspects after 1.3 heartbeat intervals: too little margin for a jittery network."""

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.cancel(self.silence)
        self.timeout = 1.3 * self.config.heartbeat_interval
        self.silence = ctx.run_later(self.timeout, self.leader_silent)


# -- one rule left out of the worked answer (issue 15) ----------------------------------


class ForgetsPublish(WatchfulFollower):
    """Forgets the leader when the timer fires, but never publishes it."""

    def leader_silent(self, ctx: Context) -> None:
        self.leader = None


class KeepsTheLeader(WatchfulFollower):
    """Publishes when the timer fires, but leaves self.leader set."""

    def leader_silent(self, ctx: Context) -> None:
        self.publish(ctx)


class NeverRegisters(WatchfulFollower):
    """Leaves out super().started(ctx): it never registers with the leader."""

    def started(self, ctx: Context) -> None:
        self.leader = ctx.addr(self.leader_name)
        self.timeout = 3 * self.config.heartbeat_interval
        self.silence = ctx.run_later(self.timeout, self.leader_silent)


# -- written from the lesson text alone ---------------------------------------------------


class PublishesFirst(WatchfulFollower):
    """Publishes, then forgets the leader: the published view still names it."""

    def leader_silent(self, ctx: Context) -> None:
        self.publish(ctx)
        self.leader = None


class NeverCancels(WatchfulFollower):
    """Starts a new timer on each heartbeat but never cancels the old one."""

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        Follower.on_heartbeat(self, msg, ctx)
        self.silence = ctx.run_later(self.timeout, self.leader_silent)


class PollsTheClock(Follower):
    """Checks every interval whether the last heartbeat is older than one interval."""

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.run_interval(self.config.heartbeat_interval, self.check)

    def check(self, ctx: Context) -> None:
        last = self.last_heartbeat or 0.0
        if self.leader is not None and ctx.now - last > self.config.heartbeat_interval:
            self.leader = None
            self.publish(ctx)
