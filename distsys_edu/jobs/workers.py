"""What a worker does with a chunk of a sweep's runs, and what it sends back.

Pure Python with no process machinery: this module is imported wherever a sweep runs,
Pyodide (JupyterLite) included, where ``jobs=1`` runs every chunk here. The local
process pool lives in :mod:`.pool`, imported only when worker processes are asked for.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class Failed:
    """What a worker sends back instead of a chunk's results when run ``index`` raised.

    Text only: the learner's exception may not pickle, and the parent does not need
    the object, only what it said and where.
    """

    index: int
    error: str
    traceback: str


@dataclass(frozen=True)
class Died:
    """Run ``index``, run alone, killed its worker process; ``how`` says how it ended
    (``"exit status 3"``, ``"signal SIGSEGV"``)."""

    index: int
    how: str
    traceback: str


def error_text(exc: BaseException) -> str:
    """``"TypeName: message"``."""
    return f"{type(exc).__name__}: {exc}"


def format_error(error: BaseException) -> str:
    """The whole traceback of ``error``, as text."""
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def run_chunk(task: Callable[[int], R], start: int, stop: int) -> list[R] | Failed:
    """Run indexes ``start <= i < stop`` in order (in a worker, or here)."""
    results = []
    for index in range(start, stop):
        try:
            results.append(task(index))
        except Exception as exc:
            return Failed(index, error_text(exc), traceback.format_exc())
    return results
