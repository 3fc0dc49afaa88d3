"""Plausible wrong answers to lesson 00's warm-ups, each the worked answer with one rule
left out (or one mistake a learner makes, written from the lesson text)."""

from distsys_edu import Sim
from distsys_edu.protocols import spawn


def one_run(seed: int, nodes: int = 5, until: float = 1.0, protocol: str = "raft") -> Sim:
    sim = Sim(seed=seed)
    spawn(sim, protocol, nodes)
    sim.run(until=until)
    return sim


# -- warm-up 1: run_twice ---------------------------------------------------------------


def one_run_twice(seed: int) -> tuple[Sim, Sim]:
    """One run, returned twice: its digest is trivially equal to itself."""
    sim = one_run(seed)
    return sim, sim


def two_seeds(seed: int) -> tuple[Sim, Sim]:
    return one_run(seed), one_run(seed + 1)


def ignores_seed(seed: int) -> tuple[Sim, Sim]:
    return one_run(1), one_run(1)


def three_nodes(seed: int) -> tuple[Sim, Sim]:
    return one_run(seed, nodes=3), one_run(seed, nodes=3)


def two_seconds(seed: int) -> tuple[Sim, Sim]:
    return one_run(seed, until=2.0), one_run(seed, until=2.0)


def bully(seed: int) -> tuple[Sim, Sim]:
    """Runs the bully election, the next lesson's, instead of Raft."""
    return one_run(seed, protocol="bully"), one_run(seed, protocol="bully")


def crash_in_the_second(seed: int) -> tuple[Sim, Sim]:
    """Changes the second run: a node crashes in it."""
    second = Sim(seed=seed, faults=["0.5 crash n1"])
    spawn(second, "raft", 5)
    second.run(until=1.0)
    return one_run(seed), second


def digests(seed: int) -> tuple[str, str]:
    """Returns the digests, as the lesson's first cell prints them."""
    return one_run(seed).trace.digest(), one_run(seed).trace.digest()


def second_run_shorter(seed: int) -> tuple[Sim, Sim]:
    """Runs the first Sim for 1 s, then the second only to 0.5 s."""
    return one_run(seed), one_run(seed, until=0.5)


# -- warm-up 2: first_leader --------------------------------------------------------------


def leaders(sim: Sim, until: float = 2.0) -> list[str]:
    sim.run(until=until)
    return [str(e.node) for e in sim.trace.events("annotate") if e.data.get("role") == "leader"]


def last_leader(sim: Sim) -> str:
    """The last node to announce itself leader."""
    return leaders(sim)[-1]


def leader_at_the_end(sim: Sim) -> str | None:
    """The node that leads at t=5 (the last annotation of each node)."""
    sim.run(until=5.0)
    return next((n for n in sim.nodes if sim.annotations(n).get("role") == "leader"), None)


def first_candidate(sim: Sim) -> str:
    """The first node to stand as candidate."""
    sim.run(until=2.0)
    return next(str(e.node) for e in sim.trace.events("annotate") if e.data["role"] == "candidate")


def last_node(sim: Sim) -> str:
    sim.run(until=2.0)
    return sim.nodes[-1]


def too_short(sim: Sim) -> str | None:
    found = leaders(sim, until=0.01)
    return found[0] if found else None


def own_sim(sim: Sim) -> str:
    """Runs a cluster of its own (the lesson's seed 1) instead of the one given."""
    mine = Sim(seed=1)
    spawn(mine, "raft", 5)
    return leaders(mine)[0]


def the_event(sim: Sim):
    """Returns the annotate event itself, not the node's name."""
    sim.run(until=2.0)
    return next(e for e in sim.trace.events("annotate") if e.data.get("role") == "leader")
