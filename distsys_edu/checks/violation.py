"""What a broken invariant reports: a :class:`Violation`, data a learner can read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Violation"]


@dataclass(frozen=True)
class Violation:
    """One way an invariant failed.

    Attributes:
        invariant: the invariant's name (the check function's name).
        t: virtual time at which it failed (for a lasting condition: when it began).
        nodes: the nodes involved, in spawn order where it matters.
        detail: what went wrong, in words a learner can read.
    """

    invariant: str
    t: float
    nodes: tuple[str, ...]
    detail: str

    def __str__(self) -> str:
        return f"{self.invariant} at t={self.t:.3f} ({', '.join(self.nodes)}): {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "invariant": self.invariant,
            "t": self.t,
            "nodes": list(self.nodes),
            "detail": self.detail,
        }
