"""Phi as lesson 03's exercise computes it, and as plausible mistakes compute it.

The exercise's constants live here (:mod:`~distsys_edu.exercises.phi` re-exports
them), with :func:`reference`, the library's detector with these settings, and
:data:`MISTAKES`: each a way a learner goes wrong, able to recompute phi that way
from the heartbeat arrivals, so that a judge can name the mistake whose phi matches.
Everything is in seconds of virtual time.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from ..protocols.detectors import PhiAccrualDetector

HEARTBEAT_INTERVAL = 0.1
"""Seconds between two heartbeats of the sender (and the first guess of an interval)."""

WINDOW = 10
"""How many of the most recent intervals the detector keeps (Hayashibara's window)."""

MIN_STD = 0.01
"""The floor on the standard deviation, in seconds (Akka's ``min-std-deviation``)."""

FIRST_INTERVALS = (0.75 * HEARTBEAT_INTERVAL, 1.25 * HEARTBEAT_INTERVAL)
"""The two guessed intervals the window starts with at the first heartbeat, as Akka
does: a mean of one interval, a spread of a quarter of it."""


def reference() -> PhiAccrualDetector:
    """The library's detector with the exercise's settings: what phi should be."""
    return PhiAccrualDetector(
        max_samples=WINDOW, min_std=MIN_STD, first_heartbeat_estimate=HEARTBEAT_INTERVAL
    )


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong way to compute phi, and what to tell a learner who made it."""

    name: str
    hint: str
    window: int | None = WINDOW
    keep_first: bool = False
    min_std: float = MIN_STD
    sample_variance: bool = False
    guesses: tuple[float, ...] = FIRST_INTERVALS
    from_first: bool = False
    natural_log: bool = False
    one_minus_erf: bool = False

    def phi(self, arrivals: Sequence[float], t: float) -> float:
        """Phi at ``t`` after ``arrivals``, computed with this mistake."""
        if not arrivals:
            return 0.0
        last = arrivals[0] if self.from_first else arrivals[-1]
        gaps = [b - (arrivals[0] if self.from_first else a) for a, b in pairwise(arrivals)]
        intervals = [*self.guesses, *gaps]
        if self.window is not None:
            intervals = intervals[: self.window] if self.keep_first else intervals[-self.window :]
        if not intervals:
            return 0.0
        mean = statistics.fmean(intervals)
        spread = statistics.stdev if self.sample_variance else statistics.pstdev
        std = max(spread(intervals) if len(intervals) > 1 else 0.0, self.min_std)
        if std == 0.0:
            return math.inf if t - last > mean else 0.0
        x = (t - last - mean) / (std * math.sqrt(2.0))
        late = 0.5 * (1.0 - math.erf(x)) if self.one_minus_erf else 0.5 * math.erfc(x)
        if late <= 0.0:
            return math.inf
        return -math.log(late) if self.natural_log else -math.log10(late)


MISTAKES = (
    Mistake(
        "the sample variance",
        "divide by the number of intervals n, not n - 1: the window is the whole "
        "population the detector knows (statistics.pstdev, not statistics.stdev)",
        sample_variance=True,
    ),
    Mistake(
        "no minimum standard deviation",
        "raise the standard deviation to at least MIN_STD: with very regular heartbeats "
        "the spread is almost 0 and phi jumps from 0 to infinity in a millisecond",
        min_std=0.0,
    ),
    Mistake(
        "a window that never drops old intervals",
        f"keep only the last WINDOW intervals: once the window holds {WINDOW}, drop the "
        "oldest before adding a new one, or phi never learns that the heartbeats changed",
        window=None,
    ),
    Mistake(
        "a full window that drops the newest interval",
        "when the window is full, drop the oldest interval (self.intervals.pop(0)), not "
        "the one just added: phi must follow the most recent heartbeats",
        keep_first=True,
    ),
    Mistake(
        "no guessed intervals",
        "on the first heartbeat, start the window with the two FIRST_INTERVALS (it has "
        "no real interval yet)",
        guesses=(),
    ),
    Mistake(
        "the time of the first heartbeat kept as the last",
        "note when each heartbeat came: self.last = t on every heartbeat, so that each "
        "interval is t - the previous heartbeat and the silence counts from the last one",
        from_first=True,
    ),
    Mistake(
        "the natural logarithm",
        "phi is -log10(p_later): math.log10, not math.log (the natural logarithm)",
        natural_log=True,
    ),
    Mistake(
        "1 - erf instead of erfc",
        "compute p_later with math.erfc(x), not 1 - math.erf(x): equal on paper, but far "
        "from the mean 1 - erf(x) rounds to 0 and phi jumps to infinity too soon",
        one_minus_erf=True,
    ),
)
