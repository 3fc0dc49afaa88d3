"""Counts in words."""

from __future__ import annotations

from distsys_edu.checks.words import counted


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert counted(1, "node") == "1 node"
    assert [counted(n, "run") for n in (0, 2, 200)] == ["0 runs", "2 runs", "200 runs"]
    assert counted(3, "property", "properties") == "3 properties"
    assert counted(1, "property", "properties") == "1 property"
