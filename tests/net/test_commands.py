"""Every launcher command reaches every node, whatever state it was in when given."""

from __future__ import annotations

import os
import signal

from netfixtures import ELECTION_TIMEOUT

from distsys_edu.net.rundir import read_json

WITHIN = 20 * ELECTION_TIMEOUT[1]


def adopted(cluster, node):
    """The version of the drop filter ``node`` last said it runs with."""
    return read_json(cluster.run.node_file(node, "status.json"), {}).get("filter_version", 0)


def current(cluster):
    return cluster.run.state()["filter"]["version"]


def test_a_paused_node_runs_with_the_current_filter_once_resumed(clusters):
    cluster = clusters.up(3)
    cluster.wait_for_leader(WITHIN)
    cluster.partition("n3|n1,n2")
    assert adopted(cluster, "n3") == current(cluster)
    cluster.pause("n3")
    cluster.heal()  # n3 is frozen: it cannot take the new filter now
    cluster.loss(0.0)
    cluster.resume("n3")
    assert adopted(cluster, "n3") == current(cluster)  # resume returns once it took it
    # n3 hears the others again: all three agree on one leader
    cluster.wait_for_leader(WITHIN)

    cluster.pause("n2")
    cluster.partition("n2|n1,n3")
    cluster.kill("n2")
    cluster.restart("n2")  # a fresh process, with the filter set while it was away
    clusters.track(cluster)
    assert adopted(cluster, "n2") == current(cluster)
    cluster.heal()
    assert {adopted(cluster, n) for n in cluster.config.nodes} == {current(cluster)}
    cluster.wait_for_leader(WITHIN)


def test_a_node_continued_by_hand_catches_up_with_the_filter_by_itself(clusters):
    cluster = clusters.up(3)
    cluster.pause("n1")
    cluster.partition("n1|n2,n3")  # n1 is frozen: only the others take it now
    assert adopted(cluster, "n1") < current(cluster)
    os.kill(cluster.pid("n1"), signal.SIGCONT)  # `kill -CONT`, not `net resume`
    cluster.wait_for(lambda _: adopted(cluster, "n1") == current(cluster), 10)
