"""Determinism checks shared by the tests: the seed, and nothing else, decides a run.

Running code in a fresh Python process shows a result depends neither on what this
process did before nor on its ``PYTHONHASHSEED``.

Imported as ``from determinism import ...`` (``tests/conftest.py`` puts this folder on
the path).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from distsys_edu.runtime import Sim

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
"""The repository root: a new process runs there, with it (and :data:`TESTS`) on
``PYTHONPATH``."""


def other_hashseed() -> str:
    """A ``PYTHONHASHSEED`` that differs from this process's (if it has a fixed one)."""
    return "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"


def run_python(code: str, *, hashseed: str) -> str:
    """Run ``python -c code`` from :data:`ROOT` with ``PYTHONHASHSEED=hashseed``.

    Returns:
        What it printed on stdout.

    Raises:
        subprocess.CalledProcessError: it exited with a non-zero status.
    """
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONHASHSEED": hashseed,
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)]),
        },
        timeout=300,
    )
    return done.stdout


def digest_in_fresh_python(run: Callable[[int], Sim], seed: int, *, hashseed: str) -> str:
    """The trace digest of ``run(seed)``, computed in a fresh process (see :func:`run_python`).

    ``run`` must be a module-level function: the new process imports it by name, from
    the folder its module was imported from.
    """
    module = sys.modules[run.__module__]
    assert module.__file__ is not None and "<" not in run.__qualname__, run
    base = Path(module.__file__).resolve().parents[run.__module__.count(".")]
    code = (
        f"import sys; sys.path.insert(0, {str(base)!r}); "
        f"from {run.__module__} import {run.__qualname__} as run; "
        f"print(run({seed!r}).trace.digest())"
    )
    return run_python(code, hashseed=hashseed).strip()


def event_lines(sim: Sim) -> list[str]:
    """The trace's JSON lines without the header (which names the seed)."""
    return list(sim.trace.lines())[1:]


def assert_the_seed_decides(run: Callable[[int], Sim], seed: int, other_seed: int) -> None:
    """``run(seed)`` gives the same events twice here, and the same digest in a fresh
    process under another ``PYTHONHASHSEED``; ``run(other_seed)`` gives other events.

    Events are compared without the trace's header, which names the seed: with it, two
    seeds would always give different traces.
    """
    first = run(seed)
    assert event_lines(run(seed)) == event_lines(first)
    assert event_lines(run(other_seed)) != event_lines(first), "the seed changes nothing"
    hashseed = other_hashseed()
    assert digest_in_fresh_python(run, seed, hashseed=hashseed) == first.trace.digest()
