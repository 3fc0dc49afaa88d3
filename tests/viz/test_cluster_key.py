"""The cluster picture's legend lists what that picture shows; an animation keeps the whole key."""

from __future__ import annotations

import matplotlib.pyplot as plt
from scenarios import raft

from distsys_edu.protocols import spawn
from distsys_edu.runtime import Sim
from distsys_edu.viz import draw_cluster
from distsys_edu.viz.cluster import ClusterView
from distsys_edu.viz.marks import legend_handles


def key_texts(view: ClusterView) -> list[str]:
    return [t.get_text() for t in view._key.get_texts()]


def test_a_calm_cluster_lists_no_failure_in_its_legend() -> None:
    view = draw_cluster(raft(1.0))
    texts = key_texts(view)
    assert {"leader", "follower", "link", "believes it leads"} <= set(texts)
    for absent in ("down (crashed)", "paused", "stopped itself", "cut link (partition)"):
        assert absent not in texts
    assert "believes it leads, wrongly" not in texts and "candidate" not in texts


def test_what_goes_wrong_appears_in_the_legend_when_it_is_drawn() -> None:
    sim = Sim(seed=0)
    spawn(sim, "bully", 5)
    sim.run(until=2.0)
    sim.partition(["n1", "n2", "n3"], ["n4", "n5"])
    sim.crash("n1")
    sim.run(until=2.2)
    texts = key_texts(draw_cluster(sim))
    assert {"down (crashed)", "cut link (partition)"} <= set(texts)
    assert "paused" not in texts


def test_an_animation_keeps_the_whole_key_in_every_frame() -> None:
    sim = raft(1.0)
    _, ax = plt.subplots()
    view = ClusterView(ax, list(sim.nodes))
    view.update(sim.snapshot())
    assert key_texts(view) == [h.get_label() for h in legend_handles()]
