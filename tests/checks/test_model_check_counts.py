"""Pinned figures of the model checker: the search got faster, its answers did not move.

Each row was measured with the search that replayed every state's path from the seed
(before states were copied, ``model_copy``); a faster search must find the same
states, transitions, depth, cut states and shortest paths, choice for choice.
"""

from __future__ import annotations

from typing import Any

import pytest

from distsys_edu.checks.model_check import model_check
from distsys_edu.exercises.broken import spawn_broken, spawner
from distsys_edu.exercises.solutions.broken import FixedRaftNode

BROKE = "every invariant broken"
BROKEN_PATH = ("t5:fire", "m1:deliver", "m3:deliver", "t4:fire", "m6:deliver", "m8:deliver")

PINNED: list[tuple[str, dict[str, Any], tuple[int, int, int, int, str | None, tuple[str, ...]]]] = [
    ("broken", {"max_depth": 6, "max_term": 1}, (307, 431, 6, 0, BROKE, BROKEN_PATH)),
    ("broken", {"max_depth": 6, "max_term": 1, "symmetry": False}, (1729, 2376, 6, 0, BROKE, BROKEN_PATH)),  # noqa: E501
    ("fixed", {"max_depth": 6, "max_term": 1}, (253, 377, 6, 95, None, ())),
    ("fixed", {"max_depth": 6, "max_term": 1, "symmetry": False}, (1433, 2025, 6, 543, None, ())),
    ("raft", {"max_depth": 7, "max_term": 1}, (727, 1132, 7, 281, None, ())),
    ("raft", {"max_depth": 5, "max_term": 1, "max_lost": 1}, (177, 295, 5, 68, None, ())),
    ("raft", {"max_depth": 5, "max_term": 2, "max_crashes": 1}, (424, 806, 5, 275, None, ())),
    ("raft", {"max_depth": 4, "max_duplicated": 1, "timers": "any"}, (105, 211, 4, 82, None, ())),
    (
        "broken",
        {"max_depth": 7, "max_term": 1, "max_lost": 1, "invariants": ["one_leader_at_a_time"]},
        (649, 1049, 6, 0, BROKE, BROKEN_PATH),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("protocol", "bounds", "pinned"), PINNED)
def test_the_search_finds_what_it_always_found(
    protocol: str, bounds: dict[str, Any], pinned: tuple[Any, ...]
) -> None:
    spawn = {"broken": spawn_broken, "fixed": spawner(FixedRaftNode)}.get(protocol, protocol)
    result = model_check(spawn, 3, progress=False, **bounds)
    paths = [v.path for v in result.violations]
    found = (result.states, result.transitions, result.depth, result.at_max_depth)
    assert (*found, result.stopped_by, paths[0] if paths else ()) == pinned
