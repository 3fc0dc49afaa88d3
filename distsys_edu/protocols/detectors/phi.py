"""The phi accrual failure detector (Hayashibara, Defago, Yared, Katayama, "The phi
accrual failure detector", SRDS 2004), computed the way Akka computes it.

In the paper's terms: heartbeats arrive at times ``T_last`` (here ``last_heartbeat``);
their inter-arrival times fill a *sampling window* of fixed size (``max_samples``,
``intervals``), whose mean and variance give a normal distribution; then

    phi(t_now) = -log10(P_later(t_now - T_last)),   P_later(t) = 1 - F(t)

and the process is suspected once phi reaches a threshold Phi (``threshold``).

Where this departs from the paper, following Akka: the window is seeded with two
guessed intervals (``first_heartbeat_estimate``); the standard deviation has a floor
(``min_std``); ``acceptable_pause`` is added to the mean; and ``cdf="logistic"`` offers
Akka's approximation of F. Each is said again where it happens.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Literal, get_args

from .base import FailureDetector, finite, reject

CdfName = Literal["normal", "logistic"]
_CDF_NAMES: tuple[str, ...] = get_args(CdfName)

# Akka seeds a fresh history with a standard deviation of a quarter of the estimate.
_FIRST_HEARTBEAT_STD_FRACTION = 0.25

# Akka's logistic approximation of the normal CDF: F(y) ~ 1 / (1 + exp(-y * (A + B * y^2))),
# y in standard deviations. Akka's comment credits the Beta Mathematics Handbook and gives
# the error as 0.00014 at y = +-3.16.
_LOGISTIC_LINEAR_COEFFICIENT = 1.5976
_LOGISTIC_CUBIC_COEFFICIENT = 0.070566

_SQRT_2 = math.sqrt(2.0)
_LN_10 = math.log(10.0)

_PHI_ORDER_NOTE = "the last heartbeat: feed times in order"

# --------------------------------------------------------------------------- phi accrual


class PhiAccrualDetector(FailureDetector):
    """The phi accrual failure detector, computed as Akka computes it.

    Instead of yes/no it outputs phi, a suspicion level on a log scale: phi = 1 means
    "a heartbeat this late would happen about 1 time in 10 if the process were alive",
    phi = 2 about 1 in 100, and so on. With the last ``max_samples`` inter-arrival
    intervals (seconds between consecutive heartbeats) it estimates their mean and
    standard deviation, assumes they are normally distributed and computes

        phi(t) = -log10(1 - F(t - last_heartbeat))

    with F the normal CDF of that mean (plus ``acceptable_pause``) and standard
    deviation (at least ``min_std``). The process is available while phi < threshold.

    Like Akka, mean and variance come from a running sum and sum of squares, so a
    heartbeat costs O(1) time whatever the window size.

    Two choices worth knowing:

    * Every interval enters the window, as in the paper. Akka leaves out an interval
      that ends while the process is suspected, so that a long pause does not inflate
      the statistics; we keep it, because otherwise a process whose heartbeats became
      permanently slower would never be learned, and suspected after every heartbeat.
      The cost: one long pause widens the distribution until it leaves the window.
    * With ``cdf="normal"``, once 1 - F is below the smallest float (about 38 standard
      deviations late, phi above 320) phi is ``math.inf``, never an error. With
      ``cdf="logistic"`` phi is computed in log space and stays finite.

    Args:
        threshold: phi at or above which the process is suspected, a finite number > 0.
            Akka's default is 8; Cassandra's 8 too.
        max_samples: how many recent intervals the window keeps, an int >= 1.
        min_std: floor on the standard deviation, in seconds, a finite number > 0,
            so that very regular heartbeats do not make the detector hair-trigger.
        acceptable_pause: seconds added to the mean interval, a finite number >= 0:
            pauses (GC, a lost heartbeat) up to about this long are not suspicious.
        first_heartbeat_estimate: the expected interval before any was observed, in
            seconds, a finite number > 0 (usually the heartbeat period).
        cdf: ``"normal"`` for the exact normal CDF, ``"logistic"`` for Akka's fast
            approximation of it.

    Raises:
        ValueError: a parameter not allowed (the message says which, the value and
            what is allowed).

    Example:
        >>> detector = PhiAccrualDetector()
        >>> detector.phi(5.0)  # nothing heard yet: healthy
        0.0
        >>> detector.heartbeat(0.0)
        >>> round(detector.phi(1.0), 3)  # exactly the estimated mean: F = 1/2
        0.301
    """

    def __init__(
        self,
        threshold: float = 8.0,
        max_samples: int = 1000,
        min_std: float = 0.1,
        acceptable_pause: float = 0.0,
        first_heartbeat_estimate: float = 1.0,
        cdf: CdfName = "normal",
    ) -> None:
        self._threshold = finite("threshold", threshold, above=0)
        if isinstance(max_samples, bool) or not isinstance(max_samples, int) or max_samples < 1:
            reject("max_samples", max_samples, "an int >= 1")
        self._max_samples = max_samples
        self._min_std = finite("min_std", min_std, above=0)
        self._acceptable_pause = finite("acceptable_pause", acceptable_pause, at_least=0)
        self._first_heartbeat_estimate = finite(
            "first_heartbeat_estimate", first_heartbeat_estimate, above=0
        )
        if cdf not in _CDF_NAMES:
            reject("cdf", cdf, "one of " + ", ".join(repr(name) for name in _CDF_NAMES))
        self._cdf: CdfName = cdf
        self._intervals: deque[float] = deque()
        self._interval_sum = 0.0
        self._squared_interval_sum = 0.0
        self._last_heartbeat: float | None = None

    @property
    def threshold(self) -> float:
        """Phi at or above which the process is suspected."""
        return self._threshold

    @property
    def last_heartbeat(self) -> float | None:
        """Virtual time of the last heartbeat, or ``None`` before the first one."""
        return self._last_heartbeat

    @property
    def intervals(self) -> tuple[float, ...]:
        """The window of inter-arrival intervals, oldest first (seed samples included)."""
        return tuple(self._intervals)

    def _add_interval(self, interval: float) -> None:
        if len(self._intervals) == self._max_samples:
            oldest = self._intervals.popleft()
            self._interval_sum -= oldest
            self._squared_interval_sum -= oldest * oldest
        self._intervals.append(interval)
        self._interval_sum += interval
        self._squared_interval_sum += interval * interval

    def _seed_window(self) -> None:
        # Read in github.com/akka/akka, akka-remote/src/main/scala/akka/remote/
        # PhiAccrualDetector.scala (the 2009-2017 version, commit 016c6ce): its
        # `firstHeartbeat` history is "bootstrap with 2 entries with rather high standard
        # deviation": mean = firstHeartbeatEstimate, stdDeviation = mean / 4, and the
        # history is HeartbeatHistory(maxSampleSize) :+ (mean - stdDeviation) :+ (mean +
        # stdDeviation). heartbeat() installs it when the first heartbeat arrives, and the
        # two entries are ordinary samples: real intervals are appended after them and
        # push them out only when the window is full (with maxSampleSize = 1 only
        # mean + stdDeviation survives). Akka counts whole milliseconds; we use floats.
        # We keep the seeds the same way: early on, one or two real intervals would give
        # a spread of almost nothing and a hair-trigger detector; the guess tempers that.
        mean = self._first_heartbeat_estimate
        std = mean * _FIRST_HEARTBEAT_STD_FRACTION
        self._add_interval(mean - std)
        self._add_interval(mean + std)

    def heartbeat(self, t: float) -> None:
        """Record a heartbeat that arrived at virtual time ``t``.

        The first heartbeat seeds the window with two guessed intervals (see
        ``first_heartbeat_estimate``); each later one adds ``t - last_heartbeat``,
        dropping the oldest interval once the window holds ``max_samples``.

        Args:
            t: arrival time, in virtual seconds.

        Raises:
            ValueError: ``t`` is NaN, infinite or earlier than the last heartbeat.
        """
        t = self._check_time(t)
        if self._last_heartbeat is None:
            self._seed_window()
        else:
            self._add_interval(t - self._last_heartbeat)
        self._last_heartbeat = t

    def phi(self, t: float) -> float:
        """Return the suspicion level at virtual time ``t``.

        Args:
            t: the virtual time asked about.

        Returns:
            0.0 before the first heartbeat (an unmonitored process counts as healthy,
            as in Akka); otherwise ``-log10(1 - F(t - last_heartbeat))``, a number >= 0
            that grows with the silence, ``math.inf`` when it is too large for a float
            (normal CDF only).

        Raises:
            ValueError: ``t`` is NaN, infinite or earlier than the last heartbeat.
        """
        t = self._check_time(t)
        if self._last_heartbeat is None:
            return 0.0
        count = len(self._intervals)
        mean = self._interval_sum / count
        # Rounding in the running sums can leave a tiny negative variance: read it as 0.
        variance = max(self._squared_interval_sum / count - mean * mean, 0.0)
        std = max(math.sqrt(variance), self._min_std)
        elapsed = t - self._last_heartbeat
        if self._cdf == "normal":
            return _phi_normal(elapsed, mean + self._acceptable_pause, std)
        return _phi_logistic(elapsed, mean + self._acceptable_pause, std)

    def is_available(self, t: float) -> bool:
        """Return whether phi at virtual time ``t`` is below the threshold.

        Args:
            t: the virtual time asked about.

        Returns:
            ``phi(t) < threshold``.

        Raises:
            ValueError: ``t`` is NaN, infinite or earlier than the last heartbeat.
        """
        return self.phi(t) < self._threshold

    def _check_time(self, t: float) -> float:
        if self._last_heartbeat is None:
            return finite("t", t)
        return finite("t", t, at_least=self._last_heartbeat, note=_PHI_ORDER_NOTE)


def _phi_normal(elapsed: float, mean: float, std: float) -> float:
    """Return -log10(1 - F(elapsed)), F the normal CDF, or ``math.inf`` if 1 - F underflows.

    ``1 - F(x) = erfc((x - mean) / (std * sqrt 2)) / 2`` is computed directly: subtracting
    F from 1 would lose every digit in the tail, which is where phi matters.
    """
    late_probability = 0.5 * math.erfc((elapsed - mean) / (std * _SQRT_2))
    if late_probability == 0.0:
        return math.inf
    return -math.log10(late_probability)


def _phi_logistic(elapsed: float, mean: float, std: float) -> float:
    """Return phi under Akka's logistic approximation of the normal CDF.

    Akka computes ``e = exp(-y * (A + B * y * y))`` with ``y = (elapsed - mean) / std``,
    then ``-log10(e / (1 + e))`` if ``elapsed > mean``, else ``-log10(1 - 1 / (1 + e))``.
    Both branches equal ``log10(1 + exp(s))`` with ``s = y * (A + B * y * y)``, which has
    the sign of ``y``. We evaluate that in the form that cannot overflow for either sign
    (Python's ``math.exp`` raises on overflow where the JVM returns infinity).
    """
    y = (elapsed - mean) / std
    s = y * (_LOGISTIC_LINEAR_COEFFICIENT + _LOGISTIC_CUBIC_COEFFICIENT * y * y)
    if s > 0:
        return (s + math.log1p(math.exp(-s))) / _LN_10
    return math.log1p(math.exp(s)) / _LN_10
