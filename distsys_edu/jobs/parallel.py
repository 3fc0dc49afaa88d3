"""Independent seeded runs, spread over worker processes or any executor, merged in order.

Every sweep here (``explore``, ``election_time``, ``detector_tradeoff``...) is a
list of runs that share nothing: run ``i`` draws everything from a seed derived
from the sweep's seed and ``i``. So the runs can go anywhere and the sweep's result
does not change: :func:`run_indexed` hands out chunks of consecutive indexes to
an executor, puts each chunk's results back at their indexes, and returns them in
index order. ``jobs=1``, ``jobs=8`` and a Dask cluster give the same list.

The engine is :mod:`concurrent.futures` (no home-made one):

* ``jobs=1`` (the default): everything runs here, in this process, one run after
  the other. Nothing is pickled, so a protocol defined in a notebook works.
* ``jobs=N`` (``N >= 2``), or ``jobs=0`` for every usable core: a
  :class:`~concurrent.futures.ProcessPoolExecutor` with ``N`` workers, started with
  ``spawn`` (``fork`` is unsafe in a process with threads, as a Jupyter kernel is).
  The pool is made for the call and shut down after it.
* ``executor=``: any :class:`~concurrent.futures.Executor` you own, such as a Dask
  cluster's ``Client.get_executor()`` (see ``docs/scale.md``); it is not shut down.
* In a browser (Pyodide, as in JupyterLite) there are no processes: ``jobs=0``
  means 1 there, ``jobs`` >= 2 is refused with that reason, and the process pool's
  module (:mod:`.pool`, which imports :mod:`multiprocessing`) is never imported.

What is shipped to a worker: the *task* (a small frozen dataclass naming the
protocol, the checks and the settings; functions go by reference, module and name)
and a range of indexes. A worker imports ``distsys_edu`` and the modules named.
So a function defined in a notebook cannot go to a spawned worker: its module,
the notebook's ``__main__``, does not exist there. :func:`run_indexed` finds that
out before anything starts and says so (use ``jobs=1``, or move the code into a
``.py`` file and import it). It does not fall back to ``jobs=1`` silently: a
learner who asked for eight cores should learn why they got one.

When a run raises (a learner's bug in a spawn function or an invariant), the
sweep stops and :class:`RunFailed` names the run: its index, its seed and whatever
else the sweep's ``describe`` says (explore adds the schedule and a replay
program), with the worker's traceback as text. When several runs raise, the one
with the lowest index is reported, whatever the executor. A run that kills its
worker process (``os._exit``, a segfault, the out-of-memory killer) breaks the
whole pool; the runs that may have been under way are then run again one at a
time in a fresh worker (:mod:`.workers`), and the one that kills it again is
named, with how the process ended. If none does (or the executor is someone
else's), the error says that the worker died and which runs its chunk held.

Ctrl-C (Jupyter's "interrupt kernel") stops the sweep: pending chunks are
cancelled and the pool's workers are terminated, so no process is left behind.
Workers ignore SIGINT themselves, so that a terminal's Ctrl-C, which reaches
the whole process group, does not leave half-dead workers to clean up.
"""

from __future__ import annotations

import io
import math
import pickle
import sys
import types
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any, Generic, Protocol, TypeVar

from ..runtime.errors import SimError
from .cores import can_start_processes, resolve_jobs
from .progress import progress_counter
from .workers import Died, Failed, error_text, format_error, run_chunk

__all__ = [
    "IndexedTask",
    "RunFailed",
    "can_start_processes",
    "chunk_ranges",
    "resolve_jobs",
    "run_indexed",
]

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

Describe = Callable[[int], tuple[str, str]]
"""``describe(i) -> (name, details)``: how an error names run ``i``, and what it adds
(a schedule, a replay program) after the error itself."""

CHUNKS_PER_WORKER = 8
"""Chunks handed to each worker, about: enough that the last ones balance the load
and the progress bar moves, few enough that a task's overhead stays small."""

MAX_CHUNK = 100
"""The most runs in one chunk (about a second and a half of explored Raft runs)."""


class IndexedTask(Protocol[R_co]):
    """What a sweep hands to the workers: run ``index`` and return its (small) result.

    It must be picklable for ``jobs`` > 1 or an executor: a frozen dataclass of
    plain data and module-level functions is.
    """

    def __call__(self, index: int) -> R_co: ...


class RunFailed(SimError):
    """A run of a sweep raised: which run, with which seed (and schedule), and why.

    Attributes:
        index: the run's index in the sweep.
        error: ``"TypeName: message"`` of the exception.
        remote_traceback: the traceback as text, from wherever the run ran.
    """

    def __init__(self, message: str, *, index: int, error: str, remote_traceback: str) -> None:
        super().__init__(message)
        self.index = index
        self.error = error
        self.remote_traceback = remote_traceback


def chunk_ranges(count: int, workers: int, size: int | None = None) -> list[tuple[int, int]]:
    """Consecutive ``(start, stop)`` ranges covering ``range(count)``.

    Args:
        count: how many runs.
        workers: how many workers share them.
        size: runs per chunk; default about :data:`CHUNKS_PER_WORKER` chunks a
            worker, at most :data:`MAX_CHUNK` runs each.
    """
    if size is None:
        size = min(MAX_CHUNK, max(1, math.ceil(count / (workers * CHUNKS_PER_WORKER))))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


class _MainFinder(pickle.Pickler):
    """A pickler that notes every function or class of ``__main__`` it writes."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO())
        self.found: set[str] = set()

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, (type, types.FunctionType)) and obj.__module__ == "__main__":
            self.found.add(obj.__qualname__)
        return NotImplemented


def _check_shippable(task: object) -> None:
    """Refuse, with advice, a task that spawned workers could not run.

    A spawned worker imports every function and class of the task by module and
    name. A script's ``__main__`` has a file, which ``spawn`` runs again in the
    worker, so its functions are found there; an interactive ``__main__`` (a
    notebook, ``python -c``) has none.

    Raises:
        SimError: the task does not pickle (a lambda, a function defined inside
            another), or needs functions of an interactive ``__main__``.
    """
    advice = (
        "run with jobs=1 (no worker processes), or move that code into a .py file "
        "next to the notebook and import it from there"
    )
    finder = _MainFinder()
    try:
        finder.dump(task)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        raise SimError(
            f"cannot send this sweep to worker processes ({exc}): they can only run "
            f"functions defined at the top level of a module; {advice}"
        ) from None
    if finder.found and not hasattr(sys.modules.get("__main__"), "__file__"):
        names = sorted(finder.found)
        raise SimError(
            f"cannot send this sweep to worker processes: {', '.join(names)} "
            f"{'is' if len(names) == 1 else 'are'} defined in the notebook (or interactive "
            f"session), which worker processes cannot import; {advice}"
        )


WORKER_DIED = "the worker process died: "
"""How :attr:`RunFailed.error` begins for a run that killed its worker process."""


class _Collector(Generic[R]):
    """Chunk results put back at their indexes; the lowest failing run remembered."""

    def __init__(self, count: int, describe: Describe, bar: Any) -> None:
        self.results: list[Any] = [None] * count
        self.describe = describe
        self.bar = bar
        self.failed: RunFailed | None = None

    def add(self, start: int, stop: int, out: list[R] | Failed) -> None:
        if isinstance(out, Failed):
            self.fail(out.index, out.error, out.traceback)
            return
        self.results[start:stop] = out
        self.bar.update(stop - start)

    def fail(
        self, index: int, error: str, remote_traceback: str, *, lost_until: int | None = None
    ) -> None:
        """Remember a failure at ``index`` unless an earlier run failed already.

        ``lost_until``: the worker running runs ``index`` to ``lost_until`` died
        or could not run them, and none of them was found to blame.
        """
        if self.failed is not None and self.failed.index <= index:
            return
        name, details = self.describe(index)
        frames = [line.strip() for line in remote_traceback.splitlines()]
        at = next((f" ({line})" for line in reversed(frames) if line.startswith("File ")), "")
        script = (
            'in a script, start the sweep under `if __name__ == "__main__":` (a '
            "spawned worker imports the script again)"
        )
        if lost_until is not None:
            what = (
                f"the worker process running runs {index} to {lost_until} (from {name}) "
                f"died or could not run them: {error}. If every run does this, {script}"
            )
        elif isinstance(error, str) and error.startswith(WORKER_DIED):
            what = (
                f"{name} killed its worker process ({error[len(WORKER_DIED) :]}); run "
                f"again alone in a fresh worker, it did so again. If every run does this, "
                f"{script}"
            )
        else:
            what = f"{name} raised {error}{at}"
        self.failed = RunFailed(
            f"{what}. Its whole traceback is in this error's remote_traceback.{details}",
            index=index,
            error=error,
            remote_traceback=remote_traceback,
        )

    def outcome(self) -> list[R]:
        if self.failed is not None:
            raise self.failed
        return self.results


def run_indexed(
    task: IndexedTask[R],
    count: int,
    *,
    jobs: int = 1,
    executor: Executor | None = None,
    describe: Describe,
    desc: str = "",
    progress: bool = False,
    chunk_size: int | None = None,
) -> list[R]:
    """``[task(0), task(1), ..., task(count - 1)]``, computed here or by workers.

    Args:
        task: what one run is (see :class:`IndexedTask`).
        count: how many runs.
        jobs: local worker processes; 1 runs everything here, 0 uses every core.
        executor: an executor to use instead of local workers (``jobs`` stays 1).
        describe: ``describe(i)`` is ``(name, details)`` of run ``i`` for an error:
            ``("explore run 7 (seed 42)", "\\nIts schedule: ...")``.
        desc: the progress bar's label.
        progress: show a progress bar on stderr; it advances as chunks finish.
        chunk_size: runs per chunk (default: see :func:`chunk_ranges`); it changes
            nothing in the results.

    Returns:
        The results, in index order.

    Raises:
        RunFailed: a run raised (the lowest such index), or a worker could not run
            its chunk.
        InvalidArgument: bad ``jobs`` or ``executor`` (see :func:`resolve_jobs`).
        SimError: ``jobs`` > 1 with a task that worker processes cannot import.
    """
    workers = resolve_jobs(jobs, executor)
    bar = progress_counter(count, desc=desc, enabled=progress)
    collector: _Collector[R] = _Collector(count, describe, bar)
    try:
        if executor is None and workers == 1:
            for index in range(count):
                collector.add(index, index + 1, run_chunk(task, index, index + 1))
                if collector.failed is not None:
                    break
        else:
            ranges = chunk_ranges(count, workers, chunk_size)
            if executor is None:
                _check_shippable(task)
                from .pool import local_pool  # multiprocessing: only when workers are asked for

                with local_pool(workers) as pool:
                    _collect(pool, task, ranges, collector, suspects=workers + 1)
            else:
                _collect(executor, task, ranges, collector)
    finally:
        bar.close()
    return collector.outcome()


def _collect(
    executor: Executor,
    task: IndexedTask[R],
    ranges: Sequence[tuple[int, int]],
    collector: _Collector[R],
    suspects: int = 0,
) -> None:
    """Submit every chunk, gather results as they finish; cancel the rest on failure.

    After a run fails, chunks that start past it are cancelled (their results no
    longer matter), but earlier ones are awaited: one of them may fail first. Chunks
    whose worker died are blamed on a run if it can be found (:func:`_blame`, which
    reruns the first ``suspects`` of them alone).
    """
    lost: list[tuple[int, int, BaseException]] = []
    pending: dict[Future[Any], tuple[int, int]] = {
        executor.submit(run_chunk, task, start, stop): (start, stop) for start, stop in ranges
    }
    try:
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                start, stop = pending.pop(future)
                if future.cancelled():
                    continue
                error = future.exception()
                if error is not None:  # the worker died, or could not run the chunk
                    lost.append((start, stop, error))
                else:
                    collector.add(start, stop, future.result())
            if collector.failed is not None:
                for future, (start, _) in list(pending.items()):
                    if start > collector.failed.index and future.cancel():
                        del pending[future]
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    if lost:
        _blame(task, sorted(lost, key=lambda chunk: chunk[0]), collector, suspects)
    if collector.failed is not None:
        raise collector.failed


def _blame(
    task: IndexedTask[R],
    lost: list[tuple[int, int, BaseException]],
    collector: _Collector[R],
    suspects: int,
) -> None:
    """Name the run that killed a worker, or else the runs its chunk held.

    ``suspects``: how many of the first lost chunks to rerun one run at a time in a
    fresh worker (:func:`~.workers.rerun_alone`): a process pool has at most its
    workers' count, plus one, of chunks under way, and a chunk lost with a broken
    pool may never have started. 0 for someone else's executor, which reports the
    chunk that was lost itself.
    """
    start, stop, error = lost[0]
    if collector.failed is not None and collector.failed.index < start:
        return
    runs = [i for first, last, _ in lost[:suspects] for i in range(first, last)]
    from .pool import rerun_alone  # multiprocessing: only after a worker process died

    for index, outcome in rerun_alone(task, runs) if runs else []:
        if isinstance(outcome, Died):
            collector.fail(index, WORKER_DIED + outcome.how, outcome.traceback)
            return
        collector.add(index, index + 1, outcome)
        if collector.failed is not None:
            return
    collector.fail(start, error_text(error), format_error(error), lost_until=stop - 1)
