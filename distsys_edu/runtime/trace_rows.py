"""Reading a trace's JSON lines: every line is checked before it becomes a row.

``Trace.from_jsonl`` reads files that people edit, truncate, concatenate and
hand-write (a real cluster's merged trace is one). A line that is not what
``Trace.to_jsonl`` writes raises :class:`~.errors.SimError` naming the line and
what is wrong with it, at once, rather than an exception from deep inside a check
much later. What a line may hold:

* line 1, the header: a JSON object with ``"format": "distsys_edu.trace"``,
  ``"version": 1``, ``"nodes"`` (a list of distinct names) and maybe ``"end"`` (a
  finite time >= 0); any other key is kept as metadata.
* every other line, one event: a JSON object with ``i`` (its position, from 0),
  ``t`` (a finite time >= 0) and ``kind`` (one of the trace's kinds); ``node`` and
  ``peer`` name nodes of the header when present. A message event (send, deliver,
  drop, duplicate) has ``msg_id`` (an int >= 0) and, a send always, the others
  maybe, ``msg`` (``{"type": name, "fields": {...}}``); a drop its ``reason``, the
  others maybe ``due`` (a finite time). Any other event has none of those, and
  maybe ``data``, of the shape the readers rely on (:data:`DATA_SHAPES`; the events
  at a node name it). No other keys.

No value may nest deeper than :data:`MAX_DEPTH` (a deeper one would overflow the
stack of whatever walks it later), and a file must be UTF-8.
"""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

from .errors import SimError
from .events import DROP_REASONS, FORMAT, FORMAT_VERSION, KINDS, MESSAGE_KIND_NAMES, MessageRecord

MAX_DEPTH = 64
"""The deepest nesting of lists and objects allowed in a line."""

MAX_NODES = (1 << 23) - 2
"""The most nodes a trace can name (a row packs a node's index in 23 bits)."""

MAX_ID = 2**53
"""Message ids are stored as doubles: exact up to here."""

ROW_KEYS = frozenset({"i", "t", "kind", "node", "peer", "msg_id", "due", "reason", "msg", "data"})
MESSAGE_ONLY = ("msg_id", "msg", "due", "reason")


def parse_line(line: str, lineno: int) -> Any:
    """The JSON value of one line.

    Raises:
        SimError: not JSON, or nested deeper than :data:`MAX_DEPTH`.
    """
    try:
        value = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise SimError(f"trace line {lineno} is not JSON: {_short(exc)}") from None
    if _too_deep(value, MAX_DEPTH):
        raise SimError(f"trace line {lineno} nests deeper than {MAX_DEPTH} levels")
    return value


def check_header(header: Any) -> tuple[list[str], float | None, dict[str, Any]]:
    """``(nodes, end, meta)`` of a header line's value.

    Raises:
        SimError: the header is not a distsys_edu trace's, or a field is malformed.
    """
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SimError(
            f"not a distsys_edu trace: line 1 must be a JSON object with "
            f'"format": "{FORMAT}", but it is {_shown(header)}'
        )
    version = header.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise SimError(
            f"trace line 1: version={_shown(version)} is not allowed: must be {FORMAT_VERSION}"
        )
    nodes = header.get("nodes")
    if (
        not isinstance(nodes, list)
        or not all(isinstance(name, str) for name in nodes)
        or len(set(nodes)) != len(nodes)
        or len(nodes) > MAX_NODES
    ):
        raise SimError(
            f"trace line 1: nodes={_shown(nodes)} is not allowed: must be a list of distinct "
            f"node names (str), at most {MAX_NODES}"
        )
    end = header.get("end")
    if end is not None:
        end = _time(end, "end", 1)
    meta = {k: v for k, v in header.items() if k not in ("format", "version", "nodes", "end")}
    return list(nodes), end, meta


class RowReader:
    """Checks the event lines of one trace in order and turns each into a row.

    Args:
        nodes: the header's node names.
    """

    def __init__(self, nodes: list[str]) -> None:
        self.index = {name: i for i, name in enumerate(nodes)}
        self.position = 0

    def read(self, row: Any, lineno: int) -> tuple[float, int, int, int, int, float, Any]:
        """``(t, kind_code, node, peer, msg_id, due, obj)`` of event line ``lineno``.

        Raises:
            SimError: the line is not a well-formed event (the message says why).
        """
        where = f"trace line {lineno}"
        if not isinstance(row, dict):
            raise SimError(f"{where} is not an event: {_shown(row)} is not a JSON object")
        unknown = sorted(set(row) - ROW_KEYS)
        if unknown:
            raise SimError(f"{where}: unknown keys {unknown} (allowed: {sorted(ROW_KEYS)})")
        if row.get("i") != self.position or isinstance(row.get("i"), bool):
            raise SimError(
                f"{where}: i={_shown(row.get('i'))} is not allowed: must be {self.position} "
                "(events are numbered from 0 in order)"
            )
        kind = row.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            raise SimError(f"{where}: kind={_shown(kind)} is not allowed: must be one of {KINDS}")
        t = _time(row.get("t"), "t", lineno)
        node, peer = self._node(row, "node", where), self._node(row, "peer", where)
        obj: Any
        if kind in MESSAGE_KIND_NAMES:
            msg_id, due, obj = self._message(row, kind, where, lineno)
        else:
            present = [key for key in MESSAGE_ONLY if key in row]
            if present:
                raise SimError(f"{where}: a {kind} event has no {', '.join(present)}")
            msg_id, due, obj = -1, math.nan, row.get("data")
            self._shape(kind, node, peer, obj, where)
        self.position += 1
        return t, KINDS.index(kind), node, peer, msg_id, due, obj

    def _shape(self, kind: str, node: int, peer: int, data: Any, where: str) -> None:
        """What the readers (snapshots, the story) rely on in each kind of event."""
        if (kind in NEEDS_NODE and node < 0) or (kind == "hold" and peer < 0):
            needs = "node and peer" if kind == "hold" else "node"
            raise SimError(f"{where}: a {kind} event needs its {needs}")
        if kind == "pause" and data is None:
            return  # a real cluster's pause lasts until resumed: no duration
        expected = DATA_SHAPES.get(kind)
        if expected is None:
            return
        fields, text = expected
        if not isinstance(data, dict) or not all(
            key in data and check(data[key], self.index) for key, check in fields.items()
        ):
            raise SimError(f"{where}: data={_shown(data)} is not allowed: a {kind} needs {text}")

    def _node(self, row: dict[str, Any], key: str, where: str) -> int:
        name = row.get(key)
        if name is None:
            return -1
        if not isinstance(name, str) or name not in self.index:
            raise SimError(
                f"{where}: {key}={_shown(name)} is not allowed: must name a node of the "
                f"header ({', '.join(list(self.index)[:10]) or 'none'})"
            )
        return self.index[name]

    def _message(
        self, row: dict[str, Any], kind: str, where: str, lineno: int
    ) -> tuple[int, float, MessageRecord | None]:
        msg_id = row.get("msg_id")
        if isinstance(msg_id, bool) or not isinstance(msg_id, int) or not 0 <= msg_id <= MAX_ID:
            raise SimError(
                f"{where}: msg_id={_shown(msg_id)} is not allowed: a {kind} event needs an "
                f"int between 0 and 2**53"
            )
        msg = row.get("msg")
        if msg is None and kind != "send":  # a real cluster records the message once, sent
            obj = None
        elif (
            not isinstance(msg, dict)
            or set(msg) != {"type", "fields"}
            or not isinstance(msg["type"], str)
            or not isinstance(msg["fields"], dict)
        ):
            raise SimError(
                f'{where}: msg={_shown(msg)} is not allowed: a {kind} event needs {{"type": '
                'name, "fields": {...}} (a send always; the others may leave it out)'
            )
        else:
            obj = MessageRecord(msg["type"], msg["fields"])
        if kind == "drop":
            reason = row.get("reason")
            if reason not in DROP_REASONS or "due" in row:
                raise SimError(
                    f"{where}: reason={_shown(reason)} is not allowed: a drop needs one of "
                    f"{DROP_REASONS} (and no due)"
                )
            due = float(DROP_REASONS.index(reason))
        elif "reason" in row:
            raise SimError(f"{where}: a {kind} event has no reason")
        else:
            due = math.nan if row.get("due") is None else _time(row["due"], "due", lineno)
        return msg_id, due, obj


def _names(value: Any, index: dict[str, int]) -> bool:
    return isinstance(value, list) and all(isinstance(n, str) and n in index for n in value)


def _links(value: Any, index: dict[str, int]) -> bool:
    return isinstance(value, list) and all(_names(v, index) and len(v) == 2 for v in value)


def _seconds(value: Any, index: dict[str, int]) -> bool:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return ok and math.isfinite(value) and value >= 0


NEEDS_NODE = frozenset({"spawn", "restart", "resume", "crash", "pause", "stop", "annotate", "hold"})
"""Kinds of event that happen at a node: the snapshot replays them there."""

DATA_SHAPES: dict[str, tuple[dict[str, Any], str]] = {
    "annotate": ({}, "an object of published keys"),
    "partition": (
        {"a": _names, "b": _names, "one_way": lambda v, _: isinstance(v, bool)},
        '{"a": [names], "b": [names], "one_way": true or false}',
    ),
    "release": ({"links": _links}, '{"links": [[name, name], ...]}'),
    "link": ({}, "an object of link settings"),
    "pause": ({"duration": _seconds}, '{"duration": seconds} (or no data)'),
}
"""The data that the readers rely on: required keys and their checks, and the words."""


def _time(value: Any, key: str, lineno: int) -> float:
    """``value`` as seconds: a finite number >= 0 (an int too large for a float is not)."""
    seconds = math.nan
    if not isinstance(value, bool) and isinstance(value, (int, float)):
        with contextlib.suppress(OverflowError):  # an int too large for a float
            seconds = float(value)
    if not (math.isfinite(seconds) and seconds >= 0):
        raise SimError(
            f"trace line {lineno}: {key}={_shown(value)} is not allowed: must be a finite "
            "number >= 0 (seconds)"
        )
    return seconds


def _too_deep(value: Any, depth: int) -> bool:
    """Whether ``value`` nests lists and objects more than ``depth`` levels (no recursion)."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            if level >= depth:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return False


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _short(exc: BaseException) -> str:
    return _shown(str(exc) or type(exc).__name__)[1:-1]
