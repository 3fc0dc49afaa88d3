"""Worked answers to lesson 00's warm-ups (:mod:`distsys_edu.exercises.warm_ups`)."""

from __future__ import annotations

from ...protocols import spawn
from ...runtime import Sim


def run_twice(seed: int) -> tuple[Sim, Sim]:
    """Run the same 5-node Raft cluster for 1 s twice with ``seed``; return both Sims."""
    sims = []
    for _ in range(2):
        sim = Sim(seed=seed)
        spawn(sim, "raft", 5)
        sim.run(until=1.0)
        sims.append(sim)
    return sims[0], sims[1]


def first_leader(sim: Sim) -> str:
    """Run the given cluster 2 s of virtual time, then return the first node that
    announced itself leader."""
    sim.run(until=2.0)
    return next(str(e.node) for e in sim.trace.events("annotate") if e.data.get("role") == "leader")
