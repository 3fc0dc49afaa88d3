"""A worked answer to lesson 03's second exercise (:mod:`distsys_edu.exercises.threshold`)."""

from __future__ import annotations

from ...protocols.detectors import PhiAccrualDetector
from ..threshold import PHI_OPTIONS


class ChosenPhi(PhiAccrualDetector):
    """Phi 12: on the lesson's network about 10 false suspicions an hour (phi 8 makes
    about 70, phi 10 about 20: too close to the target of 25 to be safe), and a crash
    detected in about 230 ms on average (phi 16 takes about 255 ms)."""

    def __init__(self) -> None:
        super().__init__(threshold=12.0, **PHI_OPTIONS)
