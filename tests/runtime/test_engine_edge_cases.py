"""The event loop at its edges, one rule a test.

FIFO at a paused node's resume instant, loops that never advance virtual time, a Sim left
consistent by whatever escapes a run, ``step()`` inside a handler, bad input that used to
raise raw Python errors, replaying faults split by ``run_for(0)``, the reserved name
``<outside>``, visible handler failures and the ``Sim`` docstring.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from typing import Any

import pytest
from runtime_helpers import (
    Boom,
    Ledger,
    Ping,
    Recorder,
    Ticker,
    assert_history_replays,
    noter_world,
)
from runtime_worlds import AnyWorld

from distsys_edu.runtime import (
    Actor,
    ClockStuckError,
    Constant,
    Context,
    FaultSchedule,
    HandlerFailureWarning,
    InvalidArgument,
    LinkConfig,
    Sim,
    UnknownNode,
)


@dataclass(frozen=True)
class Step:
    n: int = 0


def sends_at(*plan: tuple[float, str, Any]) -> type[Actor]:
    """An actor class that sends ``msg`` to ``dst`` at each ``(time, dst, msg)`` of ``plan``."""

    class Sender(Actor):
        def started(self, ctx: Context) -> None:
            for at, dst, msg in plan:
                ctx.run_later(at, lambda c, dst=dst, msg=msg: c.addr(dst).do_send(msg))

    return Sender


# --------------------------------------------------------------------------- 1. FIFO


def test_mail_that_waited_on_a_paused_node_is_handled_before_mail_arriving_at_resume() -> None:
    # m1 arrives at 0.5 (a is paused), m2 arrives at 1.0, exactly when a resumes.
    sim = Sim(network=LinkConfig(latency=Constant(0.25)))
    sim.spawn("a", Recorder)
    sim.spawn("b", sends_at((0.25, "a", Ping(1)), (0.75, "a", Ping(2))))
    sim.pause("a", 1.0)
    sim.run(until=2)
    recorder = sim.actor("a")
    assert isinstance(recorder, Recorder)
    assert [m.n for m in recorder.received] == [1, 2]


def test_a_timer_that_waited_on_a_paused_node_runs_before_mail_arriving_at_resume() -> None:
    order: list[str] = []

    class Both(Recorder):
        def started(self, ctx: Context) -> None:
            ctx.run_later(0.5, lambda c: order.append("timer"))

        def on_ping(self, msg: Ping, ctx: Context) -> int:
            order.append("ping")
            return 0

    sim = Sim(network=LinkConfig(latency=Constant(0.25)))
    sim.spawn("a", Both)
    sim.spawn("b", sends_at((0.75, "a", Ping(1))))
    sim.run(until=0.1)  # a's timer is set for 0.5
    sim.pause("a", 0.9)  # the timer waits; the Ping arrives at 1.0, when a resumes
    sim.run(until=2)
    assert order == ["timer", "ping"]


def test_released_mail_arrives_before_mail_still_due_at_the_release_instant() -> None:
    # step() stops inside an instant: the release then must not let m2 (due now) pass m1.
    sim = Sim(network=LinkConfig(latency=Constant(0.5)))
    sim.spawn("a", Recorder)
    sim.spawn("b", sends_at((0.25, "a", Ping(1)), (0.5, "a", Ping(2)), (0.5, "a", Ping(3))))
    sim.hold("b", "a")
    sim.run(until=0.75)  # m1 is held
    sim.step()  # m2 arrives at 1.0 and is parked too; m3 is still due at 1.0
    sim.release("b", "a")
    sim.run(until=2)
    recorder = sim.actor("a")
    assert isinstance(recorder, Recorder)
    assert [m.n for m in recorder.received] == [1, 2, 3]


# --------------------------------------------------------------------------- 2. stuck clock


class SelfSender(Actor):
    def started(self, ctx: Context) -> None:
        ctx.address.do_send(Step(0))

    def on_step(self, msg: Step, ctx: Context) -> None:
        ctx.address.do_send(Step(msg.n + 1))


class Rescheduler(Actor):
    def started(self, ctx: Context) -> None:
        ctx.run_later(0, self.again)

    def again(self, ctx: Context) -> None:
        ctx.run_later(0, self.again)


@pytest.mark.parametrize(
    ("factory", "what"),
    [(SelfSender, "node 'loop' gets Step"), (Rescheduler, "node 'loop' runs timer again")],
    ids=["self-send", "run_later-0"],
)
def test_a_loop_that_never_advances_time_stops_with_a_clear_error(
    factory: type[Actor], what: str
) -> None:
    sim = Sim(max_events_per_instant=500)
    sim.spawn("calm", lambda: Ticker(every=0.5))
    sim.spawn("loop", factory)
    with pytest.raises(ClockStuckError) as caught:
        sim.run(until=1)
    message = str(caught.value)
    for fragment in ("t=0.0", what, "max_events_per_instant=500", "run_later(0", "delay"):
        assert fragment in message
    # The Sim is usable and nothing was lost: stop the loop and run on.
    assert sim.now == 0
    assert sim.sent == sim.delivered + sim.dropped + sim.in_flight
    sim.crash("loop")
    sim.run(until=1)
    assert sim.now == 1
    assert sim.in_flight == 0
    ticker = sim.actor("calm")
    assert isinstance(ticker, Ticker)
    assert ticker.fires == [0.5, 1.0]


def test_the_default_limit_lets_many_events_share_an_instant() -> None:
    # 60 nodes, every one sends to every other at once: 3,540 deliveries at one instant.
    class Broadcaster(Actor):
        def started(self, ctx: Context) -> None:
            for peer in ctx.peers():
                ctx.addr(peer).do_send(Step(0))

        def on_step(self, msg: Step, ctx: Context) -> None:
            pass

    sim = Sim(network=LinkConfig(latency=Constant(0.01)))
    for i in range(60):
        sim.spawn(f"n{i}", Broadcaster)
    sim.run(until=1)
    assert sim.delivered == 60 * 59
    assert Sim().max_events_per_instant >= 1_000_000


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "many", None])
def test_max_events_per_instant_must_be_a_positive_int(value: Any) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(f"max_events_per_instant={value!r}")):
        Sim(max_events_per_instant=value)


@pytest.mark.parametrize(
    ("start", "every"), [(0.0, 1e-300), (1.0, 1e-17), (1e6, 1e-11), (0.0, 1e-16)]
)
def test_an_interval_too_small_to_advance_the_clock_is_refused(
    any_world: AnyWorld, start: float, every: float
) -> None:
    errors: list[Exception] = []

    class Tiny(Actor):
        def started(self, ctx: Context) -> None:
            ctx.run_later(start, self.arm)

        def arm(self, ctx: Context) -> None:
            try:
                self.timer = ctx.run_interval(every, self.once)
            except InvalidArgument as exc:
                errors.append(exc)

        def once(self, ctx: Context) -> None:
            ctx.cancel(self.timer)  # were it allowed: one tick, not a loop with no end

    any_world.start(Tiny)
    any_world.run(until=start + 1)  # returns: nothing loops
    assert len(errors) == 1
    assert f"every={every!r}" in str(errors[0])
    assert "lost to rounding" in str(errors[0])


def test_an_interval_at_the_clock_resolution_is_allowed(any_world: AnyWorld) -> None:
    any_world.start(lambda: Ticker(every=math.ulp(1.0)))
    any_world.run(until=4 * math.ulp(1.0))
    ticker = any_world.actor
    assert isinstance(ticker, Ticker)
    assert len(ticker.fires) == 4


# --------------------------------------------------------------------------- 3. escapes


class Interruptible(Recorder):
    """Raises KeyboardInterrupt (what Jupyter's "interrupt kernel" does) on a ``Boom``."""

    def on_boom(self, msg: Boom, ctx: Context) -> None:
        raise KeyboardInterrupt


def test_ctrl_c_in_a_handler_leaves_the_outside_as_the_sender() -> None:
    sim = Sim()
    sim.spawn("a", Interruptible)
    sim.spawn("b", Recorder)
    sim.addr("a").do_send(Boom())
    with pytest.raises(KeyboardInterrupt):
        sim.run(until=1)
    sim.partition("a", "b")
    sim.addr("b").do_send(Ping(7))  # from the notebook: no partition cuts it
    sim.run(until=2)
    (send,) = [e for e in sim.trace.events("send") if e.peer == "b"]
    assert send.node is None  # the outside
    recorder = sim.actor("b")
    assert isinstance(recorder, Recorder)
    assert [m.n for m in recorder.received] == [7]
    assert sim.failures == []  # an interrupt is not the actor's bug
    assert sim.status("a") == "up"


def test_ctrl_c_in_a_timer_leaves_the_sim_able_to_run_again() -> None:
    class Sleepy(Actor):
        def started(self, ctx: Context) -> None:
            ctx.run_later(0.5, self.wake)

        def wake(self, ctx: Context) -> None:
            raise KeyboardInterrupt

    sim = Sim()
    sim.spawn("a", Sleepy)
    sim.spawn("b", Recorder)
    with pytest.raises(KeyboardInterrupt):
        sim.run(until=1)
    assert sim.now == 0.5
    sim.run(until=1)  # not "cannot nest"
    sim.addr("b").do_send(Ping(1))
    sim.run(until=2)
    assert sim.trace.events("send")[-1].node is None  # the outside


def test_an_interrupted_message_counts_as_delivered_and_the_rest_of_its_instant_runs_later() -> (
    None
):
    sim = Sim()
    sim.spawn("a", Interruptible)
    sim.addr("a").do_send(Boom())
    sim.addr("a").do_send(Ping(2))  # due at the same instant, after the Boom
    with pytest.raises(KeyboardInterrupt):
        sim.run(until=1)
    assert (sim.delivered, sim.in_flight) == (1, 1)
    ledger = Ledger()
    ledger.catch_up(sim)
    assert len(ledger.open) == sim.in_flight
    sim.run(until=1)
    assert (sim.delivered, sim.in_flight) == (2, 0)


def test_strict_mode_re_raise_leaves_the_outside_as_the_sender() -> None:
    sim = Sim(strict=True)
    sim.spawn("a", Recorder)
    sim.spawn("b", Recorder)
    sim.addr("a").do_send(Boom())
    with pytest.raises(RuntimeError):
        sim.run(until=1)
    sim.partition("a", "b")
    sim.addr("b").do_send(Ping(1))
    sim.run(until=2)
    assert sim.trace.events("deliver")[-1].peer == "b"


# --------------------------------------------------------------------------- 5. step inside


def test_step_from_inside_a_handler_is_refused_before_it_takes_an_event() -> None:
    errors: list[Exception] = []

    class Stepper(Recorder):
        def on_step(self, msg: Step, ctx: Context) -> None:
            try:
                sim.step()
            except InvalidArgument as exc:
                errors.append(exc)

    sim = Sim()
    sim.spawn("a", Stepper)
    sim.spawn("b", Recorder)
    sim.addr("a").do_send(Step())
    sim.addr("b").do_send(Ping(1))  # the event a nested step() would have taken
    sim.run(until=1)
    assert len(errors) == 1
    assert "step()" in str(errors[0])
    assert "cannot nest" in str(errors[0])
    assert (sim.sent, sim.delivered, sim.in_flight) == (2, 2, 0)


# --------------------------------------------------------------------------- 6. bad input


def world() -> Sim:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.spawn("b", Recorder)
    return sim


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda s: s.run(until=10**400), "until=1000"),
        (lambda s: s.run(until="5"), "until='5'"),
        (lambda s: s.partition(123, "a"), "group_a=123"),
        (lambda s: s.partition("a", [1]), "group_b=[1]"),
        (lambda s: s.partition({"a": 1}, "b"), "group_a={'a': 1}"),
        (lambda s: s.snapshot("x"), "t='x'"),
        (lambda s: s.snapshot(10**400), "t=1000"),
        (lambda s: s.snapshot(-1), "t=-1"),
        (lambda s: s.status(["a"]), "node=['a']"),
        (lambda s: s.crash(None), "node=None"),
        (lambda s: s.hold("a", 3), "node=3"),
        (lambda s: s.addr("a").send(Ping(), timeout=1, on_reply=5), "on_reply=5"),
        (lambda s: Sim(strict="yes"), "strict='yes'"),
        (lambda s: Sim(network=0.1), "network=0.1"),
    ],
    ids=[
        "until-huge",
        "until-str",
        "partition-int",
        "partition-int-list",
        "partition-dict",
        "snapshot-str",
        "snapshot-huge",
        "snapshot-negative",
        "status-list",
        "crash-none",
        "hold-int",
        "on_reply",
        "strict",
        "network",
    ],
)
def test_bad_input_to_sim_methods_gets_the_projects_error(call: Any, fragment: str) -> None:
    sim = world()
    sim.run(until=1)
    digest, now = sim.trace.digest(), sim.now
    with pytest.raises(InvalidArgument) as caught:
        call(sim)
    assert fragment in str(caught.value)
    assert "is not allowed" in str(caught.value)
    assert sim.trace.digest() == digest
    assert sim.now == now


def test_run_for_beyond_the_largest_float_names_the_duration() -> None:
    sim = world()
    sim.run(until=1e308)
    with pytest.raises(InvalidArgument, match=r"duration=1e\+308 is not allowed"):
        sim.run_for(1e308)
    assert sim.now == 1e308


def test_cancel_refuses_what_is_not_a_timer(any_world: AnyWorld) -> None:
    errors: list[Exception] = []

    class Canceller(Actor):
        def started(self, ctx: Context) -> None:
            try:
                ctx.cancel("t1")  # type: ignore[arg-type]
            except InvalidArgument as exc:
                errors.append(exc)

    any_world.start(Canceller)
    assert len(errors) == 1 and "timer='t1'" in str(errors[0])


# --------------------------------------------------------------------------- 7. replay


def test_fault_history_replays_faults_of_one_instant_split_by_run_for_zero() -> None:
    sim = noter_world()
    sim.run(until=1)
    sim.restart("a")
    sim.run_for(0)  # a's started runs here, by hand
    sim.crash("a")
    sim.run(until=2)
    assert [str(f) for f in sim.fault_history] == ["1 restart a", "1 settle", "1 crash a"]
    assert_history_replays(noter_world, sim)
    again = noter_world(FaultSchedule.parse(str(sim.fault_history)))
    again.run(until=2)
    assert again.trace.digest() == sim.trace.digest()
    assert again.fault_history == sim.fault_history


def test_fault_history_replays_a_fault_applied_at_zero_after_running_zero() -> None:
    sim = noter_world()
    sim.run(until=0)  # the started() of both nodes run at 0 ...
    sim.crash("a")  # ... and only then does a crash
    sim.run(until=1)
    assert sim.annotations("b") == {"up": True}
    assert [e.kind for e in sim.trace][:4] == ["spawn", "spawn", "annotate", "annotate"]
    assert_history_replays(noter_world, sim)


def test_no_settle_mark_when_nothing_ran_between_faults() -> None:
    sim = noter_world()
    sim.crash("a")
    sim.run_for(0)  # b's started runs, but a later fault is at the same place as ever
    sim.run(until=1)
    sim.crash("b")
    sim.run_for(0)  # nothing is due
    sim.restart("b")
    sim.run(until=2)
    assert "settle" not in str(sim.fault_history).split("\n")[0]
    assert [f.action for f in sim.fault_history] == ["crash", "crash", "restart"]
    assert_history_replays(noter_world, sim)


def test_applying_a_settle_mark_by_hand_runs_what_is_due_now() -> None:
    sim = noter_world()
    sim.apply("0 settle")
    assert sim.annotations("a") == {"up": True}
    assert len(sim.fault_history) == 0


# --------------------------------------------------------------------------- 9. <outside>


@pytest.mark.parametrize("name", ["<outside>", "<a>", "a>b"])
def test_names_with_angle_brackets_are_reserved(name: str) -> None:
    sim = Sim()
    with pytest.raises(InvalidArgument, match="< >"):
        sim.spawn(name, Recorder)
    with pytest.raises(UnknownNode):
        sim.status(name)


# --------------------------------------------------------------------------- 15. warnings


def test_the_first_failure_of_a_run_and_a_count_of_the_rest_are_warned() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.spawn("b", Recorder)
    for _ in range(3):
        sim.addr("a").do_send(Boom("first"))
    sim.addr("b").do_send(Boom("second"))
    with pytest.warns(HandlerFailureWarning) as caught:
        sim.run(until=1)
    texts = [str(w.message) for w in caught]
    assert texts == [
        "a handler failed: t=0.001 a handler Boom: RuntimeError: first -> crashed. "
        "The run goes on; sim.failures[0].traceback shows where it raised "
        "(Sim(strict=True) stops at the first failure instead).",
        "1 more handler failure(s) after the first in this run; sim.failures holds all 2.",
    ]
    assert all(w.filename == __file__ for w in caught)  # points at the run() call


def test_each_run_warns_its_own_first_failure_and_strict_mode_does_not_warn() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.addr("a").do_send(Boom())
    with pytest.warns(HandlerFailureWarning, match=r"failures\[0\]"):
        sim.run(until=1)
    sim.restart("a")
    sim.addr("a").do_send(Boom())
    with pytest.warns(HandlerFailureWarning, match=r"failures\[1\]"):
        sim.run(until=2)
    strict = Sim(strict=True)
    strict.spawn("a", Recorder)
    strict.addr("a").do_send(Boom())
    with warnings.catch_warnings():
        warnings.simplefilter("error", HandlerFailureWarning)
        with pytest.raises(RuntimeError):
            strict.run(until=1)


def test_a_run_without_failures_warns_nothing() -> None:
    sim = world()
    sim.addr("a").do_send(Ping(1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", HandlerFailureWarning)
        sim.run(until=1)


# --------------------------------------------------------------------------- 20. help(Sim)


def test_the_sim_docstring_lists_what_a_learner_reads() -> None:
    doc = Sim.__doc__ or ""
    for attribute in ("trace", "failures", "now", "nodes", "network", "fault_history"):
        assert re.search(rf"^\s+{attribute}[:,]", doc, re.MULTILINE), attribute


def test_a_stuck_clock_names_a_fault_still_due_at_that_instant() -> None:
    class LateLoop(SelfSender):
        def started(self, ctx: Context) -> None:
            ctx.run_later(0.5, lambda c: c.address.do_send(Step(0)))

    sim = Sim(max_events_per_instant=100, faults=["0.5 heal"])
    sim.spawn("loop", LateLoop)
    with pytest.raises(ClockStuckError, match=r"t=0\.5: .*the runtime's fault schedule"):
        sim.run(until=1)
    assert len(sim.fault_history) == 0  # the heal is still due, after the loop
