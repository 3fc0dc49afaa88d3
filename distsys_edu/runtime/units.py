"""Durations a person types, with their unit: ``"5ms"``, ``"0.25s"``, ``"250us"``.

Virtual time is float seconds everywhere in the runtime. People, though, think
of a network latency in milliseconds and of a run in seconds, so wherever a
person types a duration (fault lines, ``set_network(latency="5ms")``, the
command line) an explicit unit is accepted, and printed durations show one. A
bare number keeps the unit of its place (seconds in the runtime and in fault
lines, milliseconds for the command line's latencies and timeouts); when it is
implausible there, such as a latency of a second or more, an
:class:`ImplausibleUnitWarning` names the unit that was assumed.

Text and numbers convert exactly: ``parse_duration(format_duration(x)) == x``
for every finite ``x >= 0``, because the scaling is done on the decimal text,
never by multiplying floats.
"""

from __future__ import annotations

import math
import re
import sys
import warnings
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .errors import check_time, invalid

UNITS: dict[str, int] = {"s": 0, "ms": 3, "us": 6}
"""Each unit a duration may be written in, and its power of ten below a second."""

_DURATION = re.compile(
    r"\s*([+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?|inf|nan))\s*(s|ms|us)?\s*",
    re.IGNORECASE,
)
"""A number (an exponent of at most four digits, so reading stays fast) and an optional unit."""

LATENCY_PLAUSIBLE_BELOW = 1.0
"""A bare latency of this many seconds or more gets a warning: it was likely meant in ms."""

TIMEOUT_PLAUSIBLE_FROM = 1e-3
"""A bare timeout under this many seconds gets a warning: it was likely meant in seconds."""


class ImplausibleUnitWarning(UserWarning):
    """A bare number was read in its place's unit, but looks meant in another one."""


def read_duration(text: str, *, unit: str = "s") -> float:
    """Read ``"5ms"``, ``"0.25s"``, ``"250us"`` or a bare ``"1.5"`` as seconds, unchecked.

    The result may be negative, infinite or NaN (``"-1"``, ``"1e999"``,
    ``"nan"``): the caller checks it, so that its error names its own parameter.

    Args:
        text: what the person typed.
        unit: the unit of a bare number (``"s"`` in the runtime, ``"ms"`` for
            the command line's latencies and timeouts).

    Raises:
        ValueError: not a number with an optional unit.
    """
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a number with an optional unit (s, ms, us)")
    number, written = match.groups()
    scale = 10 ** UNITS[(written or unit).lower()]
    if number.lstrip("+-").lower() in ("inf", "nan"):
        return float(number)
    try:  # exact: scale the decimal number, then round once
        return float(Fraction(number) / scale)
    except OverflowError:  # "1e999"
        return math.inf if number[0] != "-" else -math.inf


def parse_duration(param: str, text: str, *, unit: str = "s") -> float:
    """:func:`read_duration`, then refuse what is not a finite number of seconds >= 0.

    Raises:
        InvalidArgument: names ``param``, the text and what is allowed.
    """
    allowed = f"must be a duration >= 0 such as 5ms, 0.25s or 250us (a bare number is {unit})"
    try:
        seconds = read_duration(text, unit=unit)
    except ValueError:
        raise invalid(param, text, allowed) from None
    if not (0 <= seconds < math.inf):
        raise invalid(param, text, allowed)
    return seconds


def as_seconds(param: str, value: Any, *, positive: bool = False) -> float:
    """A duration as a person gives it: a number of seconds, or text with a unit.

    ``5``, ``0.005``, ``"5ms"`` and ``"0.25s"`` are all welcome wherever a
    duration is typed; a bare number in text is seconds.

    Raises:
        InvalidArgument: not a finite duration >= 0 (> 0 when ``positive``);
            the message names ``param`` and the value.
    """
    if isinstance(value, str):
        seconds = parse_duration(param, value)
        if positive and seconds == 0:
            raise invalid(param, value, "must be a duration > 0 such as 5ms, 0.25s or 250us")
        return seconds
    return check_time(param, value, positive=positive)


def has_unit(text: str) -> bool:
    """Whether ``text`` ends in a unit (``"5ms"``) rather than being a bare number."""
    return text.strip().lower().endswith(tuple(UNITS))


def format_number(x: float) -> str:
    """The shortest text that reads back as exactly ``x`` (``2.0`` is written ``2``)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def format_duration(seconds: float) -> str:
    """``0.005`` -> ``"5ms"``, ``1.5`` -> ``"1.5s"``, ``0.00025`` -> ``"250us"``.

    Seconds from one second up, milliseconds from one millisecond, microseconds
    below. The text reads back as exactly ``seconds`` with :func:`parse_duration`.
    """
    exact = Decimal(repr(float(seconds)))
    if not exact.is_finite() or exact == 0 or exact >= 1:
        return format_number(seconds) + "s"
    unit = "ms" if exact >= Decimal("0.001") else "us"
    scaled = exact.scaleb(UNITS[unit]).normalize()
    return f"{scaled:f}{unit}"


def warn_no_unit(param: str, text: str, assumed: str, alternative: str, why: str) -> None:
    """Warn that the bare number(s) ``text`` were read as ``assumed``, which looks wrong.

    The message says what was assumed, why it looks wrong and what to write
    instead; it holds no object ids, so it is the same in every run.
    """
    warnings.warn(
        f"{param}={text} has no unit, so it is read as {assumed}: {why}. "
        f"Write {assumed} if you meant that, or {alternative}",
        ImplausibleUnitWarning,
        stacklevel=_caller_level(),
    )


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside this package: the person's own line."""
    frame, level = sys._getframe(2), 2
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(
        "distsys_edu."
    ):
        frame, level = frame.f_back, level + 1
    return level
