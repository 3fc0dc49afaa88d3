"""Item 14 of issue 17: ``distsys-edu run raft --nodes 100000`` spawns in linear time and
says how far it got. What made it quadratic is tested by counting work, not by timing it."""

from __future__ import annotations

import gc
import io
import threading
from typing import Any

import pytest

from distsys_edu import Sim
from distsys_edu.cli import args as checked
from distsys_edu.jobs.progress import slow_work
from distsys_edu.protocols import registry
from distsys_edu.runtime.engine import GEN2_THRESHOLD_IN_RUN
from distsys_edu.viz.story import Entry
from distsys_edu.viz.text import render


class Name(str):
    """A node name that counts how often it is compared for equality."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        Name.compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_merging_many_nodes_that_start_at_once_is_linear() -> None:
    """The timeline merges "n1, n2, ... start": its check that a node is not listed yet
    compared each new name with every earlier one (5 * 10**9 comparisons at 100,000)."""
    count = 3000
    entries = [Entry(0.0, Name(f"n{i}"), ("follows nobody",)) for i in range(count)]
    Name.compared = 0
    lines = render(entries)
    assert len(lines) == 1 and lines[0].endswith(f"n{count - 1} follow nobody")
    assert Name.compared <= 4 * count


def test_no_scratch_cluster_without_faults(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run`` checks faults on a scratch cluster of the same size: none when there are none."""
    spawned: list[int] = []
    monkeypatch.setattr(checked, "spawn", lambda sim, protocol, nodes: spawned.append(nodes))
    checked.try_faults("raft", 100_000, [])
    assert spawned == []


def test_spawning_a_cluster_defers_full_collections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every node spawned lives on, so each full collection rescanned all the nodes so far."""
    during: list[tuple[int, int, int]] = []

    def spawn_cluster(sim: Sim, nodes: Any) -> list[str]:
        during.append(gc.get_threshold())
        return []

    before = gc.get_threshold()
    monkeypatch.setattr(registry, "get_protocol", lambda name: spawn_cluster)
    registry.spawn(Sim(), "raft", 3)
    assert during[0][2] >= GEN2_THRESHOLD_IN_RUN
    assert gc.get_threshold() == before


def test_a_slow_step_says_how_far_it_got_and_when_it_is_done() -> None:
    out = io.StringIO()
    said = threading.Event()

    def status() -> str:
        said.set()
        return "7 of 9 nodes"

    with slow_work("spawning", status, after=0, stream=out):
        assert said.wait(10)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("spawning: 7 of 9 nodes (")
    assert lines[-1].startswith("spawning: done in ")


def test_a_quick_step_says_nothing() -> None:
    out = io.StringIO()
    with slow_work("spawning", lambda: "x", after=3600, stream=out):
        pass
    with slow_work("spawning", lambda: "x", after=0, stream=out, enabled=False):
        pass
    assert out.getvalue() == ""
