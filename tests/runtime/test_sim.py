"""The Sim's clock and event loop: virtual time, tie order, run/run_for/step/next_time, spawn."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_helpers import Ping, Recorder, Ticker

from distsys_edu.runtime import Actor, Context, InvalidArgument, Sim

# --------------------------------------------------------------------------- virtual time


def test_time_starts_at_zero_and_is_float_seconds() -> None:
    sim = Sim()
    assert sim.now == 0.0 and isinstance(sim.now, float)
    sim.run(until=5)  # an int is accepted and becomes float seconds
    assert sim.now == 5.0 and isinstance(sim.now, float)
    sim.run(until=5.25)
    assert sim.now == 5.25


def test_run_until_runs_events_at_until_and_leaves_now_at_until() -> None:
    sim = Sim()
    sim.spawn("t", lambda: Ticker(every=1.0))
    sim.run(until=3)  # the firing due exactly at 3 runs
    ticker = sim.actor("t")
    assert isinstance(ticker, Ticker)
    assert ticker.fires == [1.0, 2.0, 3.0]
    assert sim.now == 3.0
    sim.run(until=3.999)
    assert ticker.fires == [1.0, 2.0, 3.0]
    assert sim.now == 3.999


def test_run_until_now_runs_what_is_due_now() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.run(until=0)
    actor = sim.actor("a")
    assert isinstance(actor, Recorder)
    assert actor.log == [(0.0, "started", 0)]
    assert sim.now == 0.0


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_run_until_leaves_now_at_until_whatever_is_scheduled(untils: list[float]) -> None:
    sim = Sim()
    sim.spawn("t", lambda: Ticker(every=0.7))
    target = 0.0
    for u in untils:
        target += u
        sim.run(until=target)
        assert sim.now == target
        nxt = sim.next_time()
        assert nxt is not None and nxt > target


def test_run_for_adds_to_now() -> None:
    sim = Sim()
    sim.spawn("t", lambda: Ticker(every=0.5))
    sim.run_for(1.25)
    assert sim.now == 1.25
    sim.run_for(1.25)
    assert sim.now == 2.5
    ticker = sim.actor("t")
    assert isinstance(ticker, Ticker)
    assert ticker.fires == [0.5, 1.0, 1.5, 2.0, 2.5]


def test_run_without_until_stops_when_nothing_is_left() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.addr("a").do_send(Ping(1))
    sim.run()
    assert sim.next_time() is None
    assert sim.now == pytest.approx(0.001)  # the last event: the delivery
    assert sim.delivered == 1


def test_step_runs_exactly_one_event_and_next_time_predicts_it() -> None:
    sim = Sim()
    assert sim.next_time() is None
    assert sim.step() is False
    assert sim.now == 0.0
    sim.spawn("t", lambda: Ticker(every=2.0))
    assert sim.next_time() == 0.0  # started, due now
    assert sim.step() is True
    ticker = sim.actor("t")
    assert isinstance(ticker, Ticker)
    assert ticker.set_at == 0.0 and ticker.fires == []
    assert sim.next_time() == 2.0
    assert sim.step() is True
    assert sim.now == 2.0 and ticker.fires == [2.0]
    assert sim.next_time() == 4.0


def test_step_and_run_agree() -> None:
    a, b = Sim(seed=4), Sim(seed=4)
    for sim in (a, b):
        sim.spawn("x", lambda: Ticker(every=0.3))
        sim.spawn("y", Recorder)
        sim.addr("y").do_send(Ping(5))
    a.run(until=3)
    while (t := b.next_time()) is not None and t <= 3:
        b.step()
    assert a.trace.digest() == b.trace.digest()


# --------------------------------------------------------------------------- tie order


class LaterSetter(Actor):
    """Sets one ``run_later`` per delay, in list order, and records the order they fire."""

    def __init__(self, delays: list[float]) -> None:
        self.delays = delays
        self.fired: list[int] = []

    def started(self, ctx: Context) -> None:
        for i, delay in enumerate(self.delays):
            ctx.run_later(delay, self._make(i))

    def _make(self, i: int):  # type: ignore[no-untyped-def]
        def fire(ctx: Context) -> None:
            self.fired.append(i)

        return fire


@given(st.lists(st.sampled_from([0.0, 0.5, 1.0, 1 / 3, 2.0]), min_size=1, max_size=40))
@settings(max_examples=80, deadline=None)
def test_same_time_events_run_first_scheduled_first(delays: list[float]) -> None:
    sim = Sim()
    sim.spawn("a", lambda: LaterSetter(delays))
    sim.run()
    actor = sim.actor("a")
    assert isinstance(actor, LaterSetter)
    expected = sorted(range(len(delays)), key=lambda i: delays[i])  # stable: ties keep order
    assert actor.fired == expected


def test_same_time_messages_are_handled_in_send_order() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    for i in range(50):
        sim.addr("a").do_send(Ping(i))
    sim.run()
    actor = sim.actor("a")
    assert isinstance(actor, Recorder)
    assert [m.n for m in actor.received] == list(range(50))
    assert {t for t, kind, _ in actor.log if kind == "ping"} == {0.001}


# --------------------------------------------------------------------------- spawn


def test_spawn_runs_started_at_current_time_after_the_callers_code() -> None:
    order: list[str] = []

    class Child(Actor):
        def started(self, ctx: Context) -> None:
            order.append(f"child started at {ctx.now}")

    class Parent(Actor):
        def on_ping(self, msg: Ping, ctx: Context) -> None:
            order.append("before spawn")
            sim.spawn("child", Child)
            order.append("after spawn")

    sim = Sim()
    sim.spawn("parent", Parent)
    assert order == []  # nothing runs inside spawn
    sim.run(until=2)
    sim.addr("parent").do_send(Ping())
    sim.run(until=3)
    assert order == ["before spawn", "after spawn", "child started at 2.001"]
    assert sim.nodes == ["parent", "child"]


def test_every_node_exists_when_the_first_starts() -> None:
    seen: list[list[str]] = []

    class Looker(Actor):
        def started(self, ctx: Context) -> None:
            seen.append(ctx.peers())

    sim = Sim()
    for name in ("a", "b", "c"):
        sim.spawn(name, Looker)
    sim.run(until=0)
    assert seen == [["b", "c"], ["a", "c"], ["a", "b"]]


def test_spawn_returns_the_nodes_address_and_queries_work() -> None:
    sim = Sim(seed=9)
    addr = sim.spawn("a", Recorder)
    assert addr == sim.addr("a") and addr.name == "a"
    assert sim.status("a") == "up"
    assert isinstance(sim.actor("a"), Recorder)
    assert sim.storage("a") == {}
    assert sim.annotations("a") == {}
    assert repr(sim) == "<Sim seed=9 now=0 nodes=[a:up]>"


def test_run_cannot_nest() -> None:
    errors: list[Exception] = []

    class Nester(Actor):
        def on_ping(self, msg: Ping, ctx: Context) -> None:
            try:
                sim.run(until=10)
            except InvalidArgument as exc:
                errors.append(exc)

    sim = Sim()
    sim.spawn("a", Nester)
    sim.addr("a").do_send(Ping())
    sim.run(until=1)
    assert len(errors) == 1 and "nest" in str(errors[0])
    assert sim.now == 1.0
    sim.run(until=2)  # and the Sim still runs
    assert sim.now == 2.0
