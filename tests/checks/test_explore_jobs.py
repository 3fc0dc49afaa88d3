"""explore(jobs=...): the same result with worker processes; errors name the run."""

from __future__ import annotations

import json

import pytest
from toy_protocols import spawn_term_one

from distsys_edu.checks import RunFailed, explore, invariant


def raises_at_five(trace: object) -> list[object]:
    """A learner's check with a bug: it raises on the runs where it sees a crash."""
    if any(e.kind == "crash" for e in trace.events("crash")):  # type: ignore[attr-defined]
        raise ZeroDivisionError("my check divided by zero")
    return []


def test_two_workers_give_exactly_the_result_of_one() -> None:
    kwargs = {"runs": 24, "seed": 3, "progress": False, "max_shrink": 1}
    one = explore("bully", jobs=1, **kwargs)
    two = explore("bully", jobs=2, **kwargs)
    assert one.violations["one_leader_among_reachable"] > 1  # something to shrink and merge
    assert json.dumps(one.to_dict()) == json.dumps(two.to_dict())
    assert one == two


def test_a_toy_protocol_of_a_module_goes_to_the_workers() -> None:
    one = explore(spawn_term_one, runs=6, progress=False)
    assert one.to_dict() == explore(spawn_term_one, runs=6, progress=False, jobs=2).to_dict()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_check_that_raises_names_the_run_its_schedule_and_a_replay(jobs: int) -> None:
    with pytest.raises(RunFailed) as info:
        explore("raft", runs=10, invariants=[invariant(raises_at_five)], jobs=jobs, progress=False)
    text = str(info.value)
    assert text.startswith(f"explore run {info.value.index} (seed ")
    assert "raised ZeroDivisionError: my check divided by zero" in text
    assert "Its fault schedule:" in text and " crash n" in text
    assert "raises_at_five(sim.trace)" in text  # the replay program
    assert "ZeroDivisionError" in info.value.remote_traceback


def test_bad_input_is_the_projects_error_naming_the_parameter() -> None:
    from distsys_edu.checks import completeness, liveness, random_schedule
    from distsys_edu.runtime import InvalidArgument, Sim

    trace = Sim(seed=0).trace
    cases = [
        (lambda: explore("paxos", runs=1), "protocol='paxos' is not allowed: must be one of"),
        (lambda: explore(42, runs=1), "protocol=42 is not allowed: must be a name or a function"),  # type: ignore[arg-type]
        (lambda: invariant("nope"), "invariant='nope' is not allowed: must be one of"),
        (lambda: completeness(trace, within=-1.0), "within=-1.0 is not allowed"),
        (lambda: completeness(trace, restarted=True), "restarted=True is not allowed: needs"),
        (lambda: liveness(trace, within=float("nan")), "within=nan is not allowed"),
        (lambda: random_schedule(0, [], 15.0), "nodes=[] is not allowed"),
        (lambda: explore("raft", runs=1, jobs=-2), "jobs=-2 is not allowed"),
    ]
    for call, message in cases:
        with pytest.raises(InvalidArgument) as info:
            call()
        assert message in str(info.value)
