"""Plausible but wrong phi detectors, each with one mistake a learner makes (lesson 03)."""

from __future__ import annotations

import math
import statistics

from distsys_edu.exercises.phi import FIRST_INTERVALS, MIN_STD, WINDOW
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


# -- one rule left out of the worked answer (issue 15) ----------------------------------


class GuessesLeftOut(PhiDetector):
    """The worked answer without the two guessed intervals: an empty window at first."""

    def heartbeat(self, t: float) -> None:
        if self.last is not None:
            self.intervals.append(t - self.last)
            if len(self.intervals) > WINDOW:
                self.intervals.pop(0)
        self.last = t


class NoGuardForNeverHeard(PhiDetector):
    """The worked answer without `if self.last is None: return 0.0`."""

    def phi(self, t: float) -> float:
        mean = statistics.fmean(self.intervals)
        std = max(statistics.pstdev(self.intervals), MIN_STD)
        return _phi(self.last, t, mean, std)  # type: ignore[arg-type]


class NoInfinity(PhiDetector):
    """Takes -log10(p_later) even when p_later is 0."""

    def phi(self, t: float) -> float:
        if self.last is None:
            return 0.0
        mean = statistics.fmean(self.intervals)
        std = max(statistics.pstdev(self.intervals), MIN_STD)
        return -math.log10(0.5 * math.erfc((t - self.last - mean) / (std * math.sqrt(2))))


class NeverNotesTheLast(PhiDetector):
    """Records the intervals but never notes when the last heartbeat came after the first."""

    def heartbeat(self, t: float) -> None:
        if self.last is None:
            self.intervals.extend(FIRST_INTERVALS)
            self.last = t
        else:
            self.intervals.append(t - self.last)
            if len(self.intervals) > WINDOW:
                self.intervals.pop(0)


class DropsTheNewest(PhiDetector):
    """A full window drops the interval just added instead of the oldest."""

    def heartbeat(self, t: float) -> None:
        if self.last is None:
            self.intervals.extend(FIRST_INTERVALS)
        else:
            self.intervals.append(t - self.last)
            if len(self.intervals) > WINDOW:
                self.intervals.pop()
        self.last = t


# -- written from the lesson text alone ---------------------------------------------------


class NaturalLog(PhiDetector):
    """Takes -log(p_later), the natural logarithm, instead of -log10."""

    def phi(self, t: float) -> float:
        value = super().phi(t)
        return value * math.log(10)


class OneMinusErf(PhiDetector):
    """Computes p_later as 0.5 * (1 - erf(x)): equal on paper, not in floats."""

    def phi(self, t: float) -> float:
        if self.last is None:
            return 0.0
        mean = statistics.fmean(self.intervals)
        std = max(statistics.pstdev(self.intervals), MIN_STD)
        p_later = 0.5 * (1 - math.erf((t - self.last - mean) / (std * math.sqrt(2))))
        return math.inf if p_later <= 0.0 else -math.log10(p_later)


class SilenceFromTheFirst(PhiDetector):
    """Measures the silence from the first heartbeat, not the last."""

    def heartbeat(self, t: float) -> None:
        first = self.last
        super().heartbeat(t)
        if first is not None:
            self.last = first


class WindowOfEleven(PhiDetector):
    """Drops the oldest only once the window holds more than WINDOW + 1."""

    def heartbeat(self, t: float) -> None:
        if self.last is None:
            self.intervals.extend(FIRST_INTERVALS)
        else:
            self.intervals.append(t - self.last)
            if len(self.intervals) > WINDOW + 1:
                self.intervals.pop(0)
        self.last = t
