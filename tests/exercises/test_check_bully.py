"""Lesson 04's Bully check: the worked answer (and the library's node) passes, the stub
is not attempted, and each plausible wrong node gets its own feedback."""

from __future__ import annotations

import bully_answers as wrong
import pytest

from distsys_edu.exercises import check_bully
from distsys_edu.exercises.bully import Bully as Stub
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.bully import Bully
from distsys_edu.protocols.bully import BullyNode


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
        (wrong.NeverTakesOver, "answer_timeout after its Elections n3 is", "in answer_timed_out"),
        (wrong.IgnoresAnswers, "n3 became leader anyway", "in on_answer"),
    ],
)
def test_each_broken_rule_is_named(answer, happened, hint):
    outcome = failed_scenarios(check_bully(answer))["the rules, one node"]
    assert outcome.happened.startswith(happened)
    assert outcome.hint.startswith(hint)
    assert outcome.replay.endswith(
        f"probes = replay('bully', 'the rules, one node', {answer.__name__})"
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
