"""The step mode's logic, driven in-process: choose, forward, back, branch, the invariants'
status at each state, and opening it at a model-check violation or an explore counterexample."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.checks import explore
from distsys_edu.checks.model_check import model_check
from distsys_edu.checks.runs import run_once
from distsys_edu.checks.step_plan import explore_plan, follow_the_clock, step_snippet
from distsys_edu.exercises.broken import EXPLORE_SEED, BrokenRaftNode, spawn_broken, spawner
from distsys_edu.runtime import ChoiceOptions, Fault, Sim
from distsys_edu.runtime.errors import InvalidArgument
from distsys_edu.viz.playground import StepModel, StepPlayground


def broken_start(seed: int = 0, *, trace: str = "full") -> Sim:
    sim = Sim(seed, trace=trace)
    spawn_broken(sim, 3)
    sim.settle()
    return sim


NO_FAULTS = ChoiceOptions(crash=False, restart=False, pause=None, partition=False)


@pytest.fixture(scope="module")
def violation():  # type: ignore[no-untyped-def]
    result = model_check(spawn_broken, 3, max_depth=6, max_term=1, progress=False)
    return result.violations[0]


def test_forward_through_a_model_check_path_shows_the_violation_arrive_at_its_last_step(
    violation,  # type: ignore[no-untyped-def]
) -> None:
    model = StepModel(violation.plan)
    assert model.queued == list(violation.path)
    seen = [model.status()[0][1]]
    while model.queued:
        model.forward()
        seen.append(model.status()[0][1])
    assert seen[:-1] == [None] * len(violation.path)  # the path is a shortest one
    assert seen[-1] == violation.detail
    assert model.made == list(violation.path)


def test_back_replays_from_the_seed_to_the_same_state_and_requeues_the_choice(
    violation,  # type: ignore[no-untyped-def]
) -> None:
    model = StepModel(violation.plan)
    for _ in range(4):
        model.forward()
    before = model.sim.trace.digest()
    undone = model.back()
    assert undone == violation.path[3] and model.queued[0] == undone
    fresh = broken_start()
    fresh.choose_all(violation.path[:3], violation.plan.options)
    assert model.sim.trace.digest() == fresh.trace.digest()
    model.forward()
    assert model.sim.trace.digest() == before


def test_choosing_differently_after_going_back_branches_and_drops_the_queue(
    violation,  # type: ignore[no-untyped-def]
) -> None:
    model = StepModel(violation.plan)
    model.forward()
    model.back()
    other = next(c.id for c in model.choices() if c.id != violation.path[0])
    model.choose(other)
    assert model.made == [other] and model.queued == []
    with pytest.raises(InvalidArgument, match="forward"):
        model.forward()


def test_bad_choices_and_going_back_from_the_start_are_refused_by_name() -> None:
    model = StepModel.start(broken_start, options=NO_FAULTS)
    with pytest.raises(InvalidArgument, match="back"):
        model.back()
    with pytest.raises(InvalidArgument, match=r"choice.*'m999:deliver'"):
        model.choose("m999:deliver")
    assert model.made == []


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 50)), max_size=12))
def test_any_walk_of_choices_and_backs_stands_where_a_fresh_replay_of_its_choices_does(
    walk: list[tuple[bool, int]],
) -> None:
    model = StepModel.start(partial(broken_start, 3), options=ChoiceOptions(pause=None))
    for go_back, pick in walk:
        if go_back and model.made:
            model.back()
            continue
        listed = model.choices()
        if listed:
            model.choose(listed[pick % len(listed)].id)
    fresh = broken_start(3)
    fresh.choose_all(model.made, model.plan.options)
    assert model.sim.trace.digest() == fresh.trace.digest()
    assert model.sim.choices_made == model.made


def broken_counterexample(spawn: Any):  # type: ignore[no-untyped-def]
    """The shortest counterexample of 4 explore runs of ``spawn`` (a broken Raft)."""
    result = explore(
        spawn,
        runs=4,
        seed=EXPLORE_SEED,
        invariants=["one_leader_per_term"],
        max_shrink=1,
        progress=False,
    )
    found = result.shortest()
    assert found is not None
    return found


@pytest.fixture(scope="module")
def counterexample():  # type: ignore[no-untyped-def]
    return broken_counterexample(spawner(BrokenRaftNode))


def test_an_explore_counterexample_steps_through_the_very_events_of_its_run(
    counterexample,  # type: ignore[no-untyped-def]
) -> None:
    """The queued choices replay the seeded run event for event, and the violation
    arrives at the last of them."""
    found = counterexample
    faults = list(found.schedule if found.minimal is None else found.minimal)
    model = StepModel(found.step_plan())
    assert model.status() == [("one_leader_per_term", None)]
    while len(model.queued) > 1:
        model.forward()
    assert model.status()[0][1] is None
    model.forward()
    assert model.status()[0][1] == str(found.minimal_violation or found.violation)
    run = run_once(spawner(BrokenRaftNode), found.seed, faults)
    assert found.playground().model.queued == list(found.step_plan().queued)
    timed = [str(e) for e in run.trace if e.t <= model.sim.now]
    assert [str(e) for e in model.sim.trace] == timed


def test_follow_the_clock_matches_a_run_under_a_fault_schedule() -> None:
    """With faults (a crash, a restart, a partition) the choices still replay the run."""
    faults = [
        Fault(0.2, "crash", ("n1",)),
        Fault(0.5, "partition", ((("n2",), ("n3", "n4", "n5")),)),
        Fault(0.9, "restart", ("n1",)),
        Fault(1.2, "heal"),
    ]
    plan = explore_plan("raft", 7, faults, 2.0)
    replayed = plan.make_sim()
    replayed.choose_all(plan.queued, plan.options)
    run = run_once("raft", 7, faults, duration=2.0)
    assert [str(e) for e in replayed.trace] == [str(e) for e in run.trace]
    assert follow_the_clock(plan.make_sim(), 2.0) == list(plan.queued)


def _from_code(code: str) -> Sim:
    scope: dict[str, object] = {}
    exec(code, scope)
    sim = scope["sim"]
    assert isinstance(sim, Sim)
    return sim


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 1000)), max_size=10))
def test_copy_as_code_rebuilds_the_same_state_after_any_walk_with_back_and_branches(
    moves: list[tuple[bool, int]],
) -> None:
    widget = StepPlayground.start(spawn_broken, nodes=3)  # every fault on offer
    model = widget.model
    for back, pick in moves:
        if back and model.made:
            model.back()
            continue
        listed = model.choices()
        if listed:
            model.choose(listed[pick % len(listed)].id)
    code = model.code()
    assert code.count("sim.choose(") == len(model.made)
    assert _from_code(code).trace.digest() == model.sim.trace.digest()
    widget.refresh()
    assert widget.code.value == code


def test_copy_as_code_says_what_each_choice_does_and_keeps_the_plans_options(
    violation,  # type: ignore[no-untyped-def]
) -> None:
    model = StepModel(violation.plan)
    while model.queued:
        model.forward()
    code = model.code()
    for step, label in zip(violation.path, violation.labels, strict=True):
        assert f"sim.choose({step!r}, options)  # {label} (t=" in code
    rebuilt = _from_code(code)
    assert rebuilt.trace.digest() == model.sim.trace.digest()
    assert rebuilt.choices_made == list(violation.path)


def test_a_step_model_without_the_source_of_its_start_cannot_be_copied_as_code() -> None:
    model = StepModel.start(broken_start)
    with pytest.raises(ValueError, match="setup"):
        model.code()


def test_the_step_snippet_opens_the_step_mode_at_a_model_check_violation(
    violation,  # type: ignore[no-untyped-def]
) -> None:
    scope: dict[str, Any] = {}
    exec(step_snippet(violation.plan), scope)
    model = scope["step"].model
    assert model.queued == list(violation.path)
    while model.queued:
        model.forward()
    assert model.status()[0][1] == violation.detail


def test_the_step_snippet_opens_the_step_mode_at_an_explore_counterexample() -> None:
    # spawn_broken is importable by name (a spawner(...) is not), as a snippet needs
    counterexample = broken_counterexample(spawn_broken)
    plan = counterexample.step_plan()
    scope: dict[str, Any] = {}
    exec(step_snippet(plan), scope)
    model = scope["step"].model
    assert model.queued == list(plan.queued)
    while model.queued:
        model.forward()
    found = counterexample.minimal_violation or counterexample.violation
    assert model.status()[0][1] == str(found)
    rebuilt = _from_code(model.code())  # copy as code at the violation: its faults too
    assert rebuilt.trace.digest() == model.sim.trace.digest()


def test_a_spawn_function_that_cannot_be_imported_by_name_gives_no_code(
    counterexample,  # type: ignore[no-untyped-def]
) -> None:
    """A ``spawner(...)`` closure: code importing it would not run, so none is offered."""
    plan = counterexample.step_plan()
    assert plan.setup == ""
    with pytest.raises(ValueError, match="setup"):
        step_snippet(plan)
