"""A submitted notebook as the grader reads it: its code cells, its check calls, what it imports.

Nothing here runs the notebook. :func:`read_submission` opens and validates the file,
throws away every saved output (outputs are never read as results), and finds, with
Python's own parser, each call of an exercise check (``check_ping_pong(Pinger)``) and
each import of the worked answers (``distsys_edu.exercises.solutions``).

Cells are numbered as JupyterLab lets a reader count them: "code cell N" counts code
cells only, from 1 (a markdown cell has no number; an empty code cell has one).
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOLUTIONS = "distsys_edu.exercises.solutions"
"""The package of worked answers; a submission that imports it is reported."""


class Unreadable(Exception):
    """The file cannot be graded: missing, not a notebook, or a malformed one.

    The message is one line that says which.
    """


@dataclass(frozen=True)
class CheckCall:
    """One call of an exercise check found in a code cell.

    Attributes:
        cell_index: the cell's index among all cells (from 0).
        code_cell: the cell's number among code cells (from 1), as a reader counts.
        check: the check's name, e.g. ``"check_ping_pong"``.
        argument: the source of its first argument, e.g. ``"Pinger"`` (``""``: none).
        alone: the cell is this call and nothing else (the grader makes the call in
            place of the cell).
    """

    cell_index: int
    code_cell: int
    check: str
    argument: str
    alone: bool


@dataclass(frozen=True)
class Submission:
    """A readable notebook, outputs cleared, with what the grader found in it.

    Attributes:
        notebook: the nbformat notebook, every output and execution count cleared.
        calls: every check call, in the order of the cells.
        worked_answers: the solution modules its code imports (``"ping_pong"``...).
    """

    notebook: Any
    calls: tuple[CheckCall, ...]
    worked_answers: tuple[str, ...]

    def code_cell(self, cell_index: int) -> int:
        """The code-cell number of the cell at ``cell_index`` (0 if not a code cell)."""
        number = 0
        for index, cell in enumerate(self.notebook.cells):
            number += cell.cell_type == "code"
            if index == cell_index:
                return number if cell.cell_type == "code" else 0
        return 0


def read_submission(path: str | Path, checks: frozenset[str]) -> Submission:
    """Read, validate and clear a notebook, and find its check calls and solution imports.

    Args:
        path: the ``.ipynb`` file.
        checks: the names of the exercise checks (``check_ping_pong``...).

    Raises:
        Unreadable: missing, not a notebook, or a malformed one (one line, says which).
    """
    import nbformat

    notebook = _read(Path(path), nbformat)
    trees: list[tuple[int, int, Any, ast.Module]] = []
    number = 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        number += 1
        cell.outputs, cell.execution_count = [], None
        tree = _parse(cell.source)
        if tree is not None:  # a syntax error: the kernel will say so when the cell runs
            trees.append((index, number, cell, tree))
    names = _check_names([tree for *_, tree in trees], checks)
    calls: list[CheckCall] = []
    worked: list[str] = []
    for index, number, cell, tree in trees:
        calls.extend(_calls(tree, cell.source, index, number, names))
        worked.extend(m for m in _solution_imports(tree) if m not in worked)
    return Submission(notebook, tuple(calls), tuple(worked))


def _check_names(trees: list[ast.Module], checks: frozenset[str]) -> dict[str, str]:
    """Each name a check may be called by -> the check: its own, and any alias it was
    imported as (``from distsys_edu.exercises import check_ping_pong as check``)."""
    names = {check: check for check in checks}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name in checks and alias.asname:
                        names[alias.asname] = alias.name
    return names


def _read(path: Path, nbformat: Any) -> Any:
    if not path.exists():
        raise Unreadable("missing: no such file")
    if not path.is_file():
        raise Unreadable("not a notebook: a folder, not a file")
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except UnicodeDecodeError:
        raise Unreadable("not a notebook: not text (UTF-8)") from None
    except OSError as exc:
        raise Unreadable(f"unreadable: {exc.strerror or exc}") from None
    except Exception as exc:  # nbformat raises many kinds: JSON, version, schema
        kind = "malformed notebook" if _claims_to_be_a_notebook(path) else "not a notebook"
        raise Unreadable(f"{kind}: {_one_line(exc)}") from None
    try:
        nbformat.validate(notebook)
    except Exception as exc:  # jsonschema's ValidationError and its relatives
        raise Unreadable(f"malformed notebook: {_one_line(exc)}") from None
    return notebook


def _claims_to_be_a_notebook(path: Path) -> bool:
    """JSON with an ``nbformat`` key: a notebook, if a broken one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return isinstance(data, dict) and "nbformat" in data


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _parse(source: str) -> ast.Module | None:
    """The cell's syntax tree, IPython's ``%magic`` and ``!shell`` lines read as ``pass``
    (line numbers kept, so that source segments still point into the cell)."""
    lines = [
        ln[: len(ln) - len(ln.lstrip())] + "pass" if ln.lstrip().startswith(("%", "!")) else ln
        for ln in source.splitlines()
    ]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _calls(
    tree: ast.Module, source: str, index: int, number: int, checks: dict[str, str]
) -> list[CheckCall]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in checks:
            argument = ast.get_source_segment(source, node.args[0]) if node.args else ""
            alone = (
                len(tree.body) == 1
                and isinstance(tree.body[0], ast.Expr)
                and tree.body[0].value is node
                and len(node.args) == 1
            )
            check = checks[_name(node.func)]
            found.append(CheckCall(index, number, check, argument or "", alone))
    return found


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _solution_imports(tree: ast.Module) -> list[str]:
    """The worked-answer modules imported anywhere in the cell, e.g. ``["ping_pong"]``."""
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(_solution_module(a.name, "") for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.extend(_solution_module(node.module, a.name) for a in node.names)
    return [m for m in modules if m]


def _solution_module(module: str, name: str) -> str:
    if module == SOLUTIONS:
        return name if name != "*" else "(all)"
    if module.startswith(SOLUTIONS + "."):
        return module[len(SOLUTIONS) + 1 :].split(".")[0]
    return ""
