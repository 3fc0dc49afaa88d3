"""The cluster picture, asserted on its artists (Agg backend)."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgba
from scenarios import leader, raft

from distsys_edu.runtime import Actor, Context, InvalidArgument, Sim, Snapshot
from distsys_edu.viz import ClusterView, cluster_graph, draw_cluster, layout
from distsys_edu.viz.marks import ROLE_PATHS, STATUS_PATHS
from distsys_edu.viz.style import ROLE_STYLES, WRONG, message_colour


def node_paths(view: ClusterView) -> list[np.ndarray]:
    return [p.vertices for p in view.node_marks.get_paths()]


def test_colours_and_markers_match_the_roles_in_the_snapshot() -> None:
    sim = raft(0.4, faults=["0.2 pause n3 1"])
    view = draw_cluster(sim)
    snapshot = sim.snapshot()
    faces = view.node_marks.get_facecolor()
    for i, name in enumerate(view.nodes):
        role = snapshot.nodes[name].annotations.get("role")
        assert role in ("leader", "follower", "candidate")
        assert np.array_equal(node_paths(view)[i], ROLE_PATHS[role].vertices)
        alpha = 1.0 if snapshot.nodes[name].status == "up" else 0.45
        assert tuple(faces[i]) == pytest.approx(to_rgba(ROLE_STYLES[role].colour, alpha))
    assert sorted(snapshot.nodes[n].annotations["role"] for n in view.nodes).count("leader") == 1


def test_down_paused_and_stopped_nodes_carry_their_own_mark() -> None:
    sim = raft(1.0)
    boss = leader(sim)
    others = [n for n in sim.nodes if n != boss]
    sim.crash(boss)
    sim.pause(others[0], 5.0)
    sim.run_for(0.01)
    view = draw_cluster(sim)
    marks = [p.vertices for p in view.status_marks.get_paths()]
    index = view.nodes.index
    assert np.array_equal(marks[index(boss)], STATUS_PATHS["down"].vertices)
    assert np.array_equal(marks[index(others[0])], STATUS_PATHS["paused"].vertices)
    assert np.array_equal(marks[index(others[1])], STATUS_PATHS["up"].vertices)
    assert "DOWN" in view.labels[index(boss)].get_text()
    assert "PAUSED" in view.labels[index(others[0])].get_text()


class Quitter(Actor):
    def started(self, ctx: Context) -> None:
        ctx.stop()


def test_a_protocol_that_publishes_nothing_is_drawn_unknown_and_stopped_is_marked() -> None:
    sim = Sim()
    sim.spawn("a", Actor)
    sim.spawn("b", Quitter)
    sim.run(until=1.0)
    view = draw_cluster(sim)
    assert all(np.array_equal(v, ROLE_PATHS["unknown"].vertices) for v in node_paths(view))
    marks = [p.vertices for p in view.status_marks.get_paths()]
    assert np.array_equal(marks[1], STATUS_PATHS["stopped"].vertices)
    assert view.labels[0].get_text() == "a"  # no term published: the name alone


def test_an_empty_sim_draws_an_empty_frame_that_says_so() -> None:
    view = draw_cluster(Sim())
    texts = [t.get_text() for t in view.ax.texts]
    assert any("no nodes yet" in t for t in texts)
    assert len(view.node_marks.get_offsets()) == 0


def test_a_cut_link_is_drawn_differently_from_a_healthy_one() -> None:
    sim = raft(0.5)
    view = draw_cluster(sim)
    assert len(view.links["cut"].get_segments()) == 0
    assert len(view.links["healthy"].get_segments()) == 10  # 5 nodes: 10 pairs
    sim.partition(["n1"], ["n2"])
    sim.partition(["n3"], ["n4"], one_way=True)
    view.update(sim.snapshot())
    cut = view.links["cut"]
    assert len(cut.get_segments()) == 2  # n1-n2 whole, n3->n4 as n3's half
    assert len(view.links["healthy"].get_segments()) == 8 + 1  # n3-n4's other half
    assert cut.get_linestyle() != view.links["healthy"].get_linestyle()
    assert tuple(cut.get_color()[0]) == pytest.approx(to_rgba(WRONG))


def test_lossy_and_held_links_have_their_own_style() -> None:
    sim = raft(0.5)
    sim.set_link("n1", "n2", loss=0.5)
    sim.hold("n3", "n4")
    view = draw_cluster(sim)
    assert len(view.links["lossy"].get_segments()) == 1
    assert len(view.links["held"].get_segments()) == 1


@settings(max_examples=15, deadline=None)
@given(st.floats(min_value=0.3, max_value=1.5))
def test_one_in_flight_marker_per_message_between_nodes(t: float) -> None:
    sim = raft(1.5, seed=3)
    snapshot = sim.snapshot(t)
    fig, ax = plt.subplots()
    view = ClusterView(ax, sim.nodes)
    view.update(snapshot)
    between = [m for m in snapshot.in_flight if m.src and m.dst and m.src != m.dst]
    assert len(view.messages.get_offsets()) == len(between)
    colours = [tuple(c) for c in view.messages.get_facecolor()]
    assert colours == [to_rgba(message_colour(type(m.msg).__name__)) for m in between]
    plt.close(fig)


def test_belief_arrows_point_at_the_believed_leader_and_turn_red_when_it_is_down() -> None:
    sim = raft(1.0)
    boss = leader(sim)
    view = draw_cluster(sim)
    shown = [a for a in view.arrows if a.get_visible()]
    assert len(shown) == 4
    assert all(a.get_edgecolor()[:3] == (0, 0, 0) for a in shown)
    sim.crash(boss)
    view.update(sim.snapshot())
    assert all(tuple(a.get_edgecolor()) == to_rgba(WRONG) for a in view.arrows if a.get_visible())
    assert "leads: nobody" in view.caption.get_text()


def test_split_brain_is_said_in_the_caption() -> None:
    sim = Sim()
    from distsys_edu.protocols import spawn

    spawn(sim, "bully", 5)
    sim.run(until=2.0)
    sim.partition(["n1", "n2"], ["n3", "n4", "n5"])
    sim.run(until=8.0)
    view = draw_cluster(sim)
    assert "SPLIT BRAIN" in view.caption.get_text()


def test_timer_arcs_for_a_live_sim_and_none_for_the_past() -> None:
    sim = raft(1.0)
    view = draw_cluster(sim)
    drawn = [p for p in view.timer_arcs.get_paths() if len(p.vertices) > 1]
    assert len(drawn) == 5  # every node has a timer running
    past = draw_cluster(sim, t=0.5)
    assert all(len(p.vertices) == 1 for p in past.timer_arcs.get_paths())


def test_layout_is_a_fixed_circle_in_spawn_order() -> None:
    places = layout(["a", "b", "c", "d"])
    assert places["a"] == pytest.approx((0.0, 1.0))
    assert places["b"] == pytest.approx((1.0, 0.0))
    assert layout(["a", "b", "c", "d"]) == places


def test_sources_a_snapshot_and_a_trace() -> None:
    sim = raft(1.0)
    snapshot = sim.snapshot(0.5)
    assert isinstance(snapshot, Snapshot)
    from_snapshot = draw_cluster(snapshot)
    from_trace = draw_cluster(sim.trace, t=0.5)
    assert from_snapshot.caption.get_text() == from_trace.caption.get_text()
    graph = cluster_graph(snapshot)
    assert graph.number_of_edges() == 20 and graph.nodes["n1"]["status"] == "up"


@pytest.mark.parametrize(
    ("source", "t", "words"),
    [
        ("snapshot", 0.2, "t=0.2 is not allowed: must be None for a Snapshot"),
        ("trace", None, "t=None is not allowed: must be a time in seconds from 0 to"),
        ("trace", 99.0, "t=99.0 is not allowed"),
        ("sim", 99.0, "t=99.0 is not allowed: must be a time between 0 and now"),
        ("nothing", None, "source='nothing' is not allowed: must be a Sim, a Snapshot"),
    ],
)
def test_bad_sources_and_times_are_refused_clearly(
    source: str, t: float | None, words: str
) -> None:
    sim = raft(0.5)
    given_source = {
        "snapshot": sim.snapshot(),
        "trace": sim.trace,
        "sim": sim,
        "nothing": "nothing",
    }[source]
    with pytest.raises(InvalidArgument, match=re.escape(words)):
        draw_cluster(given_source, t=t)  # type: ignore[arg-type]


def test_update_redraws_the_slow_layers_only_when_they_change() -> None:
    sim = raft(1.0)
    view = draw_cluster(sim)
    view.render()
    assert view._background is not None
    sim.run_for(0.001)
    view.update(sim.snapshot())
    assert view._background is not None  # only messages, timers and the time moved
    sim.crash(leader(sim))
    view.update(sim.snapshot())
    assert view._background is None
    view.render()
