"""Cluster.wait_for_leader: agreement on one leader, among some nodes, above a term."""

from __future__ import annotations

import pytest
from netfixtures import ELECTION_TIMEOUT

from distsys_edu.net import NetError
from distsys_edu.runtime.errors import InvalidArgument

WITHIN = 20 * ELECTION_TIMEOUT[1]


def test_waits_for_agreement_then_for_a_higher_term_among_the_rest(clusters):
    cluster = clusters.up(3)
    leader, term = cluster.wait_for_leader(WITHIN)
    statuses = {s.name: s for s in cluster.status()}
    assert statuses[leader].role == "leader" and statuses[leader].term == term >= 1
    assert all(s.leader == leader for s in statuses.values())
    with pytest.raises(NetError, match=r"timed out after 0\.3 s"):
        cluster.wait_for_leader(0.3, above_term=term + 100)
    cluster.pause(leader)
    rest = [n for n in cluster.config.nodes if n != leader]
    second, term2 = cluster.wait_for_leader(WITHIN, among=rest, above_term=term)
    assert second in rest and term2 > term
    with pytest.raises(InvalidArgument, match="node='n9' is not allowed"):
        cluster.wait_for_leader(1, among=["n9"])
