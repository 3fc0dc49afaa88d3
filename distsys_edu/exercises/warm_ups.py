"""Lesson 00's warm-ups: a seed fixes a run, and a trace tells who led first.

* :func:`run_twice`: run the same 5-node Raft cluster twice with one seed and return
  both trace digests. :func:`check_same_seed` checks they are equal, equal to the
  reference run's, and that another seed gives another digest.
* :func:`first_leader`: the first node a 5-node Raft run with ``seed`` elects.
  :func:`check_first_leader` tries seeds the lesson never shows, and catches a run
  too short to elect anyone and a node picked from the end instead of the start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register
from .solutions.warm_ups import first_leader as reference_first_leader
from .solutions.warm_ups import run_twice as reference_run_twice


def run_twice(seed: int) -> tuple[str, str]:
    """Run a 5-node Raft cluster for 1 s of virtual time twice, both times with ``seed``.

    Args:
        seed: the seed of both runs.

    Returns:
        The two runs' trace digests, ``(first, second)``.
    """
    raise NotImplementedError("make a Sim with the seed, spawn raft, run it, take the digest")


def first_leader(seed: int) -> str:
    """The first node that a 5-node Raft run with ``seed`` elects leader.

    Args:
        seed: the seed of the run.

    Returns:
        The node's name, e.g. ``"n3"``.
    """
    raise NotImplementedError("run long enough, then find the first 'leader' annotation")


@dataclass(frozen=True)
class Answered:
    """What a scenario gives its judge: the seed, and what the learner's function said."""

    seed: int
    answer: Any


def ask(seed: int, learner_function: Callable[[int], Any]) -> Answered:
    """Call the learner's function with ``seed``."""
    return Answered(seed, learner_function(seed))


def judge_same_seed(world: Answered) -> Problem | None:
    """Both digests equal each other and the reference run's digest for this seed."""
    want, _ = reference_run_twice(world.seed)
    got = world.answer
    expected = f"two equal digests, both {want}"
    if not (isinstance(got, tuple | list) and len(got) == 2):
        return Problem(expected, f"it returned {got!r}", "return a tuple of two digests")
    first, second = got
    if first != second:
        return Problem(
            expected,
            f"the two runs differed: {first} and {second}",
            "use the same seed for both runs: Sim(seed=seed) each time",
        )
    if first != want:
        return Problem(
            expected,
            f"both were {first}",
            "run 5 Raft nodes (spawn(sim, 'raft', 5)) until 1.0, with the given seed",
        )
    return None


def judge_other_seed(world: Answered, *, other: Answered) -> Problem | None:
    """Another seed gives another run, so another digest."""
    if world.answer == other.answer:
        return Problem(
            f"seeds {world.seed} and {other.seed} give different digests",
            "both seeds gave the same digests",
            "pass the seed to Sim(seed=seed): the seed is what makes a run",
        )
    return None


def _different_seeds(seed: int, other: int, learner_function: Callable[[int], Any]) -> Answered:
    return Answered(seed, (learner_function(seed), learner_function(other)))


def judge_pair(world: Answered) -> Problem | None:
    """Judge the answer for ``world.seed`` and compare it with the other seed's."""
    mine, theirs = world.answer
    problem = judge_same_seed(Answered(world.seed, mine))
    if problem is not None:
        return problem
    return judge_other_seed(Answered(world.seed, mine), other=Answered(world.seed + 1, theirs))


SAME_SEED = register(
    Exercise(
        "same_seed",
        "run_twice",
        (
            Scenario("seed 7", partial(ask, 7), judge_same_seed, "answered"),
            Scenario("seeds 8 and 9", partial(_different_seeds, 8, 9), judge_pair, "answered"),
        ),
        writes="function",
    )
)


def judge_first_leader(world: Answered) -> Problem | None:
    """The learner named the reference run's first leader."""
    want = reference_first_leader(world.seed)
    got = world.answer
    if got == want:
        return None
    expected = f"{want}, the first node elected with seed {world.seed}"
    if got is None:
        return Problem(
            expected,
            "it returned None",
            "nobody leads yet at the start: run the Sim longer (e.g. until=2.0) "
            "before you look for a leader",
        )
    return Problem(
        expected,
        f"it returned {got!r}",
        "the first node to publish role 'leader' (the earliest such annotate event) is the answer, "
        "not the last node spawned nor the leader at the end",
    )


FIRST_LEADER = register(
    Exercise(
        "first_leader",
        "first_leader",
        tuple(
            Scenario(f"seed {seed}", partial(ask, seed), judge_first_leader, "answered")
            for seed in (11, 23, 42)
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
    learner_function: Callable[[int], Any], *, strict: bool | None = None
) -> ExerciseResult:
    """Check ``first_leader(seed)`` on seeds the lesson never shows (lesson 00).

    Args:
        learner_function: your ``first_leader`` (the function, not a call).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return FIRST_LEADER.check(learner_function, strict=strict)
