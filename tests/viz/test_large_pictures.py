"""Item 12 of issue 17: the playground refuses a cluster its picture cannot draw, and a
large cluster's picture draws only the links that are not healthy."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pytest

from distsys_edu import InvalidArgument, Sim
from distsys_edu.protocols import spawn
from distsys_edu.viz.cluster import ClusterView
from distsys_edu.viz.graph import ALL_LINKS_UP_TO, MAX_NODES_DRAWN
from distsys_edu.viz.playground import PlaygroundModel, Setup

matplotlib.use("Agg")


@pytest.mark.parametrize("nodes", [MAX_NODES_DRAWN + 1, 1000, 10**6, 10**100])
def test_the_playground_refuses_more_nodes_than_its_picture_can_draw(nodes: int) -> None:
    """Said up front, with the limit and why; 10**6 nodes used to be killed at 24 GB."""
    with pytest.raises(InvalidArgument, match=rf"nodes={nodes} is not allowed") as caught:
        PlaygroundModel("raft", nodes=nodes)
    assert f"at most {MAX_NODES_DRAWN}" in str(caught.value)
    assert "overlap" in str(caught.value)
    with pytest.raises(InvalidArgument, match="nodes="):
        Setup("raft").changed(nodes=nodes)


@pytest.mark.parametrize("nodes", [0, -3, 2.5, "5", True, None])
def test_a_node_count_that_is_not_a_count_is_refused(nodes: object) -> None:
    with pytest.raises(InvalidArgument, match=r"nodes=.* is not allowed: must be an int"):
        Setup("raft", nodes=nodes)  # type: ignore[arg-type]


def picture(nodes: int) -> tuple[Sim, ClusterView]:
    sim = Sim(seed=1)
    names = spawn(sim, "raft", nodes)
    sim.run(until=0.2)
    half = len(names) // 2
    sim.partition(names[:half], names[half:])
    sim.set_link(names[0], names[1], loss=0.5)
    _fig, ax = plt.subplots()
    view = ClusterView(ax, sim.nodes)
    view.update(sim.snapshot(), losses={(names[0], names[1]): 0.5})
    return sim, view


def test_a_large_cluster_draws_only_the_links_that_are_not_healthy() -> None:
    nodes = MAX_NODES_DRAWN
    _, view = picture(nodes)
    half = nodes // 2
    assert len(view.links["healthy"].get_segments()) == 1  # the way back of the lossy link
    assert len(view.links["cut"].get_segments()) == half * (nodes - half)
    assert len(view.links["lossy"].get_segments()) == 1
    assert "healthy links not drawn" in view.title.get_text()
    plt.close("all")


def test_a_small_cluster_draws_every_link() -> None:
    nodes = ALL_LINKS_UP_TO
    _, view = picture(nodes)
    drawn = sum(len(lines.get_segments()) for lines in view.links.values())
    assert drawn == nodes * (nodes - 1) // 2 + 1  # the lossy link: two half lines
    assert "not drawn" not in view.title.get_text()
    plt.close("all")
