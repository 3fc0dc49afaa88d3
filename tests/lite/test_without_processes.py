"""The package imports and runs its non-graphical parts where no process can start.

Pyodide (JupyterLite's kernel) lacks or cannot run multiprocessing, sockets, fcntl and
subprocesses. ``without_processes.py`` refuses those modules with a meta path finder,
claims ``sys.platform == "emscripten"``, imports the five packages and runs the lite
probe (a Raft run, an explore with ``jobs=0``, a terms check) in a fresh process; the
digests must be CPython's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lite_probe import probe

from distsys_edu.checks import check_determinism
from distsys_edu.jobs.cores import can_start_processes, resolve_jobs
from distsys_edu.runtime.errors import InvalidArgument, SimError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_the_probe_runs_without_process_modules_and_gives_cpythons_digests() -> None:
    done = subprocess.run(
        [sys.executable, str(HERE / "without_processes.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result_line, tried_line = done.stdout.strip().splitlines()[-2:]
    there = json.loads(result_line)
    assert there.pop("platform") == "emscripten"
    here = probe()
    here.pop("platform")
    assert there == here
    assert here["exercise_status"] == "passed"
    # Nothing even tried (and caught) an import of a refused module on the way.
    assert json.loads(tried_line.removeprefix("tried:")) == []


@pytest.mark.parametrize("platform", ["emscripten", "wasi"])
def test_jobs_zero_means_one_where_no_process_can_start(platform: str) -> None:
    assert not can_start_processes(platform)
    assert resolve_jobs(0, platform=platform) == 1
    assert resolve_jobs(1, platform=platform) == 1
    with pytest.raises(InvalidArgument, match=r"jobs=2.*cannot start worker processes"):
        resolve_jobs(2, platform=platform)


def test_linux_starts_processes() -> None:
    assert can_start_processes("linux")
    assert resolve_jobs(3, platform="linux") == 3


def test_check_determinism_says_it_needs_a_real_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "emscripten")
    with pytest.raises(SimError, match="cannot: run it on a real machine"):
        check_determinism(test_linux_starts_processes)
