"""A worked answer to lesson 03's first exercise (:mod:`distsys_edu.exercises.phi`)."""

from __future__ import annotations

import math
import statistics

from ..phi import FIRST_INTERVALS, MIN_STD, WINDOW


class PhiDetector:
    """The phi accrual failure detector (Hayashibara et al. 2004, section 3).

    The window holds the last WINDOW intervals between heartbeats, starting with two
    guesses; phi says how unlikely the silence since the last heartbeat is, if those
    intervals are normally distributed: phi = 1 means 1 chance in 10, phi = 3 in 1000.
    """

    def __init__(self) -> None:
        self.intervals: list[float] = []  # the window, oldest first
        self.last: float | None = None  # when the last heartbeat arrived

    def heartbeat(self, t: float) -> None:
        if self.last is None:
            self.intervals.extend(FIRST_INTERVALS)  # no real interval yet: guess
        else:
            self.intervals.append(t - self.last)
            if len(self.intervals) > WINDOW:
                self.intervals.pop(0)  # forget the oldest
        self.last = t

    def phi(self, t: float) -> float:
        if self.last is None:
            return 0.0  # never heard from: nothing to be suspicious of yet
        mean = statistics.fmean(self.intervals)
        std = max(statistics.pstdev(self.intervals), MIN_STD)
        p_later = 0.5 * math.erfc((t - self.last - mean) / (std * math.sqrt(2)))
        return math.inf if p_later == 0.0 else -math.log10(p_later)
