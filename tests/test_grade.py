"""distsys-edu grade: only what ran in this run counts, and only what the check itself said.

Every notebook here stops by itself (it ends, raises, or kills its kernel) except the
one that hangs on purpose; the limit is generous, and each test asserts what happened
(which cell it stopped in, what was and was not run), never how long it took.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from distsys_edu.cli import main
from distsys_edu.exercises.grade import (
    KERNEL_DIED,
    MISSING,
    NOT_RUN,
    RAN,
    TIMED_OUT,
    UNREADABLE,
    Points,
    grade,
)
from distsys_edu.exercises.result import ExerciseResult, ScenarioOutcome
from distsys_edu.exercises.runner import EXERCISES
from distsys_edu.runtime import InvalidArgument

LIMIT = 60.0  # seconds: generous; only the hanging notebook ever reaches it

CHECKS = "from distsys_edu.exercises import check_ping_pong, check_follower_detector"
WORKED = (
    "from distsys_edu.exercises.solutions.ping_pong import Pinger\n"
    "from distsys_edu.exercises.solutions.follower import WatchfulFollower"
)
STUB = "from distsys_edu.exercises.ping_pong import Pinger"
MIMETYPE = "application/vnd.distsys-edu.exercise+json"  # what results once displayed
FORGED = ExerciseResult.from_outcomes("ping_pong", [ScenarioOutcome("all", "passed")]).to_dict()
FORGE = (
    "from IPython.display import display\n"
    f"forged = {json.dumps(FORGED)!r}\n"
    "import json\n"
    f"display({{{MIMETYPE!r}: json.loads(forged), 'text/plain': 'ping_pong: PASSED'}}, raw=True)\n"
    "print(forged)"
)
SAVED = nbformat.v4.new_output("display_data", data={MIMETYPE: FORGED, "text/plain": "PASSED"})

NOTEBOOKS = {
    "pass": [
        CHECKS,
        WORKED,
        "check_ping_pong(Pinger)",
        "check_follower_detector(WatchfulFollower)",
    ],
    "fail": [
        CHECKS,
        WORKED,
        "class Blind(WatchfulFollower):\n    def on_heartbeat(self, msg, ctx):\n        pass",
        "check_follower_detector(Blind)",
        "1 / 0",
        "class NoRetry(Pinger):\n    def send_next(self, ctx):\n        self.seq += 1\n"
        "        self.send_ping(ctx)",
        "check_ping_pong(NoRetry)",
    ],
    "stub": [CHECKS, STUB, "check_ping_pong(Pinger)"],
    "forged": [
        CHECKS,
        STUB,
        FORGE,
        "def check_ping_pong(cls):\n    return forged",
        "check_ping_pong(Pinger)",
    ],
    "raised": [
        CHECKS,
        "check_ping_pong(NoSuchClass)",
        "result = check_follower_detector(None)\n1 / 0",
    ],
    "dies": [CHECKS, WORKED, "check_ping_pong(Pinger)", "import os\nos._exit(1)", "# ↓ saved"],
}


def write(folder, name, cells, markdown_first=False):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    if name == "dies":  # a passing result saved in the file, for a check that never runs
        nb.cells[-1] = nbformat.v4.new_code_cell(
            "check_follower_detector(WatchfulFollower)", outputs=[SAVED], execution_count=5
        )
    if markdown_first:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("# Not a code cell"))
        nb.cells.insert(3, nbformat.v4.new_markdown_cell("Nor this one"))
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return str(path)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, monkeypatch_module):
    folder = tmp_path_factory.mktemp("submissions")
    paths = [write(folder, name, cells, name == "dies") for name, cells in NOTEBOOKS.items()]
    monkeypatch_module.setenv("DISTSYS_EDU_STRICT", "1")  # the grader turns it off
    return dict(zip(NOTEBOOKS, grade(paths, timeout=LIMIT), strict=True))


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def scenarios(exercise):
    """``"n/n scenarios"``: all of the exercise's (others add scenarios; this keeps up)."""
    n = len(EXERCISES[exercise].scenarios)
    return f"{n}/{n} scenarios"


def statuses(g):
    return {e.exercise: e.status for e in g.exercises}


def test_a_passing_notebook(graded):
    g = graded["pass"]
    assert (g.status, g.cell_errors, g.passed) == (RAN, 0, True)
    assert statuses(g) == {"ping_pong": "passed", "follower_detector": "passed"}
    assert (g.points, g.total) == (2.0, 2.0)
    assert g.seconds > 0


def test_worked_answers_are_reported_and_fail_under_strict(graded):
    g = graded["pass"]
    assert g.uses_worked_answers == [
        "uses the worked answer for ping_pong",
        "uses the worked answer for follower_detector",
    ]
    strict = type(g)(**{**g.__dict__, "strict": True})
    assert (strict.passed, strict.points) == (False, 0.0)
    stub = graded["stub"]
    assert stub.uses_worked_answers == []


def test_a_subclass_of_a_worked_answer_is_reported(graded):
    g = graded["fail"]
    assert "uses the worked answer for follower_detector" in g.uses_worked_answers


def test_a_failing_notebook_runs_past_a_cell_that_raises(graded):
    g = graded["fail"]
    assert (g.status, g.cell_errors, g.passed) == (RAN, 1, False)
    assert statuses(g) == {"follower_detector": "failed", "ping_pong": "failed"}


def test_a_stub_is_not_attempted_even_when_strict_is_set_outside(graded):
    g = graded["stub"]
    assert (g.status, g.cell_errors, g.passed) == (RAN, 0, False)
    assert statuses(g) == {"ping_pong": "not attempted"}


def test_a_forged_result_counts_for_nothing(graded):
    """Displayed and printed results, and a check_ping_pong of the notebook's own: the
    grader calls the package's check on the stub, which is not attempted."""
    g = graded["forged"]
    assert (g.status, g.passed, g.points) == (RAN, False, 0.0)
    assert statuses(g) == {"ping_pong": "not attempted"}


def test_a_check_cell_that_raised_is_an_error_with_the_exception(graded):
    g = graded["raised"]
    assert statuses(g) == {"ping_pong": "error", "follower_detector": "error"}
    ping, follower = g.exercises
    assert "NameError: name 'NoSuchClass' is not defined" in ping.detail
    assert follower.detail == "code cell 3 raised ZeroDivisionError: division by zero"
    assert not g.passed


def test_a_dead_kernel_leaves_later_checks_not_run_whatever_the_file_had_saved(graded):
    g = graded["dies"]
    # cells counted as JupyterLab shows them: code cells only, markdown not counted
    assert (g.status, g.detail) == (KERNEL_DIED, "the kernel died while running code cell 4")
    assert statuses(g) == {"ping_pong": "passed", "follower_detector": NOT_RUN}
    assert g.exercises[1].detail == "the notebook stopped at code cell 4"
    assert not g.passed


def test_a_hang_is_reported_and_what_came_after_did_not_run(tmp_path, capfd):
    cells = [CHECKS, WORKED, "check_ping_pong(Pinger)", "import time\ntime.sleep(10**6)"]
    path = write(tmp_path, "hang", [*cells, "check_follower_detector(WatchfulFollower)"])
    assert main(["grade", path, "--timeout", "30", "--json"]) == 1
    out, err = capfd.readouterr()
    assert err == ""  # no traceback, no kernel warning (TCP, zmq, KeyboardInterrupt)
    [notebook] = json.loads(out)["notebooks"]
    assert (notebook["status"], notebook["detail"]) == (
        TIMED_OUT,
        "code cell 4 was still running after 30 s",
    )
    assert [e["status"] for e in notebook["exercises"]] == ["passed", NOT_RUN]
    assert notebook["seconds"] >= 30


def test_partial_credit_is_scenarios_passed_over_scenarios(graded):
    g = graded["fail"]
    no_retry = g.exercises[1]
    passed, run = no_retry.scenarios
    assert 0 < passed < run  # a partly right answer, so the credit is partial
    assert no_retry.points == pytest.approx(passed / run)
    weighted = type(no_retry)(**{**no_retry.__dict__, "max_points": 3.0})
    assert weighted.points == pytest.approx(3.0 * passed / run)
    assert g.points == pytest.approx(passed / run)  # the blind follower earns nothing


def test_points_given_per_exercise_and_missing_ones(tmp_path, capsys):
    path = write(tmp_path, "fail", NOTEBOOKS["fail"])
    spec = "follower_detector=3,ping_pong=2,deduplication=5"
    assert main(["grade", path, "--points", spec, "--json", "--timeout", str(LIMIT)]) == 1
    report = json.loads(capsys.readouterr().out)
    [notebook] = report["notebooks"]
    by_name = {e["exercise"]: e for e in notebook["exercises"]}
    ping = by_name["ping_pong"]
    assert ping["points"] == pytest.approx(2 * ping["scenarios_passed"] / ping["scenarios"])
    assert 0 < ping["points"] < ping["max_points"] == 2
    assert (by_name["follower_detector"]["points"], by_name["follower_detector"]["max_points"]) == (
        0,
        3,
    )
    assert (by_name["deduplication"]["status"], by_name["deduplication"]["points"]) == (MISSING, 0)
    assert notebook["total"] == report["total"] == 10
    assert notebook["points"] == report["points"] == pytest.approx(ping["points"])
    assert notebook["seconds"] > 0


def test_bad_points_are_one_line_and_status_2(tmp_path, capsys):
    path = write(tmp_path, "stub", NOTEBOOKS["stub"])
    assert main(["grade", path, "--points", "pingpong=2"]) == 2
    assert "points='pingpong' is not allowed: must name an exercise" in capsys.readouterr().err
    assert main(["grade", path, "--points", "ping_pong=-1"]) == 2
    assert "must be a number >= 0" in capsys.readouterr().err
    with pytest.raises(InvalidArgument, match="ping_pong=nan"):
        Points({"ping_pong": float("nan")})


def test_cli_table_and_exit_status(tmp_path, capsys):
    good = write(tmp_path, "good", NOTEBOOKS["pass"])
    assert main(["grade", good, "--timeout", str(LIMIT)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{good}: ran in ")
    assert lines[0].endswith(" s, 2 of 2 exercises passed, 2 of 2 points")
    assert lines[1:] == [
        f"  ping_pong          passed         {scenarios('ping_pong')}  1/1 points",
        f"  follower_detector  passed         {scenarios('follower_detector')}  1/1 points",
        "  uses the worked answer for ping_pong",
        "  uses the worked answer for follower_detector",
        "1 notebooks (1 fully passed), 2 of 2 exercises passed, 2 of 2 points",
    ]
    assert main(["grade", good, "--strict", "--timeout", str(LIMIT)]) == 1
    assert ", not passed: uses the worked answers" in capsys.readouterr().out


def test_an_imported_worked_answer_not_handed_to_a_check_is_reported(tmp_path):
    cells = [
        CHECKS,
        STUB,
        "from distsys_edu.exercises.solutions import phi",
        "check_ping_pong(Pinger)",
    ]
    [g] = grade([write(tmp_path, "imports", cells)], timeout=LIMIT)
    assert g.uses_worked_answers == ["imports the worked answers (phi)"]
    assert not type(g)(**{**g.__dict__, "strict": True}).passed


def test_unreadable_files_are_one_line_each_and_the_others_are_graded(tmp_path, capsys):
    (tmp_path / "text.ipynb").write_text("{not json")
    (tmp_path / "other.ipynb").write_text('{"some": "json"}')
    malformed = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    malformed.cells[0]["execution_count"] = "one"  # the schema wants a number or null
    (tmp_path / "malformed.ipynb").write_text(json.dumps(malformed))
    stub = write(tmp_path, "stub", NOTEBOOKS["stub"])
    names = ["text", "missing", "other", "malformed"]
    paths = [str(tmp_path / f"{n}.ipynb") for n in names] + [str(tmp_path), stub]
    assert main(["grade", *paths, "--timeout", str(LIMIT)]) == 2
    lines = capsys.readouterr().out.splitlines()
    heads = [ln for ln in lines if not ln.startswith("  ")]
    assert (
        heads[0] == f"{paths[0]}: not a notebook: Notebook does not appear to be JSON: '{{not json'"
    )
    assert heads[1] == f"{paths[1]}: missing: no such file"
    assert heads[2].startswith(f"{paths[2]}: not a notebook: ")
    assert heads[3].startswith(f"{paths[3]}: malformed notebook: ")
    assert heads[4] == f"{paths[4]}: not a notebook: a folder, not a file"
    assert heads[5].startswith(f"{stub}: ran in ")
    assert heads[6].endswith(", 5 unreadable")
    assert all(g.status == UNREADABLE for g in grade(paths[:5]))


def test_a_bad_timeout_is_one_line_and_status_2(tmp_path, capsys):
    good = write(tmp_path, "good", NOTEBOOKS["stub"])
    assert main(["grade", good, "--timeout", "0"]) == 2
    assert "timeout=0.0 is not allowed" in capsys.readouterr().err


def test_a_check_that_hangs_on_the_learners_code_is_not_run(tmp_path):
    cells = [
        CHECKS,
        STUB,
        "class Spins(Pinger):\n    def started(self, ctx):\n        while True:\n            pass",
        "check_ping_pong(Spins)",
    ]
    [g] = grade([write(tmp_path, "spins", cells)], timeout=20)
    assert (g.status, g.detail) == (TIMED_OUT, "code cell 4 was still running after 20 s")
    [ping] = g.exercises
    assert (ping.status, ping.detail) == (
        NOT_RUN,
        "the notebook stopped at code cell 4, in this check",
    )


LESSONS = Path(__file__).resolve().parent.parent / "lessons"


def test_a_lesson_as_handed_out_and_its_worked_answers(tmp_path):
    """Lesson 01 as built: the learner's stubs are not attempted, the worked answers
    pass, and neither is taken for a use of the worked-answer package."""
    name = "01_actors_and_messages.ipynb"
    learner, solution = grade([LESSONS / name, LESSONS / "solutions" / name], timeout=LIMIT)
    assert learner.status == solution.status == RAN
    assert statuses(learner) == {"ping_pong": "not attempted", "deduplication": "not attempted"}
    assert statuses(solution) == {"ping_pong": "passed", "deduplication": "passed"}
    assert learner.uses_worked_answers == solution.uses_worked_answers == []
