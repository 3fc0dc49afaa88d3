"""Lesson 04's ring check: the worked answer (and the library's node) passes, the stub is
not attempted, and a ring that forwards the wrong id, or too many, is told so."""

from __future__ import annotations

import pytest
import ring_answers as wrong
from variants import Variant, assert_caught

from distsys_edu.exercises import check_ring
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.ring import Ring as Stub
from distsys_edu.exercises.solutions.ring import Ring
from distsys_edu.protocols.ring import RingNode

VARIANTS = [
    Variant("forward a larger id unchanged", wrong.ForwardsOwnId, ("a larger id must travel",)),
    Variant(
        "become a participant forwarding a larger id",
        wrong.LargerNoParticipant,
        ("forwarding a larger id", "become_participant"),
    ),
    Variant("replace a smaller id with your own", wrong.ForwardsSmaller, ("a smaller id cannot",)),
    Variant(
        "become a participant sending your own id",
        wrong.SmallerNoParticipant,
        ("in place of a smaller one", "become_participant"),
    ),
    Variant("swallow a smaller id once taking part", wrong.NeverSwallows, ("self.participant",)),
    Variant("send Elected when your id comes back", wrong.WinsSilently, ("elected(self.id)",)),
    Variant("lead when your id comes back", wrong.AnnouncesWithoutLeading, ("become_leader",)),
    # fresh wrong answers, written from lesson 04's text alone
    Variant("fresh: the larger of the two", wrong.FreshMaxOfBoth, ("self.participant",)),
    Variant("fresh: forward everything", wrong.FreshForwardsEverything, ("a smaller id cannot",)),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_case_left_out_is_caught_and_named(variant):
    assert_caught(check_ring, variant)


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


@pytest.mark.parametrize("node_class", [Ring, RingNode])
def test_the_worked_answer_and_the_librarys_node_pass(node_class):
    assert check_ring(node_class).status == PASSED


def test_stub_is_not_attempted():
    result = check_ring(Stub)
    assert result.status == NOT_ATTEMPTED
    assert result.outcomes[0].happened.startswith("Ring.on_election raises NotImplementedError")


@pytest.mark.parametrize(
    ("answer", "happened", "hint"),
    [
        (
            wrong.ForwardsOwnId,
            "n3 sent RingElection(candidate_id=3) to n4",
            "a larger id must travel",
        ),
        (
            wrong.ForwardsSmaller,
            "n3 sent RingElection(candidate_id=1) to n4",
            "a smaller id cannot",
        ),
        (wrong.NeverSwallows, "n3 sent RingElection(candidate_id=3) to n4", "your own, larger id"),
    ],
)
def test_each_broken_case_of_the_rule_is_named(answer, happened, hint):
    outcome = failed_scenarios(check_ring(answer))["the rule, one node"]
    assert outcome.happened == happened
    assert outcome.hint.startswith(hint)


def test_forwarding_the_wrong_id_elects_nobody():
    failed = failed_scenarios(check_ring(wrong.ForwardsOwnId))
    assert "n1: leader None" in failed["everyone starts, ids descending"].happened


def test_a_ring_that_never_swallows_costs_more_messages_than_chang_and_roberts():
    outcome = failed_scenarios(check_ring(wrong.NeverSwallows))["everyone starts, ids descending"]
    assert outcome.expected == "15 Election messages, as Chang and Roberts count them"
    assert outcome.happened == "35 Election messages"
