"""The probe: one actor driven by hand, faithful to the runtime's rules."""

from __future__ import annotations

import doctest
from dataclasses import dataclass
from typing import Any

import pytest

from distsys_edu import Actor, Addr, Context, InvalidArgument, MessageTypeError, SendError, Sim
from distsys_edu.exercises import Probe, Sent
from distsys_edu.exercises import probe as probe_module
from distsys_edu.runtime import Timer, UnhandledMessage, UnknownNode


@dataclass(frozen=True)
class Ping:
    n: int


@dataclass(frozen=True)
class Pong:
    n: int


@dataclass
class Mutable:
    n: int


class Echo(Actor):
    """Answers a Ping with a Pong, ticks every second, publishes what it saw."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.stopped_at: float | None = None
        self.first_draw: float | None = None

    def started(self, ctx: Context) -> None:
        self.first_draw = ctx.rng.random()
        ctx.run_interval(1.0, self.tick)
        ctx.annotate(role="echo", last=None)

    def tick(self, ctx: Context) -> None:
        self.ticks.append(ctx.now)

    def on_ping(self, msg: Ping, ctx: Context) -> int:
        ctx.addr("b").do_send(Pong(msg.n))
        ctx.annotate(last=msg.n)
        return msg.n + 1

    def stopped(self, ctx: Context) -> None:
        self.stopped_at = ctx.now


def test_deliver_calls_the_handler_the_runtime_would_with_the_context_last() -> None:
    probe = Probe(Echo, name="a", peers=["b"])
    assert probe.deliver(Ping(3)) == 4
    assert probe.sent == [Sent("b", Pong(3), "do_send")]
    assert probe.messages(Pong, to="b") == [Pong(3)] and probe.messages(to="a") == []
    assert probe.published == {"role": "echo", "last": 3}
    assert probe.annotations == [{"role": "echo", "last": None}, {"last": 3}]


def test_the_runtime_rules_for_messages_hold() -> None:
    probe = Probe(Echo(), name="a", peers=["b"])
    with pytest.raises(MessageTypeError):
        probe.deliver(Mutable(1))
    with pytest.raises(UnhandledMessage, match="define `def on_pong"):
        probe.deliver(Pong(1))
    with pytest.raises(MessageTypeError):
        probe.ctx.addr("b").do_send(Mutable(1))
    with pytest.raises(UnknownNode, match="node='c' is not allowed"):
        probe.ctx.addr("c")
    assert probe.sent == []


def test_on_message_catches_every_type_without_its_own_handler() -> None:
    class Catcher(Actor):
        def on_message(self, msg: Any, ctx: Context) -> str:
            return type(msg).__name__

    assert Probe(Catcher).deliver(Pong(1)) == "Pong"


def test_try_send_raises_for_a_node_marked_down_and_records_nothing() -> None:
    probe = Probe(Echo, name="a", peers=["b", "c"])
    probe.down.add("b")
    with pytest.raises(SendError):
        probe.ctx.addr("b").try_send(Ping(1))
    probe.ctx.addr("c").try_send(Ping(2))
    probe.ctx.address.do_send(Ping(3))
    assert probe.sent == [Sent("c", Ping(2), "try_send"), Sent("a", Ping(3), "do_send")]


def test_timers_fire_in_order_as_time_advances_without_drift() -> None:
    probe = Probe(Echo, name="a", peers=["b"])
    later = probe.ctx.run_later(2.5, lambda ctx: probe.ctx.annotate(late=ctx.now))
    assert [t.due() for t in probe.timers] == [1.0, 2.5]
    probe.advance(3.0)
    assert probe.actor.ticks == [1.0, 2.0, 3.0]  # type: ignore[attr-defined]
    assert probe.published["late"] == 2.5 and probe.now == 3.0
    assert later not in probe.timers
    with pytest.raises(InvalidArgument, match="must be a pending timer"):
        probe.fire(later)
    (tick,) = probe.timers
    probe.fire(tick)
    assert probe.now == 4.0
    probe.ctx.cancel(tick)
    probe.advance(10)
    assert probe.actor.ticks == [1.0, 2.0, 3.0, 4.0]  # type: ignore[attr-defined]
    with pytest.raises(InvalidArgument, match="dt=-1"):
        probe.advance(-1)


def test_stop_runs_stopped_ends_timers_and_refuses_mail() -> None:
    probe = Probe(Echo, name="a", peers=["b"], now=5.0)
    probe.ctx.stop()
    probe.ctx.stop()  # a second stop does nothing
    assert probe.actor.stopped_at == 5.0  # type: ignore[attr-defined]
    assert probe.timers == []
    with pytest.raises(InvalidArgument, match="the actor has stopped"):
        probe.deliver(Ping(1))


def test_rng_and_context_are_those_of_the_nodes_first_life_in_a_sim() -> None:
    sim = Sim(seed=7)
    sim.spawn("n3", Echo)
    sim.run(until=0)
    storage = {"term": 2}
    probe = Probe(Echo, name="n3", peers=["n1"], seed=7, storage=storage)
    assert probe.actor.first_draw == sim.actor("n3").first_draw  # type: ignore[attr-defined]
    ctx = probe.ctx
    assert (ctx.name, ctx.incarnation, ctx.peers(), ctx.storage) == ("n3", 0, ["n1"], storage)
    assert ctx.storage is storage and ctx.address == ctx.addr("n3") != ctx.addr("n1")
    assert repr(ctx.address) == "Addr('n3')" and len({ctx.address, ctx.addr("n3")}) == 1


def test_a_request_is_answered_by_hand_or_times_out() -> None:
    probe = Probe(Echo, name="a", peers=["b"])
    replies: list[Any] = []
    answered = probe.ctx.addr("b").send(
        Ping(1), timeout=0.5, on_reply=lambda value, ctx: replies.append(value)
    )
    lost = probe.ctx.addr("b").send(
        Ping(2), timeout=0.5, on_timeout=lambda ctx: replies.append(("timeout", ctx.now))
    )
    probe.reply(answered, "pong")
    probe.advance(1.0)
    assert replies == ["pong", ("timeout", 0.5)]
    assert answered.done and answered.value == "pong" and lost.timed_out
    assert [s.how for s in probe.sent] == ["send", "send"]
    with pytest.raises(InvalidArgument, match="must be pending"):
        probe.reply(lost, "too late")


def test_bad_input_is_refused_with_the_usual_error() -> None:
    with pytest.raises(InvalidArgument, match=r"actor_or_factory=.* must be an Actor"):
        Probe(lambda: 42)  # type: ignore[arg-type, return-value]
    with pytest.raises(InvalidArgument, match="now=-1"):
        Probe(Echo, now=-1)
    with pytest.raises(InvalidArgument, match="after=nan"):
        Probe(Echo).ctx.run_later(float("nan"), lambda ctx: None)
    with pytest.raises(InvalidArgument, match=r"peers=\('b', 'a'\) .* 'a' itself"):
        Probe(Echo, name="a", peers=["b", "a"])


def test_the_actor_gets_the_runtimes_own_context_addr_and_timer() -> None:
    # No copy of them to drift: every guard of the runtime's holds for a probed node
    # (tests/runtime runs the runtime's own tests of them in a Probe too).
    probe = Probe(Echo, name="a", peers=["b"])
    assert type(probe.ctx) is Context and type(probe.ctx.addr("b")) is Addr
    assert all(type(t) is Timer for t in probe.timers)
    assert probe.nodes == ["a", "b"] and probe.ctx.address == probe.addr("a")


def test_the_modules_example_runs() -> None:
    assert doctest.testmod(probe_module).failed == 0


def test_the_log_lists_what_was_received_and_sent_and_from_where():
    class Chatty(Actor):
        def started(self, ctx):
            ctx.addr("b").do_send(Ping(1))
            ctx.run_later(1.0, lambda c: c.addr("b").do_send(Ping(2)))

        def on_pong(self, msg, ctx):
            ctx.addr("b").do_send(Ping(msg.n + 10))

    probe = Probe(Chatty, name="a", peers=["b"])
    probe.deliver(Pong(5))
    probe.advance(2.0)
    assert probe.lines() == [
        "t=0  a sent Ping(n=1) to b (in started())",
        "t=0  a received Pong(n=5)",
        "t=0  a sent Ping(n=15) to b",
        "t=1  a sent Ping(n=2) to b (in a timer)",
    ]
    assert probe.lines(lambda m: type(m).__name__)[1] == "t=0  a received Pong"
