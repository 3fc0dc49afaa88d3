"""Shared helpers for the runtime tests: tiny messages, tiny actors, trace replays.

Everything here is written against the public API of ``distsys_edu.runtime`` only,
so the tests check what the runtime promises, not how it keeps it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from distsys_edu.runtime import (
    Actor,
    Context,
    Event,
    LinkConfig,
    Sim,
    Uniform,
)

# --------------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Ping:
    """A numbered message; ``Echo`` answers a ``Ping`` request with ``n + 1``."""

    n: int = 0


@dataclass(frozen=True)
class Pong:
    n: int = 0


@dataclass(frozen=True)
class Gossip:
    """A message with a set of names and an address in it, to exercise trace encoding."""

    origin: Any
    seen: frozenset[str] = frozenset()
    hops: int = 0


@dataclass(frozen=True)
class Boom:
    """A message whose handler raises (see :class:`Fragile`)."""

    why: str = "boom"


@dataclass(frozen=True)
class Stop:
    """Asks the receiver to stop itself with ``ctx.stop()``."""


@dataclass(frozen=True)
class HTTPRequest:
    """A name with an acronym, for ``handler_name``."""


@dataclass
class MutableMsg:
    """A dataclass that is not frozen: not a valid message."""

    x: int = 0


class PlainMsg:
    """A plain object: not a valid message."""

    def __repr__(self) -> str:
        return "PlainMsg()"


# --------------------------------------------------------------------------- actors


class Recorder(Actor):
    """Records every hook and every message it gets, with the time, in ``log``.

    ``Ping`` requests are answered with ``n + 1``; ``Stop`` stops it; ``Boom`` raises.
    """

    def __init__(self) -> None:
        self.log: list[tuple[float, str, Any]] = []
        self.received: list[Any] = []

    def started(self, ctx: Context) -> None:
        self.log.append((ctx.now, "started", ctx.incarnation))

    def stopped(self, ctx: Context) -> None:
        self.log.append((ctx.now, "stopped", None))

    def restarting(self, ctx: Context) -> None:
        self.log.append((ctx.now, "restarting", None))

    def on_ping(self, msg: Ping, ctx: Context) -> int:
        self.received.append(msg)
        self.log.append((ctx.now, "ping", msg.n))
        return msg.n + 1

    def on_stop(self, msg: Stop, ctx: Context) -> None:
        ctx.stop()

    def on_boom(self, msg: Boom, ctx: Context) -> None:
        raise RuntimeError(msg.why)

    def on_message(self, msg: Any, ctx: Context) -> None:
        self.received.append(msg)
        self.log.append((ctx.now, "other", msg))


class Silent(Actor):
    """Has no handlers at all: every message is an ``UnhandledMessage`` failure."""


class Ticker(Actor):
    """Starts one interval timer in ``started`` and records each firing's time."""

    def __init__(self, every: float = 1.0, delay: float | None = None) -> None:
        self.every = every
        self.delay = delay  # set the interval timer this long after starting
        self.fires: list[float] = []
        self.set_at: float | None = None
        self.timer: Any = None

    def started(self, ctx: Context) -> None:
        if self.delay is None:
            self._arm(ctx)
        else:
            ctx.run_later(self.delay, self._arm)

    def _arm(self, ctx: Context) -> None:
        self.set_at = ctx.now
        self.timer = ctx.run_interval(self.every, self.tick)

    def tick(self, ctx: Context) -> None:
        self.fires.append(ctx.now)


class Chatter(Actor):
    """A small gossiping node for whole-system tests.

    Every ``every`` seconds it sends a ``Gossip`` to a peer chosen with ``ctx.rng`` and
    a ``Ping`` to itself; it forwards gossip it has not seen, publishes annotations,
    keeps a counter in ``ctx.storage`` and, now and then, makes a request.
    """

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.heard = 0

    def started(self, ctx: Context) -> None:
        ctx.storage["boots"] = ctx.storage.get("boots", 0) + 1
        ctx.annotate(role="chatter", boots=ctx.storage["boots"])
        ctx.run_interval(self.every, self.tick)

    def tick(self, ctx: Context) -> None:
        peers = ctx.peers()
        if not peers:
            return
        target = peers[ctx.rng.randrange(len(peers))]
        ctx.addr(target).do_send(Gossip(ctx.address, frozenset({ctx.name}), 0))
        ctx.address.do_send(Ping(self.heard))
        if ctx.rng.random() < 0.3:
            ctx.addr(target).send(Ping(self.heard), timeout=self.every * 2, on_reply=self.answered)

    def answered(self, value: int, ctx: Context) -> None:
        ctx.annotate(last_answer=value)

    def on_gossip(self, msg: Gossip, ctx: Context) -> None:
        self.heard += 1
        ctx.annotate(heard=self.heard, last=msg.seen and sorted(msg.seen)[0])
        if msg.hops < 2 and ctx.name not in msg.seen:
            peers = [p for p in ctx.peers() if p not in msg.seen]
            if peers:
                nxt = peers[ctx.rng.randrange(len(peers))]
                ctx.addr(nxt).do_send(Gossip(msg.origin, msg.seen | {ctx.name}, msg.hops + 1))

    def on_ping(self, msg: Ping, ctx: Context) -> int:
        return msg.n + 1


def names(n: int) -> list[str]:
    return [f"n{i}" for i in range(n)]


def spawn_all(sim: Sim, count: int, factory: Callable[[], Actor] = Chatter, **kw: Any) -> list[str]:
    """Spawn ``count`` nodes named n0, n1, ... and return their names."""
    for name in names(count):
        sim.spawn(name, factory, **kw)
    return names(count)


# --------------------------------------------------------------------------- a scenario


def scenario(seed: int, *, trace: str = "full", until: float = 6.0) -> Sim:
    """A busy, faulty, random run used by the determinism tests."""
    sim = Sim(
        seed,
        trace=trace,
        network=LinkConfig(latency=Uniform(0.001, 0.05), loss=0.1, duplication=0.05),
        faults=[
            "1 partition n0,n1|n2,n3,n4",
            "1.5 pause n3 0.4",
            "2 crash n2",
            "2.5 heal",
            "3 restart n2",
            "3.2 hold n0 n4",
            "4 release",
            "4.5 one_way n4|n0",
            "5 heal",
        ],
    )
    spawn_all(sim, 5)
    sim.run(until=until)
    return sim


# --------------------------------------------------------------------------- trace replays


def new_events(sim: Sim, start: int) -> list[Event]:
    """The trace's events from index ``start`` on."""
    trace = sim.trace
    return [trace[i] for i in range(start, len(trace))]


@dataclass
class Ledger:
    """Follows a full trace event by event and checks the message accounting rule.

    Every id that is sent (or duplicated) must end in at most one ``deliver`` or
    ``drop``; nothing may end that was never sent.
    """

    open: dict[int, Event] = field(default_factory=dict)
    ended: set[int] = field(default_factory=set)
    sent: int = 0
    delivered: int = 0
    dropped: int = 0
    position: int = 0

    def feed(self, events: Iterable[Event]) -> None:
        for e in events:
            if e.kind in ("send", "duplicate"):
                assert e.msg_id not in self.open and e.msg_id not in self.ended, e
                self.open[e.msg_id] = e
                self.sent += 1
            elif e.kind in ("deliver", "drop"):
                assert e.msg_id in self.open, f"{e} ends a message that is not in flight"
                del self.open[e.msg_id]
                self.ended.add(e.msg_id)
                if e.kind == "deliver":
                    self.delivered += 1
                else:
                    self.dropped += 1

    def catch_up(self, sim: Sim) -> None:
        self.feed(new_events(sim, self.position))
        self.position = len(sim.trace)


@dataclass
class WorldReplay:
    """Node statuses and cut links, replayed from a trace one event at a time.

    Written independently of ``snapshot.py`` so the two can check each other.
    """

    status: dict[str, str] = field(default_factory=dict)
    blocked: set[tuple[str, str]] = field(default_factory=set)
    held: set[tuple[str, str]] = field(default_factory=set)

    AFTER = {
        "spawn": "up",
        "restart": "up",
        "resume": "up",
        "crash": "down",
        "pause": "paused",
        "stop": "stopped",
    }

    def apply(self, e: Event) -> None:
        if e.kind in self.AFTER and e.node is not None:
            self.status[e.node] = self.AFTER[e.kind]
        elif e.kind == "partition":
            a, b = e.data["a"], e.data["b"]
            self.blocked |= {(x, y) for x in a for y in b}
            if not e.data["one_way"]:
                self.blocked |= {(y, x) for x in a for y in b}
        elif e.kind == "heal":
            self.blocked.clear()
        elif e.kind == "hold":
            self.held.add((e.node, e.peer))
        elif e.kind == "release":
            self.held -= {tuple(link) for link in e.data["links"]}


def message_fields(msg: Any) -> dict[str, Any]:
    """A message's exported fields as a dict (live dataclass or imported record).

    Fields whose ``repr`` is off are derived and are not exported to the trace.
    """
    if dataclasses.is_dataclass(msg):
        return {f.name: getattr(msg, f.name) for f in dataclasses.fields(msg) if f.repr}
    return dict(msg.fields)


# --------------------------------------------------------------------------- fault strategies


def fault_strategy(nodes: list[str], horizon: float) -> Any:
    """A hypothesis strategy for one valid :class:`Fault` among ``nodes`` before ``horizon``.

    Every kind of fault the runtime knows: crashes, restarts, pauses, partitions (both
    ways and one way), heals, holds, releases, loss, duplication and latency changes
    (constant, uniform and long-tailed, with and without a cap).
    """
    from hypothesis import strategies as st

    from distsys_edu.runtime import Constant, Fault, LogNormal

    at = st.floats(0, horizon)
    node = st.sampled_from(nodes)
    pair = st.permutations(nodes).map(lambda p: (p[0], p[1]))
    groups = (
        st.lists(st.sampled_from("ab-"), min_size=len(nodes), max_size=len(nodes))
        .filter(lambda g: "a" in g and "b" in g)
        .map(
            lambda g: (
                tuple(n for n, side in zip(nodes, g, strict=True) if side == "a"),
                tuple(n for n, side in zip(nodes, g, strict=True) if side == "b"),
            )
        )
    )
    prob = st.floats(0, 1)
    latency = st.one_of(
        st.floats(0, 0.5).map(Constant),
        st.tuples(st.floats(0, 0.2), st.floats(0, 0.3)).map(lambda lh: Uniform(*sorted(lh))),
        st.builds(LogNormal, st.floats(0.001, 0.1), st.floats(0, 1)),
        st.builds(
            lambda median, sigma, cap: LogNormal(median, sigma, median * cap),
            st.floats(0.001, 0.1),
            st.floats(0, 1),
            st.floats(1, 10),
        ),
    )
    return st.one_of(
        st.builds(lambda t, n: Fault(t, "crash", (n,)), at, node),
        st.builds(lambda t, n: Fault(t, "restart", (n,)), at, node),
        st.builds(lambda t, n, d: Fault(t, "pause", (n, d)), at, node, st.floats(0.01, 2)),
        st.builds(lambda t, g: Fault(t, "partition", (g,)), at, groups),
        st.builds(lambda t, g: Fault(t, "one_way", (g,)), at, groups),
        st.builds(lambda t: Fault(t, "heal"), at),
        st.builds(lambda t, p: Fault(t, "hold", p), at, pair),
        st.builds(lambda t: Fault(t, "release"), at),
        st.builds(lambda t, p: Fault(t, "release", p), at, pair),
        st.builds(lambda t, p: Fault(t, "loss", (p,)), at, prob.map(lambda p: p / 2)),
        st.builds(lambda t, p, link: Fault(t, "loss", (p, *link)), at, prob, pair),
        st.builds(lambda t, p: Fault(t, "duplication", (p / 3,)), at, prob),
        st.builds(lambda t, lat: Fault(t, "latency", (lat,)), at, latency),
    )


def schedule_strategy(nodes: list[str], horizon: float, max_size: int = 15) -> Any:
    """A hypothesis strategy for a list of valid faults (not sorted)."""
    from hypothesis import strategies as st

    return st.lists(fault_strategy(nodes, horizon), max_size=max_size)


# --------------------------------------------------------------------------- fault history


def assert_history_replays(world: Callable[[Any], Sim], sim: Sim) -> None:
    """A fresh ``world`` fed ``sim.fault_history`` and run as far gives the same trace."""
    replay = world(sim.fault_history)
    replay.run(until=sim.now)
    assert [e.kind for e in replay.trace] == [e.kind for e in sim.trace]
    assert replay.trace.digest() == sim.trace.digest()


class Noter(Actor):
    """Publishes ``up=True`` when it starts."""

    def started(self, ctx: Context) -> None:
        ctx.annotate(up=True)


def noter_world(faults: Any = None) -> Sim:
    """Two Noters, ``a`` and ``b``, seed 0, not run yet."""
    sim = Sim(0, faults=faults)
    sim.spawn("a", Noter)
    sim.spawn("b", Noter)
    return sim
