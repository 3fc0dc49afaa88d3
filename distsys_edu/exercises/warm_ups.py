"""Lesson 00's warm-ups: a seed fixes a run, and a trace tells who led first.

* :func:`run_twice`: run the same 5-node Raft cluster twice with one seed, for 1 s of
  virtual time each, and return both Sims. :func:`check_same_seed` checks that they
  are two runs (not one returned twice), each with the given seed, 5 Raft nodes and
  1 s, and that their digests equal each other and the reference run's.
* :func:`first_leader`: given a 5-node Raft Sim that has not run yet, run it and name
  the first node it elected. :func:`check_first_leader` hands it clusters the lesson
  never shows: a plain one, one whose first leader crashes at t=0.6 (so the first
  leader is not the last), and one whose first candidate is cut off and loses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..protocols import spawn
from ..runtime import Sim
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register
from .solutions.warm_ups import run_twice as reference_run_twice

NODES, RUN_FOR = 5, 1.0
"""Warm-up 1's cluster: 5 Raft nodes, run for 1 s of virtual time."""

HORIZON = 5.0
"""How long the check runs its own copy of a warm-up 2 cluster to learn who led when."""


def run_twice(seed: int) -> tuple[Sim, Sim]:
    """Run a 5-node Raft cluster for 1 s of virtual time twice, both times with ``seed``.

    Args:
        seed: the seed of both runs.

    Returns:
        The two Sims, ``(first, second)``, after their runs (the check compares
        their trace digests).
    """
    raise NotImplementedError("make a Sim with the seed, spawn raft, run it; twice")


def first_leader(sim: Sim) -> str:
    """The first node that a 5-node Raft cluster elects leader.

    Args:
        sim: a Sim with 5 Raft nodes spawned, not yet run (its nodes may crash or
            be cut off: the check's clusters do).

    Returns:
        The node's name, e.g. ``"n3"``.
    """
    raise NotImplementedError("run the sim long enough, then find the first 'leader' annotation")


@dataclass(frozen=True)
class Answered:
    """What a scenario gives its judge: what it asked, and what the learner's function said."""

    question: Any
    answer: Any


# -- warm-up 1: same seed, same run ----------------------------------------------------


def ask(seed: int, learner_function: Callable[[int], Any]) -> Answered:
    """Call the learner's ``run_twice`` with ``seed``."""
    return Answered(seed, learner_function(seed))


def judge_same_seed(world: Answered) -> Problem | None:
    """Two separate runs with the seed, 5 Raft nodes, 1 s: one digest, the reference's."""
    seed, got = world.question, world.answer
    want = reference_run_twice(seed)[0].trace.digest()
    expected = f"two Sims, each run with seed={seed}, their digests both {want[:12]}…"
    if not (isinstance(got, tuple | list) and len(got) == 2):
        return Problem(expected, f"it returned {got!r}", "return a tuple of the two Sims")
    if not all(isinstance(sim, Sim) for sim in got):
        kinds = " and ".join(type(sim).__name__ for sim in got)
        return Problem(
            expected,
            f"it returned a {kinds}",
            "return the two Sims themselves (the check takes their digests)",
        )
    first, second = got
    if first is second:
        return Problem(
            expected,
            "it returned the same Sim twice: that is one run, not two",
            "one Sim returned twice is one run, not two: make a second Sim(seed=seed), "
            "spawn and run it too",
        )
    if first.seed != seed and second.seed != seed:
        return Problem(
            expected,
            f"the Sims were made with seed={first.seed} and seed={second.seed}",
            f"use the seed given ({seed}), not one of your own: Sim(seed=seed)",
        )
    for which, sim in (("first", first), ("second", second)):
        problem = _one_run(which, sim, seed, expected)
        if problem is not None:
            return problem
    a, b = first.trace.digest(), second.trace.digest()
    if a != b:
        return Problem(
            expected,
            f"the two runs differed: digests {a[:12]}… and {b[:12]}…",
            "change nothing between the runs: Sim(seed=seed), spawn(sim, 'raft', 5), "
            "sim.run(until=1.0), the same each time",
        )
    if a != want:
        return Problem(
            expected,
            f"both runs gave {a[:12]}…: they agree, but are not the run asked for",
            "run the Raft cluster and nothing else: spawn(sim, 'raft', 5), no other "
            "protocol, options or faults",
        )
    return None


def _one_run(which: str, sim: Sim, seed: int, expected: str) -> Problem | None:
    """What is wrong with one of the two runs: its seed, its nodes or its length."""
    if sim.seed != seed:
        return Problem(
            expected,
            f"the {which} Sim was made with seed={sim.seed}",
            "use the same seed for both runs, the one given: Sim(seed=seed) each time",
        )
    if len(sim.nodes) != NODES:
        return Problem(
            expected,
            f"the {which} Sim has {len(sim.nodes)} nodes",
            "spawn the 5 Raft nodes in each run: spawn(sim, 'raft', 5)",
        )
    if sim.now != RUN_FOR:
        return Problem(
            expected,
            f"the {which} Sim ran until t={sim.now:g}",
            f"run the {which} Sim for 1 s of virtual time, as the other: sim.run(until=1.0)"
            if which == "second"
            else "run each Sim for 1 s of virtual time: sim.run(until=1.0)",
        )
    return None


SAME_SEED = register(
    Exercise(
        "same_seed",
        "run_twice",
        tuple(
            Scenario(f"seed {seed}", partial(ask, seed), judge_same_seed, "answered")
            for seed in (7, 8)
        ),
        writes="function",
    )
)


# -- warm-up 2: who leads first? -------------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    """A 5-node Raft cluster the check hands to ``first_leader``: a seed and faults."""

    seed: int
    faults: tuple[str, ...] = ()

    def build(self) -> Sim:
        """A fresh Sim with the cluster spawned, not yet run."""
        sim = Sim(seed=self.seed, faults=list(self.faults))
        spawn(sim, "raft", NODES)
        return sim


@dataclass(frozen=True)
class Ran:
    """The learner's Sim after ``first_leader`` ran it, and what it returned."""

    sim: Sim
    answer: Any


def ask_cluster(cluster: Cluster, learner_function: Callable[[Sim], Any]) -> Answered:
    """Build ``cluster`` and hand it to the learner's ``first_leader``."""
    sim = cluster.build()
    return Answered(cluster, Ran(sim, learner_function(sim)))


def _roles(sim: Sim, role: str) -> list[tuple[float, str]]:
    """``(t, node)`` of every annotation that published ``role``, in time order."""
    return [(e.t, str(e.node)) for e in sim.trace.events("annotate") if e.data.get("role") == role]


def judge_first_leader(world: Answered) -> Problem | None:
    """The learner named the first node elected; if not, which wrong node it named."""
    cluster: Cluster = world.question
    ran: Ran = world.answer
    truth = cluster.build()
    truth.run(until=HORIZON)
    leaders, candidates = _roles(truth, "leader"), _roles(truth, "candidate")
    elected_at, want = leaders[0]
    got = ran.answer
    if isinstance(got, str) and got == want:
        return None
    expected = f"{want}, elected at t={elected_at:.3g}, the first node to lead"
    happened = f"it returned {got!r}"
    if ran.sim.now == 0.0:
        hint = (
            "run the Sim you are given (sim.run(until=2.0)), not one of your own: "
            "the check hands you clusters in which nodes crash or are cut off"
        )
        return Problem(expected, f"{happened}; the Sim it was given never ran", hint)
    if got is None or ran.sim.now < elected_at:
        return Problem(
            expected,
            f"{happened}; it ran the Sim until t={ran.sim.now:g}",
            "nobody leads yet at the start: run the Sim longer (e.g. until=2.0) "
            "before you look for a leader",
        )
    if not isinstance(got, str) or got not in truth.nodes:
        return Problem(expected, happened, "return the node's name, a str such as 'n3' (e.node)")
    return Problem(expected, happened, _which_node(got, leaders, candidates), at=elected_at)


def _which_node(
    got: str, leaders: Sequence[tuple[float, str]], candidates: Sequence[tuple[float, str]]
) -> str:
    """Name the mistake that returns ``got`` instead of the first leader."""
    look = "the answer is the node of the earliest annotate event with role 'leader'"
    later = [t for t, node in leaders if node == got]
    if later:
        return (
            f"{got} became leader only at t={later[0]:.3g}, after {leaders[0][1]} "
            f"(t={leaders[0][0]:.3g}) led first: {look}, not the last leader nor "
            "the leader at the end of the run"
        )
    if candidates and candidates[0][1] == got:
        return (
            f"{got} was the first candidate (t={candidates[0][0]:.3g}) but lost: a "
            f"candidate asks for votes and may never lead. Look for role 'leader', not "
            "'candidate'"
        )
    return f"{got} never led in this run: {look} (whatever the node's name or spawn order)"


FIRST_LEADER = register(
    Exercise(
        "first_leader",
        "first_leader",
        (
            Scenario("seed 11", partial(ask_cluster, Cluster(11)), judge_first_leader, "answered"),
            Scenario(
                "the first leader crashes",
                partial(ask_cluster, Cluster(23, ("0.6 crash n1",))),
                judge_first_leader,
                "answered",
            ),
            Scenario(
                "the first candidate is cut off",
                partial(ask_cluster, Cluster(42, ("0 partition n5|n1,n2,n3,n4",))),
                judge_first_leader,
                "answered",
            ),
        ),
        writes="function",
    )
)


def check_same_seed(
    learner_function: Callable[[int], Any], *, strict: bool | None = None
) -> ExerciseResult:
    """Check ``run_twice(seed)``: two runs with one seed give one digest (lesson 00).

    Args:
        learner_function: your ``run_twice`` (the function, not a call).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return SAME_SEED.check(learner_function, strict=strict)


def check_first_leader(
    learner_function: Callable[[Sim], Any], *, strict: bool | None = None
) -> ExerciseResult:
    """Check ``first_leader(sim)`` on clusters the lesson never shows (lesson 00).

    Args:
        learner_function: your ``first_leader`` (the function, not a call).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return FIRST_LEADER.check(learner_function, strict=strict)
