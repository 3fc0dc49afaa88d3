"""Lesson 09's exercises: the worked answers pass, the stubs are not attempted, and
each rule left out alone fails with a hint that names it."""

from __future__ import annotations

import kv_store_answers as wrong
import pytest
from variants import Variant, assert_caught

from distsys_edu.exercises import check_cas_step, check_sessions
from distsys_edu.exercises import kv_store as exercise
from distsys_edu.exercises.result import NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.kv_store import SessionStore, cas_step

SESSION_VARIANTS = [
    Variant("1: execute a new command", wrong.NeverExecutes, ("rule 1", "self.execute")),
    Variant("2: a retry is not executed again", wrong.NoSessions, ("rule 2", "not be executed")),
    Variant("2: a retry gets the saved result", wrong.RetryGetsNone, ("saved result",)),
    Variant("2: remember the result (fresh)", wrong.ForgetsResult, ("saved result",)),
    Variant("3: an older command is not executed", wrong.OnlySameSeq, ("rule 3", "older")),
    Variant("4: a session per client", wrong.OneSessionForAll, ("rule 4", "that client's")),
]

CAS_VARIANTS = [
    Variant("no answer: as if it returned True", wrong.cas_timeout_failed, ("no answer",)),
    Variant("what the cas returned", wrong.cas_ignores_result, ("returned true", "not possible")),
    Variant("a failed cas changes nothing", wrong.cas_false_writes, ("changes nothing",)),
    Variant("not possible: the value stays", wrong.cas_impossible_writes, ("value stays",)),
    Variant("a failed cas: value not expected", wrong.cas_failed_always_possible, ("compare",)),
    Variant("a key never written holds None", wrong.cas_unwritten_fails, ("never written",)),
    Variant(
        "a cas that succeeded: value becomes new",
        wrong.cas_success_keeps_value,
        ("is possible", "becomes new"),
    ),
    Variant(
        "no answer, other value: not possible",
        wrong.cas_timeout_either_way,
        ("no answer", "not possible"),
    ),
]


def test_the_worked_answers_pass() -> None:
    assert check_sessions(SessionStore).status == PASSED
    assert check_cas_step(cas_step).status == PASSED


def test_the_stubs_are_not_attempted() -> None:
    assert check_sessions(exercise.SessionStore).status == NOT_ATTEMPTED
    assert check_cas_step(exercise.cas_step).status == NOT_ATTEMPTED


@pytest.mark.parametrize("variant", SESSION_VARIANTS, ids=Variant.id)
def test_each_session_rule_left_out_is_caught_and_named(variant: Variant) -> None:
    assert_caught(check_sessions, variant)


@pytest.mark.parametrize("variant", CAS_VARIANTS, ids=Variant.id)
def test_each_cas_rule_left_out_is_caught_and_named(variant: Variant) -> None:
    assert_caught(check_cas_step, variant)


def test_the_cas_cases_agree_with_the_checkers_model() -> None:
    """Every case's answer is what the library's store does to a key with that value,
    for the cases with an answer (the checker searches a timed-out cas as True)."""
    from distsys_edu.protocols.raftlog.kv import KVMap

    for case in exercise.CAS_CASES:
        store = KVMap()
        if case.value is not None:
            store.data["x"] = case.value
        did = store.execute("cas", "x", (case.expected, case.new))
        assumed = True if case.returned is None else case.returned
        assert case.answer == (
            did is assumed,
            store.data.get("x") if did is assumed else case.value,
        )
