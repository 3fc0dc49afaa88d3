"""Lesson 05's terms check: the worked answer passes, the stub is not attempted, and each
plausible wrong answer gets its own feedback, on even and odd cluster sizes."""

from __future__ import annotations

import pytest
import terms_answers as wrong
from hypothesis import given, settings
from hypothesis import strategies as st
from variants import Variant, assert_caught

from distsys_edu.exercises import check_terms
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.terms import TermsNode
from distsys_edu.exercises.terms import RAFT_TIMEOUT, judge, play
from distsys_edu.exercises.terms import TermsNode as Stub

VARIANTS = [
    Variant("step down on a higher VoteRequest", wrong.RequestNoStepDown, ("step_down",)),
    Variant(
        "step_down, not term by hand, on a VoteRequest",
        wrong.RequestAdoptsTermKeepsVote,
        ("step_down", "old term's vote"),
    ),
    Variant("refuse a request of an older term", wrong.GrantsOlderTerms, ("older term",)),
    Variant("reply with your own term", wrong.RepliesWithRequestTerm, ("self.term", "not the")),
    Variant("answer a refusal too", wrong.SilentRefusal, ("refusal",)),
    Variant("store voted_for", wrong.ChecksButNeverStores, ("store", "self.voted_for =")),
    Variant("check voted_for", wrong.VotesTwice, ("check self.voted_for",)),
    Variant("grant the same candidate again", wrong.RefusesRepeatedRequest, ("candidate itself",)),
    Variant("more than half, on 4 nodes", wrong.HalfIsEnough, ("majority", "for 4 nodes, 3")),
    Variant("half rounded down", wrong.HalfOfFiveRoundedDown, ("majority", "more than half")),
    Variant("a majority is enough", wrong.NeverLeads, ("majority", "for 5 nodes, 3")),
    Variant("count granted votes only", wrong.CountsRefusals, ("only granted",)),
    Variant("count votes of the current term only", wrong.CountsOlderTerms, ("older term",)),
    Variant("step down on a higher VoteReply", wrong.ReplyNoStepDown, ("step_down", "VoteReply")),
    Variant("only a candidate counts votes", wrong.CountsWhenLeader, ("only a candidate",)),
    Variant("follow a heartbeat of the current term", wrong.NeverFollows, ("self.follow",)),
    Variant("ignore a heartbeat of an older term", wrong.FollowsOlderTerms, ("older term",)),
    Variant(
        "step_down on a higher heartbeat, the old vote forgotten",
        wrong.HeartbeatAdoptsTermKeepsVote,
        ("step_down", "old term's vote"),
    ),
    Variant("a leader steps down on a higher heartbeat", wrong.NeverStepsDown, ("steps down",)),
    # fresh wrong answers, written from lesson 05's text alone
    Variant("fresh: no term in the vote", wrong.FreshTrustsEveryone, ("step_down",)),
    Variant("fresh: adds before granted", wrong.FreshCountsAllReplies, ("only granted",)),
    Variant(
        "fresh: step down on an equal term", wrong.FreshStepsDownOnEqualTerm, ("only a higher",)
    ),
    Variant(
        "fresh: heartbeat term by hand", wrong.FreshHeartbeatAnyTerm, ("step_down", "old term's")
    ),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_terms, variant)


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_answer_passes_every_scenario():
    result = check_terms(TermsNode)
    assert result.status == PASSED
    assert len(result.outcomes) == 6


def test_stub_is_not_attempted():
    result = check_terms(Stub)
    assert result.status == NOT_ATTEMPTED
    assert "on_vote_request raises NotImplementedError" in result.outcomes[0].happened


def test_half_the_votes_fails_on_an_even_cluster_only():
    failed = failed_scenarios(check_terms(wrong.HalfIsEnough))
    assert list(failed) == ["the rules, one node", "4 nodes, cut 2|2"]
    outcome = failed["4 nodes, cut 2|2"]
    assert outcome.happened.endswith("with the votes of n3, n4: 2 of 4")
    assert outcome.hint.startswith("a majority is more than half: for 4 nodes, 3")


def test_voting_twice_in_a_term_is_named():
    failed = failed_scenarios(check_terms(wrong.VotesTwice))
    assert list(failed) == ["the rules, one node", "4 nodes, cut 2|2", "5 nodes stand at once"]
    assert failed["5 nodes stand at once"].happened == (
        "n1 voted for n1 and for n5 in term 1 (at t=0.305317 and t=0.501839)"
    )
    assert "self.voted_for" in failed["4 nodes, cut 2|2"].hint


def test_a_leader_that_never_steps_down_is_caught_after_the_heal():
    failed = failed_scenarios(check_terms(wrong.NeverStepsDown))
    assert list(failed) == ["the rules, one node", "old leader cut off, then healed"]
    outcome = failed["old leader cut off, then healed"]
    assert "n1 in an older term: it never stepped down" in outcome.happened
    assert "self.step_down(ctx, msg.term)" in outcome.hint


def test_an_election_that_never_ends_is_not_a_pass():
    failed = failed_scenarios(check_terms(wrong.NeverLeads))
    assert list(failed) == ["the rules, one node", "5 nodes, no faults", "4 nodes, cut 3|1"]
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


@settings(max_examples=30, deadline=None)
@given(size=st.integers(min_value=2, max_value=7), votes=st.integers(min_value=1, max_value=7))
def test_the_majority_rule_holds_the_worked_answer_and_catches_half_on_even_sizes(size, votes):
    from distsys_edu.exercises.terms_rules import _majority_rule

    voters = tuple(f"n{i}" for i in range(1, min(votes, size) + 1))
    rule = _majority_rule(size, voters)
    assert rule.broken(rule.setup(TermsNode)) is None
    # with its own vote only, no reply arrives to count: nothing to lead on
    half_leads_wrongly = 2 * len(voters) == size and len(voters) > 1
    assert (rule.broken(rule.setup(wrong.HalfIsEnough)) is not None) == half_leads_wrongly
