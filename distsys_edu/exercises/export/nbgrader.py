"""A lesson as an nbgrader *source* notebook (``source/NN_topic/NN_topic.ipynb``).

* The answer cell is an nbgrader "autograded answer" cell. Each method body of the
  worked answer sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``:
  ``nbgrader generate_assignment`` replaces it with ``raise NotImplementedError()``, so
  the learner's class still exists, with every method of the stub, and our check says
  "not attempted". What the worked answer adds (helper methods, constants, imports) is
  in a region of its own inside ``try: ... except NotImplementedError: pass``, so that
  what nbgrader leaves in its place raises nothing when the cell runs.
* Partial credit: nbgrader gives a graded cell all its points or none, so each
  exercise gets **one graded cell per scenario**, worth its share of the exercise's
  points; each runs that scenario strict
  (:func:`~distsys_edu.exercises.in_kernel.graded_scenario`) and, unless it passes,
  raises our explanation (expected, what happened, the hint), which nbgrader's
  feedback shows. A class taken from the worked answers (which the package ships)
  earns nothing.
"""

from __future__ import annotations

from pathlib import Path

from ..grade import Points
from ..lesson_source import Cell
from .lesson import AnswerCell, GradedCells, Item
from .notebook import cell, indented, render, shares, write
from .regions import Answer

SCHEMA = 3
EXTRA_NOTE = "# your own helpers, if you need any, go here"


def region(answer: Answer) -> str:
    """nbgrader's markers around one answer region."""
    i = answer.indent
    if not answer.extra:
        return f"{i}### BEGIN SOLUTION\n{indented(answer.code, i)}\n{i}### END SOLUTION"
    inner = i + "    "
    return (
        f"\n{i}try:  {EXTRA_NOTE}\n{inner}### BEGIN SOLUTION\n{indented(answer.code, inner)}\n"
        f"{inner}### END SOLUTION\n{i}except NotImplementedError:  # none written yet\n"
        f"{inner}pass"
    )


def test_source(graded: GradedCells, scenario: str, points: float) -> str:
    """One graded cell: one scenario, strict; its output is nothing unless it fails."""
    n, of = graded.scenarios.index(scenario) + 1, len(graded.scenarios)
    return (
        f"# Graded: scenario {n} of {of} of {graded.exercise}, {scenario!r} ({points:g} points).\n"
        "# Fails with the check's own explanation unless it passes.\n"
        "from distsys_edu.exercises.in_kernel import graded_scenario\n\n"
        f"graded_scenario({graded.exercise!r}, {graded.learner}, {scenario!r})"
    )


def cells(stem: str, items: list[Item], points: Points) -> list[dict]:
    """The source notebook's cells."""
    out = []
    for item in items:
        if isinstance(item, Cell):
            out.append(cell(item.kind, item.source, f"{stem}-{item.number:02d}"))
        elif isinstance(item, AnswerCell):
            grade_id = f"{item.exercise}-answer"
            meta = _meta(grade_id, grade=False, solution=True, locked=False)
            out.append(cell("code", render(item.pieces, region), grade_id, meta))
        else:
            worth = shares(points.of(item.exercise), len(item.scenarios))
            for n, (scenario, share) in enumerate(zip(item.scenarios, worth, strict=True), 1):
                grade_id = f"{item.exercise}-scenario-{n}"
                meta = _meta(grade_id, grade=True, solution=False, locked=True, points=share)
                out.append(cell("code", test_source(item, scenario, share), grade_id, meta))
    return out


def _meta(grade_id: str, **flags: object) -> dict:
    return {"nbgrader": {"grade_id": grade_id, "schema_version": SCHEMA, **flags}}


def write_lesson(stem: str, items: list[Item], out: Path, points: Points) -> Path:
    """Write ``out/source/STEM/STEM.ipynb`` (``out`` is the nbgrader course folder)."""
    return write(out / "source" / stem / f"{stem}.ipynb", cells(stem, items, points))
