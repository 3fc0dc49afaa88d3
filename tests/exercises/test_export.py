"""distsys_edu.exercises.export: lessons as nbgrader and Otter source notebooks.

What the tools themselves do with the output is tested in tests/instructor/ (with the
instructor extra); here, with no tool installed: the merged answer cells keep the
stub's class for the learner and the worked answer for the grader, every exercise
gets one graded cell per scenario, and bad input is refused by name.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distsys_edu.cli import main
from distsys_edu.exercises import run_scenarios
from distsys_edu.exercises.export import LESSONS, export_lessons
from distsys_edu.exercises.export import nbgrader as nbgrader_format
from distsys_edu.exercises.export import otter as otter_format
from distsys_edu.exercises.export.lesson import AnswerCell, GradedCells, read_lesson
from distsys_edu.exercises.export.notebook import render, shares
from distsys_edu.exercises.export.regions import ExportError, merge_code
from distsys_edu.exercises.lesson_source import resolve, sources
from distsys_edu.exercises.result import NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.runner import EXERCISES
from distsys_edu.runtime.errors import InvalidArgument

SOURCES = sources(LESSONS)
REGION = {"nbgrader": nbgrader_format.region, "otter": otter_format.region}


def handed_out(code: str, tool: str) -> str:
    """What each tool gives the learner, by its documented rule: nbgrader replaces a
    solution region by ``raise NotImplementedError()``; Otter drops a ``NO PROMPT``
    region and keeps what is between its prompt lines."""
    out, inside = [], False
    for line in code.splitlines():
        stripped = line.strip()
        if stripped in ("### BEGIN SOLUTION", "# BEGIN SOLUTION NO PROMPT"):
            inside = True
            if tool == "nbgrader":
                out.append(line[: len(line) - len(line.lstrip())] + "raise NotImplementedError()")
        elif stripped in ("### END SOLUTION", "# END SOLUTION"):
            inside = False
        elif not inside and not stripped.endswith(("# BEGIN PROMPT", "# END PROMPT")):
            out.append(line)
    return "\n".join(out)


def exercises():
    """Every exercise of every lesson: the lesson's import cell, its answer cell, and
    the name the learner's class or function has."""
    for source in SOURCES:
        items = read_lesson(source)
        imports = next(i for i in items if getattr(i, "kind", "") == "code").source
        graded = {i.exercise: i for i in items if isinstance(i, GradedCells)}
        for item in items:
            if isinstance(item, AnswerCell):
                name = graded[item.exercise].learner
                yield pytest.param(imports, item, name, id=f"{source.stem}-{item.exercise}")


@pytest.mark.parametrize("tool", ["nbgrader", "otter"])
@pytest.mark.parametrize(("imports", "answer", "name"), list(exercises()))
def test_the_learner_gets_the_stub_class_and_is_not_attempted(tool, imports, answer, name):
    scope: dict = {}
    exec(imports, scope)
    exec(handed_out(render(answer.pieces, REGION[tool]), tool), scope)
    learner = scope[name]  # defined: never a NameError in a graded cell
    result = EXERCISES[answer.exercise].check(learner, strict=False)
    assert result.status == NOT_ATTEMPTED, str(result)


def _functions(tree: ast.AST) -> dict[str, str]:
    """Every function's body without its docstring, by qualified name, as an AST dump."""
    found = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                body = child.body
                if isinstance(child, ast.ClassDef):
                    visit(child, name + ".")
                    continue
                if (
                    body
                    and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                ):
                    body = body[1:]
                found[name] = ast.dump(
                    ast.Module(body=[b for b in body if not _prompt(b)], type_ignores=[])
                )
            elif isinstance(child, ast.Try):
                visit(child, prefix)

    visit(tree, "")
    return found


def _prompt(node: ast.stmt) -> bool:
    """Otter's prompt: a string statement holding the stub's body."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and "# BEGIN PROMPT" in str(node.value.value)
    )


@pytest.mark.parametrize("tool", ["nbgrader", "otter"])
@pytest.mark.parametrize(("imports", "answer", "name"), list(exercises()))
def test_the_grader_version_is_the_worked_answer(tool, imports, answer, name):
    """Every function of the worked answer is in the source version, body for body."""
    worked: dict[str, str] = {}
    for ref in answer.worked:
        obj = resolve(*ref.split(":"))
        worked.update(_functions(ast.parse(textwrap.dedent(inspect.getsource(obj)))))
    merged = _functions(ast.parse(render(answer.pieces, REGION[tool])))
    assert worked and {k: v for k, v in merged.items() if k in worked} == worked
    assert set(worked) <= set(merged)
