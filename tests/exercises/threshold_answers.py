"""Plausible wrong ChosenPhi classes for lesson 03's threshold exercise: the worked
answer with one rule left out, and a few written from the lesson text alone."""

from __future__ import annotations

from distsys_edu.exercises.threshold import PHI_OPTIONS
from distsys_edu.protocols.detectors import PhiAccrualDetector


def with_threshold(threshold: float) -> type:
    class Chosen(PhiAccrualDetector):
        def __init__(self) -> None:
            super().__init__(threshold=threshold, **PHI_OPTIONS)

    return Chosen


TooLow = with_threshold(8.0)
"""Akka's default, 8: too many false suspicions on the lesson's network."""

TooHigh = with_threshold(20.0)
"""Phi 20: never wrong, but a crash is detected too slowly."""


class ForgetsTheOptions(PhiAccrualDetector):
    """The right threshold, without **PHI_OPTIONS: the detector's default settings."""

    def __init__(self) -> None:
        super().__init__(threshold=12.0)


class OnlyTheMinStd(PhiAccrualDetector):
    """Spells out one of the options and forgets the other (fresh)."""

    def __init__(self) -> None:
        super().__init__(threshold=12.0, min_std=PHI_OPTIONS["min_std"])


class NotADetector:
    """A class with a threshold, but no phi accrual detector (fresh)."""

    threshold = 12.0


class SmallWindow(PhiAccrualDetector):
    """Adds a setting of its own: a window of 5 intervals (fresh)."""

    def __init__(self) -> None:
        super().__init__(threshold=12.0, max_samples=5, **PHI_OPTIONS)
