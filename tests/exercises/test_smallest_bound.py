"""Lesson 10's bound search: the worked answer passes, the stub is not attempted, and
each rule left out of the worked answer is caught with a hint that names it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from variants import Variant, assert_caught

from distsys_edu.exercises import check_smallest_bound
from distsys_edu.exercises import smallest_bound as exercise
from distsys_edu.exercises.result import NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.smallest_bound import smallest_bound


def starts_at_one(search: Callable[[int], Any], most: int) -> int | None:
    return next((b for b in range(1, most + 1) if search(b).violations), None)


def one_past(search: Callable[[int], Any], most: int) -> int | None:
    for bound in range(most + 1):
        if search(bound).violations:
            return bound + 1
    return None


def skips(search: Callable[[int], Any], most: int) -> int | None:
    return next((b for b in range(0, most + 1, 2) if search(b).violations), None)


def most_excluded(search: Callable[[int], Any], most: int) -> int | None:
    return next((b for b in range(most) if search(b).violations), None)


def no_none(search: Callable[[int], Any], most: int) -> int | None:
    return next((b for b in range(most + 1) if search(b).violations), most)


def reads_exhausted(search: Callable[[int], Any], most: int) -> int | None:
    return next((b for b in range(most + 1) if search(b).exhausted), None)


def searches_on(search: Callable[[int], Any], most: int) -> int | None:
    found = [b for b in range(most + 1) if search(b).violations]
    return found[0] if found else None


def fresh_from_the_top(search: Callable[[int], Any], most: int) -> int | None:
    """Fresh, from the lesson text: walk down from most while it still finds the bug."""
    if not search(most).violations:
        return None
    bound = most
    while bound > 0 and search(bound - 1).violations:
        bound -= 1
    return bound


VARIANTS = [
    Variant("start at 0", starts_at_one, ("start at bound 0",)),
    Variant("the first bound, not the one after", one_past, ("first bound",)),
    Variant("one at a time", skips, ("one bound at a time",)),
    Variant("most is included", most_excluded, ("most itself is included",)),
    Variant("None when there is none", no_none, ("return none",)),
    Variant("read violations, not exhausted", reads_exhausted, ("violations", "exhausted")),
    Variant("stop at the first", searches_on, ("stop at the first",)),
    Variant("fresh: from the top down", fresh_from_the_top, ("stop at the first",)),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant: Variant) -> None:
    assert_caught(check_smallest_bound, variant)


def test_worked_answer_passes() -> None:
    assert check_smallest_bound(smallest_bound).status == PASSED


def test_stub_is_not_attempted() -> None:
    assert check_smallest_bound(exercise.smallest_bound).status == NOT_ATTEMPTED


def test_the_real_answer_is_the_model_checkers_shortest_path() -> None:
    found = exercise.real_search(exercise.REAL_MOST)
    assert [len(v.path) for v in found.violations] == [exercise.REAL_ANSWER]
    assert not exercise.real_search(exercise.REAL_ANSWER - 1).violations
