"""Lesson 10's state invariant: the worked answer passes, the stub is not attempted, and
each rule left out of the worked answer is caught with a hint that names it."""

from __future__ import annotations

import pytest
from variants import Variant, assert_caught

from distsys_edu.checks.model_state import ModelView
from distsys_edu.exercises import check_state_invariant
from distsys_edu.exercises import state_invariant as exercise
from distsys_edu.exercises.result import NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.state_invariant import same_term_leaders


def counts_down_nodes(view: ModelView) -> str | None:
    """Leaves out: only nodes that are up count."""
    by_term: dict[object, list[str]] = {}
    for name in view.nodes:
        if view.annotations[name].get("role") == "leader":
            by_term.setdefault(view.annotations[name].get("term"), []).append(name)
    return next(
        (f"{' and '.join(v)} lead term {t}" for t, v in by_term.items() if len(v) > 1), None
    )


def ignores_terms(view: ModelView) -> str | None:
    """Leaves out: leaders of different terms are allowed."""
    leaders = [
        n
        for n in view.nodes
        if view.status[n] == "up" and view.annotations[n].get("role") == "leader"
    ]
    return f"{' and '.join(leaders)} lead term 2" if len(leaders) > 1 else None


def counts_candidates(view: ModelView) -> str | None:
    """Leaves out: only role == 'leader' leads."""
    by_term: dict[object, list[str]] = {}
    for name in view.nodes:
        if view.status[name] == "up" and view.annotations[name].get("role") != "follower":
            by_term.setdefault(view.annotations[name].get("term"), []).append(name)
    return next(
        (f"{' and '.join(v)} lead term {t}" for t, v in by_term.items() if len(v) > 1), None
    )


def returns_false(view: ModelView) -> str | bool:
    """Leaves out: None while it holds (returns False, which the model checker reads as broken)."""
    return same_term_leaders(view) or False


def says_nothing(view: ModelView) -> str | None:
    """Leaves out: name both nodes and the term."""
    return "two leaders" if same_term_leaders(view) else None


def more_than_two(view: ModelView) -> str | None:
    """Leaves out: two leaders, one term (off by one: it waits for a third)."""
    by_term: dict[object, list[str]] = {}
    for name in view.nodes:
        notes = view.annotations[name]
        if view.status[name] == "up" and notes.get("role") == "leader":
            by_term.setdefault(notes.get("term"), []).append(name)
    return next(
        (f"{' and '.join(v)} lead term {t}" for t, v in by_term.items() if len(v) > 2), None
    )


def first_node_only(view: ModelView) -> str | None:
    """Leaves out: two leaders, one term, whichever two (its return None is indented one
    level too deep, so only the first node is compared with the others)."""

    def leads(name: str) -> bool:
        return view.status[name] == "up" and view.annotations[name].get("role") == "leader"

    for i, a in enumerate(view.nodes):
        for b in view.nodes[i + 1 :]:
            term = view.annotations[a].get("term")
            if leads(a) and leads(b) and term == view.annotations[b].get("term"):
                return f"{a} and {b} lead term {term}"
        return None
    return None


def fresh_leader_count(view: ModelView) -> str | None:
    """Fresh, from the lesson text alone: 'more than one leader is wrong'."""
    leaders = [n for n in view.nodes if view.annotations[n].get("role") == "leader"]
    return f"{leaders} lead" if len(leaders) > 1 else None


VARIANTS = [
    Variant("only nodes that are up count", counts_down_nodes, ("up",)),
    Variant("leaders of different terms are allowed", ignores_terms, ("different terms",)),
    Variant("only role == 'leader' leads", counts_candidates, ("candidate",)),
    Variant("None while it holds", returns_false, ("none",)),
    Variant("name both nodes and the term", says_nothing, ("name both nodes",)),
    Variant("two leaders, one term", more_than_two, ("two nodes up", "same term")),
    Variant("two leaders, one term: any two", first_node_only, ("any two", "every pair")),
    Variant("fresh: any two leaders", fresh_leader_count, ("up",)),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant: Variant) -> None:
    assert_caught(check_state_invariant, variant)


def test_worked_answer_passes() -> None:
    assert check_state_invariant(same_term_leaders).status == PASSED


def test_stub_is_not_attempted() -> None:
    result = check_state_invariant(exercise.same_term_leaders)
    assert result.status == NOT_ATTEMPTED


def test_each_hand_made_state_is_judged_by_the_worked_answer_as_its_case_says() -> None:
    for case in exercise.CASES:
        assert (same_term_leaders(case.state) is not None) == case.broken, case.rule
