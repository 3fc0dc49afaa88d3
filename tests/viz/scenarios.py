"""Small real runs that the viz tests draw (imported as ``from scenarios import ...``)."""

from __future__ import annotations

from distsys_edu.protocols import spawn
from distsys_edu.runtime import LinkConfig, Sim, Uniform

LATENCY = LinkConfig(latency=Uniform(0.005, 0.020))


def raft(until: float, *, seed: int = 1, nodes: int = 5, faults: list[str] | None = None) -> Sim:
    """A Raft cluster run until ``until`` with ``faults``."""
    sim = Sim(seed=seed, network=LATENCY, faults=faults or [])
    spawn(sim, "raft", nodes)
    sim.run(until=until)
    return sim


def leader(sim: Sim) -> str:
    """The one node that is up and says it leads."""
    (name,) = [
        n for n in sim.nodes if sim.status(n) == "up" and sim.annotations(n).get("role") == "leader"
    ]
    return name
