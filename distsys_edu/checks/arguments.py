"""The checks that the public functions of ``checks`` make of their arguments.

Worded like the runtime's constructors (:func:`~distsys_edu.runtime.errors.invalid`:
the parameter, the value given, what is allowed), so that ``end=nan`` or
``end="x"`` is an ``InvalidArgument`` naming ``end``, never a check that quietly
finds nothing or a raw ``TypeError`` from deep inside. Durations take units
wherever a person types them: ``5``, ``0.005`` and ``"5ms"`` alike.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from ..runtime import Trace
from ..runtime.errors import invalid
from ..runtime.units import as_seconds

__all__ = [
    "count",
    "duration",
    "latency_setting",
    "names",
    "optional_seconds",
    "seed",
    "spawn_options",
    "trace_of",
]


def optional_seconds(param: str, value: Any, *, positive: bool = False) -> float | None:
    """``None``, or a duration (seconds, or text with a unit such as ``"5ms"``)."""
    return None if value is None else as_seconds(param, value, positive=positive)


MOST = 10**9
"""The largest count (runs, nodes...) taken: more could never finish."""

LONGEST = 1e9
"""The longest run in virtual seconds (about 30 years): a longer one could never finish,
and its fault times would not fit the schedule's 10 ms grid."""


def count(param: str, value: Any, least: int = 1) -> int:
    """``value`` if it is an int from ``least`` to :data:`MOST` (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MOST:
        raise invalid(param, value, f"must be an int from {least} to {MOST:,}")
    return value


def duration(value: Any) -> float:
    """A run's length: seconds > 0 (or text with a unit), at most :data:`LONGEST`."""
    seconds = as_seconds("duration", value, positive=True)
    if seconds > LONGEST:
        raise invalid("duration", value, f"must be at most {LONGEST:g} seconds")
    return seconds


def names(param: str, value: Any) -> list[str]:
    """A sequence of node names (not one str)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise invalid(param, value, "must be a list of node names")
    if not all(isinstance(name, str) for name in value):
        raise invalid(param, value, "must be a list of node names (str)")
    return list(value)


def seed(value: Any) -> int:
    """``value`` if it is an int (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("seed", value, "must be an int")
    return value


def trace_of(value: Any) -> Trace:
    """``value`` if it is a :class:`~distsys_edu.runtime.Trace` (``sim.trace``)."""
    if not isinstance(value, Trace):
        raise invalid("trace", value, "must be a Trace (sim.trace)")
    return value


def latency_setting(value: Any) -> float | tuple[float, float]:
    """A link's one-way latency: seconds (a constant delay) or ``(low, high)`` (uniform).

    Each number may be text with a unit (``"5ms"``, ``("1ms", "10ms")``).
    """
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise invalid("latency", value, "must be seconds or (low, high) seconds")
        low, high = (as_seconds("latency", v) for v in value)
        if low > high:
            raise invalid("latency", value, f"must have low <= high, but {low!r} > {high!r}")
        return low, high
    return as_seconds("latency", value)


def spawn_options(spawn: Callable[..., Any], options: Any) -> dict[str, Any]:
    """``options`` as keyword arguments of ``spawn(sim, nodes, **options)``, if it takes them.

    An option the spawn function has no parameter for is refused here, naming the
    options it does take, rather than as a ``TypeError`` from every run.
    """
    if options is None:
        return {}
    if not isinstance(options, Mapping) or not all(isinstance(k, str) for k in options):
        raise invalid("options", options, "must be a dict of keyword arguments")
    try:
        parameters = inspect.signature(spawn).parameters
    except (TypeError, ValueError):  # a builtin or an object without a signature: trust it
        return dict(options)
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return dict(options)
    known = [
        name
        for name, p in list(parameters.items())[2:]
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise invalid(
            "options",
            dict(options),
            f"has no option {', '.join(map(repr, unknown))} for this protocol "
            f"(it takes: {', '.join(known) or 'none'})",
        )
    return dict(options)
