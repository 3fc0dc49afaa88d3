"""distsys-edu grade: each notebook in its own kernel, a time limit, hangs and dead
kernels reported, a table or one JSON object, exit 0 only when everything passed."""

from __future__ import annotations

import json

import nbformat
import pytest

from distsys_edu.cli import main
from distsys_edu.exercises.grade import KERNEL_DIED, RAN, TIMED_OUT, grade

IMPORTS = (
    "from distsys_edu.exercises import check_ping_pong, check_follower_detector\n"
    "from distsys_edu.exercises.solutions.ping_pong import Pinger\n"
    "from distsys_edu.exercises.solutions.follower import WatchfulFollower"
)
NOTEBOOKS = {
    "pass": [IMPORTS, "check_ping_pong(Pinger)", "check_follower_detector(WatchfulFollower)"],
    "fail": [
        IMPORTS,
        "class Blind(WatchfulFollower):\n    def on_heartbeat(self, msg, ctx):\n        pass",
        "check_follower_detector(Blind)",
        "1 / 0",
        "check_ping_pong(Pinger)",
    ],
    "stub": [
        "from distsys_edu.exercises import check_ping_pong\n"
        "from distsys_edu.exercises.ping_pong import Pinger",
        "check_ping_pong(Pinger)",
    ],
    "hang": [IMPORTS, "check_ping_pong(Pinger)", "import time\ntime.sleep(120)", "print('never')"],
    "dies": [IMPORTS, "check_ping_pong(Pinger)", "import os\nos._exit(1)"],
}


def write(folder, name, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return str(path)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, monkeypatch_module):
    folder = tmp_path_factory.mktemp("submissions")
    paths = [write(folder, name, cells) for name, cells in NOTEBOOKS.items()]
    monkeypatch_module.setenv("DISTSYS_EDU_STRICT", "1")  # the grader turns it off
    return dict(zip(NOTEBOOKS, grade(paths, timeout=5), strict=True))


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def statuses(g):
    return {r.exercise: r.status for r in g.results}


def test_a_passing_notebook(graded):
    g = graded["pass"]
    assert (g.status, g.cell_errors, g.passed) == (RAN, 0, True)
    assert statuses(g) == {"ping_pong": "passed", "follower_detector": "passed"}


def test_a_failing_notebook_runs_past_a_cell_that_raises(graded):
    g = graded["fail"]
    assert (g.status, g.cell_errors, g.passed) == (RAN, 1, False)
    assert statuses(g) == {"follower_detector": "failed", "ping_pong": "passed"}


def test_a_stub_is_not_attempted_even_when_strict_is_set_outside(graded):
    g = graded["stub"]
    assert (g.status, g.cell_errors, g.passed) == (RAN, 0, False)
    assert statuses(g) == {"ping_pong": "not attempted"}


def test_a_hang_is_reported_with_what_came_before(graded):
    g = graded["hang"]
    assert (g.status, g.detail) == (TIMED_OUT, "cell 3 was still running after 5 s")
    assert statuses(g) == {"ping_pong": "passed"}
    assert not g.passed


def test_a_dead_kernel_is_reported(graded):
    g = graded["dies"]
    assert (g.status, g.detail) == (KERNEL_DIED, "while running cell 3")
    assert statuses(g) == {"ping_pong": "passed"}
    assert not g.passed


def test_cli_table_json_and_exit_status(tmp_path, capsys):
    good = write(tmp_path, "good", NOTEBOOKS["pass"])
    assert main(["grade", good, "--timeout", "60"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines() == [
        f"{good}: ran, 2 of 2 exercises passed",
        "  ping_pong          passed",
        "  follower_detector  passed",
        "1 notebooks (1 fully passed), 2 of 2 exercises passed",
    ]
    stub = write(tmp_path, "stub", NOTEBOOKS["stub"])
    assert main(["grade", stub, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is False
    [notebook] = report["notebooks"]
    assert notebook["status"] == RAN
    assert notebook["exercises"][0]["status"] == "not attempted"


def test_cli_bad_input_is_one_line_and_status_2(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "missing.ipynb")]) == 2
    assert "NOTEBOOK=" in capsys.readouterr().err
    good = write(tmp_path, "good", NOTEBOOKS["stub"])
    assert main(["grade", good, "--timeout", "0"]) == 2
    assert "timeout=0.0 is not allowed" in capsys.readouterr().err


def test_an_unreadable_notebook_is_reported_not_fatal(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    [g] = grade([str(path)])
    assert g.status == "unreadable" and not g.passed
