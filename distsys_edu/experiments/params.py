"""The checks every experiment makes of its parameters, worded alike.

Each raises :func:`~distsys_edu.runtime.errors.invalid`'s error, which names the
parameter, the value given and what is allowed, and returns the value in the form
the experiment uses.
"""

from __future__ import annotations

import math
from typing import Any

from ..runtime.errors import invalid

__all__ = ["check_count", "check_positive", "check_seed", "seconds_pair"]


def check_count(name: str, value: Any, least: int = 1) -> int:
    """``value`` if it is an int >= ``least`` (not a bool), else an error."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise invalid(name, value, f"must be an int >= {least}")
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


def seconds_pair(name: str, value: Any, *, positive: bool = False) -> tuple[float, float]:
    """``value`` as ``(low, high)`` seconds: finite, >= 0 (> 0 if ``positive``), low <= high."""
    bound = "> 0" if positive else ">= 0"
    allowed = f"must be (low, high) seconds, finite, {bound}, with low <= high"
    try:
        low, high = value
        low, high = float(low), float(high)
    except (TypeError, ValueError):
        raise invalid(name, value, allowed) from None
    if any(isinstance(v, bool) for v in value):
        raise invalid(name, value, allowed)
    for v in (low, high):
        if not math.isfinite(v) or v < 0 or (positive and v == 0):
            raise invalid(name, value, allowed)
    if low > high:
        raise invalid(name, value, f"must have low <= high, but {low!r} > {high!r}")
    return low, high
