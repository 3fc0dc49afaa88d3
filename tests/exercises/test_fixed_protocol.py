"""Lesson 06's check: the explorer passes the worked fix, finds the planted bug in the
broken node and names the vote cast twice; the stub is not attempted."""

from __future__ import annotations

import broken_answers as wrong
import pytest
from variants import Variant, assert_caught

from distsys_edu.checks import explore, one_leader_per_term, run_once
from distsys_edu.exercises import check_fixed_protocol
from distsys_edu.exercises.broken import FixedRaftNode as Stub
from distsys_edu.exercises.broken import judge_explore, play_explore, spawn_broken, spawner
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.broken import FixedRaftNode

VARIANTS = [
    Variant("step down on a higher term", wrong.NoStepDown, ("step_down",)),
    Variant("step_down, not the term by hand", wrong.TermByHand, ("step_down",)),
    Variant("reply false if term < currentTerm", wrong.GrantsOlderTerms, ("term < currentterm",)),
    Variant("reply with current_term", wrong.RepliesWithRequestTerm, ("current_term", "not the")),
    Variant("answer a refusal too", wrong.SilentRefusal, ("vote_granted is false",)),
    Variant("store voted_for", wrong.ChecksButNeverStores, ("store the vote",)),
    Variant("check voted_for (the planted bug)", wrong.Unchanged, ("check self.voted_for",)),
    Variant("grant the same candidate again", wrong.RefusesRepeatedRequest, ("candidateid",)),
    Variant("the log is current", wrong.IgnoresTheLog, ("log_is_current",)),
    Variant("granting restarts the election timer", wrong.KeepsTheTimer, ("reset_election_timer",)),
    Variant("grant at all", wrong.NeverVotes, ("never grants",)),
    # fresh wrong fixes, written from lesson 06's text alone
    Variant("fresh: voted_for only, no term", wrong.FreshVotedForOnly, ("term < currentterm",)),
    Variant("fresh: the vote in memory", wrong.FreshRemembersInMemory, ("on the disk",)),
    Variant(
        "fresh: step down on an equal term", wrong.FreshStepsDownOnEqualTerm, ("only a higher",)
    ),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_condition_left_out_is_caught_and_named(variant):
    assert_caught(check_fixed_protocol, variant)


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_fix_passes():
    result = check_fixed_protocol(FixedRaftNode)
    assert result.status == PASSED
    assert [o.scenario for o in result.outcomes] == [
        "the rules, one server",
        "no faults",
        "explore 40 runs",
    ]


def test_stub_is_not_attempted():
    result = check_fixed_protocol(Stub)
    assert result.status == NOT_ATTEMPTED
    assert "on_request_vote raises NotImplementedError" in result.outcomes[0].happened


def test_the_planted_bug_is_found_and_the_double_vote_named():
    failed = failed_scenarios(check_fixed_protocol(wrong.Unchanged))
    assert list(failed) == ["the rules, one server", "explore 40 runs"]
    assert "check self.voted_for(ctx)" in failed["the rules, one server"].hint
    outcome = failed["explore 40 runs"]
    assert outcome.happened == (
        "run 1 of 40 (seed 494930649, shrunk to: no faults at all): n2 became leader of "
        "term 1, already led by n1: n1 voted for n1 and for n2 in term 1"
    )
    assert "voted_for is None or the candidate itself" in outcome.hint
    assert "replay('fixed_protocol', 'explore 40 runs', Unchanged)" in outcome.replay


def test_refusing_every_vote_is_not_a_fix():
    failed = failed_scenarios(check_fixed_protocol(wrong.NeverVotes))
    assert list(failed) == ["the rules, one server", "no faults"]
    assert "a server that never grants elects nobody" in failed["the rules, one server"].hint
    assert "no candidate gathered a majority" in failed["no faults"].happened


def test_two_leaders_without_a_double_vote_get_the_general_hint():
    failed = failed_scenarios(check_fixed_protocol(wrong.SelfAppointed))
    assert failed["explore 40 runs"].happened.endswith("and no node voted twice in that term")


def test_the_broken_protocol_is_broken_and_its_fix_spawns_the_same_cluster():
    sim = run_once(spawn_broken, 494930649, [])
    assert one_leader_per_term(sim.trace)
    assert sim.nodes == run_once(spawner(FixedRaftNode), 494930649, []).nodes


def test_explore_names_the_spawner_by_its_class():
    result = explore(spawner(FixedRaftNode), runs=1, progress=False)
    assert result.protocol.endswith("spawner(FixedRaftNode)")


def test_exploring_a_fix_that_never_stores_its_vote_says_store_not_check():
    outcome = judge_explore(play_explore(wrong.ChecksButNeverStores))
    assert outcome is not None
    assert "its disk never showed voted_for n1 in term 1" in outcome.happened
    assert outcome.hint.startswith("store the vote")
