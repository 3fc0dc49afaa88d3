"""Lesson 03's threshold check: the worked answer passes, the stub is not attempted,
too low a threshold makes too many mistakes, too high a one detects too slowly."""

from __future__ import annotations

import pytest
import threshold_answers as wrong
from hypothesis import given, settings
from hypothesis import strategies as st
from variants import Variant, assert_caught

from distsys_edu.exercises import check_threshold
from distsys_edu.exercises.result import ERROR, FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.threshold import ChosenPhi
from distsys_edu.exercises.threshold import PHI_OPTIONS, judge_settings
from distsys_edu.exercises.threshold import ChosenPhi as Stub
from distsys_edu.protocols.detectors import PhiAccrualDetector


def with_threshold(threshold: float) -> type:
    class Chosen(PhiAccrualDetector):
        def __init__(self) -> None:
            super().__init__(threshold=threshold, **PHI_OPTIONS)

    return Chosen


def test_worked_answer_passes():
    assert check_threshold(ChosenPhi).status == PASSED


def test_stub_is_not_attempted():
    result = check_threshold(Stub)
    assert result.status == NOT_ATTEMPTED
    assert result.outcomes[0].happened.startswith("ChosenPhi.__init__ raises NotImplementedError")


@pytest.mark.parametrize(
    ("threshold", "failing", "hint"),
    [(8.0, "a quiet day", "raise the threshold"), (20.0, "a real crash", "lower the threshold")],
)
def test_too_low_and_too_high_fail_each_their_own_scenario(threshold, failing, hint):
    result = check_threshold(with_threshold(threshold))
    assert result.status == FAILED
    failed = [o for o in result.outcomes if o.status == FAILED]
    assert [o.scenario for o in failed] == [failing]
    assert failed[0].hint.startswith(hint)
    assert f"threshold {threshold:g} " in failed[0].happened


def test_a_class_that_is_no_phi_detector_fails_its_settings_and_errs_in_the_rest():
    result = check_threshold(type("Guess", (), {}))
    assert result.outcomes[0].status == FAILED
    assert "not a PhiAccrualDetector" in result.outcomes[0].happened
    assert "not a PhiAccrualDetector: subclass PhiAccrualDetector" in result.outcomes[1].happened
    assert result.outcomes[1].status == ERROR


VARIANTS = [
    Variant("few enough false suspicions", wrong.TooLow, ("raise the threshold",)),
    Variant("a crash detected within the budget", wrong.TooHigh, ("lower the threshold",)),
    Variant("**PHI_OPTIONS", wrong.ForgetsTheOptions, ("**PHI_OPTIONS",)),
    Variant("a PhiAccrualDetector", wrong.NotADetector, ("subclass PhiAccrualDetector",)),
    Variant("every one of PHI_OPTIONS (fresh)", wrong.OnlyTheMinStd, ("**PHI_OPTIONS",)),
    Variant("no settings of your own (fresh)", wrong.SmallWindow, ("**PHI_OPTIONS",)),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_threshold, variant)


@settings(max_examples=30, deadline=None)
@given(st.floats(1.0, 30.0))
def test_any_threshold_built_with_phi_options_has_the_right_settings(threshold):
    assert judge_settings(PhiAccrualDetector(threshold=threshold, **PHI_OPTIONS)) is None


@settings(max_examples=30, deadline=None)
@given(
    st.floats(1.0, 30.0),
    st.sampled_from(["min_std", "first_heartbeat_estimate"]),
    st.floats(0.001, 2.0).filter(lambda v: v not in PHI_OPTIONS.values()),
)
def test_any_other_setting_is_told_to_pass_phi_options(threshold, option, value):
    detector = PhiAccrualDetector(threshold=threshold, **{**PHI_OPTIONS, option: value})
    problem = judge_settings(detector)
    assert problem is not None and "**PHI_OPTIONS" in problem.hint
