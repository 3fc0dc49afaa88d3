"""What happens when a handler raises: supervised restarts, crashes, strict mode."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_helpers import Boom, Ping, Recorder, Ticker

from distsys_edu.runtime import Actor, Context, Failure, Sim, Supervisor

# Every test here makes handlers fail on purpose: their warnings are expected.
pytestmark = pytest.mark.filterwarnings("ignore::distsys_edu.runtime.HandlerFailureWarning")


class Worker(Recorder):
    """A Recorder that also ticks, so that we can see its timers cleared."""

    def __init__(self) -> None:
        super().__init__()
        self.memory = "kept across supervised restarts"
        self.ticks: list[float] = []

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.run_interval(1.0, self.tick)
        ctx.annotate(state="working")

    def tick(self, ctx: Context) -> None:
        self.ticks.append(ctx.now)


def test_supervised_restart_keeps_the_instance_clears_timers_and_calls_hooks() -> None:
    sim = Sim()
    sim.spawn("w", Worker, supervisor=Supervisor())
    sim.run(until=2.5)
    worker = sim.actor("w")
    assert isinstance(worker, Worker) and worker.ticks == [1.0, 2.0]
    worker.memory = "changed before the failure"
    sim.addr("w").do_send(Boom("bad"))
    sim.run(until=5)
    assert sim.actor("w") is worker  # the same instance
    assert worker.memory == "changed before the failure"
    assert sim.status("w") == "up"
    # the old timer (due 3.0, 4.0, ...) is gone; the new one runs from the restart
    assert worker.ticks == [1.0, 2.0, 2.501 + 1.0, 2.501 + 2 * 1.0]
    hooks = [(t, kind) for t, kind, _ in worker.log if kind in ("started", "restarting")]
    assert hooks == [(0.0, "started"), (2.501, "restarting"), (2.501, "started")]
    (failure,) = sim.failures
    assert failure.outcome == "restarted" and failure.during == "handler"
    assert failure.what == "Boom" and failure.error == "RuntimeError: bad"
    kinds = [e.kind for e in sim.trace.events(("failure", "supervised_restart", "crash"))]
    assert kinds == ["failure", "supervised_restart"]
    assert sim.annotations("w") == {"state": "working"}


def test_a_supervised_restart_forgets_pending_requests() -> None:
    got: list[Any] = []

    class Asker(Actor):
        def started(self, ctx: Context) -> None:
            if ctx.incarnation == 0:
                ctx.addr("b").send(Ping(1), timeout=5, on_reply=lambda v, c: got.append(v))

        def on_boom(self, msg: Boom, ctx: Context) -> None:
            raise RuntimeError("boom")

    sim = Sim()
    sim.spawn("a", Asker, supervisor=Supervisor())
    sim.spawn("b", Recorder)
    sim.set_link("b", "a", latency="1s")
    sim.addr("a").do_send(Boom())
    sim.run(until=10)
    assert got == []
    assert [e.msg_type for e in sim.trace.events("deliver") if e.peer == "a"] == ["Boom", "Reply"]


def supervised_world(supervisor: Supervisor | None, boom_times: list[float]) -> Sim:
    """Node ``w`` gets a Boom (over a zero-latency link) at each time; ``t`` ticks beside it."""

    class Bomber(Actor):
        def started(self, ctx: Context) -> None:
            for t in boom_times:
                ctx.run_later(t, lambda c: c.addr("w").do_send(Boom(f"at {c.now}")))

    sim = Sim()
    sim.spawn("w", Worker, supervisor=supervisor)
    sim.spawn("t", lambda: Ticker(every=1.0))
    sim.spawn("bomber", Bomber)
    sim.set_link("bomber", "w", latency=0.0)
    return sim


def test_more_than_max_restarts_within_the_window_crashes_the_node() -> None:
    sim = supervised_world(Supervisor(max_restarts=2, within=10), [1, 2, 3])
    sim.run(until=20)
    assert [(f.t, f.outcome) for f in sim.failures] == [
        (1.0, "restarted"),
        (2.0, "restarted"),
        (3.0, "crashed"),
    ]
    assert sim.status("w") == "down"
    ticker = sim.actor("t")  # the rest of the simulation went on
    assert isinstance(ticker, Ticker) and len(ticker.fires) == 20


def test_restarts_outside_the_window_do_not_count() -> None:
    sim = supervised_world(Supervisor(max_restarts=2, within=10), [1, 2, 12.5, 13, 13.5])
    sim.run(until=20)
    assert [f.outcome for f in sim.failures] == [
        "restarted",
        "restarted",
        "restarted",  # 1 left the window (12.5 - 1 >= 10); 2 too
        "restarted",
        "crashed",  # 12.5, 13 are within 10 s of 13.5
    ]


def test_max_restarts_zero_crashes_on_the_first_failure() -> None:
    sim = supervised_world(Supervisor(max_restarts=0), [1])
    sim.run(until=2)
    assert [f.outcome for f in sim.failures] == ["crashed"]
    assert sim.status("w") == "down"


def test_without_a_supervisor_the_node_crashes_and_the_rest_runs_on() -> None:
    sim = supervised_world(None, [1, 2])
    sim.run(until=5)
    assert [f.outcome for f in sim.failures] == ["crashed"]
    assert sim.status("w") == "down"
    (drop,) = sim.trace.events("drop")
    assert drop.msg_type == "Boom" and drop.reason == "node_down" and drop.t == 2.0
    ticker = sim.actor("t")
    assert isinstance(ticker, Ticker) and ticker.fires == [1.0, 2.0, 3.0, 4.0, 5.0]


@given(
    max_restarts=st.integers(0, 4),
    within=st.sampled_from([0.5, 1.0, 3.0, 10.0]),
    gaps=st.lists(st.sampled_from([0.25, 0.5, 1.0, 2.0, 4.0]), min_size=1, max_size=12),
)
@settings(max_examples=60, deadline=None)
def test_supervisor_outcomes_follow_the_sliding_window_rule(
    max_restarts: int, within: float, gaps: list[float]
) -> None:
    times, t = [], 0.0
    for gap in gaps:
        t += gap
        times.append(t)
    sim = supervised_world(Supervisor(max_restarts=max_restarts, within=within), times)
    sim.run(until=t + 1)
    expected: list[tuple[float, str]] = []
    restarts: list[float] = []
    for now in times:
        if sum(1 for r in restarts if now - r < within) < max_restarts:
            restarts.append(now)
            expected.append((now, "restarted"))
        else:
            expected.append((now, "crashed"))
            break
    assert [(f.t, f.outcome) for f in sim.failures] == expected
    assert sim.status("w") == ("down" if expected[-1][1] == "crashed" else "up")
    failures_in_trace = sim.trace.events("failure")
    assert [(e.t, e.node, e.data["outcome"]) for e in failures_in_trace] == [
        (t, "w", outcome) for t, outcome in expected
    ]


def test_a_started_that_always_raises_ends_in_a_crash_not_a_loop() -> None:
    class Broken(Actor):
        def started(self, ctx: Context) -> None:
            raise ValueError("cannot start")

    sim = Sim()
    sim.spawn("b", Broken, supervisor=Supervisor(max_restarts=3, within=1))
    sim.run(until=1)
    assert [f.outcome for f in sim.failures] == ["restarted"] * 3 + ["crashed"]
    assert {f.during for f in sim.failures} == {"started"}
    assert sim.status("b") == "down"


def test_failures_are_recorded_with_everything_needed_to_debug_them() -> None:
    sim = supervised_world(None, [1])
    sim.run(until=2)
    (failure,) = sim.failures
    assert isinstance(failure, Failure)
    assert (failure.t, failure.node, failure.during, failure.what) == (1.0, "w", "handler", "Boom")
    assert failure.error == "RuntimeError: at 1.0"
    assert "Traceback" in failure.traceback and "on_boom" in failure.traceback
    assert str(failure) == "t=1 w handler Boom: RuntimeError: at 1.0 -> crashed"
    (event,) = sim.trace.events("failure")
    assert event.node == "w" and event.data == {
        "during": "handler",
        "what": "Boom",
        "error": "RuntimeError: at 1.0",
        "outcome": "crashed",
    }


def test_strict_mode_reraises_out_of_run_and_step() -> None:
    sim = Sim(strict=True)
    sim.spawn("w", Worker, supervisor=Supervisor())
    sim.addr("w").do_send(Boom("strict"))
    with pytest.raises(RuntimeError, match="strict"):
        sim.run(until=5)
    assert sim.now == 0.001
    assert [f.outcome for f in sim.failures] == ["raised"]
    sim.addr("w").do_send(Boom("again"))
    while True:
        try:
            assert sim.step()
        except RuntimeError as exc:
            assert str(exc) == "again"
            break
    sim.run(until=2)  # and it goes on afterwards
    assert sim.now == 2.0 and sim.status("w") == "up"


@pytest.mark.parametrize("callback", ["on_reply", "on_timeout"])
def test_a_raising_outside_callback_is_recorded_and_raised_out_of_run(callback: str) -> None:
    # Your own notebook code is not an actor: its exception comes out of run(), it is
    # recorded, and nothing is crashed; later requests from outside work as before.
    def bad(*args: Any) -> None:
        raise RuntimeError("notebook bug")

    sim = Sim()
    sim.spawn("a", Recorder)
    if callback == "on_timeout":
        sim.crash("a")
    sim.addr("a").send(Ping(1), timeout=1, **{callback: bad})
    with pytest.raises(RuntimeError, match="notebook bug"):
        sim.run(until=5)
    t = 0.002 if callback == "on_reply" else 1.0
    assert sim.now == t
    (failure,) = sim.failures
    assert (failure.t, failure.during, failure.what, failure.outcome) == (
        t,
        "reply",
        callback,
        "raised",
    )
    assert failure.error == "RuntimeError: notebook bug" and "bad" in failure.traceback
    (event,) = sim.trace.events("failure")
    assert event.node is None and event.data["outcome"] == "raised"
    crashed = [e.node for e in sim.trace.events(("crash", "supervised_restart"))]
    assert crashed == (["a"] if callback == "on_timeout" else [])  # only the crash we made
    if callback == "on_timeout":
        sim.restart("a")
    request = sim.addr("a").send(Ping(2), timeout=1)
    sim.run(until=6)
    assert request.done and request.value == 3
    assert sim.status("a") == "up" and len(sim.failures) == 1
    assert [n for n, v in sim.snapshot().nodes.items() if v.status == "up"] == ["a"]
    drops = [(e.msg, e.reason) for e in sim.trace.events("drop")]
    assert drops == ([(Ping(1), "node_down")] if callback == "on_timeout" else [])


class BadStop(Actor):
    """Ticks and annotates; a Ping makes it stop, and its goodbye raises."""

    def __init__(self) -> None:
        self.ticks: list[float] = []

    def started(self, ctx: Context) -> None:
        ctx.annotate(role="leader")
        ctx.run_interval(0.5, self.tick)

    def tick(self, ctx: Context) -> None:
        self.ticks.append(ctx.now)

    def on_ping(self, msg: Ping, ctx: Context) -> None:
        ctx.stop()

    def stopped(self, ctx: Context) -> None:
        raise RuntimeError("bad goodbye")


@pytest.mark.parametrize("supervisor", [None, Supervisor()], ids=["plain", "supervised"])
def test_a_raising_stopped_hook_leaves_a_consistent_record(supervisor: Supervisor | None) -> None:
    sim = Sim()
    sim.spawn("a", BadStop, supervisor=supervisor)
    sim.run(until=0.75)
    sim.addr("a").do_send(Ping())
    sim.run(until=3)
    (failure,) = sim.failures
    assert (failure.during, failure.what, failure.outcome) == ("stopped", "stopped", "stopped")
    assert failure.error == "RuntimeError: bad goodbye"
    assert sim.status("a") == "stopped"
    kinds = [e.kind for e in sim.trace.events(("failure", "stop", "crash", "supervised_restart"))]
    assert kinds == ["failure", "stop"]
    actor = sim.actor("a")
    assert isinstance(actor, BadStop) and actor.ticks == [0.5]  # its timers ended
    assert sim.annotations("a") == {} == sim.snapshot().nodes["a"].annotations
    assert sim.snapshot().nodes["a"].status == "stopped"
    sim.addr("a").do_send(Ping())
    sim.run(until=4)
    assert [e.reason for e in sim.trace.events("drop")] == ["node_stopped"]


def test_a_raising_stopped_hook_in_strict_mode_raises_and_still_stops_the_node() -> None:
    sim = Sim(strict=True)
    sim.spawn("a", BadStop)
    sim.run(until=0.75)
    sim.addr("a").do_send(Ping())
    with pytest.raises(RuntimeError, match="bad goodbye"):
        sim.run(until=3)
    sim.run(until=3)
    actor = sim.actor("a")
    assert isinstance(actor, BadStop)
    assert sim.status("a") == "stopped" == sim.snapshot().nodes["a"].status
    assert actor.ticks == [0.5]
    assert sim.annotations("a") == {}
    assert [f.outcome for f in sim.failures] == ["raised"]


def test_a_handler_that_stops_its_node_then_raises_is_recorded_and_the_node_stays_stopped() -> None:
    class StopThenFail(Actor):
        def on_ping(self, msg: Ping, ctx: Context) -> None:
            ctx.stop()
            raise RuntimeError("after stop")

    sim = Sim()
    sim.spawn("a", StopThenFail, supervisor=Supervisor())
    sim.addr("a").do_send(Ping())
    sim.run(until=1)
    (failure,) = sim.failures
    assert failure.outcome == "stopped" and failure.error == "RuntimeError: after stop"
    assert sim.status("a") == "stopped"
    assert sim.trace.events(("crash", "supervised_restart")) == []
