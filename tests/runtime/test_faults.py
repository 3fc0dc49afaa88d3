"""Faults: crash, restart, pause; fault schedules as text and JSON; Sim(faults=...),
sim.schedule and sim.fault_history."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_helpers import (
    Chatter,
    Ping,
    Recorder,
    Stop,
    Ticker,
    WorldReplay,
    assert_history_replays,
    names,
    noter_world,
    schedule_strategy,
    spawn_all,
)

from distsys_edu.runtime import (
    Actor,
    Constant,
    Context,
    Fault,
    FaultSchedule,
    FaultScheduleError,
    InvalidArgument,
    LinkConfig,
    LogNormal,
    Sim,
    Uniform,
)
from distsys_edu.runtime.network import latency_text, parse_latency

# --------------------------------------------------------------------------- crash


class Keeper(Actor):
    """Keeps one thing in memory and one on disk; ticks every second."""

    def __init__(self) -> None:
        self.memory: list[int] = []
        self.ticks = 0
        self.stopped_called = False

    def started(self, ctx: Context) -> None:
        ctx.storage["boots"] = ctx.storage.get("boots", 0) + 1
        ctx.annotate(role="keeper", boots=ctx.storage["boots"])
        ctx.run_interval(1.0, self.tick)

    def tick(self, ctx: Context) -> None:
        self.ticks += 1

    def stopped(self, ctx: Context) -> None:
        self.stopped_called = True

    def on_ping(self, msg: Ping, ctx: Context) -> None:
        self.memory.append(msg.n)


def test_crash_stops_everything_and_later_messages_are_dropped_as_node_down() -> None:
    sim = Sim()
    sim.spawn("k", Keeper)
    sim.run(until=2.5)
    before = sim.actor("k")
    assert isinstance(before, Keeper) and before.ticks == 2
    assert sim.annotations("k") == {"role": "keeper", "boots": 1}
    sim.crash("k")
    assert sim.status("k") == "down" and sim.actor("k") is None
    assert sim.annotations("k") == {}
    assert sim.snapshot().nodes["k"].annotations == {}
    sim.addr("k").do_send(Ping(1))
    sim.run(until=10)
    assert before.ticks == 2  # timers cancelled
    assert not before.stopped_called  # a crash is not a goodbye
    assert before.memory == []
    (drop,) = sim.trace.events("drop")
    assert drop.reason == "node_down" and drop.t == 2.501
    assert [e.t for e in sim.trace.events("timer")] == [1.0, 2.0]


def test_crash_drops_the_backlog_of_a_paused_node() -> None:
    sim = Sim()
    sim.spawn("k", Keeper)
    sim.pause("k", 5)
    for i in range(3):
        sim.addr("k").do_send(Ping(i))
    sim.run(until=1)
    assert sim.in_flight == 3  # arrived, waiting at the paused node
    sim.crash("k")
    drops = sim.trace.events("drop")
    assert [(e.t, e.reason) for e in drops] == [(1.0, "node_down")] * 3
    assert sim.in_flight == 0
    sim.run(until=10)
    assert sim.status("k") == "down"


def test_crashing_a_down_node_changes_nothing_but_is_remembered() -> None:
    sim = Sim()
    sim.spawn("k", Keeper)
    sim.crash("k")
    sim.crash("k")
    assert len(sim.trace.events("crash")) == 1
    assert [str(f) for f in sim.fault_history] == ["0 crash k", "0 crash k"]


@given(seed=st.integers(0, 2**16), faults=schedule_strategy(names(4), 5.0))
@settings(max_examples=40, deadline=None)
def test_nothing_is_delivered_to_or_run_on_a_node_that_is_not_up(
    seed: int, faults: list[Fault]
) -> None:
    sim = Sim(seed, network=LinkConfig(latency=Uniform(0.001, 0.2)), faults=faults)
    spawn_all(sim, 4, lambda: Chatter(every=0.2))
    sim.run(until=5.5)
    world = WorldReplay()
    for e in sim.trace:
        if e.kind == "deliver" and e.peer is not None:
            assert world.status[e.peer] == "up", e
        elif e.kind in ("timer", "annotate"):
            assert world.status[e.node] == "up", e
        elif e.kind == "drop" and e.reason == "node_down":
            assert world.status[e.peer] == "down", e
        world.apply(e)
    snap = sim.snapshot()
    assert {n: v.status for n, v in snap.nodes.items()} == world.status
    assert world.status == {n: sim.status(n) for n in sim.nodes}
    assert world.held == snap.held


# --------------------------------------------------------------------------- restart


def test_restart_gives_a_fresh_instance_and_only_storage_survives() -> None:
    sim = Sim()
    sim.spawn("k", Keeper)
    sim.addr("k").do_send(Ping(1))
    sim.run(until=1.5)
    old = sim.actor("k")
    assert isinstance(old, Keeper) and old.memory == [1] and old.ticks == 1
    sim.crash("k")
    sim.run(until=2)
    sim.restart("k")
    sim.run(until=4.5)
    new = sim.actor("k")
    assert isinstance(new, Keeper) and new is not old
    assert new.memory == [] and new.ticks == 2  # fresh fields, timers from the restart
    assert sim.storage("k") == {"boots": 2}
    assert sim.annotations("k") == {"role": "keeper", "boots": 2}
    assert old.ticks == 1
    assert [e.t for e in sim.trace.events("timer")] == [1.0, 3.0, 4.0]


def test_restart_of_an_up_node_crashes_it_first() -> None:
    sim = Sim()
    sim.spawn("r", Recorder)
    sim.run(until=1)
    old = sim.actor("r")
    sim.restart("r")
    kinds = [e.kind for e in sim.trace.events(("spawn", "crash", "restart"))]
    assert kinds == ["spawn", "crash", "restart"]
    sim.run(until=2)
    new = sim.actor("r")
    assert isinstance(new, Recorder) and new is not old
    assert new.log == [(1.0, "started", 2)]  # its incarnation counts the crash too


def test_restart_brings_back_a_stopped_node() -> None:
    sim = Sim()
    sim.spawn("r", Recorder)
    sim.run(until=1)
    stopper = sim.actor("r")
    assert isinstance(stopper, Recorder)
    sim.addr("r").do_send(Stop())
    sim.run(until=2)
    assert sim.status("r") == "stopped"
    sim.restart("r")
    sim.run(until=3)
    assert sim.status("r") == "up"
    assert [e.kind for e in sim.trace.events(("crash", "stop", "restart"))] == ["stop", "restart"]


# --------------------------------------------------------------------------- pause


def test_pause_holds_deliveries_and_timers_until_resume() -> None:
    sim = Sim()
    sim.spawn("t", lambda: Ticker(every=1.0))
    sim.spawn("r", Recorder)
    sim.run(until=0.5)
    sim.pause("t", 3)  # ticks at 1, 2, 3 are missed
    sim.pause("r", 3)
    assert sim.status("t") == "paused"
    for i in range(3):
        sim.addr("r").do_send(Ping(i))
    sim.run(until=3.4)
    ticker, rec = sim.actor("t"), sim.actor("r")
    assert isinstance(ticker, Ticker) and isinstance(rec, Recorder)
    assert ticker.fires == [] and rec.received == []
    sim.run(until=5.5)
    assert sim.status("t") == "up"
    # once on resume (not three times), then on the original grid
    assert ticker.fires == [3.5, 4.0, 5.0]
    assert rec.received == [Ping(0), Ping(1), Ping(2)]
    assert {t for t, kind, _ in rec.log if kind == "ping"} == {3.5}
    assert [e.t for e in sim.trace.events("resume")] == [3.5, 3.5]


def test_a_one_shot_timer_due_during_a_pause_runs_on_resume() -> None:
    calls: list[float] = []

    class Later(Actor):
        def started(self, ctx: Context) -> None:
            ctx.run_later(1, lambda c: calls.append(c.now))

    sim = Sim()
    sim.spawn("a", Later)
    sim.pause("a", 2)  # before started even ran
    sim.run(until=10)
    assert calls == [3.0]  # started ran at 2, its timer at 2 + 1


def test_started_waits_for_the_end_of_a_pause() -> None:
    sim = Sim()
    sim.spawn("r", Recorder)
    sim.pause("r", 1.5)
    sim.run(until=5)
    rec = sim.actor("r")
    assert isinstance(rec, Recorder) and rec.log == [(1.5, "started", 0)]


def test_pausing_a_paused_node_extends_the_pause() -> None:
    sim = Sim()
    sim.spawn("r", Recorder)
    sim.run(until=0.1)
    sim.pause("r", 1)
    sim.run(until=0.5)
    sim.pause("r", 2)  # until 2.5
    sim.pause("r", 0.1)  # shorter: changes nothing
    sim.run(until=2.4)
    assert sim.status("r") == "paused"
    sim.run(until=2.5)
    assert sim.status("r") == "up"
    assert [e.t for e in sim.trace.events("resume")] == [2.5]


class Canceller(Ticker):
    """A Ticker whose timer a Ping cancels and a Stop ends with the actor."""

    def on_ping(self, msg: Ping, ctx: Context) -> None:
        ctx.cancel(self.timer)

    def on_stop(self, msg: Stop, ctx: Context) -> None:
        ctx.stop()


@pytest.mark.parametrize("msg", [Ping(), Stop()], ids=["cancel", "stop"])
def test_a_waiting_timer_ended_by_mail_handled_first_on_resume_does_not_run(msg: Any) -> None:
    sim = Sim()
    sim.spawn("t", lambda: Canceller(every=1.0))
    sim.run(until=0.5)
    sim.pause("t", 2)  # until 2.5
    sim.addr("t").do_send(msg)  # waits at t from 0.501, before the tick due at 1.0
    sim.run(until=5)
    ticker = sim.actor("t")
    assert isinstance(ticker, Canceller)
    assert ticker.fires == []
    assert sim.trace.events("timer") == []
    assert sim.status("t") == ("up" if isinstance(msg, Ping) else "stopped")


def test_a_node_paused_again_before_its_backlog_ran_runs_no_timer() -> None:
    sim = Sim()
    sim.spawn("t", lambda: Ticker(every=1.0))
    sim.run(until=0.5)
    sim.pause("t", 1)  # misses the tick at 1.0; resumes at 1.5
    while sim.status("t") == "paused":
        sim.step()  # up to and including the resume at 1.5, not the backlog after it
    sim.pause("t", 1)  # paused again at 1.5, until 2.5
    sim.run(until=2.4)
    ticker = sim.actor("t")
    assert isinstance(ticker, Ticker)
    assert ticker.fires == []
    assert all(e.t >= 2.5 for e in sim.trace.events("timer"))


def test_a_down_node_cannot_pause() -> None:
    sim = Sim()
    sim.spawn("r", Recorder)
    sim.crash("r")
    sim.pause("r", 1)
    assert sim.status("r") == "down"
    assert sim.trace.events("pause") == []


class Holder(Recorder):
    """A Recorder that keeps its context, so outside code can call ``ctx.stop()``."""

    def started(self, ctx: Context) -> None:
        super().started(ctx)
        self.ctx = ctx
        ctx.annotate(role="holder")


@pytest.mark.parametrize("how", ["restart", "crash, restart", "stop, restart"])
def test_a_node_that_ended_while_paused_resumes_after_a_new_short_pause(how: str) -> None:
    # Whatever ends an incarnation ends its pause too: the new one is not frozen by it.
    sim = Sim()
    sim.spawn("r", Holder)
    sim.run(until=0.5)
    sim.pause("r", 10)  # until 10.5
    sim.run(until=1)
    first = sim.actor("r")
    assert isinstance(first, Holder)
    if how.startswith("crash"):
        sim.crash("r")
        assert sim.status("r") == "down"
    elif how.startswith("stop"):
        first.ctx.stop()  # a paused node runs no code; only code outside it can stop it
        assert sim.status("r") == "stopped" and sim.annotations("r") == {}
    sim.restart("r")
    sim.run(until=2)
    sim.pause("r", 1)
    sim.run(until=2.9)
    assert sim.status("r") == "paused"
    sim.run(until=20)
    assert sim.status("r") == "up"
    assert [e.t for e in sim.trace.events("resume")] == [3.0]
    assert sim.annotations("r") == {"role": "holder"}


# --------------------------------------------------------------------------- schedule text

LINES = [
    ("2.5 crash n1", Fault(2.5, "crash", ("n1",))),
    ("3 restart n1", Fault(3, "restart", ("n1",))),
    ("4 pause n2 1.5s", Fault(4, "pause", ("n2", 1.5))),
    ("4 partition n1,n2|n3,n4,n5", Fault(4, "partition", ((("n1", "n2"), ("n3", "n4", "n5")),))),
    ("4 one_way n1|n2,n3", Fault(4, "one_way", ((("n1",), ("n2", "n3")),))),
    ("8 heal", Fault(8, "heal")),
    ("5 hold n1 n2", Fault(5, "hold", ("n1", "n2"))),
    ("6 release n1 n2", Fault(6, "release", ("n1", "n2"))),
    ("6 release", Fault(6, "release")),
    ("1 loss 0.2", Fault(1, "loss", (0.2,))),
    ("1 loss 0.2 n1 n2", Fault(1, "loss", (0.2, "n1", "n2"))),
    ("1 duplication 0.1", Fault(1, "duplication", (0.1,))),
    ("1 latency 5ms:10ms", Fault(1, "latency", (Uniform(0.005, 0.01),))),
    ("1 latency 5ms", Fault(1, "latency", (Constant(0.005),))),
    ("1 latency lognormal:5ms:0.5", Fault(1, "latency", (LogNormal(0.005, 0.5),))),
    ("1 latency lognormal:5ms:0.5:100ms", Fault(1, "latency", (LogNormal(0.005, 0.5, 0.1),))),
    ("1 latency 200ms:300ms n1 n2", Fault(1, "latency", (Uniform(0.2, 0.3), "n1", "n2"))),
    ("1 duplication 1 n2 n1", Fault(1, "duplication", (1.0, "n2", "n1"))),
    ("0.1 pause n1 300.00000000000004ms", Fault(0.1, "pause", ("n1", 0.1 + 0.2))),
    ("1234567.5 crash n1", Fault(1234567.5, "crash", ("n1",))),
]


@pytest.mark.parametrize(("line", "fault"), LINES, ids=[line for line, _ in LINES])
def test_each_line_parses_and_prints_back(line: str, fault: Fault) -> None:
    assert Fault.parse(line) == fault
    assert str(fault) == line
    assert Fault.parse(str(fault)) == fault
    assert Fault.from_dict(fault.to_dict()) == fault


def test_parse_ignores_extra_spaces_and_comments() -> None:
    assert Fault.parse("  2.5   crash  n1   # the leader") == Fault(2.5, "crash", ("n1",))


def test_whole_numbers_print_without_a_point() -> None:
    assert str(Fault(2.0, "pause", ("n1", 3.0))) == "2 pause n1 3s"
    assert str(Fault(2, "loss", (1, "a", "b"))) == "2 loss 1 a b"
    assert str(Fault(0.0, "heal")) == "0 heal"
    assert str(Fault(1e22, "heal")) == "1e+22 heal"
    assert Fault.parse("1e+22 heal") == Fault(1e22, "heal")


def test_a_latency_prints_its_numbers_with_their_unit() -> None:
    assert str(Fault(1, "latency", (Constant(2.0),))) == str(Fault(1, "latency", (Constant(2),)))
    assert str(Fault.parse("1 latency 2s")) == "1 latency 2s"
    assert str(Fault.parse("1 latency 1s:2s")) == "1 latency 1s:2s"


def test_fault_arguments_are_parsed_into_the_values_the_sim_takes() -> None:
    assert Fault.parse("3 pause n1 2").args == ("n1", 2.0)
    assert Fault.parse("3 latency 0.5").args == (Constant(0.5),)
    assert Fault.parse("3 latency lognormal:0.01:1:inf").args == (LogNormal(0.01, 1.0),)
    (groups,) = Fault.parse("3 partition n1,n2|n3").args
    assert groups == (("n1", "n2"), ("n3",))
    assert Fault(3, "latency", (Uniform(0.1, 0.2),)).to_dict() == {
        "at": 3,
        "action": "latency",
        "args": ["100ms:200ms"],
    }
    assert Fault(3, "latency", (LogNormal(0.01, 0.5),)).to_dict()["args"] == ["lognormal:10ms:0.5"]
    assert Fault.from_dict({"at": 3, "action": "latency", "args": ["0.5", "a", "b"]}) == Fault(
        3, "latency", (Constant(0.5), "a", "b")
    )


def test_latency_text_and_parse_latency_are_inverses() -> None:
    for latency, text in [
        (Constant(0.005), "5ms"),
        (Uniform(0.005, 0.01), "5ms:10ms"),
        (LogNormal(0.005, 0.5), "lognormal:5ms:0.5"),
        (LogNormal(0.005, 0.5, 0.25), "lognormal:5ms:0.5:250ms"),
    ]:
        assert latency_text(latency) == text
        assert parse_latency(text) == latency
    for bad in ["", "fast", "1:2:3", "lognormal", "lognormal:1", "lognormal:1:2:3:4", "-1"]:
        with pytest.raises(InvalidArgument):
            parse_latency(bad)

    class Mine:
        def sample(self, rng: Any) -> float:
            return 0.1

    with pytest.raises(InvalidArgument, match="no text form"):
        latency_text(Mine())


def test_a_schedule_parses_from_text_skipping_blanks_and_comments() -> None:
    text = """
    # a split brain, then a cure
    4 partition n1,n2|n3,n4,n5

    2.5 crash n1   # the leader goes first
        # indented comment
    8 heal
    1 latency lognormal:0.005:0.5
    """
    schedule = FaultSchedule.parse(text)
    assert isinstance(schedule, FaultSchedule)
    assert [str(f) for f in schedule] == [
        "1 latency lognormal:5ms:0.5",
        "2.5 crash n1",
        "4 partition n1,n2|n3,n4,n5",
        "8 heal",
    ]
    assert FaultSchedule.parse(str(schedule)) == schedule
    assert FaultSchedule.parse("") == FaultSchedule() == []
    assert FaultSchedule.parse("# nothing\n\n") == []


def test_a_schedule_prints_one_line_a_fault_in_time_order_and_reads_back() -> None:
    schedule = FaultSchedule(["3 heal", "1 crash a", {"at": 2, "action": "restart", "args": ["a"]}])
    assert str(schedule) == "1 crash a\n2 restart a\n3 heal"
    assert FaultSchedule(str(schedule).splitlines()) == schedule
    assert FaultSchedule.from_json(schedule.to_json()) == schedule
    # same time: stable, in the given order
    same = FaultSchedule(["1 heal", "1 crash a", "0.5 crash b"])
    assert [f.action for f in same] == ["crash", "heal", "crash"]


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3)), max_size=10))
@settings(max_examples=40, deadline=None)
def test_str_round_trip_for_short_decimal_times(items: list[tuple[int, int]]) -> None:
    schedule = FaultSchedule(Fault(whole / 1000, "crash", (f"n{i}",)) for whole, i in items)
    text = str(schedule)
    assert FaultSchedule(text.splitlines()) == schedule


@given(faults=schedule_strategy(names(4), 1e6, max_size=10))
@settings(max_examples=60, deadline=None)
def test_json_round_trip_keeps_every_fault_exactly(faults: list[Fault]) -> None:
    schedule = FaultSchedule(faults)
    again = FaultSchedule.from_json(schedule.to_json())
    assert again == schedule
    assert [f.args for f in again] == [f.args for f in schedule]


@given(
    at=st.floats(0, 1e7),
    seconds=st.floats(0.001, 100),
    p=st.floats(0, 1),
)
@settings(max_examples=100, deadline=None)
def test_str_round_trip_keeps_every_number_exactly(at: float, seconds: float, p: float) -> None:
    schedule = FaultSchedule(
        [Fault(at, "pause", ("n1", seconds)), Fault(at, "loss", (p,)), Fault(at, "heal")]
    )
    assert FaultSchedule(str(schedule).splitlines()) == schedule


@given(faults=schedule_strategy(names(4), 1e6, max_size=10))
@settings(max_examples=60, deadline=None)
def test_str_round_trip_keeps_every_fault_exactly(faults: list[Fault]) -> None:
    schedule = FaultSchedule(faults)
    again = FaultSchedule.parse(str(schedule))
    assert again == schedule
    assert [f.args for f in again] == [f.args for f in schedule]


# --------------------------------------------------------------------------- applying schedules


def test_sim_faults_apply_at_their_time() -> None:
    sim = Sim(faults=["1 crash a", "2 restart a", "1.5 partition a|b", "1.75 heal"])
    sim.spawn("a", Recorder)
    sim.spawn("b", Recorder)
    sim.run(until=0.99)
    assert sim.status("a") == "up"
    sim.run(until=1.0)
    assert sim.status("a") == "down"
    sim.run(until=1.6)
    assert sim.network.blocked == {("a", "b"), ("b", "a")}
    sim.run(until=3)
    assert sim.status("a") == "up" and sim.network.blocked == set()
    times = [(e.kind, e.t) for e in sim.trace.events(("crash", "restart", "partition", "heal"))]
    assert times == [("crash", 1.0), ("partition", 1.5), ("heal", 1.75), ("restart", 2.0)]


def test_a_scheduled_fault_happens_after_everything_else_due_at_its_time() -> None:
    # A tick, a delivery and a started() all due at 1.0 run before the faults at 1.0,
    # exactly as if the faults were applied by hand after run(until=1).
    def world(faults: Any = None) -> Sim:
        sim = Sim(network=LinkConfig(latency="1s"), faults=faults)
        sim.spawn("t", lambda: Ticker(every=0.5))
        sim.spawn("r", Recorder)
        sim.addr("r").do_send(Ping(1))  # arrives at 1.0
        return sim

    sim = world(["1 partition t|r", "1 crash t", "1 pause r 1", "0.5 restart t"])
    sim.run(until=3)
    ticker, rec = sim.actor("t"), sim.actor("r")
    assert ticker is None and isinstance(rec, Recorder)
    assert rec.received == [Ping(1)]
    ticks = [e.t for e in sim.trace.events("timer")]
    assert ticks == [0.5, 1.0]  # the restart's timer ticks at 1.0 before the crash
    kinds = [e.kind for e in sim.trace.events(since=1, until=1)]
    assert kinds == ["deliver", "timer", "partition", "crash", "pause"]

    by_hand = world()
    by_hand.run(until=0.5)
    by_hand.restart("t")
    by_hand.run(until=1)
    by_hand.partition("t", "r")
    by_hand.crash("t")
    by_hand.pause("r", 1)
    by_hand.run(until=3)
    assert by_hand.trace.digest() == sim.trace.digest()


def test_faults_due_at_the_same_time_apply_in_the_order_given() -> None:
    sim = Sim(faults=["1 hold a b", "1 crash a", "1 heal", "1 release", "0.5 crash b"])
    sim.spawn("a", Recorder)
    sim.spawn("b", Recorder)
    sim.schedule(["1 restart b", "1 hold b a"])
    sim.run(until=2)
    assert [f"{f.action} {' '.join(map(str, f.args))}".strip() for f in sim.fault_history] == [
        "crash b",
        "hold a b",
        "crash a",
        "heal",
        "release",
        "restart b",
        "hold b a",
    ]


def test_schedule_accepts_a_fault_a_line_a_dict_or_a_list() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.spawn("b", Recorder)
    sim.run(until=1)
    sim.schedule("2 crash a")
    sim.schedule(Fault(3, "restart", ("a",)))
    sim.schedule({"at": 4, "action": "hold", "args": ["a", "b"]})
    sim.schedule(["5 release", Fault(5, "loss", (0.5,)), "6 heal"])
    sim.run(until=10)
    assert [str(f) for f in sim.fault_history] == [
        "2 crash a",
        "3 restart a",
        "4 hold a b",
        "5 release",
        "5 loss 0.5",
        "6 heal",
    ]
    assert sim.network.default.loss == 0.5


def test_network_faults_change_the_network() -> None:
    sim = Sim(faults=["0 latency 0.1:0.2", "0 loss 0.25 a b", "0 duplication 0.5", "1 latency 3s"])
    sim.spawn("a", Recorder)
    sim.spawn("b", Recorder)
    sim.run(until=0.5)
    assert sim.network.default == LinkConfig(latency=Uniform(0.1, 0.2), duplication=0.5)
    assert sim.network.config("a", "b").loss == 0.25
    assert sim.network.config("a", "b").latency == Uniform(0.1, 0.2)
    sim.run(until=1)
    assert sim.network.default.latency == Constant(3.0)


def test_apply_applies_now_ignoring_at() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.run(until=2)
    sim.apply("100 crash a")
    assert sim.status("a") == "down"
    assert str(sim.fault_history) == "2 crash a"


# --------------------------------------------------------------------------- fault history


def chatter_world_7(faults: Any = None) -> Sim:
    """Three chatters on variable links, seed 7, not run yet."""
    sim = Sim(7, network=LinkConfig(latency=Uniform(0.001, 0.1)), faults=faults)
    spawn_all(sim, 3, lambda: Chatter(every=0.2))
    return sim


def run_with(seed: int, faults: Any, until: float = 5.0) -> Sim:
    sim = Sim(seed, network=LinkConfig(latency=Uniform(0.001, 0.1), loss=0.05), faults=faults)
    spawn_all(sim, 4, lambda: Chatter(every=0.2))
    sim.run(until=until)
    return sim


@given(seed=st.integers(0, 2**16), faults=schedule_strategy(names(4), 5.0))
@settings(max_examples=25, deadline=None)
def test_fault_history_replays_a_scheduled_run_to_the_same_digest(
    seed: int, faults: list[Fault]
) -> None:
    first = run_with(seed, faults)
    history = first.fault_history
    assert len(history) == len([f for f in faults if f.at <= 5.0])
    again = run_with(seed, history)
    assert again.trace.digest() == first.trace.digest()
    assert again.fault_history == history
    # and through JSON too
    loaded = run_with(seed, FaultSchedule.from_json(history.to_json()))
    assert loaded.trace.digest() == first.trace.digest()


def test_fault_history_replays_faults_applied_by_hand() -> None:
    sim = chatter_world_7()
    sim.set_network(loss=0.1)  # before the run, at 0
    sim.run(until=1.01)
    sim.partition(["n0"], ["n1", "n2"])
    sim.set_link("n1", "n2", duplication=0.5)
    sim.set_link("n1", "n2", latency=Uniform(0.2, 0.3))
    sim.run(until=2.03)
    sim.crash("n1")
    sim.pause("n2", 0.77)
    sim.hold("n2", "n0")
    sim.run(until=3.07)
    sim.heal()
    sim.restart("n1")
    sim.release()
    sim.set_network(latency=0.05)
    sim.run(until=5)
    history = sim.fault_history
    assert [f.action for f in history] == [
        "loss",
        "partition",
        "duplication",
        "latency",
        "crash",
        "pause",
        "hold",
        "heal",
        "restart",
        "release",
        "latency",
    ]
    assert sim.now == 5
    assert_history_replays(chatter_world_7, sim)


def test_fault_history_replays_faults_applied_by_hand_each_after_a_run() -> None:
    # Each fault is applied after run(until=t), and at most one of each instant's faults
    # (the last) schedules something for that instant itself.
    sim = chatter_world_7()
    sim.run(until=0.5)
    sim.set_network(loss=0.1)
    sim.run(until=1.01)
    sim.partition(["n0"], ["n1", "n2"])
    sim.set_link("n1", "n2", duplication=0.5, latency=Uniform(0.2, 0.3))
    sim.run(until=2.03)
    sim.crash("n1")
    sim.pause("n2", 0.77)
    sim.hold("n2", "n0")
    sim.run(until=3.07)
    sim.heal()
    sim.set_network(latency=LogNormal(0.02, 0.5, 0.2))
    sim.restart("n1")
    sim.run(until=3.5)
    sim.release()
    sim.run(until=5)
    history = sim.fault_history
    assert [f.action for f in history] == [
        "loss",
        "partition",
        "latency",
        "duplication",
        "crash",
        "pause",
        "hold",
        "heal",
        "latency",
        "restart",
        "release",
    ]
    assert sim.now == 5
    assert_history_replays(chatter_world_7, sim)
    again = chatter_world_7(FaultSchedule.parse(str(history)))
    again.run(until=5)
    assert again.trace.digest() == sim.trace.digest()


def chatter_world(faults: Any = None) -> Sim:
    sim = Sim(0, faults=faults)
    spawn_all(sim, 3, lambda: Chatter(every=0.2))
    return sim


def test_fault_history_replays_a_fault_applied_before_the_instant_has_run() -> None:
    sim = noter_world()
    sim.crash("a")
    sim.run(until=1)
    assert_history_replays(noter_world, sim)


def test_fault_history_replays_two_faults_applied_by_hand_at_one_instant() -> None:
    sim = noter_world()
    sim.run(until=1)
    sim.restart("a")
    sim.crash("a")
    sim.run(until=2)
    assert_history_replays(noter_world, sim)


def test_fault_history_replays_a_release_then_a_partition_at_one_instant() -> None:
    class Sender(Actor):
        def started(self, ctx: Context) -> None:
            ctx.addr("b").do_send(Ping(1))

    def world(faults: Any = None) -> Sim:
        sim = Sim(0, faults=faults)
        sim.spawn("a", Sender)
        sim.spawn("b", Recorder)
        return sim

    sim = world(["0 hold a b"])
    sim.run(until=1)
    sim.release()
    sim.partition("a", "b")
    sim.run(until=2)
    assert [e.reason for e in sim.trace.events("drop")] == ["partition"]
    assert_history_replays(world, sim)


def test_fault_history_replays_faults_of_one_instant_scheduled_by_two_calls() -> None:
    sim = noter_world(["1 restart a"])
    sim.schedule("1 crash a")
    sim.run(until=2)
    assert_history_replays(noter_world, sim)


def test_a_fault_that_cannot_be_applied_does_not_cancel_the_others_of_its_instant() -> None:
    sim = noter_world(["1 crash zz", "1 crash a"])
    with pytest.raises(FaultScheduleError, match="node='zz'"):
        sim.run(until=2)
    sim.run(until=2)
    assert sim.status("a") == "down"
    assert [str(f) for f in sim.fault_history] == ["1 crash a"]


def test_fault_history_replays_a_crash_applied_at_a_timer_tick() -> None:
    def world(faults: Any = None) -> Sim:
        sim = Sim(0, faults=faults)
        sim.spawn("t", lambda: Ticker(every=1.0))
        return sim

    sim = world()
    sim.run(until=5)  # the tick due at 5.0 runs here ...
    sim.crash("t")  # ... and then the crash, at 5.0
    sim.run(until=10)
    assert_history_replays(world, sim)


def test_fault_history_replays_a_lognormal_latency_change() -> None:
    sim = chatter_world()
    sim.run(until=1.01)
    sim.set_network(latency=LogNormal(0.05, 0.5))
    sim.run(until=3)
    assert_history_replays(chatter_world, sim)


def test_fault_history_replays_a_set_link_call_with_two_settings() -> None:
    sim = chatter_world()
    sim.run(until=1.01)
    sim.set_link("n1", "n2", latency=Uniform(0.2, 0.3), duplication=0.5)
    sim.run(until=3)
    assert_history_replays(chatter_world, sim)


def test_an_interval_timer_runs_once_when_the_pause_ends_on_a_tick() -> None:
    sim = Sim()
    sim.spawn("t", lambda: Ticker(every=0.5))
    sim.run(until=0.1)
    sim.pause("t", 0.9)  # resumes at 1.0, when a tick is due
    sim.run(until=2)
    ticker = sim.actor("t")
    assert isinstance(ticker, Ticker)
    assert ticker.fires == [1.0, 1.5, 2.0]
