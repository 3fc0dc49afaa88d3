"""Test modules are named after the behaviour they test, never after the issue, review or
round of work that asked for them (tests/README.md, "Names")."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
NOT_A_BEHAVIOUR = frozenset(
    {"fix", "fixes", "issue", "issues", "review", "reviews", "round", "rounds", "session"}
    | {"item", "items", "regression", "regressions", "misc", "more", "extra", "followup"}
)
"""Words that name where a test came from, not what it tests."""


def named_after_its_origin(stem: str) -> bool:
    """Whether the module name ``stem`` holds a word that names an origin (``round2``
    too), or a number."""
    words = stem.removeprefix("test_").split("_")
    return any(word.rstrip("0123456789") in NOT_A_BEHAVIOUR or word.isdigit() for word in words)


@pytest.mark.parametrize(
    ("stem", "refused"),
    [
        ("test_engine_fixes", True),
        ("test_issue_18", True),
        ("test_round2", True),
        ("test_review_items", True),
        ("test_engine_edge_cases", False),
        ("test_fixed_protocol", False),
        ("test_playground_model", False),
    ],
)
def test_a_name_that_says_where_a_test_came_from_is_refused(stem: str, refused: bool) -> None:
    assert named_after_its_origin(stem) is refused


def test_every_test_module_is_named_after_a_behaviour() -> None:
    offenders = sorted(
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("test_*.py")
        if named_after_its_origin(path.stem)
    )
    assert offenders == [], "rename after what they test (git mv): " + ", ".join(offenders)
