"""Counting the KV clients' completed operations while a real cluster runs
(distsys_edu.net.clients); the count on a real run is checked against the merged
history in test_kv_cluster.py."""

from __future__ import annotations

import json

import pytest

from distsys_edu.net.clients import completed, completed_in, wait_for_completed
from distsys_edu.runtime.errors import InvalidArgument


def row(kind: str, **data: object) -> str:
    return json.dumps({"t": 1.0, "lc": 3, "kind": kind, "node": "c1", "data": data}) + "\n"


def test_only_ok_completions_count_and_a_half_written_row_waits():
    rows = (
        row("annotate", history=["invoke", "put", "x", 1])
        + row("annotate", history=["ok", "put", "x", 1])
        + row("annotate", history=["info", "get", "x", None])  # a timeout: no answer
        + row("annotate", role="client")
        + json.dumps({"t": 1.1, "kind": "send", "node": "c1", "msg": {"history": ["ok"]}})
        + "\n"
        + row("annotate", history=["ok", "get", "x", 1])
    )
    assert completed_in(rows) == 2
    assert completed_in(rows[:-1]) == 1  # the last row is still being written
    assert completed_in(rows[: rows.index('"ok"') + 10]) == 0
    assert completed_in("") == 0


def test_waiting_needs_clients_and_a_count(clusters):
    cluster = clusters.up(1)  # raft: no clients
    assert completed(cluster) == 0
    with pytest.raises(InvalidArgument, match=r"cluster='raft' .*must have clients"):
        wait_for_completed(cluster, 1, timeout=1)
    cluster.down()
