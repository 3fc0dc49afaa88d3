"""The one send path: its common case, written out for speed, records what the general path does.

``Transport._send`` schedules and records a message itself when nothing can
happen to it but the network's one constant delay, and hands it to ``_route``
otherwise. Both must leave the same trace: here whole runs compare, once as
they are and once with the written-out case switched off (the network is told
it never has a single delay), counting the messages ``_route`` sees each time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.protocols.registry import PROTOCOLS, spawn
from distsys_edu.runtime import Constant, LinkConfig, Network, Sim
from distsys_edu.runtime.node import Envelope
from distsys_edu.runtime.transport import Transport


@contextmanager
def routed_messages(*, general_path_only: bool) -> Iterator[list[Envelope]]:
    """Yield a list of every envelope ``_route`` handles inside the block."""
    routed: list[Envelope] = []
    refresh, route = Network.refresh, Transport._route

    def refresh_without_fast_delay(self: Network) -> None:
        refresh(self)
        self.fast_delay = None

    def counting_route(self: Transport, env: Envelope) -> None:
        routed.append(env)
        route(self, env)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Transport, "_route", counting_route)
        if general_path_only:
            patch.setattr(Network, "refresh", refresh_without_fast_delay)
        yield routed


def digests(protocol: str, nodes: int, seed: int, latency: float) -> tuple[str, str, int]:
    """The full and counts digests of a 3-second run, and how many messages it sent."""
    sims = []
    for level in ("full", "counts"):
        sim = Sim(seed=seed, trace=level, network=LinkConfig(latency=Constant(latency)))
        spawn(sim, protocol, nodes)
        sim.run(until=3)
        sims.append(sim)
    return sims[0].trace.digest(), sims[1].trace.digest(), sims[0].sent


@settings(max_examples=10, deadline=None)
@given(
    protocol=st.sampled_from(sorted(PROTOCOLS)),
    nodes=st.integers(3, 5),
    seed=st.integers(0, 1000),
    latency=st.sampled_from([0.001, 0.0005, 0.003]),
)
def test_the_written_out_send_records_what_the_general_path_records(
    protocol: str, nodes: int, seed: int, latency: float
) -> None:
    with routed_messages(general_path_only=False) as fast_routed:
        fast = digests(protocol, nodes, seed, latency)
    with routed_messages(general_path_only=True) as general_routed:
        general = digests(protocol, nodes, seed, latency)
    assert fast_routed == []  # every message took the written-out case
    assert len(general_routed) > 0  # ... and here every one between two nodes took _route
    assert general == fast
