"""run_indexed: the same results in the same order, whatever runs them; clear errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parallel_tasks import Dying, Square, describe

from distsys_edu.jobs import parallel, pool
from distsys_edu.jobs.parallel import RunFailed, chunk_ranges, resolve_jobs, run_indexed
from distsys_edu.runtime import InvalidArgument, SimError

ROOT = Path(__file__).resolve().parents[2]


@given(count=st.integers(0, 500), workers=st.integers(1, 64), size=st.none() | st.integers(1, 50))
@settings(max_examples=200, deadline=None)
def test_chunks_cover_every_index_once_in_order(count: int, workers: int, size: int | None) -> None:
    ranges = chunk_ranges(count, workers, size)
    assert [i for start, stop in ranges for i in range(start, stop)] == list(range(count))
    assert all(stop - start <= (size or parallel.MAX_CHUNK) for start, stop in ranges)


@pytest.mark.parametrize("chunk_size", [1, 3, 50])
def test_any_executor_and_chunking_give_the_same_list(chunk_size: int) -> None:
    here = run_indexed(Square(), 40, describe=describe)
    with ThreadPoolExecutor(3) as pool:
        there = run_indexed(Square(), 40, executor=pool, describe=describe, chunk_size=chunk_size)
    assert here == there == [i * i for i in range(40)]


def test_worker_processes_give_the_same_list() -> None:
    assert run_indexed(Square(), 30, jobs=2, describe=describe) == [i * i for i in range(30)]


def test_a_failing_run_is_named_with_its_details_and_traceback() -> None:
    with pytest.raises(RunFailed) as info:
        run_indexed(Square(fail_at=(7,)), 20, describe=describe)
    error = info.value
    assert error.index == 7 and error.error == "ValueError: run 7 is broken"
    assert str(error).startswith("square 7 raised ValueError: run 7 is broken (File ")
    assert "parallel_tasks.py" in str(error) and "replay: Square()(7)" in str(error)
    assert "raise ValueError" in error.remote_traceback


def test_the_lowest_failing_run_is_reported_whatever_finishes_first() -> None:
    task = Square(fail_at=(5, 33))
    with ThreadPoolExecutor(4) as pool:
        for size in (1, 4, 10):
            with pytest.raises(RunFailed) as info:
                run_indexed(task, 40, executor=pool, describe=describe, chunk_size=size)
            assert info.value.index == 5
    with pytest.raises(RunFailed) as info:
        run_indexed(task, 40, jobs=2, describe=describe, chunk_size=3)
    assert info.value.index == 5 and "parallel_tasks.py" in info.value.remote_traceback


@pytest.mark.parametrize(
    ("jobs", "executor", "message"),
    [
        (-1, None, "jobs=-1 is not allowed: must be an int >= 0"),
        (True, None, "jobs=True is not allowed"),
        (1.5, None, "jobs=1.5 is not allowed"),
        (1, "dask", "executor='dask' is not allowed: must be a concurrent.futures.Executor"),
        (2, ThreadPoolExecutor(1), "jobs=2 is not allowed: must be 1 when an executor is given"),
    ],
)
def test_bad_jobs_or_executor_are_refused(jobs: object, executor: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        resolve_jobs(jobs, executor)  # type: ignore[arg-type]


def test_jobs_0_means_every_usable_core() -> None:
    assert resolve_jobs(0) == len(os.sched_getaffinity(0))


def test_code_defined_in_a_notebook_is_refused_with_advice(monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = type(sys)("__main__")  # an interactive __main__ has no __file__
    monkeypatch.setitem(sys.modules, "__main__", notebook)

    def spawn_mine() -> None: ...

    spawn_mine.__module__, spawn_mine.__qualname__ = "__main__", "spawn_mine"
    notebook.spawn_mine = spawn_mine  # type: ignore[attr-defined]
    with pytest.raises(SimError, match="spawn_mine is defined in the notebook") as info:
        run_indexed(Square(fail_at=(spawn_mine,)), 4, jobs=2, describe=describe)  # type: ignore[arg-type]
    assert "jobs=1" in str(info.value) and ".py file" in str(info.value)
    with pytest.raises(SimError, match="top level of a module"):
        run_indexed(lambda i: i, 4, jobs=2, describe=describe)
    assert run_indexed(Square(fail_at=(spawn_mine,)), 3, describe=describe) == [0, 1, 4]  # type: ignore[arg-type]


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_ctrl_c_stops_the_workers_and_leaves_no_process_behind() -> None:
    script = textwrap.dedent(
        """
        from distsys_edu.checks import explore
        if __name__ == "__main__":
            explore("raft", runs=100_000, jobs=2, progress=False)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = _descendants(child.pid)
        assert len(workers) >= 2, "the workers never started"
        time.sleep(1.0)  # let them work
        workers = _descendants(child.pid)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode != 0 and "KeyboardInterrupt" in err
    deadline = time.monotonic() + 60  # guards a hang: the loop ends once they are gone
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]


@pytest.mark.parametrize(
    ("how", "said"),
    [("exit", "exit status 3"), ("segfault", "SIGSEGV"), ("oom", "SIGKILL")],
)
def test_a_run_that_kills_its_worker_process_is_named(how: str, said: str) -> None:
    with pytest.raises(RunFailed) as info:
        run_indexed(Dying(at=13, how=how), 40, jobs=2, describe=describe, chunk_size=5)
    error = info.value
    assert error.index == 13, str(error)
    assert str(error).startswith("square 13 killed its worker process") and said in str(error)
    assert "replay: Square()(13)" in str(error)


class _ReapedElsewhere:
    """A dead worker that the pool's own thread is reaping: its first ``joins`` joins
    see it gone but no exit code yet (multiprocessing's poll got ECHILD)."""

    def __init__(self, joins: int, code: int) -> None:
        self.joins, self.code, self.exitcode = joins, code, None

    def join(self, timeout: float | None = None) -> None:
        self.joins -= 1
        if self.joins <= 0:
            self.exitcode = self.code


@pytest.mark.parametrize("joins", [1, 2, 5])
def test_a_worker_reaped_by_the_pools_own_thread_is_still_named_by_its_signal(joins: int) -> None:
    worker = _ReapedElsewhere(joins, -signal.SIGKILL)
    assert pool.how_it_ended([worker]) == "signal SIGKILL"  # type: ignore[list-item]


class _LosingExecutor(ThreadPoolExecutor):
    """An executor whose worker dies on the chunk that holds run ``lose``."""

    def __init__(self, lose: int) -> None:
        super().__init__(2)
        self.lose = lose

    def submit(self, fn, /, *args, **kwargs):
        _, start, stop = args
        if start <= self.lose < stop:
            future: Future[object] = Future()
            future.set_exception(RuntimeError("the worker was lost"))
            return future
        return super().submit(fn, *args, **kwargs)


def test_a_chunk_lost_by_someone_elses_executor_names_its_runs() -> None:
    with _LosingExecutor(lose=13) as pool, pytest.raises(RunFailed) as info:
        run_indexed(Square(), 40, executor=pool, describe=describe, chunk_size=5)
    assert info.value.index == 10
    assert "runs 10 to 14" in str(info.value) and "the worker was lost" in str(info.value)
