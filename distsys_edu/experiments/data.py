"""Turning an experiment's result into plain JSON data."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["json_safe"]


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
