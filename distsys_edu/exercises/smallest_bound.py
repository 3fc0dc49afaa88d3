"""Lesson 10's second exercise: the smallest bound at which a bug first appears.

The learner writes ``smallest_bound(search, most)``: ``search(bound)`` runs the model
checker with that bound (for example ``max_depth``) and returns its result; the answer
is the smallest bound from 0 to ``most`` at which the result has ``violations``, or
``None``. :func:`check_smallest_bound` puts it first to made-up searches whose answers
are known, one rule each (start at 0; go up one at a time; ``most`` is included; stop at
the first; ``None`` when there is none; read ``violations``, not ``exhausted``), then to
the real one: the broken Raft of lesson 06 by ``max_depth`` (the answer is 6).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..checks.model_check import model_check
from .broken import spawn_broken
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register


def smallest_bound(search: Callable[[int], Any], most: int) -> int | None:
    """The smallest bound from 0 to ``most`` (both included) at which ``search`` finds a
    violation, or ``None`` if none does.

    Args:
        search: ``search(bound)`` runs the model checker with that bound and returns
            its result (``result.violations`` is empty when nothing broke).
        most: the largest bound to try.
    """
    raise NotImplementedError("try the bounds from 0 up, one at a time")


@dataclass(frozen=True)
class MadeUp:
    """What a made-up search returns: violations from ``first`` on; always exhausted."""

    violations: tuple[str, ...]
    exhausted: bool = True


@dataclass(frozen=True)
class Puzzle:
    """A made-up search (violations from ``first`` on, or never), and the rule it tests."""

    rule: str
    first: int | None
    most: int
    hint: str


PUZZLES = (
    Puzzle("broken from the start", 0, 4, "start at bound 0: a bug may need no step at all"),
    Puzzle("broken from 3", 3, 8, "return the first bound whose result has violations"),
    Puzzle("broken only at most", 5, 5, "most itself is included: try range(most + 1)"),
    Puzzle("never broken", None, 4, "return None when no bound up to most finds a violation"),
)

Attempt = tuple[Puzzle, Any, list[int]]


def play_puzzles(learner: Callable[..., Any]) -> list[Attempt]:
    """The learner's answer to each made-up search, and the bounds it searched."""
    found = []
    for puzzle in PUZZLES:
        asked: list[int] = []
        found.append((puzzle, learner(partial(_made_up, puzzle, asked), puzzle.most), asked))
    return found


def _made_up(puzzle: Puzzle, asked: list[int], bound: int) -> MadeUp:
    asked.append(bound)
    broken = puzzle.first is not None and bound >= puzzle.first
    return MadeUp(("two leaders",) if broken else ())


def judge_puzzles(attempts: list[Attempt]) -> Problem | None:
    """The first made-up search answered wrongly, with its rule; then searches past the answer."""
    for puzzle, answer, asked in attempts:
        expected = f"{puzzle.first} for '{puzzle.rule}' (most={puzzle.most})"
        if answer != puzzle.first or isinstance(answer, bool):
            happened = f"it returned {answer!r} after searching bounds {asked}"
            return Problem(expected, happened, _diagnose(puzzle, answer, asked))
        if puzzle.first is not None and max(asked, default=0) > puzzle.first:
            return Problem(
                expected,
                f"it searched bounds {asked}, past the answer",
                "stop at the first bound that finds a violation: each search costs more",
            )
    return None


def _diagnose(puzzle: Puzzle, answer: Any, asked: list[int]) -> str:
    """Which rule a wrong answer to ``puzzle`` left out, from the bounds it searched."""
    first = puzzle.first
    if answer == 0 and first != 0 and asked[:1] == [0]:
        return "read result.violations (what broke), not result.exhausted (how far it searched)"
    if first is not None and first not in asked:
        if first == 0:
            return PUZZLES[0].hint
        return PUZZLES[2].hint if first == puzzle.most else SKIPPED
    if first is not None and answer == first + 1:
        return "return the first bound whose result has violations, not the one after it"
    return puzzle.hint


SKIPPED = "go up one bound at a time: a bound skipped may be the first that finds it"


REAL_MOST = 8
"""The real search tries ``max_depth`` up to this."""

REAL_ANSWER = 6
"""The broken Raft's shortest counterexample, 3 nodes, terms up to 1: 6 choices."""


def real_search(bound: int) -> Any:
    """The broken Raft, 3 nodes, terms up to 1, searched to depth ``bound``."""
    return model_check(spawn_broken, 3, max_depth=bound, max_term=1, progress=False)


def play_real(learner: Callable[..., Any]) -> Any:
    """The learner's answer for the broken Raft by ``max_depth``."""
    return learner(real_search, REAL_MOST)


def judge_real(answer: Any) -> Problem | None:
    """The answer is :data:`REAL_ANSWER`."""
    if answer == REAL_ANSWER and not isinstance(answer, bool):
        return None
    return Problem(
        f"{REAL_ANSWER}: two nodes lead term 1 after 6 choices, not before",
        f"it returned {answer!r}",
        "call search(bound) for bound 0, 1, ... and return the first with violations",
    )


EXERCISE = register(
    Exercise(
        "smallest_bound",
        "smallest_bound",
        (
            Scenario("made-up searches", play_puzzles, judge_puzzles, "attempts"),
            Scenario("broken raft by depth", play_real, judge_real, "answer"),
        ),
        writes="function",
    )
)


def check_smallest_bound(
    learner_function: Callable[..., Any], *, strict: bool | None = None
) -> ExerciseResult:
    """Check a function that finds the smallest bound at which a bug appears (lesson 10).

    Args:
        learner_function: your ``smallest_bound(search, most)`` (the function).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(learner_function, strict=strict)
