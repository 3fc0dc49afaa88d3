"""Counts in words, for everything the checks and the command line print."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1: "1 node", "3 nodes", "0 runs".

    Args:
        n: how many.
        noun: the singular.
        plural: the plural when it is not ``noun + "s"`` ("failures" is; "ids" is).
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
