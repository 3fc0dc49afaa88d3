"""Plausible but wrong Pingers, each with one mistake a learner makes (lesson 01)."""

from __future__ import annotations

from distsys_edu import Actor, Context
from distsys_edu.exercises.ping_pong import PINGS, PONGER, RETRY_INTERVAL, Ping, Pong
from distsys_edu.exercises.solutions.ping_pong import Pinger


class NoRetry(Actor):
    """Sends each Ping once and waits for its Pong: stuck at the first loss."""

    def __init__(self) -> None:
        self.seq = 1
        self.received: set[int] = set()

    def started(self, ctx: Context) -> None:
        ctx.addr(PONGER).do_send(Ping(self.seq, ctx.name))

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        if msg.seq in self.received:
            return
        self.received.add(msg.seq)
        ctx.annotate(pongs=len(self.received))
        if self.seq < PINGS:
            self.seq += 1
            ctx.addr(PONGER).do_send(Ping(self.seq, ctx.name))


class CountsEveryPong(Pinger):
    """Retries, but counts a Pong each time one arrives, duplicates included."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        self.count += 1
        ctx.annotate(pongs=self.count)
        if msg.seq == self.seq:
            ctx.cancel(self.retry)
            if self.seq < PINGS:
                self.send_next(ctx)


class NeverCancels(Pinger):
    """Counts right, but the retry timer of each Ping is never cancelled."""

    def send_next(self, ctx: Context) -> None:
        self.seq += 1
        self.send_ping(ctx)
        ctx.run_interval(RETRY_INTERVAL, self.send_ping)


class GivesUp(Pinger):
    """Retries a Ping twice at most, then waits for ever."""

    def send_ping(self, ctx: Context) -> None:
        self.tries = getattr(self, "tries", {})
        self.tries[self.seq] = self.tries.get(self.seq, 0) + 1
        if self.tries[self.seq] <= 2:
            super().send_ping(ctx)


class HalfDone(Pinger):
    """Started, but the Pong handler is still the stub."""

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        raise NotImplementedError


class Buggy(Pinger):
    """Raises a KeyError in the Pong handler."""

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        raise KeyError(msg.seq)


class BadInit(Pinger):
    """Its constructor needs an argument the check does not give."""

    def __init__(self, name: str) -> None:
        super().__init__()


class PublishesTheSet(Pinger):
    """Publishes the set of pongs instead of how many."""

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        super().on_pong(msg, ctx)
        ctx.annotate(pongs=tuple(sorted(self.received)))


class NeverPublishes(Pinger):
    """Gets every pong but never publishes the count."""

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        self.received.add(msg.seq)
        if msg.seq == self.seq:
            ctx.cancel(self.retry)
            if self.seq < PINGS:
                self.send_next(ctx)


class Silent(Actor):
    """Sends nothing at all."""

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        pass


# -- one rule left out of the worked answer (issue 15) ----------------------------------


class WrongSender(Pinger):
    """Sends Ping(seq, "ponger"): the Pongs go to the ponger itself."""

    def send_ping(self, ctx: Context) -> None:
        ctx.addr(PONGER).do_send(Ping(self.seq, PONGER))


class OneTooMany(Pinger):
    """Sends Pings 1 to PINGS + 1: one more than asked, after all pongs are in."""

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        if msg.seq in self.received:
            return
        self.received.add(msg.seq)
        ctx.annotate(pongs=min(len(self.received), PINGS))
        if msg.seq == self.seq:
            ctx.cancel(self.retry)
            if self.seq <= PINGS:
                self.send_next(ctx)


class StopsAfterTheFirst(Pinger):
    """Counts the first Pong and never sends the next Ping."""

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        if msg.seq in self.received:
            return
        self.received.add(msg.seq)
        ctx.annotate(pongs=len(self.received))
        ctx.cancel(self.retry)


# -- written from the lesson text alone ---------------------------------------------------


class RetriesOnce(Pinger):
    """Uses ctx.run_later for the retry: it resends each Ping once, not until answered."""

    def send_next(self, ctx: Context) -> None:
        self.seq += 1
        self.send_ping(ctx)
        self.retry = ctx.run_later(RETRY_INTERVAL, self.send_ping)


class CountsByCounter(Pinger):
    """Counts with a counter, skipping a Pong only if it repeats the one just before."""

    def __init__(self) -> None:
        super().__init__()
        self.count, self.previous = 0, 0

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        if msg.seq != self.previous:
            self.count += 1
            self.previous = msg.seq
        ctx.annotate(pongs=self.count)
        if msg.seq == self.seq:
            ctx.cancel(self.retry)
            if self.seq < PINGS:
                self.send_next(ctx)
