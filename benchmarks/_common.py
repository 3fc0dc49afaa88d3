"""What every benchmark script shares: timing, memory, progress, JSON output, machine.

Each script prints progress lines to stderr and exactly one JSON object as the last
line of stdout, so ``python benchmarks/x.py | tail -n 1`` is the figure to keep.
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

T = TypeVar("T")


def progress(message: str) -> None:
    """One progress line on stderr (stdout is kept for the JSON result)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(result: dict[str, Any]) -> None:
    """Print the result as one JSON line: the last line of stdout."""
    print(json.dumps(result, sort_keys=False), flush=True)


def timed(run: Callable[[], Any]) -> float:
    """Wall-clock seconds taken by ``run()`` alone (garbage of earlier work collected first).

    The collector stays enabled during the run: a user's run pays for it too.
    """
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def profile_top(run: Callable[[], T], top: int = 25) -> T:
    """Run ``run()`` under cProfile and return its result; the ``top`` functions by own
    time (``tottime``: time in the function itself, callees excluded) go to stderr.
    """
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        result = run()
    finally:
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    progress("profile (by own time):\n" + out.getvalue())
    return result


def rss_bytes() -> int:
    """This process's resident set size now, in bytes (Linux ``/proc/self/statm``)."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * _PAGE_SIZE


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB (``getrusage``; KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    """What the figures were measured on, and how busy it was (1-minute load average)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        # Above ~0 on an idle machine, other work shared the cores during the run.
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def run_json_subprocess(argv: Sequence[str]) -> dict[str, Any]:
    """Run ``python argv...`` in a fresh interpreter and return its last stdout line as JSON.

    The child's stderr (its progress lines) passes straight through to ours.

    Raises:
        RuntimeError: the child failed or printed no JSON line.
    """
    done = subprocess.run([sys.executable, *argv], stdout=subprocess.PIPE, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(argv)} exited with {done.returncode}: {done.stdout!r}")
    return json.loads(lines[-1])
