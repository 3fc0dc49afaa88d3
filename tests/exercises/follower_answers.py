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
