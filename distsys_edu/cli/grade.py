"""``distsys-edu grade NOTEBOOK... [--timeout S] [--points SPEC] [--strict] [--json]``.

A table (or one JSON object) of what each submitted notebook did in this run (see
:mod:`distsys_edu.exercises.grade`). Exit status: 0 when every notebook ran and every
exercise in it passed; 1 when one did not; 2 when a file could not be graded at all
(missing, not a notebook, malformed: one line each), the others graded all the same.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from ..exercises.grade import (
    DEFAULT_TIMEOUT,
    UNREADABLE,
    ExerciseGrade,
    NotebookGrade,
    Points,
    grade,
)
from ..runtime.errors import invalid

EXIT_UNREADABLE = 2


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
    parser.add_argument(
        "--points",
        default="",
        metavar="SPEC",
        help="what each exercise is worth: 'ping_pong=2,deduplication=3' (only those "
        "count), '5' (each 5), '1,phi=3'; partial credit = scenarios passed / scenarios "
        "(default: 1 each)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="a notebook that uses the worked answers (distsys_edu.exercises.solutions) "
        "does not pass and earns no points",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")


def read_points(spec: str) -> Points:
    """``"ping_pong=2,phi=3"``, ``"5"`` or ``"1,phi=3"`` -> :class:`Points`.

    A bare number is what every exercise not named is worth; with names and no bare
    number, only the named exercises count.

    Raises:
        InvalidArgument: a part that is not ``NAME=N`` or ``N``, a number < 0, an
            unknown exercise (the message lists them).
    """
    if not spec.strip():
        return Points()
    each: dict[str, float] = {}
    default = 0.0
    for part in (p.strip() for p in spec.split(",")):
        name, _, value = part.rpartition("=")
        try:
            number = float(value)
        except ValueError:
            raise invalid("--points", part, "must be NAME=N or N, N a number >= 0") from None
        if name:
            each[name.strip()] = number
        else:
            default = number
    return Points(each, default)


def run(args: argparse.Namespace) -> int:
    """Grade, print a table (or JSON); the exit status (see the module).

    Raises:
        InvalidArgument: a bad ``--timeout`` or ``--points`` (exit status 2).
    """
    points = read_points(args.points)
    grades = grade(args.notebooks, args.timeout, points, args.strict)
    print(json.dumps(report(grades)) if args.json else table(grades))
    if any(g.status == UNREADABLE for g in grades):
        return EXIT_UNREADABLE
    return 0 if all(g.passed for g in grades) else 1


def report(grades: Sequence[NotebookGrade]) -> dict[str, Any]:
    """One JSON object: every notebook's grade, whether all passed, points and total."""
    return {
        "passed": all(g.passed for g in grades),
        "points": sum(g.points for g in grades),
        "total": sum(g.total for g in grades),
        "notebooks": [g.to_dict() for g in grades],
    }


def table(grades: Sequence[NotebookGrade]) -> str:
    """Plain text: per notebook a line, then a line per exercise and per remark."""
    lines = []
    for g in grades:
        lines.append(_head(g))
        if g.status == UNREADABLE:
            continue
        width = max((len(e.exercise) for e in g.exercises), default=0)
        lines.extend(f"  {e.exercise:<{width}}  {_exercise_line(e)}" for e in g.exercises)
        if not g.exercises:
            lines.append("  (no cell calls an exercise check)")
        lines.extend(f"  {remark}" for remark in g.uses_worked_answers)
    readable = [g for g in grades if g.status != UNREADABLE]
    passed = sum(e.passed for g in readable for e in g.exercises)
    total = sum(len(g.exercises) for g in readable)
    good = sum(g.passed for g in readable)
    tail = f"{len(grades)} notebooks ({good} fully passed), {passed} of {total} exercises passed"
    tail += (
        f", {_num(sum(g.points for g in grades))} of {_num(sum(g.total for g in grades))} points"
    )
    if len(readable) < len(grades):
        tail += f", {len(grades) - len(readable)} unreadable"
    return "\n".join([*lines, tail])


def _head(g: NotebookGrade) -> str:
    if g.status == UNREADABLE:
        return f"{g.path}: {g.detail}"
    head = f"{g.path}: {g.status}"
    if g.detail:
        head += f" ({g.detail})"
    passed = sum(e.passed for e in g.exercises)
    head += f" in {g.seconds:.1f} s, {passed} of {len(g.exercises)} exercises passed"
    head += f", {_num(g.points)} of {_num(g.total)} points"
    if g.cell_errors:
        head += f", {g.cell_errors} code cells raised"
    if g.strict and g.uses_worked_answers:
        head += ", not passed: uses the worked answers"
    return head


def _exercise_line(e: ExerciseGrade) -> str:
    passed, run = e.scenarios
    line = f"{e.status:<13}"
    if e.result is not None:
        line += f"  {passed}/{run} scenarios"
    line += f"  {_num(e.points)}/{_num(e.max_points)} points"
    problem = None if e.result is None else e.result.first_problem
    if e.detail:
        line += f"  ({e.detail})"
    elif problem is not None:
        line += f"  {problem.scenario}: {problem.happened}"
    return line.rstrip()


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
