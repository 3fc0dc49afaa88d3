"""Lesson 02's check: the worked answer passes, the stub is not attempted, and each
plausible wrong follower gets its own feedback."""

from __future__ import annotations

import follower_answers as wrong
import pytest
from variants import Variant, assert_caught

from distsys_edu.exercises import check_follower_detector
from distsys_edu.exercises.follower import WatchfulFollower as Stub
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.follower import WatchfulFollower


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_answer_passes_every_scenario():
    result = check_follower_detector(WatchfulFollower)
    assert result.status == PASSED
    assert len(result.outcomes) == 4


def test_stub_is_not_attempted():
    result = check_follower_detector(Stub)
    assert result.status == NOT_ATTEMPTED
    assert "started() on node n2 at t=0 raises NotImplementedError" in result.outcomes[0].happened


def test_the_blogs_follower_misses_a_partition():
    failed = failed_scenarios(check_follower_detector(wrong.BlogFollower))
    assert list(failed) == ["leader cut off"]
    assert failed["leader cut off"].happened.startswith("n2 never suspected the leader")
    assert "try_send cannot see a partition" in failed["leader cut off"].hint


def test_timeout_shorter_than_the_interval_is_named():
    failed = failed_scenarios(check_follower_detector(wrong.ShortTimeout))
    assert len(failed) == 4
    assert "before the first heartbeat arrived" in failed["steady leader"].happened
    assert failed["steady leader"].hint.startswith("the timeout is shorter than the heartbeat")


def test_timeout_without_margin_fails_on_a_jittery_network_only():
    failed = failed_scenarios(check_follower_detector(wrong.TightTimeout))
    assert list(failed) == ["jittery network"]
    assert failed["jittery network"].hint.startswith("a heartbeat can come late")


def test_timer_never_reset_is_told_apart_from_a_short_timeout():
    failed = failed_scenarios(check_follower_detector(wrong.NeverResets))
    outcome = failed["steady leader"]
    assert outcome.happened == (
        "n2 and n3 heard the same heartbeats, yet suspected the leader at t=3 and t=3.25: "
        "0.25 s apart, exactly as they started"
    )
    assert "in on_heartbeat, cancel it and start a new one" in outcome.hint


def test_too_slow_to_notice():
    failed = failed_scenarios(check_follower_detector(wrong.SlowToNotice))
    assert list(failed) == ["leader cut off"]
    assert failed["leader cut off"].happened == (
        "n2 suspected it only at t=20.001, 10 s after its last heartbeat"
    )


def test_small_margin_is_shown_the_longest_gap_between_heartbeats():
    failed = failed_scenarios(check_follower_detector(wrong.SmallMargin))
    assert list(failed) == ["jittery network"]
    assert failed["jittery network"].happened == (
        "n2 suspected the leader at t=6.42568, 1.3 s after its last heartbeat; "
        "on this network heartbeats arrived up to 1.38505 s apart"
    )
    assert failed["jittery network"].hint.startswith("leave a margin")


VARIANTS = [
    Variant("a timer at all (the blog's follower)", wrong.BlogFollower, ("try_send cannot see",)),
    Variant("a heartbeat starts the timer afresh", wrong.NeverResets, ("counts from start",)),
    Variant("longer than an interval", wrong.ShortTimeout, ("shorter than the heartbeat",)),
    Variant("a margin for late heartbeats", wrong.TightTimeout, ("margin",)),
    Variant("a margin on a jittery network", wrong.SmallMargin, ("margin",)),
    Variant("notice within DETECTION_LIMIT", wrong.SlowToNotice, ("shorter timeout",)),
    Variant("self.publish(ctx)", wrong.ForgetsPublish, ("self.publish(ctx)",)),
    Variant("self.leader = None", wrong.KeepsTheLeader, ("self.leader = none",)),
    Variant("register: super().started", wrong.NeverRegisters, ("super().started(ctx)",)),
    Variant("forget the leader, then publish (fresh)", wrong.PublishesFirst, ("before",)),
    Variant("cancel the old timer (fresh)", wrong.NeverCancels, ("cancel",)),
    Variant("a few intervals, polling (fresh)", wrong.PollsTheClock, ("a few",)),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_follower_detector, variant)
