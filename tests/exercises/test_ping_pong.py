"""Lesson 01's check: the worked answer passes, the stub is not attempted, and each
plausible wrong Pinger gets its own feedback."""

from __future__ import annotations

import ping_pong_answers as wrong
import pytest
from variants import Variant, assert_caught

from distsys_edu.exercises import check_ping_pong
from distsys_edu.exercises.ping_pong import Pinger as Stub
from distsys_edu.exercises.result import ERROR, FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.ping_pong import Pinger


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_answer_passes_every_scenario():
    result = check_ping_pong(Pinger)
    assert result.status == PASSED
    assert [o.scenario for o in result.outcomes] == [
        "reliable network",
        "30% loss",
        "slow network",
        "duplicating network",
        "slow, jittery network",
    ]


def test_stub_is_not_attempted_and_says_what_to_write():
    result = check_ping_pong(Stub)
    assert result.status == NOT_ATTEMPTED
    assert str(result).splitlines()[0] == (
        "ping_pong: NOT ATTEMPTED yet: started() on node pinger at t=0 raises "
        "NotImplementedError: send the first Ping and start retrying"
    )


def test_half_written_is_not_attempted():
    assert check_ping_pong(wrong.HalfDone).status == NOT_ATTEMPTED


def test_no_retry_is_stuck_at_the_first_loss():
    failed = failed_scenarios(check_ping_pong(wrong.NoRetry))
    assert list(failed) == ["30% loss"]
    assert failed["30% loss"].happened.endswith("was never sent again")
    assert failed["30% loss"].hint.startswith("resend the Ping")


def test_giving_up_after_some_retries_is_told_to_keep_going():
    failed = failed_scenarios(check_ping_pong(wrong.GivesUp))
    assert list(failed) == ["30% loss"]
    assert failed["30% loss"].hint.startswith("keep resending")


def test_counting_every_pong_is_caught_where_pongs_come_twice():
    failed = failed_scenarios(check_ping_pong(wrong.CountsEveryPong))
    assert list(failed) == ["slow network", "duplicating network", "slow, jittery network"]
    for outcome in failed.values():
        assert "it counted a Pong twice" in outcome.happened
        assert "count each one once" in outcome.hint


def test_retry_timer_never_cancelled_keeps_pinging():
    failed = failed_scenarios(check_ping_pong(wrong.NeverCancels))
    assert len(failed) == 5
    outcome = failed["reliable network"]
    assert outcome.expected.startswith("no more Pings once all 5 pongs were in")
    assert "ctx.cancel(timer)" in outcome.hint


def test_exception_in_a_handler_is_an_error_naming_it():
    result = check_ping_pong(wrong.Buggy)
    assert result.status == ERROR
    assert result.outcomes[0].happened == (
        "KeyError: 1, raised in the handler for Pong on node pinger at t=0.002 (the node crashed)"
    )


def test_a_constructor_the_check_cannot_call_is_an_error():
    result = check_ping_pong(wrong.BadInit)
    assert result.status == ERROR
    assert "missing 1 required positional argument: 'name'" in result.outcomes[0].happened


@pytest.mark.parametrize("pinger", [wrong.NoRetry, wrong.CountsEveryPong, wrong.NeverCancels])
def test_text_is_the_same_every_time(pinger):
    assert str(check_ping_pong(pinger)) == str(check_ping_pong(pinger))


def test_count_must_be_a_number():
    failed = failed_scenarios(check_ping_pong(wrong.PublishesTheSet))
    assert failed["reliable network"].happened == ("at t=0.002 the Pinger published pongs=(1,)")


def test_count_must_be_published():
    failed = failed_scenarios(check_ping_pong(wrong.NeverPublishes))
    assert failed["reliable network"].happened == (
        "Pongs 1, 2, 3, 4, 5 arrived but the Pinger published pongs=0"
    )


def test_a_pinger_that_sends_nothing_is_told_so():
    failed = failed_scenarios(check_ping_pong(wrong.Silent))
    assert failed["reliable network"].happened == "the Pinger sent no Ping at all"


VARIANTS = [
    Variant("resend until the Pong arrives", wrong.NoRetry, ("resend the ping",)),
    Variant("resend however many tries", wrong.GivesUp, ("keep resending",)),
    Variant("count each Pong once", wrong.CountsEveryPong, ("count each one once",)),
    Variant("publish the count", wrong.NeverPublishes, ("ctx.annotate(pongs=count)",)),
    Variant("publish a number", wrong.PublishesTheSet, ("as an int",)),
    Variant("stop sending: cancel the timer", wrong.NeverCancels, ("ctx.cancel(timer)",)),
    Variant("send Pings at all", wrong.Silent, ("send ping(seq, ctx.name)",)),
    Variant("Ping(seq, ctx.name)", wrong.WrongSender, ("ctx.name",)),
    Variant("seq 1 to PINGS, no more", wrong.OneTooMany, ("pings 1 to pings only",)),
    Variant("send the next Ping when a Pong arrives", wrong.StopsAfterTheFirst, ("the next",)),
    Variant("resend until answered, not once (fresh)", wrong.RetriesOnce, ("until its",)),
    Variant("count different Pongs (fresh)", wrong.CountsByCounter, ("a set",)),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_ping_pong, variant)
