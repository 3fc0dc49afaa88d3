"""The caption's truth: a suspicion is right only of a node that has really failed."""

from __future__ import annotations

import pytest

from distsys_edu import Actor, Context, Sim
from distsys_edu.protocols import bully
from distsys_edu.runtime import InvalidArgument
from distsys_edu.viz.truth import caption, verdict

WATCHED = {"a": "up", "b": "paused", "c": "down", "d": "stopped"}


class Watcher(Actor):
    """Suspects every watched node from the start."""

    def started(self, ctx: Context) -> None:
        ctx.annotate(suspects=tuple(WATCHED))


class Quiet(Actor):
    pass


class Quitter(Actor):
    def started(self, ctx: Context) -> None:
        ctx.run_later(0.01, lambda c: c.stop())


def world() -> Sim:
    sim = Sim(seed=0)
    sim.spawn("watcher", Watcher)
    for name in ("a", "b", "c"):
        sim.spawn(name, Quiet)
    sim.spawn("d", Quitter)
    sim.run(until=0.1)
    sim.pause("b", 1.0)
    sim.crash("c")
    sim.run(until=0.2)
    return sim


def test_each_status_is_the_one_the_caption_judges() -> None:
    sim = world()
    assert {n: sim.status(n) for n in WATCHED} == WATCHED


@pytest.mark.parametrize(
    ("node", "mark"),
    [
        ("a", "✗ (it is up)"),
        ("b", "✗ (it is paused, not down)"),
        ("c", "✓"),
        ("d", "✓"),
    ],
)
def test_a_suspicion_is_right_only_of_a_node_that_failed(node: str, mark: str) -> None:
    sim = world()
    text = caption(sim.snapshot(), 0, list(sim.nodes))
    (suspects,) = [line for line in text.splitlines() if line.startswith("Suspects: ")]
    said = dict(part.split(" ", 1) for part in suspects.removeprefix("Suspects: ").split("; "))
    assert said[f"watcher→{node}"] == mark


def test_a_status_the_caption_does_not_know_is_refused_clearly() -> None:
    with pytest.raises(InvalidArgument, match="status='asleep' is not allowed: must be one of"):
        verdict("asleep")


def test_who_suspects_one_node_is_said_once_for_that_node() -> None:
    sim = Sim(seed=3, faults=["1 pause n5 0.5"])  # lesson 03: n5 paused, never down
    bully.spawn_cluster(sim, 5)
    sim.run(until=2.0)
    text = caption(sim.snapshot(1.47), 0, list(sim.nodes))
    assert "Suspects: n1,n2,n3,n4→n5 ✗ (it is paused, not down)" in text
