"""A lesson source (``lessons/src/NN_topic.py``) read into cells: what every tool that
makes notebooks from it shares (``tools/build_lessons.py``, ``distsys-edu export``).

The source is a Python file in the "percent" format (the one jupytext and VS Code read):
``# %%`` starts a code cell, ``# %% [markdown]`` a markdown cell whose lines are comments
(``# text``). Two tags tell the learner's notebook from the worked answers (a third,
``claim``, marks a hidden cell in both that asserts what the text says a run showed):

* ``# %% tags=["exercise"]``: the stub to fill in (the learner's notebook only);
* ``# %% tags=["solution"]``: the worked answer (the solution notebook only), directly
  after its exercise cell.

A code line ``# distsys-edu: include MODULE:NAME`` is replaced by the source of that
class or function; the cell remembers what it included (:attr:`Cell.includes`), so that
an exporter can merge a stub with its worked answer method by method.

Nothing here runs a simulation or a kernel: reading a source imports only the modules
its includes name.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CLAIM",
    "CLAIM_TAGS",
    "EXERCISE",
    "SOLUTION",
    "Cell",
    "Include",
    "LessonSourceError",
    "parse",
    "resolve",
    "sources",
]

EXERCISE, SOLUTION, CLAIM = "exercise", "solution", "claim"
CLAIM_TAGS = (CLAIM, "remove-input")
"""The tags a claim cell carries in the notebooks (``remove-input``: static site builders)."""

_CELL = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?: tags=(?P<tags>\[.*\]))?\s*$")
_INCLUDE = re.compile(r"^# distsys-edu: include (?P<module>[\w.]+):(?P<name>[\w.]+)\s*$")


class LessonSourceError(ValueError):
    """A lesson source that cannot be turned into notebooks (the message says where)."""


@dataclass(frozen=True)
class Include:
    """One ``# distsys-edu: include MODULE:NAME`` line of a code cell.

    Attributes:
        module: e.g. ``"distsys_edu.exercises.ping_pong"``.
        name: e.g. ``"Pinger"`` (dotted for a method: ``"Node.on_vote"``).
        source: the included source, dedented (what replaced the line).
    """

    module: str
    name: str
    source: str


@dataclass(frozen=True)
class Cell:
    """One cell of a lesson source, numbered in source order.

    Attributes:
        number: from 0, in source order.
        kind: ``"code"`` or ``"markdown"``.
        source: the cell's text, includes expanded, markdown uncommented.
        tags: ``()``, ``("exercise",)`` or ``("solution",)``.
        includes: the include lines of a code cell, in order.
        rest: a code cell's other lines (``source`` without what was included).
    """

    number: int
    kind: str
    source: str
    tags: tuple[str, ...]
    includes: tuple[Include, ...] = ()
    rest: str = ""


def parse(text: str, where: str = "<source>") -> list[Cell]:
    """The cells of a percent-format lesson source, includes expanded.

    Raises:
        LessonSourceError: text before the first cell, a bad tag list, an unknown tag,
            a solution cell not directly after an exercise cell, or an include that
            cannot be found.
    """
    cells: list[Cell] = []
    header: tuple[int, re.Match[str]] | None = None
    body: list[str] = []
    for number, line in enumerate([*text.splitlines(), "# %%"], start=1):
        match = _CELL.match(line)
        if match is None:
            if header is None and line.strip():
                raise LessonSourceError(f"{where}:{number}: text before the first '# %%' cell")
            body.append(line)
            continue
        if header is not None:
            cells.append(_cell(len(cells), header, body, where))
        header, body = (number, match), []
    _check_pairs(cells, where)
    return cells


def _cell(index: int, header: tuple[int, re.Match[str]], body: list[str], where: str) -> Cell:
    line, match = header
    try:
        tags = tuple(json.loads(match["tags"])) if match["tags"] else ()
    except json.JSONDecodeError as exc:
        raise LessonSourceError(f"{where}:{line}: tags must be a JSON list ({exc})") from None
    if len(tags) > 1 or any(t not in (EXERCISE, SOLUTION, CLAIM) for t in tags):
        raise LessonSourceError(
            f"{where}:{line}: tags={list(tags)!r}: a cell may be tagged one of "
            f"{EXERCISE!r}, {SOLUTION!r} or {CLAIM!r}, nothing else"
        )
    if match["markdown"] and CLAIM in tags:
        raise LessonSourceError(
            f"{where}:{line}: a claim cell is a code cell with at least one 'assert'"
        )
    if match["markdown"]:
        text = "\n".join(_uncomment(row, where, line + i + 1) for i, row in enumerate(body))
        return Cell(index, "markdown", text.strip("\n"), tags)
    rows: list[str] = []
    rest: list[str] = []
    includes: list[Include] = []
    for i, row in enumerate(body):
        found = _INCLUDE.match(row)
        if found is None:
            rows.append(row)
            rest.append(row)
            continue
        source = _expand(found["module"], found["name"], row, where, line + i + 1)
        includes.append(Include(found["module"], found["name"], source))
        rows.append(source)
    text, other = ("\n".join(r).strip("\n") for r in (rows, rest))
    if CLAIM in tags and not re.search(r"^\s*assert\b", text, re.M):
        raise LessonSourceError(
            f"{where}:{line}: a claim cell is a code cell with at least one 'assert'"
        )
    return Cell(index, "code", text, tags, tuple(includes), other)


def _uncomment(row: str, where: str, line: int) -> str:
    if not row.strip():
        return ""
    if not row.startswith("#"):
        raise LessonSourceError(f"{where}:{line}: a markdown cell's lines start with '# '")
    return row[2:] if row.startswith("# ") else row[1:]


def resolve(module: str, name: str) -> Any:
    """The object ``MODULE:NAME`` names (``name`` may be dotted).

    Raises:
        ImportError, AttributeError: no such module or name.
    """
    target: object = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def _expand(module: str, name: str, row: str, where: str, line: int) -> str:
    try:
        return textwrap.dedent(inspect.getsource(resolve(module, name))).rstrip("\n")
    except (ImportError, AttributeError, TypeError, OSError) as exc:
        raise LessonSourceError(f"{where}:{line}: cannot include {row[2:]!r}: {exc}") from None


def _check_pairs(cells: Sequence[Cell], where: str) -> None:
    for before, cell in zip([None, *cells], cells, strict=False):
        if SOLUTION in cell.tags and (before is None or EXERCISE not in before.tags):
            raise LessonSourceError(
                f"{where}: cell {cell.number + 1} is a solution with no exercise cell just "
                "before it: the learner must see a stub where the answer goes"
            )


def sources(root: Path, names: Sequence[str] = ()) -> list[Path]:
    """The lesson sources under ``root / "src"``: all of them, or those named.

    Raises:
        LessonSourceError: a name with no source (the message says which, and where).
    """
    found = sorted((root / "src").glob("*.py"))
    if not names:
        return found
    chosen = [p for p in found if p.stem in names]
    missing = sorted(set(names) - {p.stem for p in chosen})
    if missing:
        raise LessonSourceError(f"no lesson source {', '.join(missing)} in {root / 'src'}")
    return chosen
