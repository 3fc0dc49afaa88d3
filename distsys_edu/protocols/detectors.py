"""Failure detectors: plain objects fed heartbeat arrival times.

A failure detector answers one question: "should I still believe that process is
alive?". Every detector here is a small object with no clock of its own. The caller
feeds it the virtual time (float seconds) at which each heartbeat arrived, and asks
about any later virtual time. So the same object works inside a simulated node (feed
it ``ctx.now``) and on its own in a notebook (feed it a list of times and plot).

Three detectors, from simplest to most adaptive:

* ``FixedTimeoutDetector``: suspect once no heartbeat arrived for ``timeout`` seconds.
* ``AdaptiveTimeoutDetector``: the same, but every wrong suspicion grows the timeout,
  which makes it eventually perfect under partial synchrony.
* ``PhiAccrualDetector``: outputs a suspicion level phi instead of yes/no
  (Hayashibara, Defago, Yared, Katayama, "The phi accrual failure detector", SRDS 2004),
  computed the way Akka computes it.

Times must be fed in order: a heartbeat or a question about a time earlier than the
last heartbeat raises ``ValueError`` (the detector no longer knows the past), as does
any parameter outside its allowed range, NaN included.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Literal, NoReturn, Protocol, get_args, runtime_checkable

from ..runtime.errors import invalid

__all__ = [
    "AdaptiveTimeoutDetector",
    "FailureDetector",
    "FixedTimeoutDetector",
    "PhiAccrualDetector",
]

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

_TIMER_ORDER_NOTE = "the last heartbeat, or start before any: feed times in order"
_PHI_ORDER_NOTE = "the last heartbeat: feed times in order"


# --------------------------------------------------------------------------- validation


def _reject(name: str, value: object, allowed: str) -> NoReturn:
    """Raise the one bad-input error of this module.

    Args:
        name: the parameter's name as the caller wrote it.
        value: the value the caller gave.
        allowed: what would have been accepted, e.g. ``"a finite number > 0"``.

    Raises:
        InvalidArgument: always (a ``ValueError``), reading ``threshold=-1.0 is not
            allowed: must be a finite number > 0``.
    """
    raise invalid(name, value, f"must be {allowed}")


def _finite(
    name: str,
    value: object,
    *,
    above: float | None = None,
    at_least: float | None = None,
    note: str = "",
) -> float:
    """Return ``value`` as a float if it is a finite real number within the bound.

    Args:
        name: the parameter's name, for the error message.
        value: what the caller gave. ``bool`` is refused although it is an ``int``.
        above: if given, ``value`` must be strictly greater.
        at_least: if given, ``value`` must be greater or equal.
        note: words in brackets after the bound, saying where the bound comes from.

    Returns:
        ``value`` as a float.

    Raises:
        ValueError: not an int or float, NaN, infinite, or outside the bound.
    """
    allowed = "a finite number"
    if above is not None:
        allowed += f" > {above!r}"
    if at_least is not None:
        allowed += f" >= {at_least!r}"
    if note:
        allowed += f" ({note})"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _reject(name, value, allowed)
    number = float(value)
    if (
        not math.isfinite(number)
        or (above is not None and not number > above)
        or (at_least is not None and not number >= at_least)
    ):
        _reject(name, value, allowed)
    return number


# --------------------------------------------------------------------------- the protocol


@runtime_checkable
class FailureDetector(Protocol):
    """What every failure detector offers; any object with these methods is one.

    All times are float seconds of virtual time, supplied by the caller, never read
    from a clock. Detectors in this module subclass this protocol to inherit
    ``suspect``; a structural match only needs the three methods.
    """

    def heartbeat(self, t: float) -> None:
        """Record that a heartbeat arrived at virtual time ``t``."""
        ...

    def is_available(self, t: float) -> bool:
        """Return whether the monitored process is trusted at virtual time ``t``."""
        ...

    def suspect(self, t: float) -> bool:
        """Return whether the monitored process is suspected at virtual time ``t``.

        Args:
            t: the virtual time asked about, no earlier than the last heartbeat.

        Returns:
            ``not self.is_available(t)``.
        """
        return not self.is_available(t)


# --------------------------------------------------------------------------- timeouts


class _TimeoutDetector(FailureDetector):
    """Shared part of the two timeout detectors: a timer restarted by each heartbeat."""

    def __init__(self, timeout: float, start: float) -> None:
        self._timeout = timeout
        self._since = _finite("start", start)
        self._last_heartbeat: float | None = None

    @property
    def timeout(self) -> float:
        """Seconds of silence tolerated before suspecting (plot it as the timer length)."""
        return self._timeout

    @property
    def last_heartbeat(self) -> float | None:
        """Virtual time of the last heartbeat, or ``None`` before the first one."""
        return self._last_heartbeat

    @property
    def deadline(self) -> float:
        """Virtual time after which, with no new heartbeat, the process is suspected."""
        return self._since + self._timeout

    def _check_time(self, t: float) -> float:
        return _finite("t", t, at_least=self._since, note=_TIMER_ORDER_NOTE)

    def _restart_timer(self, t: float) -> None:
        self._since = t
        self._last_heartbeat = t

    def heartbeat(self, t: float) -> None:
        """Record a heartbeat at virtual time ``t``: the silence is now measured from ``t``.

        Args:
            t: arrival time, in virtual seconds.

        Raises:
            ValueError: ``t`` is NaN, infinite or earlier than the last heartbeat
                (or than ``start``, before any heartbeat).
        """
        self._restart_timer(self._check_time(t))

    def is_available(self, t: float) -> bool:
        """Return whether at virtual time ``t`` the silence is at most ``timeout``.

        The silence is ``t`` minus the last heartbeat, or minus ``start`` before any
        heartbeat. Exactly ``timeout`` seconds of silence is still available; a
        process is suspected only when the silence is strictly longer.

        Args:
            t: the virtual time asked about.

        Returns:
            ``t - last_heartbeat <= timeout``.

        Raises:
            ValueError: ``t`` is NaN, infinite or earlier than the last heartbeat
                (or than ``start``).
        """
        return not self._check_time(t) - self._since > self._timeout


class FixedTimeoutDetector(_TimeoutDetector):
    """Suspect a process once no heartbeat arrived for ``timeout`` virtual seconds.

    The textbook detector. Too short a timeout suspects live but slow processes
    (false suspicions); too long a timeout detects real crashes late. It never learns.

    Args:
        timeout: seconds of silence tolerated, a finite number > 0.
        start: virtual time from which silence counts before the first heartbeat,
            typically the time the monitoring node started.

    Raises:
        ValueError: ``timeout`` or ``start`` not allowed (the message says why).

    Example:
        >>> detector = FixedTimeoutDetector(timeout=1.5)
        >>> detector.heartbeat(1.0)
        >>> detector.is_available(2.5), detector.suspect(2.6)
        (True, True)
    """

    def __init__(self, timeout: float, start: float = 0.0) -> None:
        super().__init__(_finite("timeout", timeout, above=0), start)


class AdaptiveTimeoutDetector(_TimeoutDetector):
    """A timeout detector that grows its timeout each time it wrongly suspected.

    A false suspicion is a heartbeat arriving from a process that is suspected at
    that moment: the process was alive after all. Each one adds ``increment`` to the
    timeout (never past ``max_timeout``, if given).

    Why this is eventually perfect under partial synchrony (Dwork, Lynch and
    Stockmeyer 1988): after some unknown global stabilization time (GST), every
    message delay is at most some unknown bound ``D``. A live process sending a
    heartbeat every ``P`` seconds then never leaves a gap longer than ``P + D``
    between two arrivals. A false suspicion needs a gap longer than the current
    timeout, and each one adds ``increment``, so after at most
    ``ceil((P + D - timeout_at_GST) / increment)`` mistakes the timeout is past every
    future gap and the detector never suspects a live process again. A crashed
    process sends nothing, so it is suspected for ever from ``deadline`` on. That is
    the eventually perfect detector (diamond-P) of Chandra and Toueg (1996). A
    ``max_timeout`` below ``P + D`` gives the guarantee up: that is its price.

    Args:
        initial_timeout: the first timeout, a finite number > 0.
        increment: seconds added to the timeout per false suspicion, a finite number > 0.
        max_timeout: cap on the timeout, ``None`` (no cap) or a finite number
            >= ``initial_timeout``.
        start: virtual time from which silence counts before the first heartbeat.

    Raises:
        ValueError: a parameter not allowed (the message says which and why).

    Example:
        >>> detector = AdaptiveTimeoutDetector(initial_timeout=1.0, increment=0.5)
        >>> detector.heartbeat(1.5)  # suspected since 1.0: a false suspicion
        >>> detector.false_suspicions, detector.timeout
        (1, 1.5)
    """

    def __init__(
        self,
        initial_timeout: float,
        increment: float,
        max_timeout: float | None = None,
        start: float = 0.0,
    ) -> None:
        initial = _finite("initial_timeout", initial_timeout, above=0)
        super().__init__(initial, start)
        self._increment = _finite("increment", increment, above=0)
        self._max_timeout = (
            None
            if max_timeout is None
            else _finite(
                "max_timeout", max_timeout, at_least=initial, note="initial_timeout; or None"
            )
        )
        self._false_suspicions = 0

    @property
    def false_suspicions(self) -> int:
        """How many heartbeats so far arrived while their sender was suspected."""
        return self._false_suspicions

    def heartbeat(self, t: float) -> None:
        """Record a heartbeat at ``t``, first growing the timeout if it was a mistake.

        If the process was suspected at virtual time ``t`` (silence longer than the
        timeout), the suspicion was false: ``false_suspicions`` goes up by one and the
        timeout by ``increment``, capped at ``max_timeout``. Then silence is measured
        from ``t``.

        Args:
            t: arrival time, in virtual seconds.

        Raises:
            ValueError: ``t`` is NaN, infinite or earlier than the last heartbeat
                (or than ``start``, before any heartbeat).
        """
        t = self._check_time(t)
        if self.suspect(t):
            self._false_suspicions += 1
            grown = self._timeout + self._increment
            self._timeout = grown if self._max_timeout is None else min(grown, self._max_timeout)
        self._restart_timer(t)


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
        self._threshold = _finite("threshold", threshold, above=0)
        if isinstance(max_samples, bool) or not isinstance(max_samples, int) or max_samples < 1:
            _reject("max_samples", max_samples, "an int >= 1")
        self._max_samples = max_samples
        self._min_std = _finite("min_std", min_std, above=0)
        self._acceptable_pause = _finite("acceptable_pause", acceptable_pause, at_least=0)
        self._first_heartbeat_estimate = _finite(
            "first_heartbeat_estimate", first_heartbeat_estimate, above=0
        )
        if cdf not in _CDF_NAMES:
            _reject("cdf", cdf, "one of " + ", ".join(repr(name) for name in _CDF_NAMES))
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
            return _finite("t", t)
        return _finite("t", t, at_least=self._last_heartbeat, note=_PHI_ORDER_NOTE)


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
