"""The playground's logic, driven in-process: actions, the recorded schedule, rewinding
by replay, the monitor, the snippet, the learner's own code and bad input."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
from determinism import other_hashseed, run_python
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distsys_edu import Actor, HandlerFailureWarning, InvalidArgument, Sim
from distsys_edu.protocols import spawn
from distsys_edu.viz.playground import PlaygroundModel, Setup


def run_snippet(model: PlaygroundModel) -> dict[str, Any]:
    """Execute the model's snippet alone, in a fresh namespace; return that namespace."""
    namespace: dict[str, Any] = {"__name__": "snippet"}
    exec(compile(model.snippet(), "<snippet>", "exec"), namespace)
    return namespace


def fresh_run(model: PlaygroundModel, t: float) -> PlaygroundModel:
    """A new model with the same setup, given the same faults by hand at their times, at ``t``."""
    setup = model.lanes[0].setup
    fresh = PlaygroundModel(setup.protocol, nodes=setup.nodes, seed=setup.seed)
    for fault in model.schedule:
        if fault.at > t:
            break
        fresh.seek(fault.at)
        fresh.act(fault)
    fresh.seek(t)
    return fresh


def test_pressing_crash_changes_the_sim_and_adds_a_line_to_the_snippet() -> None:
    model = PlaygroundModel("raft", nodes=5)
    model.advance(0.5)
    before = model.snippet()
    model.crash("n2")
    assert model.lanes[0].sim.status("n2") == "down"
    added = [line for line in model.snippet().splitlines() if line not in before.splitlines()]
    assert '    "0.5 crash n2",' in added


def test_the_snippet_alone_replays_the_same_trace() -> None:
    model = PlaygroundModel("raft", nodes=5, seed=3)
    model.advance(0.4)
    model.crash("n1")
    model.advance(0.3)
    model.partition(["n2", "n3"], ["n4", "n5"])
    model.set_loss(0.2)
    model.set_latency((0.002, 0.02))
    model.advance(0.5)
    model.pause("n4", 0.25)
    model.heal()
    model.restart("n1")
    model.advance(1.0)
    assert run_snippet(model)["sim"].trace.digest() == model.digests()[0]
    printed = run_python(model.snippet(), hashseed=other_hashseed()).split()
    assert printed == model.digests()


def test_side_by_side_lanes_step_in_lockstep_and_both_replay() -> None:
    model = PlaygroundModel("bully", nodes=5, versus="raft")
    model.advance(1.0)
    model.partition(["n1", "n2", "n3"], ["n4", "n5"])
    model.advance(3.0)
    model.heal()
    model.advance(3.0)
    assert [lane.sim.now for lane in model.lanes] == [7.0, 7.0]
    assert [lane.setup.name for lane in model.lanes] == ["bully", "raft"]
    namespace = run_snippet(model)
    assert [namespace["sim"].trace.digest(), namespace["other"].trace.digest()] == model.digests()
    bully, raft = model.monitor(force=True)
    assert raft is None
    assert bully is not None and bully.invariant == "one_leader_among_reachable"
    assert bully.nodes == ("n3", "n5")  # each side of the cut elected its highest node


def test_going_back_gives_the_picture_of_a_fresh_run_to_that_time() -> None:
    model = PlaygroundModel("raft", nodes=5)
    model.advance(0.6)
    model.crash("n3")
    model.advance(0.7)
    model.partition(["n1"], ["n2", "n4", "n5"])
    model.advance(0.9)
    end = model.digests()
    for t in (0.9, 0.3, 1.3, 2.2, 0.6):
        model.seek(t)
        fresh = fresh_run(model, t)
        assert model.lanes[0].frame(model.schedule) == fresh.lanes[0].frame(fresh.schedule)
        assert model.lanes[0].sim.trace.digest() == fresh.digests()[0]
    model.seek(2.2)
    assert model.digests() == end  # back and forth: the recorded future replays


def test_the_incremental_frame_equals_the_sims_own_snapshot() -> None:
    model = PlaygroundModel("bully", nodes=6, loss=0.1)
    for _ in range(12):
        model.advance(0.05)
        snapshot, timers, losses = model.lanes[0].frame(model.schedule)
        assert snapshot == model.lanes[0].sim.snapshot()
        assert timers == model.lanes[0].sim.pending_timers()
        assert set(losses.values()) == {0.1} and len(losses) == 30


def test_acting_in_the_past_drops_the_recorded_future() -> None:
    model = PlaygroundModel("raft", nodes=3)
    model.advance(1.0)
    model.crash("n1")
    model.advance(1.0)
    model.crash("n2")
    model.seek(1.5)
    assert model.lanes[0].sim.status("n1") == "down"
    model.heal()
    assert [str(f) for f in model.schedule] == ["1 crash n1", "1.5 heal"]
    model.seek(2.5)
    assert model.lanes[0].sim.status("n2") == "up"
    assert run_snippet(model)["sim"].trace.digest() == model.digests()[0]


def test_the_monitor_turns_red_at_the_violating_event_and_stays_found_when_rewinding() -> None:
    model = PlaygroundModel("bully", nodes=5)
    model.advance(1.0)
    model.partition(["n1", "n2", "n3"], ["n4", "n5"])
    model.advance(1.0)
    model.heal()
    model.advance(4.0)
    (violation,) = model.monitor(force=True)
    assert violation is not None and violation.t == pytest.approx(2.0, abs=0.05)
    assert "n3 and n5 were both leader" in violation.detail
    model.seek(1.5)  # before it: still known, not yet reached
    assert model.monitor() == [violation] and violation.t > model.now
    model.crash("n3")  # a new future: what was found after now is forgotten
    assert model.monitor() == [None]


def test_the_monitor_watches_each_protocols_safety_invariants() -> None:
    names = {
        protocol: [c.name for c in PlaygroundModel(protocol, nodes=2).lanes[0].invariants]
        for protocol in ("raft", "bully", "blog", "swim")
    }
    assert names["raft"] == ["one_leader_per_term"]
    assert names["bully"] == names["blog"] == ["one_leader_among_reachable"]
    assert names["swim"] == ["one_leader_per_term", "one_leader_among_reachable"]


class Divides(Actor):
    """A learner's actor with a bug: a timer that divides by zero."""

    def started(self, ctx: Any) -> None:
        ctx.run_later(0.1, self.tick)

    def tick(self, ctx: Any) -> None:
        ctx.annotate(ratio=1 / 0)


class Refuses(Actor):
    def __init__(self) -> None:
        raise RuntimeError("no constructor for you")


def test_an_error_in_the_learners_actor_is_kept_as_words_not_raised() -> None:
    model = PlaygroundModel(Divides, nodes=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", HandlerFailureWarning)  # told once: in problems()
        model.advance(0.2)
    assert model.problems() == [
        "t=0.1 n1 timer tick: ZeroDivisionError: division by zero -> crashed",
        "t=0.1 n2 timer tick: ZeroDivisionError: division by zero -> crashed",
    ]
    broken = PlaygroundModel(Refuses, nodes=2)
    broken.advance(1.0)
    (problem,) = broken.problems()
    assert problem.startswith("spawning the Refuses cluster: RuntimeError: no constructor for you")
    assert "test_playground_model.py" in problem


def test_a_learners_actor_class_and_spawn_function_replay_from_the_snippet() -> None:
    model = PlaygroundModel(Divides, nodes=3)
    model.advance(0.3)
    model.restart("n2")
    model.advance(0.3)
    assert "from test_playground_model import Divides" in model.snippet()
    with pytest.warns(HandlerFailureWarning):  # the snippet alone warns, as any Sim does
        assert run_snippet(model)["sim"].trace.digest() == model.digests()[0]
    own = PlaygroundModel(ring_of_three, options={"failure_timeout": 0.9})
    own.advance(0.5)
    own.crash("n3")
    own.advance(2.0)
    assert "ring_of_three(sim, 5, failure_timeout=0.9)" in own.snippet()
    assert run_snippet(own)["sim"].trace.digest() == own.digests()[0]


def ring_of_three(sim: Sim, nodes: int, failure_timeout: float = 1.5) -> list[str]:
    """A learner's own spawn function."""
    return spawn(sim, "ring", nodes, failure_timeout=failure_timeout)


def test_timings_come_from_the_protocols_spec_and_nothing_else() -> None:
    assert Setup("raft").timings() == {"election_timeout": (0.15, 0.3)}
    assert [k.name for k in Setup("raft").knobs()] == ["election_timeout"]
    assert Setup("bully", options={"failure_timeout": 2.0}).timings()["failure_timeout"] == 2.0
    assert Setup(ring_of_three).timings() == {}  # no spec: no guessing from parameter names
    assert Setup(Divides).timings() == {}


def test_a_knob_outside_its_specs_range_is_refused_by_name() -> None:
    with pytest.raises(InvalidArgument, match=r"failure_timeout=99\.0 .*from 0\.01 to 5\.0 s"):
        Setup("bully", options={"failure_timeout": 99.0})


def test_configuring_replays_the_schedule_minus_faults_on_missing_nodes() -> None:
    model = PlaygroundModel("raft", nodes=5)
    model.advance(0.5)
    model.crash("n5")
    model.crash("n1")
    model.advance(0.5)
    dropped = model.configure(nodes=4)
    assert [str(f) for f in dropped] == ["0.5 crash n5"]
    assert [str(f) for f in model.schedule] == ["0.5 crash n1"]
    assert model.lanes[0].nodes == ["n1", "n2", "n3", "n4"] and model.now == 1.0
    model.configure(options={"election_timeout": (0.3, 0.6)})
    model.compare({"election_timeout": (0.6, 1.2)})
    assert [lane.setup.options for lane in model.lanes] == [
        {"election_timeout": (0.3, 0.6)},
        {"election_timeout": (0.6, 1.2)},
    ]
    assert run_python(model.snippet(), hashseed="0").split() == model.digests()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: m.crash("n9"), "node='n9' is not allowed: must be a node of raft (n1, n2, n3)"),
        (lambda m: m.pause("n1", 0), "seconds=0 is not allowed: must be a finite number > 0"),
        (lambda m: m.set_loss(1.5), "probability=1.5 is not allowed: must be a probability"),
        (lambda m: m.set_latency((0.2, 0.1)), "latency=(0.2, 0.1) is not allowed: must be (low"),
        (lambda m: m.partition([], ["n1"]), "side_a=[] is not allowed: must name at least one"),
        (lambda m: m.seek(-1), "t=-1 is not allowed: must be a finite number >= 0"),
        (lambda m: m.advance(float("nan")), "seconds=nan is not allowed"),
        (lambda m: m.configure(lane=1), "lane=1 is not allowed: must be 0 to 0"),
        (lambda m: m.configure(protocol="rafft"), "protocol='rafft' is not allowed: must be one"),
    ],
)
def test_bad_input_names_the_parameter_and_changes_nothing(call: Any, message: str) -> None:
    model = PlaygroundModel("raft", nodes=3)
    model.advance(0.5)
    model.crash("n2")
    before = (model.digests(), list(model.schedule), model.now)
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        call(model)
    assert (model.digests(), list(model.schedule), model.now) == before


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"protocol": 42}, "protocol=42 is not allowed"),
        ({"nodes": 0}, "nodes=0 is not allowed"),
        ({"seed": "x"}, "seed='x' is not allowed: must be an int"),
        ({"latency": -1}, "latency=-1 is not allowed"),
        ({"loss": 2}, "loss=2 is not allowed"),
        ({"protocol": Divides, "options": {"a": 1}}, "must be empty for an Actor class"),
    ],
)
def test_a_bad_setup_is_refused_with_the_projects_error(kwargs: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        PlaygroundModel(**kwargs)


NODES = ["n1", "n2", "n3", "n4"]
actions = st.one_of(
    st.tuples(st.just("advance"), st.sampled_from([0.05, 0.2, 0.7])),
    st.tuples(st.sampled_from(["crash", "restart", "toggle"]), st.sampled_from(NODES)),
    st.tuples(st.just("pause"), st.sampled_from(NODES)),
    st.tuples(st.just("partition"), st.integers(1, 3)),
    st.tuples(st.just("heal"), st.none()),
    st.tuples(st.just("set_loss"), st.sampled_from([0.0, 0.3])),
    st.tuples(st.just("seek"), st.floats(0, 3, allow_nan=False).map(lambda t: round(t, 3))),
)


def play(model: PlaygroundModel, action: tuple[str, Any]) -> None:
    name, arg = action
    if name == "partition":
        model.partition(NODES[:arg], NODES[arg:])
    elif name == "heal":
        model.heal()
    elif name == "pause":
        model.pause(arg, 0.3)
    else:
        getattr(model, name)(arg)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocol=st.sampled_from(["raft", "bully"]), script=st.lists(actions, max_size=10))
def test_any_session_replays_from_its_snippet_and_rewinds_to_a_fresh_run(
    protocol: str, script: list[tuple[str, Any]]
) -> None:
    model = PlaygroundModel(protocol, nodes=4)
    for action in script:
        play(model, action)
    assert run_snippet(model)["sim"].trace.digest() == model.digests()[0]
    if model.now > 0:
        middle = round(model.now / 2, 3)
        model.seek(middle)
        fresh = fresh_run(model, middle)
        assert model.digests() == fresh.digests()
        assert model.lanes[0].frame(model.schedule) == fresh.lanes[0].frame(fresh.schedule)


def test_the_monitor_speaks_of_one_invariant_in_the_singular() -> None:
    from distsys_edu.checks import one_leader_per_term
    from distsys_edu.viz.playground.picture import monitor_text

    one = PlaygroundModel("raft", nodes=3, invariants=[one_leader_per_term])
    red, text = monitor_text(one, [None])
    assert not red and text == "✓ raft: one_leader_per_term holds so far"
    from distsys_edu.checks import one_leader_among_reachable

    two = PlaygroundModel(
        "bully", nodes=3, invariants=[one_leader_per_term, one_leader_among_reachable]
    )
    assert monitor_text(two, [None])[1] == (
        "✓ bully: one_leader_per_term, one_leader_among_reachable hold so far"
    )
