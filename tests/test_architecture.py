"""The house stays as drawn: no reaching into another room's private names, and no
module or function too long to read.

The import arrows themselves (``runtime <- protocols <- ... <- cli``) are contracts in
``pyproject.toml`` that ``lint-imports`` checks in ``make test``; these tests check what
import-linter cannot see: private names, and sizes.

Both rules have an explicit allow-list of today's offenders, each with its reason. A
test also fails when an allow-listed entry no longer offends, so the lists only shrink.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "distsys_edu"

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
LONG_REASON = re.compile(r"#\s*long:\s*\S")
"""``# long: <reason>``: on a function's ``def`` line or the line above it (above its
decorators, if any), or on a module's first line, it excuses that function or module."""

ALLOWED_LONG: dict[str, str] = {}
"""Modules whose size offences are excused for now, by path, with the reason."""

ALLOWED_PRIVATE: dict[str, str] = {}
"""``"path: what it reaches"`` -> why, for reaches into another room's private names
(none today)."""


def modules() -> list[Path]:
    """Every module of the package, sorted."""
    return sorted(PACKAGE.rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def is_private(name: str) -> bool:
    """``_name`` is private; ``__dunder__`` names are not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# --------------------------------------------------------------------------- private names


def private_reaches(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """What ``module`` (dotted, e.g. ``distsys_edu.viz.story``) takes from another room's
    private names: ``from distsys_edu.x import _y``, ``from ..x import _y``, an import of
    a private module, and ``m._y`` on a name ``m`` (a module, a class...) imported from
    another room.

    A room is a subpackage of ``distsys_edu`` (``runtime``, ``protocols``, ``viz``...).

    Returns:
        One ``"line N: distsys_edu.x._y"`` string per reach, in source order.
    """
    parts = module.split(".")
    package = parts if is_package else parts[:-1]
    room = parts[1] if len(parts) > 1 else None
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    imported: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        for bound, target in _imported(node, package):
            if target[:1] != ["distsys_edu"] or _room(target) == room:
                continue
            if any(is_private(word) for word in target[1:]):
                found.append((node.lineno, ".".join(target)))
            imported[bound] = target
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            chain = _attribute_chain(node.value)
            if chain and chain[0] in imported:
                target = imported[chain[0]] + chain[1:] + [node.attr]
                found.append((node.lineno, ".".join(target)))
    return [f"line {line}: {what}" for line, what in sorted(found)]


def _room(target: list[str]) -> str | None:
    return target[1] if len(target) > 1 else None


def _imported(node: ast.AST, package: list[str]) -> Iterator[tuple[str, list[str]]]:
    """``(name bound, dotted target as a list)`` for each name an import statement binds."""
    if isinstance(node, ast.ImportFrom):
        base = package[: len(package) - node.level + 1] if node.level else []
        base = base + (node.module.split(".") if node.module else [])
        for alias in node.names:
            yield alias.asname or alias.name, [*base, alias.name]
    elif isinstance(node, ast.Import):
        for alias in node.names:
            dotted = alias.name.split(".")
            yield (alias.asname, dotted) if alias.asname else (dotted[0], dotted[:1])


def _attribute_chain(node: ast.expr) -> list[str]:
    """``a.b.c`` -> ``["a", "b", "c"]``; ``[]`` for anything but names and attributes."""
    chain: list[str] = []
    while isinstance(node, ast.Attribute):
        chain.insert(0, node.attr)
        node = node.value
    return [node.id, *chain] if isinstance(node, ast.Name) else []


def dotted_name(path: Path) -> tuple[str, bool]:
    """The module's dotted name, and whether it is a package's ``__init__``."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def all_private_reaches() -> set[str]:
    reaches = set()
    for path in modules():
        module, is_package = dotted_name(path)
        for reach in private_reaches(path.read_text(), module, is_package=is_package):
            reaches.add(f"{relative(path)}: {reach.split(': ', 1)[1]}")
    return reaches


def test_no_module_reaches_into_another_rooms_private_names() -> None:
    reaches = all_private_reaches()
    assert sorted(reaches - set(ALLOWED_PRIVATE)) == []
    assert sorted(set(ALLOWED_PRIVATE) - reaches) == [], "fixed: remove from ALLOWED_PRIVATE"


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from distsys_edu.runtime.sim import _loop", "distsys_edu.viz.x", ["runtime.sim._loop"]),
        ("from ..runtime.sim import _loop, Sim", "distsys_edu.viz.x", ["runtime.sim._loop"]),
        ("from ...runtime import _heap", "distsys_edu.viz.sub.x", ["runtime._heap"]),
        ("from ..runtime._heap import Heap", "distsys_edu.viz.x", ["runtime._heap.Heap"]),
        ("from ..runtime import sim\nsim._loop()", "distsys_edu.viz.x", ["runtime.sim._loop"]),
        ("import distsys_edu.runtime.sim as s\ns._x", "distsys_edu.cli", ["runtime.sim._x"]),
        ("import distsys_edu\ndistsys_edu.runtime._x", "distsys_edu.cli", ["runtime._x"]),
        # not reaches: the same room, dunder names, public names, private locals
        ("from ._heap import Heap", "distsys_edu.runtime.sim", []),
        ("from ..runtime import __all__ as _all", "distsys_edu.viz.x", []),
        ("from ..runtime import Sim\nSim._private", "distsys_edu.viz.x", ["runtime.Sim._private"]),
        ("import os\nos._exit(0)", "distsys_edu.viz.x", []),
        ("sim = make()\nsim._heap", "distsys_edu.viz.x", []),  # not statically visible
        ("from . import _y", "distsys_edu.viz", []),
    ],
)
def test_private_reaches_are_found(source: str, module: str, expected: list[str]) -> None:
    is_package = module == "distsys_edu.viz"
    found = private_reaches(source, module, is_package=is_package)
    assert [reach.split(": ", 1)[1] for reach in found] == [f"distsys_edu.{e}" for e in expected]


# --------------------------------------------------------------------------- sizes


def size_offences(source: str) -> list[str]:
    """What in ``source`` is too long and gives no ``# long: <reason>``.

    A module counts all its lines; a function counts from its ``def`` line to its last
    line (docstring included, decorators not).
    """
    lines = source.splitlines()
    offences = []
    if len(lines) > MAX_MODULE_LINES and not (lines and LONG_REASON.search(lines[0])):
        offences.append(f"module: {len(lines)} lines")
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        beside = [lines[node.lineno - 1]] + ([lines[first - 2]] if first >= 2 else [])
        if length > MAX_FUNCTION_LINES and not any(LONG_REASON.search(x) for x in beside):
            offences.append(f"{node.name} (line {node.lineno}): {length} lines")
    return offences


def test_no_module_or_function_is_too_long() -> None:
    offenders = {relative(p): size_offences(p.read_text()) for p in modules()}
    offenders = {path: found for path, found in offenders.items() if found}
    assert {p: o for p, o in offenders.items() if p not in ALLOWED_LONG} == {}
    assert sorted(set(ALLOWED_LONG) - set(offenders)) == [], "fixed: remove from ALLOWED_LONG"


def _function(lines: int, *, comment: str = "", above: str = "") -> str:
    body = "".join("    x = 1\n" for _ in range(lines - 1))
    return f"{above}def f():{comment}\n{body}"


@pytest.mark.parametrize(
    ("source", "offends"),
    [
        (_function(MAX_FUNCTION_LINES), False),
        (_function(MAX_FUNCTION_LINES + 1), True),
        (_function(MAX_FUNCTION_LINES + 1, comment="  # long: a table"), False),
        (_function(MAX_FUNCTION_LINES + 1, above="# long: a table\n"), False),
        (_function(MAX_FUNCTION_LINES + 1, above="# long: a table\n@decorator\n"), False),
        (_function(MAX_FUNCTION_LINES + 1, comment="  # long:"), True),  # no reason given
        ("x = 1\n" * MAX_MODULE_LINES, False),
        ("x = 1\n" * (MAX_MODULE_LINES + 1), True),
        ("# long: generated tables\n" + "x = 1\n" * MAX_MODULE_LINES, False),
    ],
)
def test_size_offences_are_found(source: str, offends: bool) -> None:
    assert bool(size_offences(source)) is offends


# --------------------------------------------------------------------------- the tests


TESTS = REPO / "tests"


def test_tests_import_helpers_one_way() -> None:
    """No package under tests/, no relative import, unique basenames (see tests/README.md)."""
    files = sorted(TESTS.rglob("*.py"))
    assert [relative(p) for p in files if p.name == "__init__.py"] == []
    relative_imports = [
        f"{relative(p)}:{node.lineno}"
        for p in files
        for node in ast.walk(ast.parse(p.read_text()))
        if isinstance(node, ast.ImportFrom) and node.level
    ]
    assert relative_imports == []
    basenames = [p.name for p in files if p.name != "conftest.py"]
    assert sorted({n for n in basenames if basenames.count(n) > 1}) == []
