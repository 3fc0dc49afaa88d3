"""Lesson 10's first exercise: an invariant over one state, that the model checker checks.

The learner writes ``same_term_leaders(view)``: ``None`` while the state is fine, and
words naming the two nodes and the term when two nodes that are up lead the same term
now. It reads a :class:`~distsys_edu.checks.model_state.ModelView` (each node's
``status`` and ``annotations``). :func:`check_state_invariant` first puts it to small
states made by hand, one rule each (only nodes that are up count; only
``role == "leader"`` leads; leaders of different terms are allowed; ``None`` when it
holds), then hands it to :func:`~distsys_edu.checks.model_check` on the broken Raft of
lesson 06 (it must find the 6-choice counterexample) and on the fixed one (it must
find nothing within the same bounds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..checks.model_check import model_check
from ..checks.model_result import ModelCheckResult
from ..checks.model_state import ModelView
from .broken import spawn_broken, spawner
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register
from .solutions.broken import FixedRaftNode

BOUNDS: dict[str, Any] = {"nodes": 3, "max_depth": 6, "max_term": 1}
"""The bounds the model checker searches with: 3 nodes, 6 choices, terms up to 1."""

SHORTEST = 6
"""The broken Raft's shortest counterexample within :data:`BOUNDS`, in choices."""


def same_term_leaders(view: ModelView) -> str | None:
    """Two nodes that are up and lead the same term in this state, in words; else ``None``.

    ``view.nodes`` names every node; ``view.status[name]`` is ``"up"``, ``"down"``...;
    ``view.annotations[name]`` is what it publishes (``role``, ``term``).

    Returns:
        ``None`` while no two nodes that are up lead one term; else a sentence that
        names both nodes and the term.
    """
    raise NotImplementedError("group the leaders that are up by term")


def view(*nodes: tuple[str, str, str, int]) -> ModelView:
    """A state of ``(name, status, role, term)`` nodes, nothing in flight."""
    return ModelView(
        nodes=tuple(n for n, _, _, _ in nodes),
        status={n: s for n, s, _, _ in nodes},
        annotations={n: {"role": r, "term": t} for n, _, r, t in nodes},
        storage={n: {} for n, _, _, _ in nodes},
        in_flight=(),
        claims=frozenset(),
    )


@dataclass(frozen=True)
class Case:
    """A hand-made state, whether it breaks the invariant, and the rule it puts to test."""

    rule: str
    state: ModelView
    broken: bool
    hint: str


CASES = (
    Case(
        "two leaders, one term",
        view(("n1", "up", "leader", 2), ("n2", "up", "leader", 2), ("n3", "up", "follower", 2)),
        True,
        "two nodes up with role 'leader' and the same term break it: return words naming them",
    ),
    Case(
        "two leaders, not the first node",
        view(("n1", "up", "follower", 2), ("n2", "up", "leader", 2), ("n3", "up", "leader", 2)),
        True,
        "any two nodes up that lead the same term break it, not only pairs with the first "
        "node: compare every pair, or group the leaders by term",
    ),
    Case(
        "one leader",
        view(("n1", "up", "leader", 2), ("n2", "up", "follower", 2), ("n3", "up", "follower", 2)),
        False,
        "return None while it holds (not False, not '': the model checker reads any "
        "other value as broken)",
    ),
    Case(
        "a crashed leader",
        view(("n1", "down", "leader", 2), ("n2", "up", "leader", 2), ("n3", "up", "follower", 2)),
        False,
        "only nodes that are up count: a crashed node keeps its last annotations "
        "(view.status[name] == 'up')",
    ),
    Case(
        "leaders of two terms",
        view(("n1", "up", "leader", 1), ("n2", "up", "leader", 2), ("n3", "up", "follower", 2)),
        False,
        "leaders of different terms are allowed: a stale leader has not heard of the "
        "new term yet; compare terms",
    ),
    Case(
        "a candidate",
        view(("n1", "up", "leader", 2), ("n2", "up", "candidate", 2), ("n3", "up", "follower", 2)),
        False,
        "only role == 'leader' leads: a candidate of the same term is not a leader",
    ),
)


def play_cases(learner: Callable[[ModelView], Any]) -> list[tuple[Case, Any]]:
    """The learner's verdict on each hand-made state."""
    return [(case, learner(case.state)) for case in CASES]


def judge_cases(verdicts: list[tuple[Case, Any]]) -> Problem | None:
    """The first state it judges wrongly, with the rule that state tests."""
    for case, verdict in verdicts:
        holds = verdict is None or verdict is True
        leaders = [n for n in case.state.nodes if case.state.annotations[n]["role"] == "leader"]
        naming = f"words naming {', '.join(leaders)} and term 2"
        if holds == case.broken:
            said = "None (it holds)" if holds else repr(verdict)
            expected = naming if case.broken else "None"
            return Problem(f"{expected} for '{case.rule}'", f"it returned {said}", case.hint)
        if case.broken and not all(w in str(verdict) for w in (*leaders, "2")):
            return Problem(
                f"{naming} for '{case.rule}'",
                f"it returned {verdict!r}",
                "name both nodes and the term, so that the counterexample reads on its own",
            )
    return None


def play_search(node_class: Any, learner: Callable[[ModelView], Any]) -> ModelCheckResult:
    """Model-check ``node_class`` within :data:`BOUNDS`, with the learner's invariant."""
    spawn = spawn_broken if node_class is None else spawner(node_class)
    return model_check(spawn, invariants=[learner], progress=False, **BOUNDS)


def judge_broken(result: ModelCheckResult) -> Problem | None:
    """The broken Raft has a counterexample of :data:`SHORTEST` choices."""
    lengths = [len(v.path) for v in result.violations]
    if lengths == [SHORTEST]:
        return None
    return Problem(
        f"a counterexample of {SHORTEST} choices (two nodes lead term 1 at once)",
        f"shortest paths found: {lengths or 'none'} in {result.states} states",
        "return words (not None) in the state where two nodes up lead one term",
    )


def judge_fixed(result: ModelCheckResult) -> Problem | None:
    """The fixed Raft breaks nothing within :data:`BOUNDS`."""
    if not result.violations:
        return None
    found = result.violations[0]
    return Problem(
        "no violation within the bounds: the fixed Raft never has two leaders of a term",
        f"it reported {found.detail!r} after {len(found.path)} choices",
        "only two leaders that are up, of the same term, break it",
    )


EXERCISE = register(
    Exercise(
        "state_invariant",
        "same_term_leaders",
        (
            Scenario("states by hand", play_cases, judge_cases, "verdicts"),
            Scenario("broken raft", partial(play_search, None), judge_broken, "result"),
            Scenario("fixed raft", partial(play_search, FixedRaftNode), judge_fixed, "result"),
        ),
        writes="function",
    )
)


def check_state_invariant(
    learner_function: Callable[[ModelView], Any], *, strict: bool | None = None
) -> ExerciseResult:
    """Check an invariant over one state, then model-check Raft with it (lesson 10).

    Args:
        learner_function: your ``same_term_leaders(view)`` (the function, not a call).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(learner_function, strict=strict)
