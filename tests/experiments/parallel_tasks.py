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


@dataclass(frozen=True)
class Dying:
    """``index ** 2``; kills the process it runs in at index ``at``, as ``how`` says:
    ``exit`` (``os._exit(3)``), ``segfault`` (reads address 0) or ``oom`` (SIGKILL, as
    the kernel's out-of-memory killer sends)."""

    at: int
    how: str = "exit"

    def __call__(self, index: int) -> int:
        if index == self.at:
            import ctypes
            import os
            import signal

            if self.how == "exit":
                os._exit(3)
            elif self.how == "segfault":
                ctypes.string_at(0)
            else:
                os.kill(os.getpid(), signal.SIGKILL)
        return index * index
