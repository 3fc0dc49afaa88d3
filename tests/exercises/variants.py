"""One rule removed: the mutation tests of the exercise checks.

For each exercise, every rule that its docstring, its lesson text or its stub asks for has a
*variant*: the worked answer with that one rule left out. A check is trusted only if every
variant fails it, and the hint of the first scenario that fails names the rule that was left
out. Each exercise's table lives in its own test module::

    VARIANTS = [
        Variant("reply false if term < currentTerm", GrantsOldTerms, ("older term",)),
        ...
    ]

    @pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
    def test_each_rule_left_out_is_caught_and_named(variant):
        assert_caught(check_terms, variant)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from distsys_edu.exercises.result import PASSED, ExerciseResult


@dataclass(frozen=True)
class Variant:
    """A worked answer with one rule left out.

    Attributes:
        rule: the rule left out, in the words of the exercise.
        answer: what the learner would hand in (a class, or a function).
        hint_words: words (case-insensitive) that the hint of the first failing
            scenario must all contain, so that the hint names this rule.
    """

    rule: str
    answer: Any
    hint_words: tuple[str, ...]

    def id(self) -> str:
        return self.rule


def first_failure(result: ExerciseResult):
    """The first scenario that did not pass (the one a learner reads in full)."""
    return next((o for o in result.outcomes if o.status != PASSED), None)


def verdict(check: Callable[..., ExerciseResult], variant: Variant) -> tuple[bool, bool]:
    """(caught, caught with a hint that names the rule) for one variant."""
    result = check(variant.answer, strict=False)
    failure = first_failure(result)
    if result.passed or failure is None:
        return False, False
    hint = failure.hint.lower()
    return True, all(word.lower() in hint for word in variant.hint_words)


def assert_caught(check: Callable[..., ExerciseResult], variant: Variant) -> None:
    """Fail unless the variant fails the check with a hint that names its rule."""
    result = check(variant.answer, strict=False)
    assert not result.passed, f"leaving out {variant.rule!r} passes:\n{result}"
    failure = first_failure(result)
    assert failure is not None
    missing = [w for w in variant.hint_words if w.lower() not in failure.hint.lower()]
    assert not missing, (
        f"leaving out {variant.rule!r} is caught, but the hint does not name it "
        f"(missing {missing}):\n{failure.scenario}: {failure.hint}"
    )


def tally(
    check: Callable[..., ExerciseResult], variants: Sequence[Variant]
) -> tuple[int, int, int]:
    """(variants, caught, caught with the right hint): the closing note's figures."""
    verdicts = [verdict(check, v) for v in variants]
    return len(verdicts), sum(c for c, _ in verdicts), sum(r for _, r in verdicts)
