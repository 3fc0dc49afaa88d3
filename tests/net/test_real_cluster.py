"""Five real processes on loopback: election, kill -9, SIGSTOP, partition, bad datagrams.

Timeouts are generous (election timeouts of 300-600 ms) and every wait polls with
a deadline, so that a loaded machine slows these tests down without failing them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket

import matplotlib.pyplot as plt
from netfixtures import ELECTION_TIMEOUT, all_ended

from distsys_edu.checks import one_leader_per_term
from distsys_edu.net.rundir import cluster_clock
from distsys_edu.net.wire import seal
from distsys_edu.runtime import snapshot_at
from distsys_edu.viz import timeline

MAX_ELECTION = ELECTION_TIMEOUT[1]
NEW_LEADER_WITHIN = 10 * MAX_ELECTION
"""The issue's bound: a new leader within 10 maximum election timeouts."""

FIRST_LEADER_WITHIN = 20 * MAX_ELECTION  # start-up: imports and a loaded machine


def leader_of(statuses, among=None):
    """The single up node claiming leadership (``among`` only), with its term, or None."""
    leaders = [
        s
        for s in statuses
        if s.state == "up" and s.role == "leader" and (among is None or s.name in among)
    ]
    return (leaders[0].name, leaders[0].term) if len(leaders) == 1 else None


def wait_for_leader(cluster, timeout, *, among=None, above_term=-1):
    found = {}

    def elected(statuses):
        result = leader_of(statuses, among)
        if result is not None and result[1] > above_term:
            followers = [s for s in statuses if s.state == "up" and s.name != result[0]]
            if among is not None:
                followers = [s for s in followers if s.name in among]
            if all(s.leader == result[0] for s in followers):
                found["leader"] = result
                return True
        return False

    cluster.wait_for(elected, timeout)
    return found["leader"]


def test_a_real_cluster_survives_kill_pause_and_partition(clusters):
    cluster = clusters.up(5)
    first, term = wait_for_leader(cluster, FIRST_LEADER_WITHIN)

    # kill -9 of the leader: a new leader, in a higher term, soon
    stored = json.loads(cluster.run.node_file(first, "storage.json").read_text())
    cluster.kill(first)
    second, term2 = wait_for_leader(cluster, NEW_LEADER_WITHIN, above_term=term)
    assert second != first

    # the killed node comes back with its term and vote (ctx.storage) and follows
    cluster.restart(first)
    clusters.track(cluster)
    restored = json.loads(cluster.run.node_file(first, "storage.json").read_text())
    assert restored["current_term"] >= stored["current_term"]
    cluster.wait_for(lambda ss: {s.name: s for s in ss}[first].leader is not None, 10)

    # SIGSTOP of the leader: the others elect another; after SIGCONT it steps down
    cluster.pause(second)
    others = [n for n in cluster.config.nodes if n != second]
    third, term3 = wait_for_leader(cluster, NEW_LEADER_WITHIN, among=others, above_term=term2)
    cluster.resume(second)
    cluster.wait_for(
        lambda ss: any(s.name == second and s.role == "follower" and s.term >= term3 for s in ss),
        NEW_LEADER_WITHIN,
    )

    # a partition: the majority side elects in a higher term; after heal, one leader
    minority = [third, *[n for n in others if n != third][:1]]
    majority = [n for n in cluster.config.nodes if n not in minority]
    cluster.partition(f"{','.join(minority)}|{','.join(majority)}")
    _, term4 = wait_for_leader(cluster, NEW_LEADER_WITHIN, among=majority, above_term=term3)
    cluster.heal()
    wait_for_leader(cluster, NEW_LEADER_WITHIN, above_term=term4 - 1)

    trace = cluster.trace()
    assert one_leader_per_term(trace) == []
    kinds = trace.counts()["events"]
    assert kinds["crash"] == 1 and kinds["restart"] == 1
    assert kinds["pause"] == kinds["resume"] == kinds["partition"] == kinds["heal"] == 1
    assert trace.counts()["drops"].get("partition", 0) > 0
    times = [e.t for e in trace]
    assert times == sorted(times)
    pids = set(cluster.pids().values())
    cluster.down()
    assert all_ended(pids)


def test_bad_datagrams_are_dropped_and_counted_and_the_node_keeps_working(clusters):
    cluster = clusters.up(3)
    leader, term = wait_for_leader(cluster, FIRST_LEADER_WITHIN)
    target = next(n for n in cluster.config.nodes if n != leader)
    key = cluster.run.key()
    where = (cluster.config.host, cluster.config.ports[target])
    header = {
        "src": leader,
        "dst": target,
        "boot": 999,
        "seq": 1,
        "sent": cluster_clock(cluster.config.start),
        "lc": 1,
        "msg": {"type": "Evil", "fields": {}},
    }
    unknown = seal(key, header)
    not_json = b"{not json"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"\x00" * 32 + b'{"src": "n1"}', where)  # bad HMAC
        sock.sendto(seal(b"?" * 32, header), where)  # a key not the cluster's
        sock.sendto(unknown, where)  # unknown message type
        sock.sendto(unknown, where)  # the same datagram again: a replay
        sock.sendto(hmac.new(key, not_json, hashlib.sha256).digest() + not_json, where)
        # authentic but malformed: a field of the wrong type, deep nesting, a huge time
        wrong = {"type": "RequestVote", "fields": {"term": "zzz", "candidate_id": leader}}
        sock.sendto(seal(key, {**header, "seq": 2, "msg": wrong}), where)
        deep = "[" * 20_000 + "]" * 20_000
        body = json.dumps({**header, "seq": 3, "msg": 0}).replace('"msg": 0', f'"msg": {deep}')
        sock.sendto(hmac.new(key, body.encode(), hashlib.sha256).digest() + body.encode(), where)
        sock.sendto(seal(key, {**header, "seq": 4, "sent": 10**400}), where)
    expected = {"bad_hmac": 2, "unknown_type": 1, "replayed": 1, "malformed": 4}

    def counted(statuses):
        refused = {s.name: s for s in statuses}[target].refused
        return all(refused.get(reason) == n for reason, n in expected.items())

    cluster.wait_for(counted, 10)
    before = cluster.trace().counts()["events"]["deliver"]
    cluster.kill(leader)  # it still takes part: it helps elect the next leader
    new_leader, _ = wait_for_leader(cluster, NEW_LEADER_WITHIN, above_term=term)
    assert {s.name: s for s in cluster.status()}[target].alive
    assert cluster.trace().counts()["events"]["deliver"] > before
    assert new_leader != leader


def test_a_restart_in_the_middle_of_a_run_reads_right_before_and_after_it(clusters):
    cluster = clusters.up(3)
    leader, _ = wait_for_leader(cluster, FIRST_LEADER_WITHIN)
    node = next(n for n in cluster.config.nodes if n != leader)
    cluster.restart(node)  # a new incarnation: its Lamport clock starts at 0 again
    clusters.track(cluster)
    cluster.wait_for(lambda ss: {s.name: s for s in ss}[node].leader is not None, 10)
    trace = cluster.trace()

    # on one machine the clocks agree: the merge keeps every time as it was written
    files = [cluster.run.node_file(n, "trace.jsonl") for n in cluster.config.nodes]
    written = {json.loads(line)["t"] for path in files for line in path.open()}
    written |= {json.loads(line)["t"] for line in cluster.run.control_log.open()}
    assert {e.t for e in trace} <= written
    # its own story in order: the earlier life, the crash, then the later life
    own = ("spawn", "crash", "restart", "annotate", "timer")
    mine = [e for e in trace if e.node == node and e.kind in own]
    kinds = [e.kind for e in mine]
    crash, restart = kinds.index("crash"), kinds.index("restart")
    assert kinds[0] == "spawn" and "spawn" not in kinds[1:] and crash < restart
    assert kinds.count("crash") == kinds.count("restart") == 1
    crashed_at, restarted_at = mine[crash].t, mine[restart].t
    before = snapshot_at(trace, mine[crash - 1].t).nodes[node]
    assert before.status == "up" and before.annotations.get("role") == "follower"
    assert snapshot_at(trace, (crashed_at + restarted_at) / 2).nodes[node].status == "down"
    after = snapshot_at(trace, list(trace)[-1].t).nodes[node]
    assert after.status == "up" and after.annotations.get("leader") is not None
    drawn = timeline(trace)  # the space-time diagram reads it as any trace
    assert node in [label.get_text() for label in drawn.ax.get_yticklabels()]
    plt.close(drawn.ax.figure)
