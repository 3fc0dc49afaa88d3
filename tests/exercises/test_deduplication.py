"""Lesson 01's second check: the worked answer passes, the stub is not attempted, and
each plausible wrong Account gets its own feedback."""

from __future__ import annotations

import dedup_answers as wrong
import pytest
from variants import Variant, assert_caught

from distsys_edu.exercises import check_deduplication
from distsys_edu.exercises.dedup import DEPOSITS, EXERCISE
from distsys_edu.exercises.dedup import Account as Stub
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.dedup import Account


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def arrivals(scenario):
    sim = EXERCISE.scenario(scenario).play(Account)
    return [e.msg.id for e in sim.trace.events("deliver", peer="account")]


def test_worked_answer_passes_every_scenario():
    result = check_deduplication(Account)
    assert result.status == PASSED
    assert len(result.outcomes) == 4


def test_the_scenarios_duplicate_and_reorder_as_their_names_say():
    ids = [i for i, _ in DEPOSITS]
    assert arrivals("reliable network") == ids
    duplicated = arrivals("duplicating network")
    assert sorted(set(duplicated)) == ids and len(duplicated) > len(ids)
    assert duplicated == sorted(duplicated)  # constant latency: no reordering
    reordered = arrivals("reordering network")
    assert sorted(reordered) == ids and reordered != ids
    both = arrivals("duplicating and reordering")
    assert len(both) > len(ids) and both != sorted(both)


def test_stub_is_not_attempted():
    result = check_deduplication(Stub)
    assert result.status == NOT_ATTEMPTED
    assert str(result).splitlines()[0] == (
        "deduplication: NOT ATTEMPTED yet: the handler for Deposit on node account at "
        "t=0.001 raises NotImplementedError: add the amount once per deposit, then "
        "publish the balance"
    )


def test_adding_every_arrival_counts_duplicates_twice():
    failed = failed_scenarios(check_deduplication(wrong.AddsEveryArrival))
    assert list(failed) == ["duplicating network", "duplicating and reordering"]
    outcome = failed["duplicating network"]
    assert outcome.happened == (
        "at t=0.021 Deposit 3 (amount 5) arrived a second time (a duplicate) and the "
        "Account published balance=35: it counted a deposit twice"
    )
    assert outcome.hint.startswith("a network can deliver a message twice")


def test_keeping_the_highest_id_loses_overtaken_deposits():
    failed = failed_scenarios(check_deduplication(wrong.KeepsHighestId))
    assert list(failed) == ["reordering network", "duplicating and reordering"]
    outcome = failed["reordering network"]
    assert "Deposit 1 (amount 5) arrived (it was overtaken by Deposit 5)" in outcome.happened
    assert outcome.hint.startswith("messages can overtake each other")


def test_remembering_amounts_loses_a_different_deposit_of_the_same_amount():
    failed = failed_scenarios(check_deduplication(wrong.RemembersAmounts))
    outcome = failed["reliable network"]
    assert outcome.happened == (
        "at t=0.021 Deposit 3 (amount 5) arrived (Deposit 1 had the same amount) and the "
        "Account published balance=25: it did not count it"
    )
    assert outcome.hint == (
        "two different deposits can carry the same amount: tell them apart by id"
    )


def test_a_balance_not_kept_up_to_date_is_told_to_publish():
    failed = failed_scenarios(check_deduplication(wrong.PublishesOnlyNew))
    assert failed["reliable network"].happened == ("the last balance the Account published was 5")


def test_a_balance_that_is_not_a_number_is_named():
    failed = failed_scenarios(check_deduplication(wrong.PublishesTheIds))
    assert failed["reliable network"].happened == (
        "at t=0.001 the Account published balance=frozenset({1})"
    )


@pytest.mark.parametrize("account", [wrong.AddsEveryArrival, wrong.KeepsHighestId])
def test_text_is_the_same_every_time(account):
    assert str(check_deduplication(account)) == str(check_deduplication(account))


VARIANTS = [
    Variant("count each id once (duplicates)", wrong.AddsEveryArrival, ("remember the ids",)),
    Variant(
        "every id, not the highest (reordering)", wrong.KeepsHighestId, ("not only the highest",)
    ),
    Variant("by id, not by amount", wrong.RemembersAmounts, ("by id",)),
    Variant("publish after each deposit", wrong.PublishesOnlyNew, ("after each deposit",)),
    Variant("publish at all", wrong.NeverPublishes, ("ctx.annotate(balance=",)),
    Variant("publish a number", wrong.PublishesTheIds, ("an int",)),
    Variant("add the amount (fresh)", wrong.CountsDeposits, ("msg.amount", "not 1")),
    Variant("every id, not the last (fresh)", wrong.RemembersTheLastId, ("a set",)),
    Variant(
        "a late deposit counts (fresh)", wrong.ExpectsTheNextId, ("overtake", "without waiting")
    ),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_deduplication, variant)
