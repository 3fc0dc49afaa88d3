"""Lesson 00's warm-ups: the worked answers pass, the stubs are not attempted, and each
plausible wrong answer gets its own feedback, in the same words every run."""

from __future__ import annotations

import warm_up_answers as wrong

from distsys_edu.exercises import check_first_leader, check_same_seed
from distsys_edu.exercises import warm_ups as exercise
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.warm_ups import first_leader, run_twice


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_answers_pass():
    assert check_same_seed(run_twice).status == PASSED
    assert check_first_leader(first_leader).status == PASSED


def test_stubs_are_not_attempted():
    for check, stub in [
        (check_same_seed, exercise.run_twice),
        (check_first_leader, exercise.first_leader),
    ]:
        result = check(stub)
        assert result.status == NOT_ATTEMPTED
        assert f"{stub.__name__} raises NotImplementedError" in result.outcomes[0].happened


def test_the_checked_seeds_elect_different_first_leaders():
    """The scenarios' seeds do not all elect the same node, so a constant cannot pass."""
    assert len({first_leader(seed) for seed in (11, 23, 42)}) > 1


def test_two_seeds_are_caught():
    failed = failed_scenarios(check_same_seed(wrong.two_seeds))
    assert set(failed) == {"seed 7", "seeds 8 and 9"}
    assert failed["seed 7"].hint.startswith("use the same seed for both runs")


def test_ignoring_the_seed_is_caught():
    failed = failed_scenarios(check_same_seed(wrong.ignores_seed))
    assert "seed 7" in failed
    assert failed["seed 7"].hint.startswith("run 5 Raft nodes")


def test_last_node_is_caught():
    result = check_first_leader(wrong.last_node)
    assert result.status == FAILED
    assert all(
        o.hint.startswith("the first node to publish role")
        for o in failed_scenarios(result).values()
    )


def test_too_short_a_run_is_caught():
    failed = failed_scenarios(check_first_leader(wrong.too_short))
    assert list(failed) == ["seed 11", "seed 23", "seed 42"]
    assert failed["seed 11"].happened == "it returned None"


def test_text_is_deterministic():
    assert str(check_first_leader(wrong.last_node)) == str(check_first_leader(wrong.last_node))
