"""A stub and its worked answer merged into one piece of code with answer regions.

Grading tools (nbgrader, Otter-Grader) want one *source* notebook holding the worked
answers, marked so that their own tool can cut them out for the learner. The answers
must be cut out *inside* method bodies: the learner's version must still define the
class (and every method the stub had, with its docstring), each method raising
``NotImplementedError``, so that an unattempted exercise is "not attempted" in our
check and never a ``NameError`` in the grader's.

:func:`merge` builds, from the stub (``distsys_edu.exercises.NAME``) and the worked
answer (``distsys_edu.exercises.solutions.NAME``), a list of :data:`Piece`: plain
code, and :class:`Answer` regions, each of one of two kinds:

* a **body** (``extra=False``): a method's (or function's) worked body; the learner
  gets a body that raises ``NotImplementedError`` in its place;
* an **extra** (``extra=True``): what the worked answer adds and the stub does not
  have (helper methods, constants, imports); the learner gets nothing in its place.

Each tool's module renders the pieces with its own markers.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass

__all__ = ["Answer", "ExportError", "Piece", "merge", "merge_code"]


class ExportError(ValueError):
    """A lesson that cannot be exported (the message says which cell and why)."""


@dataclass(frozen=True)
class Answer:
    """A region of worked answer.

    Attributes:
        indent: the indentation of the region's lines (spaces).
        code: the worked code, dedented (the renderer indents it by ``indent``).
        extra: ``True`` for what the stub does not have (the learner gets nothing),
            ``False`` for a body (the learner gets one that raises).
        stub: the stub's own body, dedented (it raises ``NotImplementedError`` with
            the lesson's hint); ``""`` for an extra.
    """

    indent: str
    code: str
    extra: bool
    stub: str = ""


Piece = str | Answer
"""Plain code (one or more lines, no trailing newline), or an answer region."""


def merge_code(stub: str, answer: str) -> list[Piece]:
    """The stub's source with each body replaced by the worked answer's, in regions.

    Args:
        stub: the source of one top-level class or function (dedented).
        answer: the source of the worked answer of the same name and kind.

    Raises:
        ExportError: not one class or function each, of different names or kinds, or
            a stub method the worked answer does not define.
    """
    stub_node, answer_node = _one_definition(stub, "stub"), _one_definition(answer, "answer")
    if type(stub_node) is not type(answer_node) or stub_node.name != answer_node.name:
        raise ExportError(
            f"the stub {stub_node.name!r} and the worked answer {answer_node.name!r} "
            "must be the same class or function"
        )
    stub_lines, answer_lines = stub.splitlines(), answer.splitlines()
    if isinstance(stub_node, ast.ClassDef):
        assert isinstance(answer_node, ast.ClassDef)
        return _merge_class(stub_node, stub_lines, answer_node, answer_lines)
    assert isinstance(answer_node, (ast.FunctionDef, ast.AsyncFunctionDef))
    return _merge_function(stub_node, stub_lines, answer_node, answer_lines)


def merge(stub_rest: str, stubs: list[str], answer_rest: str, answers: list[str]) -> list[Piece]:
    """One exercise cell and its solution cell, merged.

    Args:
        stub_rest: the exercise cell's own lines (not included ones), kept as they are.
        stubs: the sources the exercise cell includes, in order.
        answer_rest: the solution cell's own lines (imports, constants): an extra.
        answers: the sources the solution cell includes, one per stub, same order.

    Raises:
        ExportError: the two cells do not include as many definitions, or one pair
            cannot be merged (see :func:`merge_code`).
    """
    if len(stubs) != len(answers):
        raise ExportError(
            f"the exercise cell includes {len(stubs)} definitions and its solution cell "
            f"{len(answers)}: each stub needs its worked answer"
        )
    pieces: list[Piece] = [stub_rest] if stub_rest.strip() else []
    if answer_rest.strip():
        pieces.append(Answer("", answer_rest.strip("\n"), extra=True))
    for stub, answer in zip(stubs, answers, strict=True):
        pieces.extend(["", *merge_code(stub, answer)] if pieces else merge_code(stub, answer))
    return pieces


_Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _one_definition(source: str, what: str) -> _Def:
    body = ast.parse(source).body
    if len(body) != 1 or not isinstance(body[0], _Def):
        raise ExportError(f"the {what} must be one class or function, not {len(body)} statements")
    return body[0]


def _docstring(node: _Def) -> ast.Expr | None:
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        return first if isinstance(first.value.value, str) else None
    return None


def _header_end(node: _Def, lines: list[str]) -> int:
    """The 1-based last line of ``node``'s header (``def f(...) -> T:``, decorators
    included), found as the last line before its body that is not blank or a comment.

    Raises:
        ExportError: the body starts on a line of the header (``def f(): return 1``).
    """
    first = node.body[0]
    if lines[first.lineno - 1][: first.col_offset].strip():
        raise ExportError(f"{node.name}: write its body on lines of its own, not after the ':'")
    end = first.lineno - 1
    while end > node.lineno and (not lines[end - 1].strip() or _comment(lines[end - 1])):
        end -= 1
    return end


def _comment(line: str) -> bool:
    return line.strip().startswith("#")


def _segment(lines: list[str], first: int, last: int) -> list[str]:
    """Lines ``first`` to ``last`` (1-based, inclusive)."""
    return lines[first - 1 : last]


def _start(node: _Def) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def _merge_function(
    stub: ast.FunctionDef | ast.AsyncFunctionDef,
    stub_lines: list[str],
    answer: ast.FunctionDef | ast.AsyncFunctionDef,
    answer_lines: list[str],
) -> list[Piece]:
    """The answer's header, the stub's docstring, the answer's body as a region."""
    header = _segment(answer_lines, _start(answer), _header_end(answer, answer_lines))
    indent = " " * (answer.body[0].col_offset - answer.col_offset)
    pieces: list[Piece] = [textwrap.dedent("\n".join(header))]
    doc = _docstring(stub)
    if doc is not None:
        assert doc.end_lineno is not None
        text = textwrap.dedent("\n".join(_segment(stub_lines, doc.lineno, doc.end_lineno)))
        pieces.append(textwrap.indent(text, indent))
    if _docstring(answer) is not None and len(answer.body) == 1:
        raise ExportError(f"the worked answer {answer.name!r} has a docstring and no body")
    body, stub_body = _body(answer, answer_lines), _body(stub, stub_lines)
    pieces.append(Answer(indent, body, extra=False, stub=stub_body))
    return pieces


def _body(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> str:
    """A function's body without its docstring, dedented (comments kept)."""
    doc = _docstring(node)
    assert node.end_lineno is not None
    first = _header_end(node, lines) + 1
    if doc is not None and doc.end_lineno is not None:
        first = doc.end_lineno + 1
    return textwrap.dedent("\n".join(_segment(lines, first, node.end_lineno))).strip("\n")


def _merge_class(
    stub: ast.ClassDef, stub_lines: list[str], answer: ast.ClassDef, answer_lines: list[str]
) -> list[Piece]:
    """The stub's header and docstring, the answer's extras as one region, then each
    stub member: a method with the answer's body, anything else as the stub has it."""
    pieces: list[Piece] = [
        "\n".join(_segment(stub_lines, _start(stub), _header_end(stub, stub_lines)))
    ]
    indent = " " * stub.body[0].col_offset
    members = stub.body
    doc = _docstring(stub)
    if doc is not None:
        assert doc.end_lineno is not None
        pieces.append("\n".join(_segment(stub_lines, doc.lineno, doc.end_lineno)))
        members = members[1:]
    stub_names = {_name(m) for m in members}
    answers = {_name(m): m for m in answer.body if _name(m)}
    extras = [m for m in answer.body if _name(m) and _name(m) not in stub_names]
    if extras:
        text = "\n\n".join(_source(m, answer_lines) for m in extras)
        pieces.append(Answer(indent, text, extra=True))  # the renderer spaces it
    for member in members:
        pieces.append("")
        worked = answers.get(_name(member))
        if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not isinstance(worked, (ast.FunctionDef, ast.AsyncFunctionDef)):
                raise ExportError(
                    f"{stub.name}.{member.name}: the stub has this method and the worked "
                    "answer does not; the learner's version would raise where the answer's works"
                )
            merged = _merge_function(member, stub_lines, worked, answer_lines)
            pieces.extend(_indented(p, indent) for p in merged)
        else:
            pieces.append(textwrap.indent(_source(member, stub_lines), indent))
    return pieces


def _indented(piece: Piece, indent: str) -> Piece:
    """A method's piece, shifted to the class body's indentation."""
    if isinstance(piece, Answer):
        return Answer(indent + piece.indent, piece.code, piece.extra, piece.stub)
    return textwrap.indent(piece, indent)


def _name(node: ast.stmt) -> str:
    """The name a class member defines (``""``: a docstring or other expression)."""
    if isinstance(node, _Def):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        return target.id if isinstance(target, ast.Name) else ""
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    return ""


def _source(node: ast.stmt, lines: list[str]) -> str:
    """A member's source, decorators and comments above it not included, dedented."""
    assert node.end_lineno is not None
    first = _start(node) if isinstance(node, _Def) else node.lineno
    return textwrap.dedent("\n".join(_segment(lines, first, node.end_lineno)))
