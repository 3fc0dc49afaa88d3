"""The checks every experiment makes of its parameters, worded alike.

Each raises :func:`~distsys_edu.runtime.errors.invalid`'s error, which names the
parameter, the value given and what is allowed, and returns the value in the form
the experiment uses.
"""

from __future__ import annotations

import math
from typing import Any

from ..runtime.errors import InvalidArgument, invalid
from ..runtime.units import as_seconds

__all__ = ["check_count", "check_duration", "check_positive", "check_seed", "seconds_pair"]


MOST = 10**9
"""The largest count an experiment takes (runs, trials, nodes): more could never finish."""


def check_count(name: str, value: Any, least: int = 1) -> int:
    """``value`` if it is an int from ``least`` to :data:`MOST` (not a bool), else an error."""
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MOST:
        raise invalid(name, value, f"must be an int from {least} to {MOST:,}")
    return value


def check_seed(value: Any) -> int:
    """``value`` if it is an int (not a bool), else an error naming ``seed``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("seed", value, "must be an int")
    return value


def check_positive(name: str, value: Any) -> float:
    """``value`` as a float if it is a finite number > 0, else an error."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(name, value, "must be a finite number > 0")
    if not (math.isfinite(value) and value > 0):
        raise invalid(name, value, "must be a finite number > 0")
    return float(value)


def check_duration(name: str, value: Any) -> float:
    """``value`` as seconds > 0: a finite number, or text with a unit (``"100ms"``)."""
    return as_seconds(name, value, positive=True)


def seconds_pair(name: str, value: Any, *, positive: bool = False) -> tuple[float, float]:
    """``value`` as ``(low, high)`` seconds: finite, >= 0 (> 0 if ``positive``), low <= high.

    Each may be text with a unit: ``("5ms", "50ms")``.
    """
    bound = "> 0" if positive else ">= 0"
    allowed = f"must be (low, high) seconds, finite, {bound}, with low <= high"
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) or len(value) != 2:
        raise invalid(name, value, allowed)
    try:
        low, high = (as_seconds(name, v, positive=positive) for v in value)
    except InvalidArgument:
        raise invalid(name, value, allowed) from None
    if low > high:
        raise invalid(name, value, f"must have low <= high, but {low!r} > {high!r}")
    return low, high
