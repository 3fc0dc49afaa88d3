"""A worked answer to lesson 02's second exercise (:mod:`distsys_edu.exercises.failover`)."""

from __future__ import annotations

from collections.abc import Sequence

from ...protocols.blog import BlogConfig, Follower, Heartbeat
from ...runtime import Context, Timer

MISSED_HEARTBEATS = 3
"""Take over after this many heartbeat intervals without one from the leader."""


class Standby(Follower):
    """A blog follower that takes over as leader when the leader's heartbeats stop.

    The silence timer is the first exercise's. When it fires, the Standby stops
    following, publishes itself as leader and heartbeats the other followers every
    interval, as the blog's leader would.
    """

    def __init__(self, leader: str, config: BlogConfig, others: Sequence[str]) -> None:
        super().__init__(leader, config)
        self.others = tuple(others)
        self.leading = False

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        self.timeout = MISSED_HEARTBEATS * self.config.heartbeat_interval
        self.silence: Timer = ctx.run_later(self.timeout, self.take_over)

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        super().on_heartbeat(msg, ctx)
        if not self.leading:
            ctx.cancel(self.silence)
            self.silence = ctx.run_later(self.timeout, self.take_over)

    def take_over(self, ctx: Context) -> None:
        self.leader, self.leading = None, True
        self.publish(ctx)
        self.lead(ctx)
        ctx.run_interval(self.config.heartbeat_interval, self.lead)

    def lead(self, ctx: Context) -> None:
        for name in self.others:
            ctx.addr(name).do_send(Heartbeat(ctx.name))

    def publish(self, ctx: Context) -> None:
        if self.leading:
            ctx.annotate(role="leader", leader=ctx.name, suspects=(self.leader_name,))
        else:
            super().publish(ctx)
