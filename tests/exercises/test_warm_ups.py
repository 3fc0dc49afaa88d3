"""Lesson 00's warm-ups: the worked answers pass, the stubs are not attempted, and each
rule the warm-ups name, left out alone, fails with a hint that names it."""

from __future__ import annotations

import pytest
import warm_up_answers as wrong
from variants import Variant, assert_caught

from distsys_edu.exercises import check_first_leader, check_same_seed
from distsys_edu.exercises import warm_ups as exercise
from distsys_edu.exercises.result import NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.warm_ups import first_leader, run_twice

SAME_SEED_VARIANTS = [
    Variant("two runs, not one returned twice", wrong.one_run_twice, ("one run, not two",)),
    Variant("the same seed for both runs", wrong.two_seeds, ("same seed",)),
    Variant("the seed given", wrong.ignores_seed, ("seed given", "not one of your own")),
    Variant("5 Raft nodes", wrong.three_nodes, ("spawn(sim, 'raft', 5)",)),
    Variant("1 s of virtual time", wrong.two_seconds, ("each sim", "until=1.0")),
    Variant("nothing else changed between runs", wrong.crash_in_the_second, ("change nothing",)),
    Variant("Raft, not another protocol (fresh)", wrong.bully, ("'raft'",)),
    Variant("return the Sims (fresh: the digests)", wrong.digests, ("sims themselves",)),
    Variant(
        "the same length both times (fresh)",
        wrong.second_run_shorter,
        ("second sim", "as the other"),
    ),
]

FIRST_LEADER_VARIANTS = [
    Variant("the first leader, not the last", wrong.last_leader, ("only at", "not the last")),
    Variant("the first leader, not the leader at t=5", wrong.leader_at_the_end, ("at the end",)),
    Variant("a leader, not the first candidate", wrong.first_candidate, ("candidate", "lost")),
    Variant("run long enough for an election", wrong.too_short, ("run the sim longer",)),
    Variant("the node that led, not the last spawned", wrong.last_node, ("n5 never led",)),
    Variant("run the Sim given (fresh)", wrong.own_sim, ("the sim you are given",)),
    Variant("the node's name (fresh)", wrong.the_event, ("node's name",)),
]


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


def test_the_clusters_change_leader_and_one_candidate_loses():
    """The scenarios are what make 'first' matter: in one the first leader is not the
    last, in one the first candidate never leads, and not every first leader is n1."""
    worlds = {s.name: s.play(first_leader) for s in exercise.FIRST_LEADER.scenarios}
    answers = {name: world.answer.answer for name, world in worlds.items()}
    assert len(set(answers.values())) > 1
    crashed = worlds["the first leader crashes"].answer.sim
    assert wrong.leaders(crashed, until=2.0)[-1] != answers["the first leader crashes"]
    cut_off = worlds["the first candidate is cut off"].answer.sim
    assert wrong.first_candidate(cut_off) != answers["the first candidate is cut off"]


@pytest.mark.parametrize("variant", SAME_SEED_VARIANTS, ids=Variant.id)
def test_same_seed_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_same_seed, variant)


@pytest.mark.parametrize("variant", FIRST_LEADER_VARIANTS, ids=Variant.id)
def test_first_leader_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_first_leader, variant)


def test_text_is_deterministic():
    assert str(check_first_leader(wrong.last_leader)) == str(check_first_leader(wrong.last_leader))
