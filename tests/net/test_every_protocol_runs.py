"""Every registered protocol gets an actor factory per node on a real network."""

from __future__ import annotations

import pytest

from distsys_edu.net.factories import cluster_factories
from distsys_edu.protocols.registry import PROTOCOLS


@pytest.mark.parametrize("protocol", sorted(PROTOCOLS))
def test_every_protocol_gets_a_factory_per_node(protocol):
    assert sorted(cluster_factories(protocol, ["n1", "n2", "n3"], {}, seed=0)) == ["n1", "n2", "n3"]
