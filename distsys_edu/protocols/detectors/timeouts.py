"""Timeout detectors: suspect a process after a silence longer than a timeout, fixed
(:class:`FixedTimeoutDetector`) or grown after each mistake (:class:`AdaptiveTimeoutDetector`)."""

from __future__ import annotations

from .base import FailureDetector, finite

_TIMER_ORDER_NOTE = "the last heartbeat, or start before any: feed times in order"

# --------------------------------------------------------------------------- timeouts


class _TimeoutDetector(FailureDetector):
    """Shared part of the two timeout detectors: a timer restarted by each heartbeat."""

    def __init__(self, timeout: float, start: float) -> None:
        self._timeout = timeout
        self._since = finite("start", start)
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
        return finite("t", t, at_least=self._since, note=_TIMER_ORDER_NOTE)

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
        super().__init__(finite("timeout", timeout, above=0), start)


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
        initial = finite("initial_timeout", initial_timeout, above=0)
        super().__init__(initial, start)
        self._increment = finite("increment", increment, above=0)
        self._max_timeout = (
            None
            if max_timeout is None
            else finite(
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
