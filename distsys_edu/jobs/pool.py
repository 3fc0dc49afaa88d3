"""The local process pool, and finding the run that killed a worker process.

Imported only when a sweep asks for worker processes (``jobs`` >= 2): it needs
:mod:`multiprocessing`, which Pyodide (JupyterLite) can import but not run, and
:mod:`signal` handlers for Ctrl-C.

A run may kill the process it runs in (``os._exit``, a segfault in an extension, the
kernel's out-of-memory killer). A :class:`~concurrent.futures.ProcessPoolExecutor`
then breaks, and every chunk still pending fails with ``BrokenProcessPool``, whether
its runs were to blame or not. :func:`rerun_alone` finds the run: it runs the chunks
that may have been running, one run at a time, in one fresh worker process, until a
run kills that worker too.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing import get_context
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from .workers import Died, Failed, format_error, run_chunk

R = TypeVar("R")


def ignore_sigint() -> None:
    """Worker initializer: Ctrl-C is the parent's to handle (it terminates the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _processes(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    # Python 3.14 has pool.terminate_workers(); before it, the pool's own process list.
    return list((getattr(pool, "_processes", None) or {}).values())


@contextmanager
def local_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A spawn-started process pool, terminated rather than drained on an exception."""
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=ignore_sigint)
    try:
        yield pool
    except BaseException:
        # Ctrl-C, or a run that failed: stop now and leave no worker behind.
        processes = _processes(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join()
        raise
    pool.shutdown(wait=True)


WORKER_END_S = 30.0
"""Seconds to wait for a dead worker's exit status (a segfault may first write a core
file, slow on a loaded machine; a worker that has ended returns at once)."""


def _exit_code(process: BaseProcess) -> int | None:
    """``process``'s exit code, waiting up to :data:`WORKER_END_S`; ``None`` if it runs on.

    The pool's own thread may reap the worker at the same moment: then one ``join``
    sees the process gone but no code yet (multiprocessing's ``poll`` gets ECHILD and
    answers ``None``), and the code appears once that thread has stored it. So wait on.
    """
    deadline = time.monotonic() + WORKER_END_S
    process.join(WORKER_END_S)
    while process.exitcode is None and time.monotonic() < deadline:
        process.join(0.05)
    return process.exitcode


def how_it_ended(processes: list[BaseProcess]) -> str:
    """How the worker processes ``processes`` ended: an exit status or a signal."""
    endings = []
    for process in processes:
        code = _exit_code(process)
        if code is None:
            endings.append("still running")
        elif code < 0:
            endings.append(f"signal {signal.Signals(-code).name}")
        else:
            endings.append(f"exit status {code}")
    return ", ".join(endings) or "it was gone"


def rerun_alone(task: Callable[[int], R], indexes: Iterable[int]) -> list[tuple[int, Any]]:
    """Run each of ``indexes``, in order and one at a time, in one fresh worker process.

    Returns:
        ``(index, outcome)`` for each run done: its results (a list of one), a
        :class:`Failed` if it raised, or a :class:`Died` if it killed the worker.
        It stops after the first run that raised or killed the worker.
    """
    done: list[tuple[int, Any]] = []
    with local_pool(1) as pool:
        for index in indexes:
            future = pool.submit(run_chunk, task, index, index + 1)
            processes = _processes(pool)
            try:
                outcome: Any = future.result()
            except BrokenProcessPool as exc:
                outcome = Died(index, how_it_ended(processes), format_error(exc))
            done.append((index, outcome))
            if isinstance(outcome, (Failed, Died)):
                break
    return done
