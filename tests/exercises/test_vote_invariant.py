"""Lesson 06's vote invariant: the worked answer passes, the stub is not attempted, and
each plausible wrong invariant gets its own feedback, in the same words every run."""

from __future__ import annotations

import pytest
import vote_invariant_answers as wrong
from hypothesis import given, settings
from hypothesis import strategies as st
from variants import Variant, assert_caught

from distsys_edu.checks import one_leader_per_term
from distsys_edu.exercises import check_vote_invariant
from distsys_edu.exercises import vote_invariant as exercise
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.vote_invariant import votes_twice

VARIANTS = [
    Variant("a repeated vote for the same candidate", wrong.counts_repeats, ("same candidate",)),
    Variant("compare votes of one term", wrong.ignores_term, ("same term only",)),
    Variant("every term, not the last", wrong.end_only, ("each voter's last term",)),
    Variant("read send events", wrong.reads_deliveries, ("send events", "lost")),
    Variant("the candidate is e.peer", wrong.reads_the_sender, ("e.peer", "e.node")),
    Variant("granted votes only", wrong.counts_refusals, ("vote_granted",)),
    Variant("each pair once", wrong.reports_each_extra_vote, ("once",)),
    Variant("in the order of the second vote", wrong.sorted_pairs, ("order of the second vote",)),
    # fresh wrong answers, written from lesson 06's text alone
    Variant("fresh: sets per term", wrong.fresh_sets_per_term, ("order of the second vote",)),
    Variant("fresh: published voted_for", wrong.fresh_from_annotations, ("send events",)),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_vote_invariant, variant)


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_answer_passes():
    assert check_vote_invariant(votes_twice).status == PASSED


def test_stub_is_not_attempted():
    result = check_vote_invariant(exercise.votes_twice)
    assert result.status == NOT_ATTEMPTED
    assert "votes_twice raises NotImplementedError" in result.outcomes[0].happened


def test_the_traces_show_what_they_claim():
    clean = exercise.raft_trace(exercise.DUPLICATED_RAFT)
    assert votes_twice(clean) == [] and one_leader_per_term(clean) == []
    cast = exercise.grants(clean)
    assert len(cast) > len({c[1:] for c in cast})  # some grant repeated to its candidate
    broken = exercise.broken_trace()
    assert votes_twice(broken) == [(9, "n1"), (10, "n3"), (10, "n2")]
    assert one_leader_per_term(broken)
    assert max(term for _, term, _, _ in exercise.grants(broken)) == 11


def test_a_repeated_vote_for_the_same_candidate_is_not_a_double_vote():
    failed = failed_scenarios(check_vote_invariant(wrong.counts_repeats))
    assert list(failed) == ["raft, duplicated messages"]
    outcome = failed["raft, duplicated messages"]
    assert outcome.happened == (
        "it reported (1, 'n1'), but n1 voted only for ['n5'] in term 1; it answered the "
        "same candidate more than once"
    )
    assert outcome.hint.startswith("answering the same candidate again")


def test_ignoring_the_term_is_named():
    failed = failed_scenarios(check_vote_invariant(wrong.ignores_term))
    assert "raft, duplicated messages" in failed
    assert failed["raft, duplicated messages"].hint.startswith("a voter may choose a new candidate")


def test_looking_only_at_the_end_misses_an_earlier_term():
    failed = failed_scenarios(check_vote_invariant(wrong.end_only))
    assert list(failed) == ["broken raft, explorer's schedule"]
    outcome = failed["broken raft, explorer's schedule"]
    assert outcome.happened == "it missed (9, 'n1'), though n1 went on to vote in term 11"
    assert outcome.hint.startswith("look at every vote")


def test_wrong_shape_and_deterministic_text():
    def returns_none(trace):
        return None

    result = check_vote_invariant(returns_none)
    assert result.status == FAILED and result.outcomes[0].hint.startswith("return a list")
    text = str(check_vote_invariant(wrong.end_only))
    assert text == str(check_vote_invariant(wrong.end_only)) and "0x" not in text


def test_the_scripted_votes_show_a_third_candidate_a_refusal_and_a_lost_vote():
    trace = exercise.scripted_votes()
    assert votes_twice(trace) == [(3, "n1"), (4, "n5")]
    assert exercise.doubles(exercise.grants(trace, "deliver")) == [(3, "n1")]
    assert (3, "n4") in exercise.doubles(exercise.grants(trace, granted=False))


@settings(max_examples=25, deadline=None)
@given(
    votes=st.lists(
        st.tuples(
            st.sampled_from(["n1", "n2", "n3", "n4", "n5"]),
            st.integers(min_value=1, max_value=3),
            st.sampled_from(["n1", "n2", "n3", "n4", "n5"]),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_the_judges_reading_of_any_script_agrees_with_the_worked_answer(votes):
    scripts = {}
    for i, (voter, term, candidate, granted) in enumerate(votes):
        scripts.setdefault(voter, []).append((0.1 * (i + 1), term, candidate, granted))
    trace = exercise.scripted_votes(scripts)
    assert exercise.doubles(exercise.grants(trace)) == votes_twice(trace)
