"""Protocols that cannot run as real processes yet are refused up front, with the reason."""

from __future__ import annotations

import pytest

from distsys_edu.net.factories import SIMULATOR_ONLY, cluster_factories
from distsys_edu.protocols.registry import PROTOCOLS
from distsys_edu.runtime.errors import InvalidArgument


@pytest.mark.parametrize("protocol", sorted(SIMULATOR_ONLY))
def test_a_simulator_only_protocol_is_refused_naming_why(protocol):
    assert protocol in PROTOCOLS
    with pytest.raises(InvalidArgument, match=f"protocol.*{protocol}.*simulator only"):
        cluster_factories(protocol, ["n1", "n2", "n3"], {}, seed=0)


@pytest.mark.parametrize("protocol", sorted(set(PROTOCOLS) - set(SIMULATOR_ONLY)))
def test_every_other_protocol_gets_a_factory_per_node(protocol):
    assert sorted(cluster_factories(protocol, ["n1", "n2", "n3"], {}, seed=0)) == ["n1", "n2", "n3"]
