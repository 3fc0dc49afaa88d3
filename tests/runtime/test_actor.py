"""Actors, contexts and timers: handler dispatch, run_later/run_interval/cancel, stop, rng.

A test that takes the ``any_world`` fixture runs twice: in a Sim and in the exercises' Probe
(``runtime_worlds.py``), which hand the actor the same ``Context`` and ``Timer``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_helpers import Boom, HTTPRequest, Ping, Pong, Recorder, Silent, Stop, Ticker
from runtime_worlds import WORLDS, AnyWorld, SimWorld

from distsys_edu.runtime import (
    Actor,
    Context,
    Sim,
    Timer,
    UnhandledMessage,
    UnknownNode,
    handler_name,
)

# --------------------------------------------------------------------------- handlers


@pytest.mark.parametrize(
    ("cls_name", "expected"),
    [
        ("Ping", "on_ping"),
        ("RequestVote", "on_request_vote"),
        ("VoteGranted", "on_vote_granted"),
        ("HTTPRequest", "on_http_request"),
        ("AppendEntries2", "on_append_entries2"),
        ("Ping2Pong", "on_ping2_pong"),
    ],
)
def test_handler_name_is_on_plus_snake_case(cls_name: str, expected: str) -> None:
    assert handler_name(type(cls_name, (), {})) == expected


def test_messages_go_to_their_own_handler_and_the_rest_to_on_message(any_world: AnyWorld) -> None:
    any_world.start(Recorder)
    any_world.deliver(Ping(1))
    any_world.deliver(Pong(2))
    any_world.deliver(HTTPRequest())
    actor = any_world.actor
    assert isinstance(actor, Recorder)
    kinds = [(kind, value) for _, kind, value in actor.log[1:]]
    assert kinds == [("ping", 1), ("other", Pong(2)), ("other", HTTPRequest())]


def test_handler_gets_the_actors_context_last(any_world: AnyWorld) -> None:
    got: list[Any] = []

    class Peek(Actor):
        def started(self, ctx: Context) -> None:
            got.append(ctx)

        def on_ping(self, msg: Ping, ctx: Context) -> None:
            got.append(ctx)

    any_world.start(Peek)
    any_world.deliver(Ping())
    assert len(got) == 2 and got[0] is got[1] and isinstance(got[0], Context)
    assert got[0].name == "a"


def test_unhandled_message_names_the_method_to_define(any_world: AnyWorld) -> None:
    any_world.start(Silent)
    with pytest.raises(UnhandledMessage) as info:
        any_world.deliver(Pong(1))
    text = str(info.value)
    assert "def on_pong(self, msg, ctx)" in text
    assert "Silent" in text and "Pong" in text


# Sim only: a probe has no supervision (what a handler raises comes out of deliver).
@pytest.mark.filterwarnings("ignore::distsys_edu.runtime.HandlerFailureWarning")
def test_unhandled_message_without_strict_is_a_recorded_failure() -> None:
    sim = Sim()
    sim.spawn("a", Silent)
    sim.addr("a").do_send(Pong(1))
    sim.run(until=1)
    assert sim.status("a") == "down"
    (failure,) = sim.failures
    assert failure.error.startswith("UnhandledMessage:")
    assert "on_pong" in failure.error and failure.outcome == "crashed"


# --------------------------------------------------------------------------- context


def test_context_describes_its_node(any_world: AnyWorld) -> None:
    seen: dict[str, Any] = {}

    class Inspect(Actor):
        def started(self, ctx: Context) -> None:
            seen.update(
                name=ctx.name,
                address=ctx.address,
                now=ctx.now,
                incarnation=ctx.incarnation,
                peers=ctx.peers(),
                b=ctx.addr("b"),
            )
            ctx.storage["k"] = 1

    any_world.start(Inspect, peers=["b"])
    any_world.run(until=0.5)
    assert seen == {
        "name": "a",
        "address": any_world.addr("a"),
        "now": 0.0,
        "incarnation": 0,
        "peers": ["b"],
        "b": any_world.addr("b"),
    }
    assert seen["address"] != seen["b"] and repr(seen["address"]) == "Addr('a')"
    assert any_world.storage() == {"k": 1}


def test_context_addr_of_an_unknown_node_raises_unknown_node(any_world: AnyWorld) -> None:
    errors: list[Exception] = []

    class Asker(Actor):
        def started(self, ctx: Context) -> None:
            try:
                ctx.addr("zz")
            except UnknownNode as exc:
                errors.append(exc)

    any_world.start(Asker)
    assert len(errors) == 1 and "'zz'" in str(errors[0]) and "a" in str(errors[0])


def rng_draws(seed: int, restart: bool) -> list[list[float]]:
    draws: list[list[float]] = []

    class Draw(Actor):
        def started(self, ctx: Context) -> None:
            draws.append([ctx.rng.random() for _ in range(3)])

    sim = Sim(seed)
    sim.spawn("a", Draw)
    sim.spawn("b", Draw)
    sim.run(until=1)
    if restart:
        sim.restart("a")
        sim.run(until=2)
    return draws


# Sim only: a probe runs one incarnation, seeded as the Sim seeds the first
# (tests/exercises/test_probe.py compares their draws).
def test_ctx_rng_is_seeded_per_seed_node_and_incarnation() -> None:
    first, again = rng_draws(1, True), rng_draws(1, True)
    assert first == again  # same seed: same draws
    a0, b0, a1 = first
    assert a0 != b0  # per node
    assert a1 != a0  # a restarted node does not replay its previous life
    assert rng_draws(2, False)[0] != a0  # per seed


# --------------------------------------------------------------------------- timers


def test_run_later_fires_once_after_the_delay(any_world: AnyWorld) -> None:
    calls: list[float] = []

    class Once(Actor):
        def started(self, ctx: Context) -> None:
            self.timer = ctx.run_later(1.5, lambda c: calls.append(c.now))

    any_world.start(Once)
    any_world.run(until=1)
    actor = any_world.actor
    assert isinstance(actor, Once)
    assert actor.timer.active
    any_world.run(until=10)
    assert calls == [1.5]
    assert not actor.timer.active  # a spent one-shot timer is no longer active


def test_run_interval_first_fires_every_after_it_is_set(any_world: AnyWorld) -> None:
    any_world.start(lambda: Ticker(every=0.4, delay=0.3))
    any_world.run(until=1.6)
    ticker = any_world.actor
    assert isinstance(ticker, Ticker)
    assert ticker.set_at == 0.3
    assert ticker.fires == [0.3 + 0.4, 0.3 + 2 * 0.4, 0.3 + 3 * 0.4]


@pytest.mark.parametrize("every", [0.1, 1 / 3, 0.7])
def test_run_interval_never_drifts_over_10000_ticks(any_world: AnyWorld, every: float) -> None:
    start = 0.3
    any_world.start(lambda: Ticker(every=every, delay=start))
    any_world.run(until=start + 10_000 * every)
    ticker = any_world.actor
    assert isinstance(ticker, Ticker)
    assert len(ticker.fires) >= 9_999
    fires = ticker.fires[:9_999]
    assert all(t == start + n * every for n, t in enumerate(fires, start=1))
    # The test can tell: a running total of `every` does drift for these periods.
    total, drifted = start, False
    for t in fires:
        total += every
        drifted = drifted or total != t
    assert drifted


@pytest.mark.parametrize("kind", sorted(WORLDS))  # not the fixture: one any_world per example
@given(
    every=st.floats(1e-3, 10, allow_nan=False),
    start=st.floats(0, 1000, allow_nan=False),
    ticks=st.integers(1, 200),
)
@settings(max_examples=60, deadline=None)
def test_nth_firing_is_at_start_plus_n_times_every(
    kind: str, every: float, start: float, ticks: int
) -> None:
    world = WORLDS[kind]()
    world.start(lambda: Ticker(every=every, delay=start))
    world.run(until=start + ticks * every)
    ticker = world.actor
    assert isinstance(ticker, Ticker) and ticker.set_at == start
    assert len(ticker.fires) == ticks
    assert ticker.fires == [start + n * every for n in range(1, ticks + 1)]


def test_cancel_stops_a_timer_before_it_fires(any_world: AnyWorld) -> None:
    calls: list[str] = []

    class Canceller(Actor):
        def started(self, ctx: Context) -> None:
            once = ctx.run_later(1, lambda c: calls.append("once"))
            every = ctx.run_interval(1, lambda c: calls.append("every"))
            kept = ctx.run_later(2, lambda c: calls.append("kept"))
            ctx.cancel(once)
            ctx.cancel(every)
            ctx.cancel(None)  # fine
            self.timers = (once, every, kept)

    any_world.start(Canceller)
    any_world.run(until=10)
    assert calls == ["kept"]
    actor = any_world.actor
    assert isinstance(actor, Canceller)
    once, every, kept = actor.timers
    assert all(isinstance(t, Timer) for t in actor.timers)
    assert not once.active and not every.active and not kept.active


def test_cancel_inside_the_callback_ends_an_interval_timer(any_world: AnyWorld) -> None:
    class Three(Actor):
        def started(self, ctx: Context) -> None:
            self.n = 0
            self.timer = ctx.run_interval(0.5, self.tick)

        def tick(self, ctx: Context) -> None:
            self.n += 1
            if self.n == 3:
                ctx.cancel(self.timer)

    any_world.start(Three)
    any_world.run(until=10)
    actor = any_world.actor
    assert isinstance(actor, Three)
    assert actor.n == 3 and not actor.timer.active


def test_cancelling_a_spent_timer_is_fine(any_world: AnyWorld) -> None:
    class Late(Actor):
        def started(self, ctx: Context) -> None:
            self.timer = ctx.run_later(0.1, lambda c: None)
            ctx.run_later(1, lambda c: c.cancel(self.timer))

    any_world.start(Late)
    any_world.run(until=2)  # raises in either any_world if cancel refused it


# Sim only: a probe keeps no trace.
def test_timer_name_is_the_callbacks_name_in_the_trace() -> None:
    sim = Sim()
    sim.spawn("t", lambda: Ticker(every=1))
    sim.run(until=1)
    (event,) = sim.trace.events("timer")
    assert event.node == "t" and event.data == "tick" and event.t == 1.0


def test_every_timer_is_cancelled_when_the_actor_stops(any_world: AnyWorld) -> None:
    class StopTicker(Ticker):
        def started(self, ctx: Context) -> None:
            super().started(ctx)
            self.other = ctx.run_later(3, lambda c: None)
            ctx.run_later(1.2, lambda c: c.stop())

    any_world.start(lambda: StopTicker(every=0.5))
    any_world.run(until=5)
    ticker = any_world.actor
    assert isinstance(ticker, StopTicker)
    assert ticker.fires == [0.5, 1.0]
    assert any_world.status() == "stopped"
    assert not ticker.timer.active and not ticker.other.active


def test_stop_runs_stopped_then_later_mail_is_dropped_as_node_stopped(any_world: AnyWorld) -> None:
    any_world.start(Recorder)
    any_world.deliver(Stop())
    actor = any_world.actor
    assert isinstance(actor, Recorder)
    assert [kind for _, kind, _ in actor.log] == ["started", "stopped"]
    assert any_world.status() == "stopped"
    any_world.lacks("no network to drop later mail (its deliver refuses it)")
    assert isinstance(any_world, SimWorld)
    sim = any_world.sim
    sim.addr("a").do_send(Ping(1))
    sim.run(until=2)
    (drop,) = sim.trace.events("drop")
    assert drop.reason == "node_stopped" and drop.peer == "a"
    assert [kind for _, kind, _ in actor.log] == ["started", "stopped"]


def test_stop_twice_is_harmless(any_world: AnyWorld) -> None:
    class Twice(Actor):
        def started(self, ctx: Context) -> None:
            self.calls = 0
            ctx.stop()
            ctx.stop()

        def stopped(self, ctx: Context) -> None:
            self.calls += 1

    any_world.start(Twice)
    any_world.run(until=1)
    actor = any_world.actor
    assert isinstance(actor, Twice)
    assert actor.calls == 1 and any_world.status() == "stopped"


# Sim only: a probe has no crash.
def test_every_timer_is_cancelled_when_the_node_crashes() -> None:
    sim = Sim()
    sim.spawn("t", lambda: Ticker(every=0.5))
    sim.run(until=1.2)
    ticker = sim.actor("t")
    assert isinstance(ticker, Ticker)
    timer = ticker.timer
    sim.crash("t")
    assert not timer.active
    sim.run(until=5)
    assert ticker.fires == [0.5, 1.0]
    assert sim.actor("t") is None


def test_annotate_updates_and_none_removes_a_key(any_world: AnyWorld) -> None:
    class Annotator(Actor):
        def started(self, ctx: Context) -> None:
            ctx.annotate(role="follower", term=1)
            ctx.run_later(1, lambda c: c.annotate(role="leader", term=None))

    any_world.start(Annotator)
    any_world.run(until=0.5)
    assert any_world.annotations() == {"role": "follower", "term": 1}
    any_world.run(until=2)
    assert any_world.annotations() == {"role": "leader"}
    any_world.lacks("no trace (Probe.annotations lists every call)")
    assert isinstance(any_world, SimWorld)
    sim = any_world.sim
    copy = sim.annotations("a")
    copy["x"] = 1  # a copy: changing it changes nothing
    assert sim.annotations("a") == {"role": "leader"}
    assert [e.data for e in sim.trace.events("annotate")] == [
        {"role": "follower", "term": 1},
        {"role": "leader", "term": None},
    ]


# Sim only: a probe has no supervision (what a timer raises comes out of fire/advance).
@pytest.mark.filterwarnings("ignore::distsys_edu.runtime.HandlerFailureWarning")
def test_a_raising_timer_callback_is_a_failure_named_for_the_callback() -> None:
    def explode(ctx: Context) -> None:
        raise ValueError("tick failed")

    class Bad(Actor):
        def started(self, ctx: Context) -> None:
            ctx.run_later(1, explode)

    sim = Sim()
    sim.spawn("a", Bad)
    sim.spawn("b", Recorder)
    sim.addr("b").do_send(Boom("b fails too"))
    sim.run(until=2)
    by_node = {f.node: f for f in sim.failures}
    assert by_node["a"].during == "timer" and by_node["a"].what == "explode"
    assert by_node["a"].error == "ValueError: tick failed"
    assert by_node["b"].during == "handler" and by_node["b"].what == "Boom"
    assert "RuntimeError: b fails too" in by_node["b"].traceback
