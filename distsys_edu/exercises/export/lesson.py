"""A lesson source read for export: its cells, each exercise merged with its worked
answer, and where each exercise's graded cells go.

:func:`read_lesson` turns ``lessons/src/NN_topic.py`` into a list of :data:`Item`:
the lesson's own cells (narrative and code, as the learner reads them), an
:class:`AnswerCell` where an exercise cell and its solution cell were, and a
:class:`GradedCells` right after the cell that calls the exercise's check (graded
cells need the learner's class defined, and read best after the check's own box).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from ..in_kernel import CHECKS, exercise_name
from ..lesson_source import EXERCISE, SOLUTION, Cell, parse
from ..runner import EXERCISES
from .regions import ExportError, Piece, merge

__all__ = ["AnswerCell", "GradedCells", "Item", "read_lesson"]


@dataclass(frozen=True)
class AnswerCell:
    """Where the learner writes an exercise: the stub merged with its worked answer.

    Attributes:
        exercise: the exercise's name, e.g. ``"ping_pong"``.
        pieces: the merged code (see :mod:`.regions`).
        number: the exercise cell's number in the source (for a stable cell id).
        worked: what the solution cell includes, ``MODULE:NAME`` each.
    """

    exercise: str
    pieces: tuple[Piece, ...]
    number: int
    worked: tuple[str, ...] = ()


@dataclass(frozen=True)
class GradedCells:
    """The graded cells of one exercise: one per scenario.

    Attributes:
        exercise: the exercise's name.
        learner: the name the learner's class or function has (the check's argument).
        scenarios: the exercise's scenario names, in the order it runs them.
        number: the check cell's number in the source.
    """

    exercise: str
    learner: str
    scenarios: tuple[str, ...]
    number: int


Item = Cell | AnswerCell | GradedCells


def read_lesson(source: Path) -> list[Item]:
    """The cells of one lesson source for an exporter.

    Raises:
        LessonSourceError: the source cannot be read (see :func:`.lesson_source.parse`).
        ExportError: an exercise cell with no solution cell after it, a stub and answer
            that cannot be merged, or an exercise whose check is never called.
    """
    cells = parse(source.read_text(encoding="utf-8"), str(source))
    items: list[Item] = []
    pending: list[GradedCells] = []
    for index, cell in enumerate(cells):
        if SOLUTION in cell.tags:
            continue
        if EXERCISE in cell.tags:
            after = cells[index + 1] if index + 1 < len(cells) else None
            if after is None or SOLUTION not in after.tags:
                raise ExportError(
                    f"{source.name}: cell {cell.number + 1} is an exercise with no worked "
                    "answer after it: the graded notebook needs both"
                )
            call = _first_check_call(cells[index + 2 :])
            if call is None:
                raise ExportError(
                    f"{source.name}: no cell after exercise cell {cell.number + 1} calls a "
                    "check (check_...): nothing to grade"
                )
            check, learner, at = call
            name = exercise_name(check)
            worked = tuple(f"{i.module}:{i.name}" for i in after.includes)
            items.append(AnswerCell(name, tuple(_merged(cell, after, source)), cell.number, worked))
            scenarios = tuple(s.name for s in EXERCISES[name].scenarios)
            pending.append(GradedCells(name, learner, scenarios, at))
            continue
        items.append(cell)
        items.extend(g for g in pending if g.number == cell.number)
        pending = [g for g in pending if g.number != cell.number]
    return items


def _merged(exercise: Cell, solution: Cell, source: Path) -> list[Piece]:
    try:
        return merge(
            exercise.rest,
            [i.source for i in exercise.includes],
            solution.rest,
            [i.source for i in solution.includes],
        )
    except ExportError as exc:
        raise ExportError(f"{source.name}: exercise cell {exercise.number + 1}: {exc}") from None


def _first_check_call(cells: list[Cell]) -> tuple[str, str, int] | None:
    """``(check, argument, cell number)`` of the first untagged cell calling a check."""
    for cell in cells:
        if cell.kind != "code" or cell.tags:
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in CHECKS
                and node.args
                and isinstance(node.args[0], ast.Name)
            ):
                return node.func.id, node.args[0].id, cell.number
    return None
