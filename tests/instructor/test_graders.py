"""The exported lessons run in the real tools: nbgrader and Otter-Grader.

For one lesson (01: two class exercises, ping_pong and deduplication), each tool makes
the learner's notebook from our export, then grades three submissions:

* the worked answers: full points;
* the learner's notebook untouched (the stubs): zero, "NOT ATTEMPTED" in the feedback,
  never a ``NameError``;
* a wrong Pinger (sends each Ping once, never retries) beside the Account stub:
  partial credit for ping_pong, exactly the share of its scenarios our check passes,
  and our own hint in the feedback.

Skipped unless the ``instructor`` extra is installed. Minutes, not seconds: each tool
runs the lesson notebook about four times.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip(
    "nbgrader", reason="the instructor extra is not installed (pip install -e '.[instructor]')"
)
pytest.importorskip(
    "otter", reason="the instructor extra is not installed (pip install -e '.[instructor]')"
)

from distsys_edu.exercises.export import export_lessons

pytestmark = pytest.mark.timeout(1800)  # a hang guard only; nothing here is timed

LESSON = "01_actors_and_messages"
ROOT = Path(__file__).resolve().parents[2]

sys.path.insert(0, str(ROOT / "tests" / "exercises"))
from ping_pong_answers import NoRetry  # noqa: E402  (tests/exercises, put on sys.path above)

WRONG_PINGER = inspect.getsource(NoRetry).replace("class NoRetry(", "class Pinger(", 1).strip()
"""The learner's wrong answer: lesson 01's Pinger that never resends (ping_pong_answers)."""


def wrong_pinger_share() -> tuple[float, str]:
    """The share of ping_pong's scenarios the wrong Pinger passes, and the hint of the
    first it fails, as our own check says."""
    from distsys_edu import Actor, Context
    from distsys_edu.exercises import check_ping_pong
    from distsys_edu.exercises.ping_pong import PINGS, PONGER, Ping, Pong

    scope = {"Actor": Actor, "Context": Context, "PINGS": PINGS, "PONGER": PONGER}
    scope.update(Ping=Ping, Pong=Pong)
    exec(WRONG_PINGER, scope)
    result = check_ping_pong(scope["Pinger"], strict=False)
    passed = [o.status == "passed" for o in result.outcomes]
    first_failed = next(o for o in result.outcomes if o.status == "failed")
    return sum(passed) / len(passed), first_failed.hint


def run(*command: str, cwd: Path) -> str:
    """Run a tool of this environment (its scripts first on PATH); its output."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("DISTSYS_EDU_STRICT", None)
    done = subprocess.run(
        [sys.executable, "-m", *command], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def with_answer(notebook: Path, target: Path, starts: str, answer: str) -> None:
    """Copy ``notebook`` to ``target`` with the code cell that starts with ``starts``
    replaced by ``answer``."""
    nb = json.loads(notebook.read_text())
    cells = [c for c in nb["cells"] if "".join(c["source"]).startswith(starts)]
    assert len(cells) == 1, f"one cell starting {starts!r} expected in {notebook}"
    cells[0]["source"] = answer
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb))


def test_nbgrader_generates_and_autogrades(tmp_path):
    course = tmp_path
    export_lessons("nbgrader", [LESSON], course)
    run("nbgrader", "generate_assignment", LESSON, cwd=course)
    release = course / "release" / LESSON / f"{LESSON}.ipynb"
    released = release.read_text()
    assert "raise NotImplementedError()" in released and "class Pinger(Actor)" in released
    assert "self.received.add(msg.seq)" not in released  # the worked answer is cut out

    submitted = course / "submitted"
    for student, notebook in (("worked", course / "source" / LESSON), ("stub", release.parent)):
        (submitted / student / LESSON).mkdir(parents=True)
        shutil.copy(notebook / f"{LESSON}.ipynb", submitted / student / LESSON)
    with_answer(
        release, submitted / "wrong" / LESSON / f"{LESSON}.ipynb", "class Pinger", WRONG_PINGER
    )
    run("nbgrader", "autograde", LESSON, "--create", cwd=course)
    run("nbgrader", "generate_feedback", LESSON, cwd=course)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {}
        for student in ("worked", "stub", "wrong"):
            submission = gradebook.find_submission(LESSON, student)
            scores[student] = {
                exercise: sum(
                    g.score
                    for g in submission.notebooks[0].grades
                    if g.name.startswith(exercise + "-")
                )
                for exercise in ("ping_pong", "deduplication")
            }
            assert submission.max_score == pytest.approx(2.0)
    share, hint = wrong_pinger_share()
    assert scores["worked"] == {
        "ping_pong": pytest.approx(1.0),
        "deduplication": pytest.approx(1.0),
    }
    assert scores["stub"] == {"ping_pong": 0, "deduplication": 0}
    assert 0 < share < 1 and scores["wrong"]["ping_pong"] == pytest.approx(share, abs=0.011)
    assert scores["wrong"]["deduplication"] == 0

    feedback = {
        s: (course / "feedback" / s / LESSON / f"{LESSON}.html").read_text()
        for s in ("stub", "wrong")
    }
    assert "NOT ATTEMPTED" in feedback["stub"] and "NameError" not in feedback["stub"]
    assert _html(hint) in feedback["wrong"]


def _html(text: str) -> str:
    import html

    return html.escape(text, quote=False)[:60]


def test_otter_assigns_and_runs(tmp_path):
    export_lessons("otter", [LESSON], tmp_path)
    run("otter", "assign", f"{LESSON}.ipynb", "dist", cwd=tmp_path)
    student = tmp_path / "dist" / "student" / f"{LESSON}.ipynb"
    handed_out = student.read_text()
    assert 'raise NotImplementedError(\\"send the first Ping' in handed_out  # the lesson's stub
    assert "self.received.add(msg.seq)" not in handed_out
    (autograder,) = (tmp_path / "dist" / "autograder").glob("*.zip")

    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(tmp_path / "dist" / "autograder" / f"{LESSON}.ipynb", submissions / "worked.ipynb")
    shutil.copy(student, submissions / "stub.ipynb")
    with_answer(student, submissions / "wrong.ipynb", "class Pinger", WRONG_PINGER)
    results = {}
    for name in ("worked", "stub", "wrong"):
        out = tmp_path / "results" / name
        out.mkdir(parents=True)
        run(
            "otter",
            "run",
            "-a",
            str(autograder),
            "-o",
            str(out),
            str(submissions / f"{name}.ipynb"),
            cwd=tmp_path,
        )
        tests = json.loads((out / "results.json").read_text())["tests"]
        results[name] = {t["name"]: t for t in tests}
    share, hint = wrong_pinger_share()
    for name in ("ping_pong", "deduplication"):
        assert results["worked"][name]["score"] == pytest.approx(1.0)
        assert results["stub"][name]["score"] == 0
        assert "NOT ATTEMPTED" in results["stub"][name]["output"]
        assert "NameError" not in results["stub"][name]["output"]
    assert results["wrong"]["ping_pong"]["score"] == pytest.approx(share, abs=0.011)
    assert hint in results["wrong"]["ping_pong"]["output"]
    assert results["wrong"]["deduplication"]["score"] == 0
