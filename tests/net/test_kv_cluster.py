"""The key-value store as real processes: 3 servers and 2 clients on loopback, the
leader killed under client load, and the merged history checked for linearizability.

Generous limits throughout (election timeouts of 300-600 ms, waits with deadlines
of many seconds): a loaded machine slows this test down without failing it. What
is asserted is what happened, never how fast.
"""

from __future__ import annotations

import pytest
from netfixtures import ELECTION_TIMEOUT, all_ended

from distsys_edu.checks import History, linearizable
from distsys_edu.net import Cluster
from distsys_edu.net.children import wait_until
from distsys_edu.net.clients import completed, wait_for_completed
from distsys_edu.net.codec import MessageCodec, protocol_message_types
from distsys_edu.net.storage import PersistentStorage
from distsys_edu.protocols.raftlog import Entry
from distsys_edu.runtime.errors import InvalidArgument

OPTIONS = {
    "election_timeout": list(ELECTION_TIMEOUT),
    "clients": 2,
    "workload": {"keys": ["x", "y"], "think": 0.05, "retry_after": 0.5, "give_up": 3.0},
}
WAIT = 100 * ELECTION_TIMEOUT[1]  # guards a hang only: each wait ends when its event comes
CODEC = MessageCodec(protocol_message_types("raftlog"), lambda name: name)
COMPLETIONS = 5
"""Operations each stretch of the run must see completed (``ok``) by the clients."""


def stored_log(cluster: Cluster, node: str) -> list[object]:
    """The log in ``node``'s storage file, as its process reads it back."""
    return PersistentStorage(cluster.run.node_file(node, "storage.json"), CODEC)["log"]


def test_a_kv_store_of_real_processes_survives_its_leader_and_stays_linearizable(
    tmp_path, clusters
):
    cluster = Cluster.up("kv", 3, tmp_path / "run", options=OPTIONS)  # raftlog's other name
    clusters.track(cluster)
    assert cluster.config.protocol == "raftlog"  # what a node process looks up
    assert cluster.config.servers == ["n1", "n2", "n3"]
    assert cluster.config.clients == ["c1", "c2"]
    assert wait_for_completed(cluster, COMPLETIONS, WAIT) >= COMPLETIONS
    leader, term = cluster.wait_for_leader(WAIT)  # it holds every committed entry

    with pytest.raises(InvalidArgument, match=r"node='c1'.*must be one of n1, n2, n3"):
        cluster.kill("c1")  # fault commands spare the clients
    with pytest.raises(InvalidArgument, match=r"at_least=-1 .*an int >= 0"):
        wait_for_completed(cluster, -1, WAIT)
    before = completed(cluster)
    cluster.kill(leader)
    on_disk = stored_log(cluster, leader)
    assert len(on_disk) >= COMPLETIONS and all(isinstance(e, Entry) for e in on_disk)
    successor, _ = cluster.wait_for_leader(WAIT, above_term=term)
    wait_for_completed(cluster, before + COMPLETIONS, WAIT)

    # the old leader comes back with its log from disk, follows a leader, and catches up
    cluster.restart(leader)
    clusters.track(cluster)
    cluster.wait_for(lambda ss: {s.name: s for s in ss}[leader].leader is not None, WAIT)
    wait_until(lambda: len(stored_log(cluster, leader)) > len(on_disk), WAIT, "catching up")
    pids = set(cluster.pids().values())
    cluster.down()
    assert all_ended(pids)

    trace = cluster.trace()
    killed_at = next(e.t for e in trace if e.kind == "crash" and e.node == leader)
    history = History.from_trace(trace)
    done = [op for op in history.ops if op.complete is not None]
    assert completed(cluster) == len(done)  # what the clients had written, row for row
    assert {op.client for op in done} == {"c1", "c2"}
    assert any(op.invoke > killed_at for op in done)  # served by the new leader
    assert successor != leader
    verdict = linearizable(history, model="kv", timeout=60)
    assert verdict.linearizable is not False, verdict
