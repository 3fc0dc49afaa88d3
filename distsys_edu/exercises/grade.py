"""The instructor's grader: what ``distsys-edu grade NOTEBOOK...`` reports, and how.

Each submission is read (:mod:`.submission`: every saved output thrown away, the
check calls found), then run top to bottom in a kernel of its own, with a time limit,
the grader making each check call itself (:mod:`.notebook_run`, :mod:`.in_kernel`).
So a result counts only if the check produced it in this run, in this kernel:

* an exercise whose check call was not reached is ``not run`` (the notebook stopped
  at code cell N: a hang, a dead kernel), never ``passed``;
* a cell that prints or displays something shaped like a result counts for nothing;
* a check cell that raised is an ``error``, with the exception;
* an object handed to a check that comes from the worked answers
  (``distsys_edu.exercises.solutions``), or a notebook that imports them, is reported
  ("uses the worked answer for ping_pong"), and under ``strict`` does not pass.

A file that is missing, not a notebook or malformed is ``unreadable`` (one line); the
others are still graded. Points: each exercise is worth a weight (:class:`Points`) and
earns it in proportion to its scenarios passed.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..runtime.errors import check_time, invalid
from .in_kernel import CHECKS, exercise_name
from .notebook_run import KERNEL_DIED, RAN, TIMED_OUT, CallOutcome, run_submission
from .result import ERROR, PASSED, ExerciseResult
from .submission import Submission, Unreadable, read_submission

__all__ = [
    "DEFAULT_TIMEOUT",
    "KERNEL_DIED",
    "MISSING",
    "NOT_RUN",
    "RAN",
    "TIMED_OUT",
    "UNREADABLE",
    "ExerciseGrade",
    "NotebookGrade",
    "Points",
    "exercise_names",
    "grade",
    "grade_notebook",
]

UNREADABLE = "unreadable"
NOT_RUN, MISSING = "not run", "missing"
DEFAULT_TIMEOUT = 300.0
"""Seconds of real time a notebook may run by default."""


@functools.cache
def exercise_names() -> dict[str, str]:
    """Every check's exercise name, by check: ``{"check_threshold": "phi_threshold", ...}``."""
    return {check: exercise_name(check) for check in sorted(CHECKS)}


@dataclass(frozen=True)
class Points:
    """What each exercise is worth.

    Attributes:
        each: points by exercise name.
        default: points of an exercise not in ``each``.
    """

    each: Mapping[str, float] = field(default_factory=dict)
    default: float = 1.0

    def __post_init__(self) -> None:
        known = set(exercise_names().values())
        for name, value in (*self.each.items(), ("default", self.default)):
            if name != "default" and name not in known:
                raise invalid("points", name, f"must name an exercise: {', '.join(sorted(known))}")
            if not isinstance(value, (int, float)) or not 0 <= value < math.inf:
                raise invalid("points", f"{name}={value}", "must be a number >= 0")

    def of(self, exercise: str) -> float:
        """The points ``exercise`` is worth."""
        return float(self.each.get(exercise, self.default))


@dataclass(frozen=True)
class ExerciseGrade:
    """One exercise of one notebook, as graded in this run.

    Attributes:
        exercise: its name.
        status: the check's status (passed, failed, not attempted, error), or
            ``not run`` (its check call was not reached) or ``missing`` (no cell
            calls its check, but points were given for it).
        detail: why, for ``not run``, ``missing`` and an ``error`` outside the check.
        result: what the check returned, if it ran.
        code_cell: the code cell of its check call (0: none).
        worked_answer: the worked-answer module the checked object came from, or ``""``.
        max_points: what it is worth; ``points``: what it earned.
    """

    exercise: str
    status: str
    detail: str = ""
    result: ExerciseResult | None = None
    code_cell: int = 0
    worked_answer: str = ""
    max_points: float = 1.0

    @property
    def passed(self) -> bool:
        """The check ran in this run and passed."""
        return self.status == PASSED

    @property
    def scenarios(self) -> tuple[int, int]:
        """Scenarios passed, and scenarios run (``(0, 0)`` if the check did not run)."""
        if self.result is None:
            return 0, 0
        return sum(o.status == PASSED for o in self.result.outcomes), len(self.result.outcomes)

    @property
    def points(self) -> float:
        """``max_points`` times the share of its scenarios passed."""
        passed, run = self.scenarios
        return self.max_points * passed / run if run else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        passed, run = self.scenarios
        return {
            "exercise": self.exercise,
            "status": self.status,
            "detail": self.detail,
            "code_cell": self.code_cell,
            "worked_answer": self.worked_answer,
            "scenarios_passed": passed,
            "scenarios": run,
            "points": self.points,
            "max_points": self.max_points,
            "result": None if self.result is None else self.result.to_dict(),
        }


@dataclass(frozen=True)
class NotebookGrade:
    """What one submitted notebook did in this run.

    Attributes:
        path: the path as given.
        status: ``ran`` (to the end), ``timed out``, ``kernel died`` or ``unreadable``.
        detail: for anything but ``ran``, what happened (which code cell, what is wrong).
        cell_errors: code cells that raised (they do not stop the run).
        exercises: one per exercise, in the order of their check calls.
        worked_answers: the worked-answer modules it imports.
        seconds: real seconds it ran (kernel start-up excluded).
        strict: the instructor's mode: worked answers do not pass.
    """

    path: str
    status: str
    detail: str = ""
    cell_errors: int = 0
    exercises: tuple[ExerciseGrade, ...] = ()
    worked_answers: tuple[str, ...] = ()
    seconds: float = 0.0
    strict: bool = False

    @property
    def uses_worked_answers(self) -> list[str]:
        """What it takes from the worked answers, in words (empty if nothing)."""
        said = [
            f"uses the worked answer for {e.exercise}" for e in self.exercises if e.worked_answer
        ]
        used = {e.worked_answer for e in self.exercises}
        others = [m for m in self.worked_answers if m not in used]
        if others:
            said.append(f"imports the worked answers ({', '.join(others)})")
        return said

    @property
    def passed(self) -> bool:
        """Ran to the end, checked at least one exercise, every one passed (and, strict,
        used no worked answer)."""
        clean = not (self.strict and self.uses_worked_answers)
        return (
            self.status == RAN
            and bool(self.exercises)
            and clean
            and all(e.passed for e in self.exercises)
        )

    @property
    def points(self) -> float:
        """Points earned over its exercises (none under ``strict`` with worked answers)."""
        if self.strict and self.uses_worked_answers:
            return 0.0
        return sum(e.points for e in self.exercises)

    @property
    def total(self) -> float:
        """Points it could have earned."""
        return sum(e.max_points for e in self.exercises)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "path": self.path,
            "status": self.status,
            "detail": self.detail,
            "seconds": round(self.seconds, 3),
            "cell_errors": self.cell_errors,
            "passed": self.passed,
            "points": self.points,
            "total": self.total,
            "uses_worked_answers": self.uses_worked_answers,
            "exercises": [e.to_dict() for e in self.exercises],
        }


def grade_notebook(
    path: str | Path,
    timeout: float = DEFAULT_TIMEOUT,
    points: Points | None = None,
    strict: bool = False,
) -> NotebookGrade:
    """Read one notebook, run it in a fresh kernel in its own folder, and grade it.

    Args:
        path: the ``.ipynb`` file.
        timeout: real seconds it may run, counted from its first cell.
        points: what each exercise is worth (default: 1 each).
        strict: the instructor's mode: a notebook using the worked answers does not pass.

    Returns:
        Its grade; a hang, a dead kernel or an unreadable file is a status, not an error.
    """
    points = Points() if points is None else points
    began = time.monotonic()
    try:
        submission = read_submission(path, CHECKS)
    except Unreadable as exc:
        return NotebookGrade(str(path), UNREADABLE, str(exc), strict=strict)
    run = run_submission(submission, Path(path).resolve().parent, timeout)
    detail = ""
    if run.status == TIMED_OUT:
        detail = f"code cell {run.stopped_at} was still running after {timeout:g} s"
    elif run.status == KERNEL_DIED:
        detail = f"the kernel died while running code cell {run.stopped_at}"
    exercises = _exercises(submission, run.outcomes, run.stopped_at, points)
    seconds = run.seconds or time.monotonic() - began
    return NotebookGrade(
        str(path),
        run.status,
        detail,
        run.cell_errors,
        exercises,
        submission.worked_answers,
        seconds,
        strict,
    )


def grade(
    paths: Sequence[str | Path],
    timeout: float = DEFAULT_TIMEOUT,
    points: Points | None = None,
    strict: bool = False,
) -> list[NotebookGrade]:
    """Grade each notebook in turn, each in a kernel of its own.

    Raises:
        InvalidArgument: a timeout that is not > 0 (a bad file is a grade, not an error).
    """
    timeout = check_time("timeout", timeout, positive=True)
    return [grade_notebook(path, timeout, points, strict) for path in paths]


def _exercises(
    submission: Submission, outcomes: Sequence[CallOutcome], stopped_at: int, points: Points
) -> tuple[ExerciseGrade, ...]:
    """One grade per exercise: its last check call reached, else ``not run``; then
    ``missing`` for each exercise given points that no cell checks."""
    names = exercise_names()
    reached = {id(o.call): o for o in outcomes}
    graded: dict[str, ExerciseGrade] = {}
    for call in submission.calls:
        name = names[call.check]
        outcome = reached.get(id(call))
        if outcome is None:
            if name not in graded or graded[name].status == NOT_RUN:
                why = f"the notebook stopped at code cell {stopped_at}"
                if call.code_cell == stopped_at:
                    why += ", in this check"
                graded[name] = ExerciseGrade(
                    name, NOT_RUN, why, code_cell=call.code_cell, max_points=points.of(name)
                )
            continue
        graded[name] = _from_outcome(name, outcome, points.of(name))
    for name in points.each:
        if name not in graded:
            graded[name] = ExerciseGrade(
                name, MISSING, "no cell calls its check", max_points=points.of(name)
            )
    return tuple(graded.values())


def _from_outcome(name: str, outcome: CallOutcome, worth: float) -> ExerciseGrade:
    cell = outcome.call.code_cell
    if outcome.verdict is None:
        return ExerciseGrade(name, ERROR, outcome.error, code_cell=cell, max_points=worth)
    result = ExerciseResult.from_dict(outcome.verdict["result"])
    return ExerciseGrade(
        name,
        result.status,
        result=result,
        code_cell=cell,
        worked_answer=str(outcome.verdict.get("worked_answer", "")),
        max_points=worth,
    )
