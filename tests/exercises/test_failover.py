"""Lesson 02's second check: the worked answer passes, the stub is not attempted, and
each plausible wrong Standby gets its own feedback."""

from __future__ import annotations

import failover_answers as wrong
import pytest
from variants import Variant, assert_caught

from distsys_edu.exercises import check_failover
from distsys_edu.exercises.failover import EXERCISE
from distsys_edu.exercises.failover import Standby as Stub
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.failover import Standby


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_answer_passes_every_scenario():
    result = check_failover(Standby)
    assert result.status == PASSED
    assert [o.scenario for o in result.outcomes] == [
        "steady leader",
        "leader crashed",
        "leader cut off",
    ]


def test_after_the_worked_answer_takes_over_the_other_follower_follows_it():
    sim = EXERCISE.scenario("leader crashed").play(Standby)
    assert sim.annotations("n2")["role"] == "leader"
    assert sim.annotations("n3")["leader"] == "n2"


def test_stub_is_not_attempted():
    result = check_failover(Stub)
    assert result.status == NOT_ATTEMPTED
    assert str(result).splitlines()[0] == (
        "failover: NOT ATTEMPTED yet: started() on node n2 at t=0 raises "
        "NotImplementedError: start a timer that notices a silent leader"
    )


def test_noticing_without_leading_is_told_to_take_over():
    failed = failed_scenarios(check_failover(wrong.OnlySuspects))
    assert list(failed) == ["leader crashed", "leader cut off"]
    outcome = failed["leader crashed"]
    assert outcome.happened == (
        "n2 stopped following n1 at t=11 but never took over (it still publishes "
        "role='follower'): nobody leads the cluster now"
    )
    assert outcome.hint.startswith("a supervisor cannot restart a dead machine")


def test_taking_over_at_the_first_late_heartbeat_is_a_false_takeover():
    failed = failed_scenarios(check_failover(wrong.TriggerHappy))
    assert list(failed) == ["steady leader"]
    assert "though n1 was up and reachable" in failed["steady leader"].happened
    assert "(no heartbeat from n1 had arrived yet;" in failed["steady leader"].happened
    assert failed["steady leader"].hint.startswith("take over only after a few heartbeat")


def test_one_announcement_is_not_leading():
    failed = failed_scenarios(check_failover(wrong.AnnouncesOnce))
    assert list(failed) == ["leader crashed", "leader cut off"]
    assert failed["leader crashed"].happened == (
        "n2 sent n3 1 heartbeat, then nothing from t=13.001 to t=30"
    )
    assert failed["leader crashed"].hint.startswith("heartbeat every interval, not once")


def test_waiting_for_a_failed_send_misses_a_partition():
    failed = failed_scenarios(check_failover(wrong.WaitsForFailedSend))
    assert list(failed) == ["leader cut off"]
    assert failed["leader cut off"].happened.startswith("n2 never noticed that n1 was gone")
    assert failed["leader cut off"].hint.startswith("try_send cannot see a partition")


def test_too_slow_a_takeover_is_named():
    failed = failed_scenarios(check_failover(wrong.SlowToTakeOver))
    assert failed["leader crashed"].happened == (
        "n2 took over only at t=20.001, 10 s after that heartbeat"
    )


def test_a_standby_that_never_heartbeats_is_told_so():
    failed = failed_scenarios(check_failover(wrong.LeadsSilently))
    assert failed["leader crashed"].happened == (
        "n2 sent n3 no Heartbeat after taking over, so n3 never followed it"
    )


def test_heartbeats_that_name_someone_else_leave_n3_behind():
    failed = failed_scenarios(check_failover(wrong.HeartbeatsInTheLeadersName))
    assert failed["leader crashed"].happened == "n3 still follows None"
    assert "n3 follows the node named" in failed["leader crashed"].hint


@pytest.mark.parametrize("standby", [wrong.OnlySuspects, wrong.AnnouncesOnce])
def test_text_is_the_same_every_time(standby):
    assert str(check_failover(standby)) == str(check_failover(standby))


def test_a_failed_scenario_shows_the_cluster_at_the_moment_it_went_wrong():
    result = check_failover(wrong.TriggerHappy)
    outcome = failed_scenarios(result)["steady leader"]
    assert outcome.at is not None and outcome.draw is not None  # drawn only when shown
    html = result._repr_html_()
    assert html.count('<img alt="the moment it went wrong" src="data:image/png;base64,') == 1
    assert outcome.png() is not None and outcome.png().startswith(b"\x89PNG")
    assert "base64" not in str(result)  # the text stays the same in every run


def test_a_passed_check_draws_nothing():
    result = check_failover(Standby)
    assert all(o.draw is None and o.png() is None for o in result.outcomes)


VARIANTS = [
    Variant(
        "do not call the blog's publish() after taking over",
        wrong.CallsTheBlogsPublish,
        ("publish()", "follower"),
    ),
    Variant(
        "a heartbeat starts the timer afresh",
        wrong.NeverRestartsTheTimer,
        ("counted from the last heartbeat",),
    ),
    Variant(
        "a few heartbeat intervals, not one", wrong.TriggerHappy, ("a few heartbeat intervals",)
    ),
    Variant("take over within the limit", wrong.SlowToTakeOver, ("shorter timeout",)),
    Variant("notice without try_send", wrong.WaitsForFailedSend, ("try_send cannot see",)),
    Variant(
        "stop following (self.leader = None)",
        wrong.KeepsFollowing,
        ("stop following", "self.leader = none"),
    ),
    Variant("publish role='leader'", wrong.OnlySuspects, ("role='leader'",)),
    Variant("publish leader=ctx.name", wrong.LeaderWithoutAName, ("leader=ctx.name",)),
    Variant(
        "publish itself as leader at all",
        wrong.NeverPublishesItself,
        ("publish that you lead", "role='leader'"),
    ),
    Variant("heartbeat the others every interval", wrong.AnnouncesOnce, ("every interval",)),
    Variant("heartbeat the others at all", wrong.LeadsSilently, ("heartbeats its followers",)),
    Variant("Heartbeat(ctx.name)", wrong.HeartbeatsInTheLeadersName, ("heartbeat(ctx.name)",)),
    Variant(
        "register with the leader: super().started", wrong.NeverRegisters, ("super().started(ctx)",)
    ),
    Variant("a timer started afresh (fresh)", wrong.TimerFromStartOnly, ("starts afresh",)),
    Variant("cancel the old timer (fresh)", wrong.NeverCancels, ("cancel the timer",)),
    Variant(
        "heartbeat the other followers (fresh)", wrong.HeartbeatsOnlyTheOldLeader, ("self.others",)
    ),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_failover, variant)
