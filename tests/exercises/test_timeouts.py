"""Lesson 05's timeouts check: the worked answer passes, the stub is not attempted, and
each plausible wrong choice gets its own feedback."""

from __future__ import annotations

import pytest
import timeouts_answers as wrong
from hypothesis import given, settings
from hypothesis import strategies as st
from variants import Variant, assert_caught

from distsys_edu.exercises import check_timeouts
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.timeouts import TimeoutChoice
from distsys_edu.exercises.timeouts import TimeoutChoice as Stub
from distsys_edu.exercises.timeouts import judge, play

VARIANTS = [
    Variant("scale with the latency", wrong.PaperConstants, ("scale it with the latency",)),
    Variant("a random timeout", wrong.NoRandomness, ("no randomness",)),
    Variant("a range many delays wide", wrong.NarrowRange, ("widen it",)),
    Variant("electionTimeout >> broadcastTime", wrong.TooShort, ("broadcasttime <<",)),
    Variant("not far longer than needed", wrong.TooSlow, ("shorten it",)),
    Variant("a heartbeat well under the timeout", wrong.RareHeartbeat, ("heartbeat interval",)),
    # fresh wrong answers, written from lesson 05's text alone
    Variant("fresh: heartbeat at the timeout", wrong.FreshHeartbeatAtTheTimeout, ("heartbeat",)),
    Variant("fresh: a few round trips", wrong.FreshRoundTrips, ("broadcasttime <<",)),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_timeouts, variant)


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_answer_passes_on_both_networks():
    result = check_timeouts(TimeoutChoice)
    assert result.status == PASSED
    assert [o.scenario for o in result.outcomes] == ["5-10 ms", "30-60 ms"]


def test_stub_is_not_attempted():
    result = check_timeouts(Stub)
    assert result.status == NOT_ATTEMPTED
    assert result.outcomes[0].happened.startswith("TimeoutChoice.election_timeout raises")


def test_the_papers_constants_fail_on_the_slow_network_only():
    failed = failed_scenarios(check_timeouts(wrong.PaperConstants))
    assert list(failed) == ["30-60 ms"]
    assert "35% of 40 first elections split" in failed["30-60 ms"].happened
    assert failed["30-60 ms"].hint.startswith("the lowest timeout is only 2.5 one-way latencies")


def test_no_randomness_is_named():
    failed = failed_scenarios(check_timeouts(wrong.NoRandomness))
    assert len(failed) == 2
    assert "100% of 40 first elections split" in failed["5-10 ms"].happened
    assert failed["5-10 ms"].hint.startswith("no randomness")


def test_a_narrow_range_is_told_to_widen():
    failed = failed_scenarios(check_timeouts(wrong.NarrowRange))
    assert failed["5-10 ms"].hint.startswith("the range is only 1.0 one-way latencies wide")


def test_too_short_a_timeout_is_told_to_scale_with_the_latency():
    failed = failed_scenarios(check_timeouts(wrong.TooShort))
    assert failed["5-10 ms"].hint.startswith("the lowest timeout is only 2.0 one-way latencies")


def test_too_long_a_timeout_is_too_slow():
    failed = failed_scenarios(check_timeouts(wrong.TooSlow))
    assert failed["5-10 ms"].happened.endswith("the median was 1042 ms")
    assert failed["5-10 ms"].hint.startswith("the lowest timeout is 100 latencies")


def test_a_heartbeat_just_under_the_timeout_starts_needless_elections():
    failed = failed_scenarios(check_timeouts(wrong.RareHeartbeat))
    assert len(failed) == 2
    assert "though the leader was up" in failed["5-10 ms"].happened
    assert failed["5-10 ms"].hint.startswith("a heartbeat can arrive up to one latency")


def test_text_is_deterministic():
    assert str(check_timeouts(wrong.NarrowRange)) == str(check_timeouts(wrong.NarrowRange))


@settings(max_examples=5, deadline=None)
@given(
    high=st.floats(min_value=0.001, max_value=0.1),
    spread=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_the_worked_answer_meets_the_targets_on_any_latency(high, spread, seed):
    assert judge(play((high * (1 - spread), high), seed, TimeoutChoice)) is None
