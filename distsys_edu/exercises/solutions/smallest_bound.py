"""Worked answer to lesson 10's bound search (:mod:`distsys_edu.exercises.smallest_bound`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def smallest_bound(search: Callable[[int], Any], most: int) -> int | None:
    """The smallest bound from 0 to ``most`` (both included) at which ``search`` finds a
    violation, or ``None``.

    Try 0, 1, 2... in turn, one at a time, and stop at the first whose result has
    ``violations``: each search costs more than the one before.
    """
    for bound in range(most + 1):
        if search(bound).violations:
            return bound
    return None
