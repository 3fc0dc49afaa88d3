"""What the election tests (Bully, Chang-Roberts ring) share: reading who leads, running
a first election, and churning a cluster with random crashes and restarts.

Imported as ``from election_helpers import ...`` (pytest puts this folder on the path).
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from distsys_edu import LinkConfig, Sim, Uniform

SpawnCluster = Callable[..., list[str]]
"""A protocol's ``spawn_cluster(sim, nodes, **options) -> names``."""

OUTAGES = st.lists(
    st.tuples(st.integers(0, 5), st.floats(0.0, 2.0), st.floats(0.0, 2.0)), max_size=4
)
"""Outages for :func:`run_with_outages`: ``(node index, seconds before, seconds down)``."""


def leaders(sim: Sim, names: list[str]) -> list[str]:
    """The nodes that believe they are the leader (coordinator)."""
    return [n for n in names if sim.annotations(n).get("role") == "leader"]


def everyone_follows(sim: Sim, names: list[str], leader: str) -> bool:
    """Every node in ``names`` names ``leader``, which alone is in the leader role."""
    return leaders(sim, names) == [leader] and all(
        sim.annotations(n).get("leader") == leader for n in names
    )


def run_election(
    spawn_cluster: SpawnCluster, nodes: int, *, until: float = 1.0, **options: object
) -> tuple[Sim, list[str]]:
    """Spawn ``nodes`` nodes with ``options`` in a ``Sim(seed=0)`` and run it ``until``."""
    sim = Sim(seed=0)
    names = spawn_cluster(sim, nodes, **options)
    sim.run(until=until)
    return sim, names


def run_with_outages(
    spawn_cluster: SpawnCluster,
    n: int,
    seed: int,
    outages: list[tuple[int, float, float]],
    **options: object,
) -> tuple[Sim, list[str]]:
    """Run ``n`` nodes through ``outages`` (see :data:`OUTAGES`), one after another from
    0.5 s, with variable latency and no loss, then 5 s more with every node back up.

    The Sim is strict: a handler that raises fails the test.
    """
    faults, t = [], 0.5
    for index, before, down in outages:
        node = f"n{index % n + 1}"
        t += before
        faults.append(f"{t!r} crash {node}")
        t += down
        faults.append(f"{t!r} restart {node}")
    sim = Sim(seed=seed, strict=True, network=LinkConfig(latency=Uniform(0.001, 0.02)))
    sim.schedule(faults)
    names = spawn_cluster(sim, n, **options)
    sim.run(until=t + 5.0)
    return sim, names
