"""Plausible wrong answers to lesson 00's warm-ups."""

from distsys_edu import Sim
from distsys_edu.protocols import spawn


def digest(seed: int, until: float = 1.0) -> str:
    sim = Sim(seed=seed)
    spawn(sim, "raft", 5)
    sim.run(until=until)
    return sim.trace.digest()


def two_seeds(seed: int) -> tuple[str, str]:
    return digest(seed), digest(seed + 1)


def ignores_seed(seed: int) -> tuple[str, str]:
    return digest(1), digest(1)


def last_node(seed: int) -> str:
    return "n5"


def too_short(seed: int) -> str | None:
    sim = Sim(seed=seed)
    spawn(sim, "raft", 5)
    sim.run(until=0.01)
    leaders = [e.node for e in sim.trace.events("annotate") if e.data.get("role") == "leader"]
    return leaders[0] if leaders else None
