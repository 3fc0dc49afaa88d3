"""Tasks for tests of distsys_edu.jobs.parallel, importable by spawned workers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Square:
    """``index ** 2``; raises at the indexes in ``fail_at``."""

    fail_at: tuple[int, ...] = ()

    def __call__(self, index: int) -> int:
        if index in self.fail_at:
            raise ValueError(f"run {index} is broken")
        return index * index


def describe(index: int) -> tuple[str, str]:
    return f"square {index}", f"\nreplay: Square()({index})"
