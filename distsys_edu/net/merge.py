"""One trace from many processes, in the simulator's schema.

Each node writes its own rows (``nodes/NAME.trace.jsonl``), each with its time
(seconds since the cluster started, on the launcher machine's monotonic clock)
and its Lamport clock; the launcher writes the faults it caused
(``control.jsonl``: crash, pause, resume, partition, heal, loss).

The order. Lamport clocks alone would give an order in which every message is
sent before it arrives, but times would jump back and forth (a quiet node's
clock lags), and snapshots and checks read a trace as a time line. So the
merged trace is ordered by **time, then Lamport clock**, after one repair: in
Lamport order (which visits every cause before its effects), each event's time
is raised, if need be, to that of the event before it in its process and, for an
arrival, to that of its send. Then time never goes back, every message is sent
before it arrives, and each process's rows keep their order. On one machine the
clock is shared and the repair changes nothing; it matters only where clocks
disagree.

What ``one_leader_per_term`` needs is less: every node's own annotations, in
their own order. Any merge that keeps each process's order gives it; this one
also makes snapshots and the other checks meaningful.

Message ids are renumbered 1, 2, ... in order of sending; a send's ``due`` is the
time it arrived (or was dropped on arrival), ``None`` if the sender's filter
dropped it, and its own time if it never arrived (lost by the kernel, or sent
to a process that was gone): such a message stays in flight for ever.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from ..runtime import Trace
from ..runtime.trace import FORMAT, FORMAT_VERSION
from .rundir import RunDir


@dataclass
class Row:
    """One row from one process: ``source`` ranks the process, ``seq`` the row in it."""

    data: dict[str, Any]
    source: int
    seq: int
    lamport: int
    t: float


def read_rows(run: RunDir) -> list[Row]:
    """Every row of every node's trace and of the launcher's log.

    A last line cut short by a ``kill -9`` is skipped.
    """
    config = run.config()
    files = [run.node_file(name, "trace.jsonl") for name in config.nodes] + [run.control_log]
    rows = []
    for source, path in enumerate(files):
        if not path.exists():
            continue
        for seq, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            rows.append(Row(data, source, seq, data.get("lc", 0), float(data["t"])))
    return rows


def repair_times(rows: list[Row]) -> None:
    """Raise times so that no row comes before its cause (see the module's docstring)."""
    last_in_source: dict[int, float] = {}
    sent_at: dict[tuple[Any, ...], float] = {}
    for row in sorted(rows, key=lambda r: (r.lamport, r.source, r.seq)):
        t = max(row.t, last_in_source.get(row.source, row.t))
        mid = row.data.get("mid")
        if mid is not None:
            key = tuple(mid)
            if row.data["kind"] == "send":
                sent_at[key] = t
            else:
                t = max(t, sent_at.get(key, t))
        row.t = last_in_source[row.source] = t


def merged_lines(run: RunDir) -> list[str]:
    """The merged trace as canonical JSON lines (header first)."""
    config = run.config()
    rows = read_rows(run)
    repair_times(rows)
    rows.sort(key=lambda r: (r.t, r.lamport, r.source, r.seq))
    ids: dict[tuple[Any, ...], int] = {}
    sends: dict[tuple[Any, ...], tuple[dict[str, Any], int]] = {}  # the send row, its source
    events: list[dict[str, Any]] = []
    for row in rows:
        event = {k: v for k, v in row.data.items() if k not in ("lc", "mid")}
        event["t"] = row.t
        mid = row.data.get("mid")
        if mid is not None:
            key = tuple(mid)
            if row.data["kind"] == "send":
                ids[key] = len(ids) + 1
                event["due"] = row.t  # until it is seen to arrive
                sends[key] = (event, row.source)
            elif key not in ids:
                continue  # its send row was lost with a killed process
            else:
                send, sender = sends[key]
                send["due"] = None if row.data["kind"] == "drop" and row.source == sender else row.t
            event["msg_id"] = ids[key]
        events.append(event)
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "nodes": config.nodes,
        "net": {"protocol": config.protocol, "options": config.options, "host": config.host},
    }
    lines = [json.dumps(header, sort_keys=True, separators=(",", ":"))]
    for i, event in enumerate(events):
        event["i"] = i
        clean = {k: v for k, v in event.items() if v is not None}
        lines.append(json.dumps(clean, sort_keys=True, separators=(",", ":")))
    return lines


def merged_trace(run: RunDir) -> Trace:
    """The merged trace of a run, as a :class:`~distsys_edu.runtime.Trace`."""
    return Trace.from_jsonl(io.StringIO("\n".join(merged_lines(run)) + "\n"))
