"""The errors the runtime raises, and one helper that words them all alike.

Every error about bad input names the parameter, the value given and what is
allowed, so that a learner can fix the call without reading our source.
"""

from __future__ import annotations

import math
from typing import Any


class SimError(Exception):
    """Base class of every error the runtime raises on purpose."""


class InvalidArgument(SimError, ValueError):
    """A parameter has a value that is not allowed (also a ``ValueError``)."""


class MessageTypeError(SimError, TypeError):
    """A message breaks the message rule: it must be a frozen dataclass instance."""


class UnknownNode(SimError, KeyError):
    """A node name that no ``spawn`` created."""

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0])


class SendError(SimError):
    """``Addr.try_send`` could not hand the message over (the recipient is not running)."""


class UnhandledMessage(SimError):
    """An actor received a message type it has no handler for."""


class FaultScheduleError(InvalidArgument):
    """A fault-schedule entry that cannot be parsed or applied."""


class TraceLevelError(SimError):
    """An operation needs the ``"full"`` trace but the Sim keeps only ``"counts"``."""


class ClockStuckError(SimError):
    """Too many events ran at one virtual instant: a loop that never advances time."""


def invalid(param: str, value: Any, allowed: str) -> InvalidArgument:
    """Build the standard bad-input error.

    Args:
        param: the parameter's name as the caller wrote it.
        value: the value the caller gave.
        allowed: what would have been accepted, in plain words.

    Returns:
        An ``InvalidArgument`` whose message reads
        ``latency=-1.0 is not allowed: must be a finite number >= 0``.
    """
    return InvalidArgument(f"{param}={value!r} is not allowed: {allowed}")


def check_time(param: str, value: Any, *, positive: bool = False) -> float:
    """Return ``value`` as a float of virtual seconds, or raise ``invalid``.

    Args:
        param: the parameter's name, for the error message.
        value: what the caller gave.
        positive: require ``> 0`` rather than ``>= 0``.

    Raises:
        InvalidArgument: not a real number, NaN, infinite or negative (or zero
            when ``positive``).
    """
    allowed = f"must be a finite number {'>' if positive else '>='} 0 (seconds)"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(param, value, allowed)
    seconds = _as_float(value)
    if not math.isfinite(seconds) or seconds < 0 or (positive and seconds == 0):
        raise invalid(param, value, allowed)
    return seconds


def check_probability(param: str, value: Any) -> float:
    """Return ``value`` as a probability in [0, 1], or raise ``invalid``."""
    allowed = "must be a probability between 0 and 1 inclusive"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(param, value, allowed)
    p = _as_float(value)
    if not 0.0 <= p <= 1.0:  # also rejects NaN
        raise invalid(param, value, allowed)
    return p


def check_instant(param: str, value: Any) -> float:
    """Return ``value`` as a float point in virtual time (infinite allowed), or raise.

    For bounds of a search, such as ``since``/``until`` of ``trace.events``.

    Raises:
        InvalidArgument: not a real number, or NaN.
    """
    allowed = "must be a number of seconds (inf allowed)"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(param, value, allowed)
    t = _as_float(value)
    if math.isnan(t):
        raise invalid(param, value, allowed)
    return t


def _as_float(value: int | float) -> float:
    """``float(value)``, with an int too large for a float read as NaN (then refused)."""
    try:
        return float(value)
    except OverflowError:
        return math.nan
