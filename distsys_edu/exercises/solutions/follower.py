"""A worked answer to lesson 02's exercise (:mod:`distsys_edu.exercises.follower`)."""

from __future__ import annotations

from ...protocols.blog import Follower, Heartbeat
from ...runtime import Context, Timer

MISSED_HEARTBEATS = 3
"""Suspect the leader after this many heartbeat intervals without one: two late or
lost heartbeats are no reason yet."""


class WatchfulFollower(Follower):
    """A blog follower that suspects its leader once the leader's heartbeats stop.

    A timer of MISSED_HEARTBEATS intervals runs from start; every heartbeat starts it
    afresh. If it ever fires, the leader has been silent that long.
    """

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        self.timeout = MISSED_HEARTBEATS * self.config.heartbeat_interval
        self.silence: Timer = ctx.run_later(self.timeout, self.leader_silent)

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        super().on_heartbeat(msg, ctx)
        ctx.cancel(self.silence)
        self.silence = ctx.run_later(self.timeout, self.leader_silent)

    def leader_silent(self, ctx: Context) -> None:
        self.leader = None  # as the blog's follower does when a send fails
        self.publish(ctx)
