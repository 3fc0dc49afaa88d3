"""Lesson 03's threshold check: the worked answer passes, the stub is not attempted,
too low a threshold makes too many mistakes, too high a one detects too slowly."""

from __future__ import annotations

import pytest

from distsys_edu.exercises import check_threshold
from distsys_edu.exercises.result import ERROR, FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.threshold import ChosenPhi
from distsys_edu.exercises.threshold import PHI_OPTIONS
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


def test_a_class_that_is_no_phi_detector_is_an_error_that_says_so():
    result = check_threshold(type("Guess", (), {}))
    assert result.status == ERROR
    assert "not a PhiAccrualDetector: subclass PhiAccrualDetector" in result.outcomes[0].happened
