"""The instructor's grader: ``distsys-edu grade NOTEBOOK... [--timeout S] [--json]``.

Each submitted notebook runs top to bottom in a kernel of its own (with nbclient),
with a time limit per notebook, and ``DISTSYS_EDU_STRICT=0`` so that every check
shows its result rather than raising. Every :class:`~.result.ExerciseResult` a
notebook displays records itself under the mimetype :data:`~.result.MIMETYPE`; the
grader reads those from the executed notebook (the last one of each exercise wins).

A notebook that runs past its limit, or whose kernel dies (``os._exit``, a crash, out
of memory), is reported as such with what it showed before, and the others still run.
A cell that raises does not stop the notebook (the grader runs on, as "Run All" with
errors allowed would). The exit status is 0 only when every notebook ran and every
exercise in it passed (a notebook with no exercise results does not pass).

The time limit is real (wall-clock) time, measured from the first cell, not counting
the kernel's start-up; it has nothing to do with a simulation's virtual time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..runtime.errors import InvalidArgument, check_time, invalid
from .result import MIMETYPE, PASSED, ExerciseResult
from .runner import STRICT_ENV

RAN, TIMED_OUT, KERNEL_DIED, UNREADABLE = "ran", "timed out", "kernel died", "unreadable"
DEFAULT_TIMEOUT = 300.0
"""Seconds of real time a notebook may run by default."""


@dataclass(frozen=True)
class NotebookGrade:
    """What one submitted notebook showed.

    Attributes:
        path: the notebook's path as given.
        status: ``ran`` (to the end), ``timed out``, ``kernel died`` or ``unreadable``.
        detail: for anything but ``ran``, what happened, e.g. which cell was running.
        cell_errors: how many cells raised (they do not stop the run).
        results: the exercise results it displayed, in order of first appearance.
    """

    path: str
    status: str
    detail: str
    cell_errors: int
    results: tuple[ExerciseResult, ...]

    @property
    def passed(self) -> bool:
        """Ran to the end, showed at least one exercise result, and all passed."""
        return self.status == RAN and bool(self.results) and all(r.passed for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "path": self.path,
            "status": self.status,
            "detail": self.detail,
            "cell_errors": self.cell_errors,
            "passed": self.passed,
            "exercises": [r.to_dict() for r in self.results],
        }


def grade_notebook(path: str | Path, timeout: float = DEFAULT_TIMEOUT) -> NotebookGrade:
    """Run one notebook in a fresh kernel, in its own folder, and read its results.

    Args:
        path: the ``.ipynb`` file.
        timeout: real seconds it may run, counted from its first cell.

    Returns:
        Its grade; a hang, a dead kernel or an unreadable file is a status, not an error.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        nb = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError) as exc:  # not JSON, not a notebook
        return NotebookGrade(str(path), UNREADABLE, f"{type(exc).__name__}: {exc}", 0, ())
    limit = _Limit(timeout)
    client = NotebookClient(
        nb,
        timeout_func=limit.seconds_left,
        on_cell_start=limit.cell_started,
        kernel_name="python3",
        allow_errors=True,
        record_timing=False,
        resources={"metadata": {"path": str(Path(path).resolve().parent)}},
    )
    status, detail, stopped_in = RAN, "", None
    try:
        client.execute(env=kernel_environment())
    except CellTimeoutError:
        stopped_in = limit.cell
        status, detail = TIMED_OUT, f"cell {stopped_in} was still running after {timeout:g} s"
    except DeadKernelError:
        stopped_in = limit.cell
        status, detail = KERNEL_DIED, f"while running cell {stopped_in}"
    errors = _cell_errors(nb, stopped_in)
    return NotebookGrade(str(path), status, detail, errors, _results(nb))


def grade(paths: Sequence[str | Path], timeout: float = DEFAULT_TIMEOUT) -> list[NotebookGrade]:
    """Grade each notebook in turn, each in a kernel of its own.

    Raises:
        InvalidArgument: a path that is not a file, or a timeout that is not > 0.
    """
    timeout = check_time("timeout", timeout, positive=True)
    for path in paths:
        if not Path(path).is_file():
            raise invalid("NOTEBOOK", str(path), "must be an existing notebook file")
    return [grade_notebook(path, timeout) for path in paths]


def kernel_environment() -> dict[str, str]:
    """This process's environment for a kernel that runs in the notebook's own folder.

    Checks show their results instead of raising (``DISTSYS_EDU_STRICT=0``), and
    relative ``PYTHONPATH`` entries are made absolute, so that the kernel imports the
    same ``distsys_edu`` as the grader from whatever folder it starts in.
    """
    env = dict(os.environ)
    env[STRICT_ENV] = "0"
    if env.get("PYTHONPATH"):
        parts = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in parts if p)
    return env


class _Limit:
    """nbclient's per-cell timeout, made into one limit for the whole notebook."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline: float | None = None
        self.cell = 0  # the cell running now, counted from 1 like a reader would

    def cell_started(self, cell: Any, cell_index: int) -> None:
        """nbclient's hook: note which cell runs (to say where a notebook stopped)."""
        self.cell = cell_index + 1

    def seconds_left(self, cell: Any) -> int:
        """Whole seconds left (at least 1: nbclient reads 0 as no limit)."""
        now = time.monotonic()
        if self.deadline is None:
            self.deadline = now + self.seconds
        return max(1, math.ceil(self.deadline - now))


def _code_cells(nb: Any) -> list[tuple[int, Any]]:
    return [(i + 1, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def _cell_errors(nb: Any, stopped_in: int | None) -> int:
    """How many cells raised, not counting the one the run stopped in."""
    return sum(
        any(o.get("output_type") == "error" for o in c.get("outputs", ()))
        for n, c in _code_cells(nb)
        if n != stopped_in
    )


def _results(nb: Any) -> tuple[ExerciseResult, ...]:
    """The last result displayed of each exercise, in order of first appearance."""
    found: dict[str, ExerciseResult] = {}
    for _, cell in _code_cells(nb):
        for output in cell.get("outputs", ()):
            data = output.get("data", {}).get(MIMETYPE)
            if data is None:
                continue
            try:
                result = ExerciseResult.from_dict(data)
            except InvalidArgument:
                continue  # not written by ExerciseResult: nothing to grade
            found[result.exercise] = result
    return tuple(found.values())


# --------------------------------------------------------------------------- output


def table(grades: Sequence[NotebookGrade]) -> str:
    """A plain-text table: per notebook a line, then one line per exercise."""
    lines = []
    for g in grades:
        passed = sum(r.passed for r in g.results)
        head = f"{g.path}: {g.status}"
        if g.detail:
            head += f" ({g.detail})"
        head += f", {passed} of {len(g.results)} exercises passed"
        if g.cell_errors:
            head += f", {g.cell_errors} cells raised"
        lines.append(head)
        width = max((len(r.exercise) for r in g.results), default=0)
        for r in g.results:
            problem = r.first_problem
            why = f"  {problem.scenario}: {problem.happened}" if problem is not None else ""
            lines.append(f"  {r.exercise:<{width}}  {r.status:<13}{why}".rstrip())
        if not g.results:
            lines.append("  (no exercise results)")
    total = sum(len(g.results) for g in grades)
    passed = sum(r.status == PASSED for g in grades for r in g.results)
    good = sum(g.passed for g in grades)
    lines.append(
        f"{len(grades)} notebooks ({good} fully passed), {passed} of {total} exercises passed"
    )
    return "\n".join(lines)


def report(grades: Sequence[NotebookGrade]) -> dict[str, Any]:
    """One JSON object: every notebook's grade, and whether all passed."""
    return {"passed": all(g.passed for g in grades), "notebooks": [g.to_dict() for g in grades]}


# --------------------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``distsys-edu grade``."""
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="submitted .ipynb files")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"real seconds each notebook may run (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")


def run(args: argparse.Namespace) -> int:
    """Grade, print a table (or JSON); 0 if every exercise of every notebook passed, else 1.

    Raises:
        InvalidArgument: a missing notebook or a bad ``--timeout`` (exit status 2).
    """
    grades = grade(args.notebooks, args.timeout)
    print(json.dumps(report(grades)) if args.json else table(grades))
    return 0 if all(g.passed for g in grades) else 1
