"""Reading histories: Jepsen's two text formats, a trace file, or a History as it is.

The formats (detected from the first line that is not blank):

* **EDN maps, one per line**, as Jepsen's ``history.edn`` and Porcupine's test data::

      {:process 0, :type :invoke, :f :read, :value nil}
      {:process 0, :type :ok, :f :read, :value 3}
      {:process 1, :type :invoke, :f :put, :key "k", :value "x"}

  ``:time`` (nanoseconds), when present, gives the times; otherwise the line number
  does. Jepsen's tuple-valued "independent" keys are not read: use ``:key``.
* **``jepsen.util`` log lines**, as Jepsen prints them while a test runs::

      INFO  jepsen.util - 3	:invoke	:cas	[1 4]
      INFO  jepsen.util - 3	:ok	:cas	[1 4]

  Lines that do not come from ``jepsen.util`` are skipped (a log has many others).
* **A trace** written by ``Sim.trace.to_jsonl`` (``distsys-edu run --trace FILE``):
  the history its clients recorded (:meth:`.History.from_trace`).

Records of a process that is not a number (Jepsen's ``:nemesis``) are skipped: they
are faults, not client operations. Every other line that cannot be read raises a
:class:`.HistoryError` naming the line.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from ..runtime import Trace
from ..runtime.errors import invalid
from ..runtime.trace import FORMAT as TRACE_FORMAT
from .history import History, HistoryError, Record, freeze

_TOKEN = re.compile(
    r'[\s,]*(?:(?P<open>[\[{(])|(?P<close>[\]})])|(?P<str>"(?:[^"\\]|\\.)*")'
    r'|(?P<atom>[^\s,\[\]{}()"]+))'
)
_LOG_LINE = re.compile(r"jepsen\.util\s+-\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*?)\s*$")
_CLOSERS = {"[": "]", "(": ")", "{": "}"}


def load_history(source: Any) -> History:
    """A :class:`.History` from a History, a Trace, a path, or the text of a history.

    Args:
        source: a ``History`` (returned as it is); a ``Trace`` (its clients' records);
            a path (``str`` or ``Path``) to a file in one of the module's formats; or
            the text itself (a ``str`` with a newline, or starting with ``{`` or
            holding ``jepsen.util``).

    Raises:
        InvalidArgument: a ``source`` of another type, or a path that does not exist.
        HistoryError: text that cannot be read, naming the line.
    """
    if isinstance(source, History):
        return source
    if isinstance(source, Trace):
        return History.from_trace(source)
    if isinstance(source, str) and _looks_like_text(source):
        return parse_history(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise invalid(
                "history", str(source), "no such file (give a path, a History, or the text)"
            )
        return parse_history(path.read_text(encoding="utf-8"), source=str(path))
    raise invalid(
        "history",
        source,
        "must be a History, a Trace, a path to a history file, or Jepsen's text",
    )


def _looks_like_text(text: str) -> bool:
    stripped = text.lstrip()
    return "\n" in stripped or stripped.startswith("{") or "jepsen.util" in text


def parse_history(text: str, source: str = "text") -> History:
    """Read a history in any of the module's formats (the first line tells which).

    Raises:
        HistoryError: an empty text, an unknown format, or a line that cannot be read.
    """
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if _is_trace_header(first):
        return History.from_trace(Trace.from_jsonl(io.StringIO(text)))
    if first.startswith("{"):
        records, timed = _edn_records(text)
        return History.from_records(records, source, "seconds" if timed else "line")
    if "jepsen.util" in first or "jepsen.util" in text:
        return History.from_records(_log_records(text), source, "line")
    raise HistoryError(
        f"{source}: not a history: expected EDN maps ({{:process 0, :type :invoke, ...}}), "
        "jepsen.util log lines or a distsys_edu trace; the first line is "
        f"{first[:60]!r}"
    )


def _is_trace_header(line: str) -> bool:
    """Whether ``line`` is the first line of a trace's JSON lines (not EDN)."""
    if not line.startswith('{"'):
        return False
    try:
        header = json.loads(line)
    except ValueError:
        return False
    return isinstance(header, dict) and header.get("format") == TRACE_FORMAT


def _edn_records(text: str) -> tuple[list[Record], bool]:
    """The records, and whether every one of them gave its ``:time``."""
    records = []
    timed = True
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith(";"):
            continue
        where = f"line {number}"
        fields = _edn_value(line, where)
        if not isinstance(fields, dict):
            raise HistoryError(f"{where}: {line.strip()[:80]!r} is not an EDN map")
        process = fields.get("process")
        if not isinstance(process, int):
            continue
        for name in ("type", "f"):
            if not isinstance(fields.get(name), str):
                raise HistoryError(f"{where}: {line.strip()[:80]!r} has no :{name} keyword")
        time = fields.get("time")
        timed = timed and isinstance(time, (int, float))
        time = time / 1e9 if isinstance(time, (int, float)) else float(number)
        records.append(
            Record(
                process,
                fields["type"],
                fields["f"],
                freeze(fields.get("value")),
                freeze(fields.get("key")),
                time,
                where,
            )
        )
    return records, timed


def _log_records(text: str) -> list[Record]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        found = _LOG_LINE.search(line)
        if found is None:
            if "jepsen.util" in line and line.strip():
                raise HistoryError(f"line {number}: {line.strip()[:80]!r} is not a jepsen.util op")
            continue
        process, type_, f, value = found.groups()
        if not process.isdigit():
            continue
        where = f"line {number}"
        if not type_.startswith(":") or not f.startswith(":"):
            raise HistoryError(f"{where}: {line.strip()[:80]!r}: expected :type and :f keywords")
        parsed = _edn_value(value, where) if value else None
        records.append(
            Record(int(process), type_[1:], f[1:], freeze(parsed), None, float(number), where)
        )
    return records


def _edn_value(text: str, where: str) -> Any:
    """The one EDN value in ``text`` (maps, vectors, lists, strings, numbers, keywords)."""
    tokens, end = [], 0
    for token in _TOKEN.finditer(text):
        if token.start() != end:
            break
        tokens.append(token)
        end = token.end()
    if text[end:].strip(" \t,\r\n"):
        raise HistoryError(f"{where}: cannot read EDN at {text[end:].strip()[:40]!r}")
    value, used = _parse(tokens, 0, where, text)
    if used != len(tokens):
        raise HistoryError(f"{where}: {text.strip()[:80]!r}: more than one value on the line")
    return value


def _parse(tokens: list[re.Match[str]], i: int, where: str, text: str) -> tuple[Any, int]:
    if i >= len(tokens):
        raise HistoryError(f"{where}: {text.strip()[:80]!r} ends too soon")
    token = tokens[i]
    kind = token.lastgroup
    if kind == "open":
        opener = token.group("open")
        items: list[Any] = []
        i += 1
        while i < len(tokens) and tokens[i].lastgroup != "close":
            item, i = _parse(tokens, i, where, text)
            items.append(item)
        if i >= len(tokens) or tokens[i].group("close") != _CLOSERS[opener]:
            raise HistoryError(f"{where}: {text.strip()[:80]!r}: {opener} is never closed")
        if opener == "{":
            if len(items) % 2:
                raise HistoryError(f"{where}: {text.strip()[:80]!r}: a map needs key-value pairs")
            return dict(zip(items[::2], items[1::2], strict=True)), i + 1
        return tuple(items), i + 1
    if kind == "close":
        raise HistoryError(f"{where}: {text.strip()[:80]!r}: unexpected {token.group('close')}")
    if kind == "str":
        return json.loads(token.group("str")), i + 1
    return _atom(token.group("atom")), i + 1


def _atom(atom: str) -> Any:
    if atom == "nil":
        return None
    if atom in ("true", "false"):
        return atom == "true"
    if atom.startswith(":"):
        return atom[1:]
    try:
        return int(atom.rstrip("N"))
    except ValueError:
        pass
    try:
        return float(atom.rstrip("M"))
    except ValueError:
        return atom
