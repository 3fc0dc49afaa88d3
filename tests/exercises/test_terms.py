"""Lesson 05's terms check: the worked answer passes, the stub is not attempted, and each
plausible wrong answer gets its own feedback, on even and odd cluster sizes."""

from __future__ import annotations

import terms_answers as wrong
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.exercises import check_terms
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.terms import TermsNode
from distsys_edu.exercises.terms import RAFT_TIMEOUT, judge, play
from distsys_edu.exercises.terms import TermsNode as Stub


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_answer_passes_every_scenario():
    result = check_terms(TermsNode)
    assert result.status == PASSED
    assert len(result.outcomes) == 5


def test_stub_is_not_attempted():
    result = check_terms(Stub)
    assert result.status == NOT_ATTEMPTED
    assert "the handler for VoteRequest" in result.outcomes[0].happened


def test_half_the_votes_fails_on_an_even_cluster_only():
    failed = failed_scenarios(check_terms(wrong.HalfIsEnough))
    assert list(failed) == ["4 nodes, cut 2|2"]
    outcome = failed["4 nodes, cut 2|2"]
    assert outcome.happened.endswith("with the votes of n3, n4: 2 of 4")
    assert outcome.hint.startswith("a majority is more than half: for 4 nodes, 3")


def test_voting_twice_in_a_term_is_named():
    failed = failed_scenarios(check_terms(wrong.VotesTwice))
    assert list(failed) == ["4 nodes, cut 2|2", "5 nodes stand at once"]
    assert failed["5 nodes stand at once"].happened == (
        "n1 voted for n1 and for n5 in term 1 (at t=0.305317 and t=0.501839)"
    )
    assert "self.voted_for" in failed["4 nodes, cut 2|2"].hint


def test_a_leader_that_never_steps_down_is_caught_after_the_heal():
    failed = failed_scenarios(check_terms(wrong.NeverStepsDown))
    assert list(failed) == ["old leader cut off, then healed"]
    outcome = failed["old leader cut off, then healed"]
    assert "n1 in an older term: it never stepped down" in outcome.happened
    assert "self.step_down(ctx, msg.term)" in outcome.hint


def test_an_election_that_never_ends_is_not_a_pass():
    failed = failed_scenarios(check_terms(wrong.NeverLeads))
    assert list(failed) == ["5 nodes, no faults", "4 nodes, cut 3|1"]
    assert failed["4 nodes, cut 3|1"].expected == "n1, n2, n3 agree on a leader by t=3"


def test_text_is_deterministic():
    assert str(check_terms(wrong.HalfIsEnough)) == str(check_terms(wrong.HalfIsEnough))


@settings(max_examples=15, deadline=None)
@given(
    nodes=st.integers(min_value=2, max_value=6),
    cut=st.integers(min_value=0, max_value=5),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_the_worked_answer_never_elects_two_leaders_of_a_term(nodes, cut, seed):
    cut = tuple([cut % nodes] if cut % nodes else [])
    sim = play(nodes, cut, 0.001, RAFT_TIMEOUT, seed, 3.0, TermsNode)
    assert judge(sim) is None
