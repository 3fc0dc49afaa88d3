"""Lesson 07's checks: the worked answers pass, the stubs are not attempted, and each
plausible wrong trace reader gets its own feedback, in the same words every run."""

from __future__ import annotations

import pytest
import real_traces_answers as wrong
from variants import Variant, assert_caught

from distsys_edu.checks import one_leader_per_term
from distsys_edu.exercises import check_step_downs, check_terms_with_two_leaders, replay
from distsys_edu.exercises import real_traces as exercise
from distsys_edu.exercises.result import ERROR, FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.real_traces import step_downs, terms_with_two_leaders

STEP_DOWN_VARIANTS = [
    Variant("a crash is not a step-down", wrong.counts_crashes, ("crash is not a step-down",)),
    Variant("only a leader steps down", wrong.counts_candidates, ("only a leader steps down",)),
    Variant("the term published", wrong.term_led_twice, ("term the node published",)),
    Variant("the term published, not guessed", wrong.guesses_the_next_term, ("term the node pub",)),
    Variant("every step-down", wrong.first_only, ("keep walking",)),
    Variant("in the order they happened", wrong.sorted_by_node, ("order they happened",)),
    # fresh wrong answers, written from lesson 07's text alone
    Variant("fresh: crashes ignored", wrong.fresh_follower_after_leader, ("crash is not",)),
]

TWO_LEADER_VARIANTS = [
    Variant("not only at the same moment", wrong.at_the_same_moment, ("same moment",)),
    Variant("every event, not the end", wrong.end_only, ("every claim", "at the end")),
    Variant("each leader once", wrong.counts_repeats, ("once per term",)),
    Variant("views with no term left out", wrong.includes_views_without_term, ("no term",)),
    Variant("leaders only", wrong.counts_candidates_as_leaders, ("role == 'leader'",)),
    Variant("crowded terms only", wrong.every_term, ("two leaders or more",)),
    Variant("in the order they claimed", wrong.sorted_leaders, ("order they first claimed",)),
    # fresh wrong answers, written from lesson 07's text alone
    Variant("fresh: each second claim", wrong.fresh_second_claimant, ("once per term",)),
]


@pytest.mark.parametrize("variant", STEP_DOWN_VARIANTS, ids=Variant.id)
def test_each_step_down_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_step_downs, variant)


@pytest.mark.parametrize("variant", TWO_LEADER_VARIANTS, ids=Variant.id)
def test_each_two_leader_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_terms_with_two_leaders, variant)


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_answers_pass_every_scenario():
    assert check_step_downs(step_downs).status == PASSED
    assert check_terms_with_two_leaders(terms_with_two_leaders).status == PASSED


def test_stubs_are_not_attempted():
    for check, stub in [
        (check_step_downs, exercise.step_downs),
        (check_terms_with_two_leaders, exercise.terms_with_two_leaders),
    ]:
        result = check(stub)
        assert result.status == NOT_ATTEMPTED
        assert f"{stub.__name__} raises NotImplementedError" in result.outcomes[0].happened


def test_the_scenarios_show_what_they_claim():
    """The worked answer's findings follow from each scenario's fault schedule."""
    paused = step_downs(exercise.raft_trace(exercise.PAUSED_LEADER))
    assert paused == [("n5", 1, 2)]  # n5 led term 1, resumed at t=2 into term 2
    crashed = exercise.raft_trace(exercise.CRASHED_LEADER)
    assert step_downs(crashed) == []
    assert [e.node for e in crashed.events("crash")] == ["n5"]
    both = exercise.raft_trace(exercise.PAUSE_THEN_PARTITION)
    assert step_downs(both) == [("n5", 1, 2), ("n2", 2, 3)]
    assert one_leader_per_term(both) == [] and terms_with_two_leaders(both) == {}
    split = exercise.raft_trace(
        (), seed=exercise.SPLIT_VOTE_SEED, election_timeout=exercise.CLOSE_TIMEOUTS
    )
    roles = [(e.node, e.data["role"], e.data["term"]) for e in split.events("annotate")]
    assert ("n4", "candidate", 1) in roles and ("n5", "leader", 1) in roles
    assert step_downs(split) == []


def test_two_leaders_agrees_with_the_library_check():
    for scripts in (exercise.ONE_AFTER_THE_OTHER, exercise.HEALED_SPLIT):
        trace = exercise.scripted_trace(scripts)
        found = terms_with_two_leaders(trace)
        violations = one_leader_per_term(trace)
        assert len(found) == len(violations) == 1
        assert tuple(next(iter(found.values()))) == violations[0].nodes


def test_a_crash_is_not_a_step_down():
    failed = failed_scenarios(check_step_downs(wrong.counts_crashes))
    assert list(failed) == ["crashed leader"]
    assert failed["crashed leader"].happened == (
        "it reported ('n5', 1, 1), but n5 crashed at t=1 while leading; the follower "
        "view after that is a fresh process starting"
    )
    assert failed["crashed leader"].hint.startswith("a crash is not a step-down")


def test_the_term_it_led_is_not_the_term_it_learned():
    failed = failed_scenarios(check_step_downs(wrong.term_led_twice))
    assert list(failed) == ["paused leader", "pause, then partition", "scripted: a later term"]
    assert failed["paused leader"].happened == "it reported ('n5', 1, 1): the term it led, twice"


def test_a_candidate_that_lost_never_led():
    failed = failed_scenarios(check_step_downs(wrong.counts_candidates))
    assert list(failed) == ["split vote", "scripted: a later term"]
    assert failed["split vote"].happened == "it reported ('n4', 1, 1), but n4 never led term 1"
    assert failed["split vote"].hint.startswith("only a leader steps down")


def test_stopping_at_the_first_step_down_misses_the_second():
    failed = failed_scenarios(check_step_downs(wrong.first_only))
    assert list(failed) == ["pause, then partition"]
    outcome = failed["pause, then partition"]
    assert outcome.happened.startswith("it found 1 of 2: it missed ('n2', 2, 3) at t=5.04")
    assert outcome.at is not None and 5 < outcome.at < 5.1


def test_leaders_of_the_moment_miss_one_after_the_other():
    failed = failed_scenarios(check_terms_with_two_leaders(wrong.at_the_same_moment))
    assert list(failed) == ["one after the other", "no term, candidates, one-leader terms"]
    assert failed["one after the other"].happened == (
        "it returned {}: it missed term 1, led by n1 and n2"
    )
    assert "never led at the same moment" in failed["one after the other"].hint


def test_the_end_alone_misses_a_healed_split():
    failed = failed_scenarios(check_terms_with_two_leaders(wrong.end_only))
    assert list(failed) == [
        "one after the other",
        "split brain, healed",
        "no term, candidates, one-leader terms",
    ]
    assert failed["split brain, healed"].hint.startswith("look at every event")


def test_a_leader_counted_at_each_announcement_is_named():
    failed = failed_scenarios(check_terms_with_two_leaders(wrong.counts_repeats))
    assert list(failed) == ["raft, pause then partition", "no term, candidates, one-leader terms"]
    assert "n2 is counted more than once as leader of term 2" in (
        failed["raft, pause then partition"].happened
    )


def test_wrong_shapes_get_told_what_to_return():
    def returns_none(trace):
        return None

    result = check_step_downs(returns_none)
    assert result.status == FAILED
    assert result.outcomes[0].happened == "it returned None"
    assert check_terms_with_two_leaders(returns_none).outcomes[0].hint.startswith("return a dict")


def test_the_result_of_a_call_is_not_the_function():
    result = check_step_downs([("n5", 1, 2)])
    assert result.status == ERROR
    assert result.outcomes[0].hint == "pass the function itself: step_downs, not step_downs()"


def test_text_is_the_same_every_run_and_replay_gives_the_answer_back():
    first = str(check_step_downs(wrong.first_only))
    assert first == str(check_step_downs(wrong.first_only))
    assert "0x" not in first
    answered = replay("step_downs", "pause, then partition", wrong.first_only)
    assert answered.answer == [("n5", 1, 2)]


def test_an_exercise_says_what_the_learner_writes():
    import pytest

    from distsys_edu.exercises import Exercise
    from distsys_edu.runtime.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="writes='module' is not allowed"):
        Exercise("x", "x", exercise.STEP_DOWNS.scenarios, writes="module")
