"""A worked answer to lesson 01's exercise (:mod:`distsys_edu.exercises.ping_pong`)."""

from __future__ import annotations

from ...runtime import Actor, Context, Timer
from ..ping_pong import PINGS, PONGER, RETRY_INTERVAL, Ping, Pong


class Pinger(Actor):
    """Gets PINGS different pongs from the node "ponger", however many messages are lost.

    One Ping at a time: send it, and resend it every RETRY_INTERVAL seconds until its
    Pong arrives; then count it (once) and move on to the next.
    """

    def __init__(self) -> None:
        self.seq = 0  # the Ping being sent now
        self.received: set[int] = set()
        self.retry: Timer | None = None

    def started(self, ctx: Context) -> None:
        self.send_next(ctx)

    def send_next(self, ctx: Context) -> None:
        self.seq += 1
        self.send_ping(ctx)
        self.retry = ctx.run_interval(RETRY_INTERVAL, self.send_ping)

    def send_ping(self, ctx: Context) -> None:
        ctx.addr(PONGER).do_send(Ping(self.seq, ctx.name))

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        if msg.seq in self.received:
            return  # answered twice (a retry, or a duplicate): already counted
        self.received.add(msg.seq)
        ctx.annotate(pongs=len(self.received))
        if msg.seq == self.seq:
            ctx.cancel(self.retry)
            if self.seq < PINGS:
                self.send_next(ctx)
