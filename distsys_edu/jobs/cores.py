"""How many worker processes a sweep's ``jobs`` asks for, here.

``jobs=1`` runs everything in this process; ``jobs=N`` asks for ``N`` worker
processes and ``jobs=0`` for one per usable core. In a browser (Pyodide, as in
JupyterLite) no process can be started: ``jobs=0`` means 1 there.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Executor
from typing import Any

from ..runtime.errors import invalid

__all__ = ["can_start_processes", "resolve_jobs", "usable_cores"]


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_start_processes(platform: str | None = None) -> bool:
    """Whether a Python on ``platform`` (default: this one's ``sys.platform``, read at
    the call) can start worker processes: not in a browser (Pyodide's
    ``sys.platform`` is ``"emscripten"``, WASI's ``"wasi"``)."""
    return (sys.platform if platform is None else platform) not in ("emscripten", "wasi")


def resolve_jobs(
    jobs: Any, executor: Executor | None = None, *, platform: str | None = None
) -> int:
    """How many local worker processes ``jobs`` asks for (1: none, run here).

    Args:
        jobs: an int >= 0; 0 means every usable core (1 in a browser, see
            :func:`can_start_processes`).
        executor: an executor of your own; then ``jobs`` must stay 1.
        platform: the ``sys.platform`` to decide for (this one's by default).

    Raises:
        InvalidArgument: ``jobs`` not an int >= 0, ``jobs`` >= 2 where no process
            can be started, ``executor`` not an :class:`~concurrent.futures.Executor`,
            or both given.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
        raise invalid("jobs", jobs, "must be an int >= 0 (0: every core, 1: no worker processes)")
    if not can_start_processes(platform):
        if jobs >= 2:
            raise invalid(
                "jobs",
                jobs,
                f"must be 0 or 1 on {platform or sys.platform} (a browser, as in "
                "JupyterLite): it cannot start worker processes, so every run runs here",
            )
        jobs = 1
    if executor is not None:
        if not isinstance(executor, Executor):
            raise invalid(
                "executor",
                executor,
                "must be a concurrent.futures.Executor, such as a Dask Client.get_executor()",
            )
        if jobs != 1:
            raise invalid("jobs", jobs, "must be 1 when an executor is given (it has its workers)")
    return usable_cores() if jobs == 0 else jobs
