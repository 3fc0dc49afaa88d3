"""How far the key-value clients of a real cluster have got, read while it runs.

A client process writes each operation it completes to its own trace file as it
happens (an ``annotate`` row under :data:`~distsys_edu.protocols.history.HISTORY_KEY`,
see :mod:`distsys_edu.protocols.history`; the file is line-buffered, so a finished
row is on disk at once). :func:`completed` counts those rows, so a script, a test
or a lesson can wait until the clients have done some work before it breaks
something: ``wait_for_completed(cluster, completed(cluster) + 5, timeout=20)``.
Times here are real seconds on this machine's clock.
"""

from __future__ import annotations

import json

from ..protocols.history import HISTORY_KEY
from ..runtime.errors import invalid
from .children import wait_until
from .launcher import Cluster

__all__ = ["completed", "completed_in", "wait_for_completed"]

_MARK = f'"{HISTORY_KEY}"'
"""Only rows that hold this text can be history rows: the others are not parsed."""


def completed(cluster: Cluster) -> int:
    """How many operations the clients of ``cluster`` have completed with an answer
    (``ok``) so far, by their trace files; ``0`` for a cluster without clients."""
    paths = [cluster.run.node_file(client, "trace.jsonl") for client in cluster.config.clients]
    return sum(completed_in(path.read_text()) for path in paths if path.exists())


def completed_in(rows: str) -> int:
    """How many ``ok`` completions the trace rows ``rows`` (JSON lines) record; a last
    row without its newline is being written and is not read yet."""
    *finished, _being_written = rows.split("\n")
    count = 0
    for line in finished:
        if _MARK in line:
            row = json.loads(line)
            record = row.get("data", {}).get(HISTORY_KEY)
            count += row["kind"] == "annotate" and record is not None and record[0] == "ok"
    return count


def wait_for_completed(cluster: Cluster, at_least: int, timeout: float) -> int:
    """Wait until the clients of ``cluster`` have completed ``at_least`` operations.

    Returns:
        How many they had completed when that was seen (``>= at_least``).

    Raises:
        InvalidArgument: the cluster has no clients, or ``at_least`` is not an int >= 0.
        NetError: they had not within ``timeout`` real seconds.
    """
    if not cluster.config.clients:
        raise invalid("cluster", cluster.config.protocol, "must have clients (option clients)")
    if isinstance(at_least, bool) or not isinstance(at_least, int) or at_least < 0:
        raise invalid("at_least", at_least, "must be an int >= 0")
    seen = [0]

    def enough() -> bool:
        seen[0] = completed(cluster)
        return seen[0] >= at_least

    wait_until(enough, timeout, f"the clients to complete {at_least} operations")
    return seen[0]
