"""Turning an experiment's result into plain JSON data, and the statistics they share."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["json_safe", "percentile"]


def json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by ``None``, recursively.

    Dicts keep their keys; lists and tuples become lists. Anything else is returned
    as it is. The result is valid JSON for ``json.dumps(..., allow_nan=False)`` when
    ``value`` holds only dicts, lists, tuples, strings, numbers, booleans and ``None``.

    Example:
        >>> json_safe({"mean": float("nan"), "range": (1.0, float("inf"))})
        {'mean': None, 'range': [1.0, None]}
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def percentile(ordered: list[float], q: float) -> float:
    """The ``q``-quantile (0..1) of ``ordered`` by linear interpolation between order statistics.

    ``ordered`` is sorted and may end with ``math.inf`` (a trial that never finished,
    a crash never detected): a quantile that reaches one of them is ``math.inf`` too.
    An empty list gives ``math.nan``.

    Example:
        >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5)
        2.5
        >>> percentile([1.0, 2.0, math.inf], 0.99)
        inf
    """
    if not ordered:
        return math.nan
    position = q * (len(ordered) - 1)
    lower = math.floor(position)
    fraction = position - lower
    if fraction == 0:
        return ordered[lower]
    upper = ordered[min(lower + 1, len(ordered) - 1)]
    if math.isinf(upper):
        return math.inf
    return ordered[lower] + (upper - ordered[lower]) * fraction
