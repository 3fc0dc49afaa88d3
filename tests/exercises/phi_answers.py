"""Plausible but wrong phi detectors, each with one mistake a learner makes (lesson 03)."""

from __future__ import annotations

import math
import statistics

from distsys_edu.exercises.phi import FIRST_INTERVALS
from distsys_edu.exercises.solutions.phi import PhiDetector


def _phi(last: float, t: float, mean: float, std: float) -> float:
    p_later = 0.5 * math.erfc((t - last - mean) / (std * math.sqrt(2)))
    return math.inf if p_later == 0.0 else -math.log10(p_later)


class SampleVariance(PhiDetector):
    """Divides by n - 1."""

    def phi(self, t: float) -> float:
        if self.last is None:
            return 0.0
        std = max(statistics.stdev(self.intervals), 0.01)
        return _phi(self.last, t, statistics.fmean(self.intervals), std)


class NoMinimumStd(PhiDetector):
    """No floor on the standard deviation."""

    def phi(self, t: float) -> float:
        if self.last is None:
            return 0.0
        std = statistics.pstdev(self.intervals)
        return _phi(self.last, t, statistics.fmean(self.intervals), std)


class NeverDrops(PhiDetector):
    """Keeps every interval ever seen."""

    def heartbeat(self, t: float) -> None:
        if self.last is None:
            self.intervals.extend(FIRST_INTERVALS)
        else:
            self.intervals.append(t - self.last)
        self.last = t


class NoGuesses(PhiDetector):
    """Starts with an empty window: only real intervals."""

    def heartbeat(self, t: float) -> None:
        if self.last is not None:
            self.intervals.append(t - self.last)
            if len(self.intervals) > 10:
                self.intervals.pop(0)
        self.last = t

    def phi(self, t: float) -> float:
        if len(self.intervals) < 2:
            return 0.0
        return super().phi(t)


class NeverHeardCrashes(PhiDetector):
    """Forgets the case of a node never heard from (last is None)."""

    def phi(self, t: float) -> float:
        mean = statistics.fmean(self.intervals)
        return _phi(self.last or 0.0, t, mean, 0.01)


class NeverHeardSuspected(PhiDetector):
    """Counts the silence from time 0 for a node never heard from."""

    def phi(self, t: float) -> float:
        if self.last is None:
            return _phi(0.0, t, 0.1, 0.01)
        return super().phi(t)
