"""A lesson as an Otter-Grader *master* notebook (``otter assign`` format, v1).

* One question per exercise (``# BEGIN QUESTION`` ... ``# END QUESTION`` raw cells),
  from its answer cell (in a ``# BEGIN SOLUTION`` block) to its tests, after the
  lesson's own check cell (where the learner sees the check's box). In the answer
  cell each method body of the worked answer is a ``# BEGIN SOLUTION NO PROMPT``
  region followed by the stub's own body as its prompt (a triple-quoted
  ``# BEGIN PROMPT`` string), so ``otter assign`` hands the learner the lesson's stub
  (raising ``NotImplementedError`` with its hint: "not attempted"), not Otter's
  ``...``. What the worked answer adds (helpers, constants) is a region with no
  prompt: the learner gets nothing there.
* Tests are Otter's exception-based tests (``tests: ok_format: false``), one test case
  per scenario, worth its share of the exercise's points (partial credit). Each runs
  that scenario strict, so a failure raises our own explanation (expected, what
  happened, the hint), which is what Otter shows the learner.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..grade import Points
from ..lesson_source import Cell
from .lesson import AnswerCell, GradedCells, Item
from .notebook import cell, indented, render, shares, write
from .regions import Answer

CONFIG = """# ASSIGNMENT CONFIG
name: {stem}
generate: true
export_cell: false
tests:
  ok_format: false"""


def region(answer: Answer) -> str:
    """Otter's markers around one answer region (a body gets the stub as its prompt)."""
    i = answer.indent
    removed = f"{i}# BEGIN SOLUTION NO PROMPT\n{indented(answer.code, i)}\n{i}# END SOLUTION"
    if answer.extra:
        return removed
    return f'{removed}\n{i}""" # BEGIN PROMPT\n{indented(answer.stub, i)}\n{i}""" # END PROMPT'


def test_source(graded: GradedCells, scenario: str, points: float) -> str:
    """One exception-based test case: one scenario, strict."""
    n = graded.scenarios.index(scenario) + 1
    name = f"test_{graded.exercise}_{n}_{re.sub(r'[^0-9a-zA-Z]+', '_', scenario).strip('_')}"
    return (
        f'""" # BEGIN TEST CONFIG\npoints: {points:g}\n""" # END TEST CONFIG\n'
        f"def {name}({graded.learner}):\n"
        "    from distsys_edu.exercises.in_kernel import graded_scenario\n\n"
        f"    graded_scenario({graded.exercise!r}, {graded.learner}, {scenario!r})\n\n\n"
        f"{name}({graded.learner})"
    )


def cells(stem: str, items: list[Item], points: Points) -> list[dict]:
    """The master notebook's cells."""
    out = [cell("raw", CONFIG.format(stem=stem), f"{stem}-config")]
    for item in items:
        if isinstance(item, Cell):
            out.append(cell(item.kind, item.source, f"{stem}-{item.number:02d}"))
        elif isinstance(item, AnswerCell):
            name = item.exercise
            out += [
                cell("raw", f"# BEGIN QUESTION\nname: {name}", f"{name}-begin"),
                cell("raw", "# BEGIN SOLUTION", f"{name}-solution"),
                cell("code", render(item.pieces, region), f"{name}-answer"),
                cell("raw", "# END SOLUTION", f"{name}-solution-end"),
            ]
        else:
            name = item.exercise
            worth = shares(points.of(name), len(item.scenarios))
            out.append(cell("raw", "# BEGIN TESTS", f"{name}-tests"))
            for n, (scenario, share) in enumerate(zip(item.scenarios, worth, strict=True), 1):
                out.append(cell("code", test_source(item, scenario, share), f"{name}-test-{n}"))
            out.append(cell("raw", "# END TESTS", f"{name}-tests-end"))
            out.append(cell("raw", "# END QUESTION", f"{name}-end"))
    return out


def write_lesson(stem: str, items: list[Item], out: Path, points: Points) -> Path:
    """Write ``out/STEM.ipynb``, the master notebook ``otter assign`` reads."""
    return write(out / f"{stem}.ipynb", cells(stem, items, points))
