"""Lesson 04's Bully check: the worked answer (and the library's node) passes, the stub
is not attempted, and each plausible wrong node gets its own feedback."""

from __future__ import annotations

import bully_answers as wrong
import pytest
from variants import Variant, assert_caught

from distsys_edu.exercises import check_bully
from distsys_edu.exercises.bully import Bully as Stub
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.bully import Bully
from distsys_edu.protocols.bully import BullyNode

VARIANTS = [
    Variant("ask only the higher nodes", wrong.AsksEveryone, ("self.higher",)),
    Variant("wait for answers", wrong.Impatient, ("only start a timer",)),
    Variant("nobody higher: win at once", wrong.AlwaysWaits, ("nobody higher", "at once")),
    Variant("set the phase AWAITING_ANSWER", wrong.NoPhase, ("self.phase = awaiting_answer",)),
    Variant("keep the answer timer", wrong.TimerNotKept, ("self.election_timer =",)),
    Variant("answer a lower candidate", wrong.NeverAnswers, ("answer(self.name, self.id)",)),
    Variant("take the election over", wrong.AnswersOnly, ("self.start_election",)),
    Variant("not again while a candidate", wrong.TakesOverTwice, ("already a candidate",)),
    Variant("win when nobody answers", wrong.NeverTakesOver, ("become_coordinator",)),
    Variant("suspect the silent higher nodes", wrong.NoSuspects, ("self.suspects.update",)),
    Variant("an Answer stops the answer timer", wrong.IgnoresAnswers, ("in on_answer", "cancel")),
    Variant("phase AWAITING_COORDINATOR", wrong.PhaseKept, ("awaiting_coordinator",)),
    Variant(
        "coordinator_timeout after an Answer",
        wrong.NoCoordinatorTimeout,
        ("coordinator_timeout", "coordinator_timed_out"),
    ),
    # fresh wrong answers, written from lesson 04's text alone
    Variant("fresh: an Answer ends it all", wrong.FreshAnswersThenWins, ("coordinator_timeout",)),
    Variant("fresh: Election to every peer", wrong.FreshAsksAllPeers, ("self.higher",)),
    Variant("fresh: leads silently", wrong.FreshLeadsSilently, ("become_coordinator", "tells")),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_bully, variant)


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


@pytest.mark.parametrize("node_class", [Bully, BullyNode])
def test_the_worked_answer_and_the_librarys_node_pass(node_class):
    result = check_bully(node_class)
    assert result.status == PASSED
    assert len(result.outcomes) == 4


def test_stub_is_not_attempted():
    result = check_bully(Stub)
    assert result.status == NOT_ATTEMPTED
    assert result.outcomes[0].happened.startswith("Bully.start_election raises NotImplementedError")


@pytest.mark.parametrize(
    ("answer", "happened", "hint"),
    [
        (wrong.Impatient, "n3 declared itself leader at once", "after sending the Elections"),
        (wrong.AsksEveryone, "n3 sent Election to n4, n5, n1, n2", "loop over self.higher"),
        (wrong.NeverAnswers, "n3 sent no Answer to n1", "reply ctx.addr(msg.candidate)"),
        (wrong.AnswersOnly, "n3 answered n1 but sent Election to nobody", "after answering"),
        (wrong.NeverTakesOver, "n3 is candidate answer_timeout after", "in answer_timed_out"),
        (wrong.IgnoresAnswers, "n3 is leader: it became leader anyway", "in on_answer"),
    ],
)
def test_each_broken_rule_is_named(answer, happened, hint):
    outcome = failed_scenarios(check_bully(answer))["the rules, one node"]
    assert outcome.happened.startswith(happened)
    assert outcome.hint.startswith(hint)
    assert outcome.replay.endswith(
        f"rules = replay('bully', 'the rules, one node', {answer.__name__})"
    )


def test_a_node_that_never_takes_over_leaves_the_cluster_leaderless():
    failed = failed_scenarios(check_bully(wrong.NeverTakesOver))
    outcome = failed["the coordinator crashes"]
    assert outcome.expected.startswith("by t=2, n4 (the highest live id) is the only leader")
    assert "n4: candidate, leader None" in outcome.happened


def test_a_node_that_only_answers_stalls_an_election_started_low():
    failed = failed_scenarios(check_bully(wrong.AnswersOnly))
    assert "n1: candidate, leader None" in failed["the lowest starts"].happened


def test_the_text_is_deterministic():
    assert str(check_bully(wrong.AnswersOnly)) == str(check_bully(wrong.AnswersOnly))
