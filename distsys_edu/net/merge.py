"""One trace from many processes, in the simulator's schema.

Each node writes its own rows (``nodes/NAME.trace.jsonl``), each with its time
(seconds since the cluster started, on the launcher machine's monotonic clock)
and its Lamport clock; the launcher writes the faults it caused
(``control.jsonl``: crash, pause, resume, partition, heal, loss).

The order. A causal order (every message sent before it arrives, each node's
rows in their own order) would do for the checks, but times would jump back and
forth (a quiet node's clock lags), and snapshots and checks read a trace as a
time line. So the merged trace is ordered by **time, then causal rank**, after
one repair: walking the rows in a causal order (:func:`causal_walk`), each
row's time is raised, if need be, to that of the row before it in its process
and, for an arrival, to that of its send. Then time never goes back, every
message is sent before it arrives, and each process's rows keep their order.
On one machine the clock is shared and the repair changes nothing; it matters
only where clocks disagree.

A node's own rows are in its file's order, which is the order of (incarnation,
Lamport clock): a restarted node's Lamport clock starts at 0 again, so Lamport
clocks alone would mix a node's earlier life with its later one (and the repair
would move the earlier life after the restart).

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
from collections import deque
from dataclasses import dataclass
from typing import Any

from ..runtime import Trace
from ..runtime.trace import FORMAT, FORMAT_VERSION
from .rundir import RunDir


@dataclass
class Row:
    """One row from one process: ``source`` ranks the process, ``seq`` the row in it
    (across all its incarnations), ``rank`` its place in :func:`causal_walk`."""

    data: dict[str, Any]
    source: int
    seq: int
    lamport: int
    t: float
    rank: int = 0


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


def causal_walk(rows: list[Row]) -> list[Row]:
    """The rows in an order that puts every cause first: each process's rows in their
    own order (``seq``), and every arrival (or drop) after its send.

    Among rows that are ready, those of lower sources go first. A receipt whose send
    row is missing (lost with a killed process) waits for nothing. Causality has no
    cycles; should malformed rows make one, the waiting row with the lowest Lamport
    clock goes first, so the walk always ends.
    """
    queues: dict[int, deque[Row]] = {}
    for row in sorted(rows, key=lambda r: (r.source, r.seq)):
        queues.setdefault(row.source, deque()).append(row)
    sends = {tuple(r.data["mid"]) for r in rows if r.data.get("kind") == "send" and "mid" in r.data}
    walked: list[Row] = []
    visited: set[tuple[Any, ...]] = set()

    def ready(row: Row) -> bool:
        mid = row.data.get("mid")
        return (
            row.data.get("kind") == "send"
            or mid is None
            or (tuple(mid) not in sends or tuple(mid) in visited)
        )

    def visit(row: Row) -> None:
        if row.data.get("kind") == "send" and "mid" in row.data:
            visited.add(tuple(row.data["mid"]))
        row.rank = len(walked)
        walked.append(row)

    while queues:
        moved = False
        for source in sorted(queues):
            queue = queues[source]
            while queue and ready(queue[0]):
                visit(queue.popleft())
                moved = True
        if not moved:  # only malformed rows can make a cycle
            stuck = min(queues, key=lambda s: (queues[s][0].lamport, s))
            visit(queues[stuck].popleft())
        queues = {s: q for s, q in queues.items() if q}
    return walked


def repair_times(rows: list[Row]) -> None:
    """Raise times so that no row comes before its cause, and rank each row in a
    causal order (see the module's docstring)."""
    last_in_source: dict[int, float] = {}
    sent_at: dict[tuple[Any, ...], float] = {}
    for row in causal_walk(rows):
        t = max(row.t, last_in_source.get(row.source, row.t))
        mid = row.data.get("mid")
        if mid is not None:
            key = tuple(mid)
            if row.data["kind"] == "send":
                sent_at[key] = t
            else:
                t = max(t, sent_at.get(key, t))
        row.t = last_in_source[row.source] = t


def merge_order(row: Row) -> tuple[float, int]:
    """The merged trace's order, after :func:`repair_times`: time, then causal rank."""
    return (row.t, row.rank)


def merged_lines(run: RunDir) -> list[str]:
    """The merged trace as canonical JSON lines (header first)."""
    config = run.config()
    rows = read_rows(run)
    repair_times(rows)
    rows.sort(key=merge_order)
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
