"""How lesson 07's ``terms_with_two_leaders`` answer differs from the right one, in words.

:func:`judge_two_leaders` compares the learner's ``{term: [leaders]}`` with the known
answer and names the first difference: a leader counted twice, a term missed (with the
scenario's own reason), views with no term kept, a candidate taken for a leader, a term
with one leader listed, leaders out of the order they claimed the term.
"""

from __future__ import annotations

from typing import Any

from ..runtime import Trace
from .exercise_traces import Answered
from .runner import Problem

__all__ = ["judge_two_leaders"]


def judge_two_leaders(world: Answered, *, want: dict[int, list[str]], why: str) -> Problem | None:
    """Compare the learner's crowded terms with ``want``; ``why`` says what this scenario
    shows (a missed violation gets it as its hint)."""
    got = world.answer
    expected = f"{want}" if want else "{} (no term had two leaders)"
    if not isinstance(got, dict):
        return Problem(
            expected, f"it returned {got!r}", "return a dict: {term: [leaders of that term]}"
        )
    got = {term: list(nodes) for term, nodes in got.items()}
    if got == want:
        return None
    twice = [(t, n) for t, nodes in got.items() for n in nodes if nodes.count(n) > 1]
    if twice:
        term, node = twice[0]
        return Problem(
            expected,
            f"it returned {got}: {node} is counted more than once as leader of term {term}",
            "a leader announces itself again (after each change of its view): count each "
            "node once per term, e.g. with a set, or check before appending",
        )
    missing = [t for t in want if t not in got]
    if missing:
        term = missing[0]
        return Problem(
            expected,
            f"it returned {got}: it missed term {term}, led by {' and '.join(want[term])}",
            why,
        )
    return _wrong_terms(world.trace, expected, got, want)


def _wrong_terms(
    trace: Trace, expected: str, got: dict[Any, list[Any]], want: dict[int, list[str]]
) -> Problem:
    """Why the learner listed a term, or a leader, that ``want`` does not have."""
    claims = _claims(trace)
    said = f"it returned {got}"
    for term, nodes in got.items():
        if term is None:
            return Problem(
                expected,
                f"{said}: the term None, from views that publish no term",
                "views with no term say nothing about terms (a Bully node publishes "
                "none): leave them out, keep only claims with a term",
            )
        never = [n for n in nodes if n not in claims.get(term, [])]
        if never:
            return Problem(
                expected,
                f"{said}: {', '.join(map(str, never))} never published role 'leader' in "
                f"term {term}",
                "a leader is a view with role == 'leader': a candidate of the same term is not one",
            )
        if len(nodes) < 2:
            return Problem(
                expected,
                f"{said}: term {term} had one leader only",
                "list only the terms with two leaders or more",
            )
        if term in want and nodes != want[term]:
            return Problem(
                expected,
                f"{said}: term {term} lists {nodes}, but they claimed it in the order {want[term]}",
                "list each term's leaders in the order they first claimed it",
            )
    return Problem(
        expected,
        said,
        "list only the terms with two leaders or more, each leader once, in the order "
        "they first claimed the term",
    )


def _claims(trace: Trace) -> dict[int, list[str]]:
    """Each term's leaders (views with role 'leader' and a term), in order of claim."""
    claims: dict[int, list[str]] = {}
    for e in trace.events("annotate"):
        term = e.data.get("term")
        if e.data.get("role") == "leader" and term is not None:
            leaders = claims.setdefault(term, [])
            if str(e.node) not in leaders:
                leaders.append(str(e.node))
    return claims
