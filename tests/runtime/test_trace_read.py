"""Trace.from_jsonl checks every line: SimError for anything malformed, and a trace it
accepts is one that the readers (events, snapshots, checks, digest) can walk."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import scenario

from distsys_edu.checks import one_leader_among_reachable
from distsys_edu.runtime import SimError, Trace
from distsys_edu.runtime.snapshot import snapshot_at
from distsys_edu.runtime.trace_rows import MAX_DEPTH

GOOD = scenario(1, until=1.5).trace.to_jsonl_string().splitlines()

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
"""Any JSON value, small."""

JUNK = JSON | st.sampled_from([math.nan, math.inf, -1, 10**400, "x", "1.5", True, [], {}])
"""What a hand-edited file may hold where a value goes (10**400: a number no float holds)."""


def read(text: str) -> Trace:
    return Trace.from_jsonl(io.StringIO(text))


def walk(trace: Trace) -> None:
    """What readers do with a trace: none of it may raise."""
    events = list(trace)
    trace.counts()
    trace.digest()
    if events:
        snapshot_at(trace, events[-1].t)
        snapshot_at(trace, events[len(events) // 2].t)
    one_leader_among_reachable(trace)


def read_or_refuse(text: str) -> None:
    """Either a SimError, or a trace the readers can walk."""
    try:
        trace = read(text)
    except SimError:
        return
    walk(trace)


def dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


def test_a_real_trace_reads_back_whole() -> None:
    trace = read("\n".join(GOOD) + "\n")
    assert trace.lines().__next__() == GOOD[0]
    assert list(trace.lines()) == GOOD
    walk(trace)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{nope\n", "line 1 is not JSON"),
        ("[1, 2]\n", "not a distsys_edu trace"),
        ('{"format": "distsys_edu.trace", "version": 1}\n', "nodes=None"),
        ('{"format": "distsys_edu.trace", "version": 1, "nodes": "ab"}\n', "nodes='ab'"),
        ('{"format": "distsys_edu.trace", "version": 1, "nodes": ["a", "a"]}\n', "distinct"),
        ('{"format": "distsys_edu.trace", "version": 7, "nodes": []}\n', "version=7"),
        ('{"format": "distsys_edu.trace", "version": 1, "nodes": [], "end": "x"}\n', "end='x'"),
        ('{"format": "distsys_edu.trace", "version": 1, "nodes": [], "end": NaN}\n', "end=nan"),
        ("", "not a distsys_edu trace"),
    ],
)
def test_a_header_that_is_not_a_traces_is_refused(text: str, says: str) -> None:
    with pytest.raises(SimError, match=says.replace("[", r"\[")):
        read(text)


def with_row(**changes: Any) -> str:
    """The good trace with its first send row changed (a key set to None is removed)."""
    lines = list(GOOD)
    at = next(i for i, line in enumerate(lines) if '"kind":"send"' in line)
    row = json.loads(lines[at])
    for key, value in changes.items():
        if value is None:
            row.pop(key, None)
        else:
            row[key] = value
    lines[at] = dumps(row)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"t": "1.0"}, "t='1.0'"),
        ({"t": math.nan}, "t=nan"),
        ({"t": 10**400}, "t=1000"),
        ({"t": -1}, "t=-1"),
        ({"msg": None}, "msg=None"),
        ({"msg": {"type": 3, "fields": {}}}, "msg="),
        ({"msg_id": "7"}, "msg_id='7'"),
        ({"msg_id": True}, "msg_id=True"),
        ({"kind": "teleport"}, "kind='teleport'"),
        ({"node": "zz"}, "node='zz'"),
        ({"reason": "loss"}, "no reason"),
        ({"due": "soon"}, "due='soon'"),
        ({"extra": 1}, "unknown keys"),
        ({"i": 10**6}, "i=1000000"),
    ],
)
def test_a_malformed_event_is_refused_naming_its_line(changes: dict[str, Any], says: str) -> None:
    with pytest.raises(SimError, match=r"trace line \d+") as caught:
        read(with_row(**changes))
    assert says in str(caught.value)


def test_a_drop_without_its_reason_and_an_event_with_a_message_field_are_refused() -> None:
    lines = list(GOOD)
    at = next(i for i, line in enumerate(lines) if '"kind":"drop"' in line)
    row = json.loads(lines[at])
    del row["reason"]
    with pytest.raises(SimError, match="a drop needs one of"):
        read("\n".join([*lines[:at], dumps(row), *lines[at + 1 :]]))
    at = next(i for i, line in enumerate(lines) if '"kind":"timer"' in line)
    row = json.loads(lines[at])
    row["msg_id"] = 3
    with pytest.raises(SimError, match="a timer event has no msg_id"):
        read("\n".join([*lines[:at], dumps(row), *lines[at + 1 :]]))


def test_deep_nesting_is_refused_before_anything_walks_it() -> None:
    deep: Any = 0
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(SimError, match="nests deeper"):
        read(with_row(msg={"type": "T", "fields": {"x": deep}}))
    with pytest.raises(SimError, match="line 1 is not JSON"):
        read("[" * 100_000 + "]" * 100_000)  # deeper than json itself can go


def test_bytes_that_are_not_utf8_are_refused(tmp_path: Any) -> None:
    path = tmp_path / "trace.jsonl"
    path.write_bytes(GOOD[0].encode() + b"\n" + b'{"i": 0, "t": 0, "kind": "spawn\xff"}\n')
    with pytest.raises(SimError, match="not UTF-8"):
        Trace.from_jsonl(str(path))
    with pytest.raises(SimError, match="not text"):
        Trace.from_jsonl(io.BytesIO(b"\n".join(line.encode() for line in GOOD)))  # type: ignore[arg-type]
    with pytest.raises(SimError, match="cannot read"):
        Trace.from_jsonl(str(tmp_path / "missing.jsonl"))


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.text(max_size=40), max_size=5))
def test_any_lines_read_or_raise_sim_error(lines: list[str]) -> None:
    read_or_refuse("\n".join(lines))
    read_or_refuse("\n".join([GOOD[0], *lines]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(JSON, max_size=4))
def test_any_json_rows_after_a_real_header_read_or_raise_sim_error(rows: list[Any]) -> None:
    read_or_refuse("\n".join([GOOD[0], *(dumps(row) for row in rows)]))


class _Text(str):
    """A trace file's text whose repr (in a failure report) is only its edited lines."""

    def __repr__(self) -> str:
        changed = [line for line in self.splitlines() if line not in GOOD_SET]
        return f"<trace with {len(self.splitlines())} lines; not in the original: {changed!r}>"


GOOD_SET = frozenset(GOOD)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A real trace file with one to three edits: a field set to junk or removed, a line
    dropped, doubled or moved, the file cut short."""
    lines = list(GOOD)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["set", "remove", "drop", "double", "move", "cut"]))
        if edit in ("set", "remove"):
            try:
                row = json.loads(lines[at])
            except ValueError:  # a line cut short by an earlier edit
                row = None
            if isinstance(row, dict):
                keys = sorted(row) or ["t"]
                key = draw(st.sampled_from([*keys, "msg", "reason", "nodes", "end"]))
                if edit == "set":
                    row[key] = draw(JUNK)
                else:
                    row.pop(key, None)
                lines[at] = dumps(row)
        elif edit == "drop":
            del lines[at]
        elif edit == "double":
            lines.insert(at, lines[at])
        elif edit == "move":
            lines.insert(draw(st.integers(0, len(lines))), lines.pop(at))
        else:
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
        if not lines:
            break
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated().map(lambda text: _Text(text)))
def test_a_mutated_real_trace_reads_or_raises_sim_error(text: _Text) -> None:
    read_or_refuse(text)
