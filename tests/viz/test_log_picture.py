"""The log picture (viz/logs.py) draws what the nodes publish: one box an entry, its
term written in it, committed boxes solid up to the bar; a down node's disk as last
published; the newest entries when the logs are long; and the cluster picture grows a
row of logs only for protocols that publish them."""

from __future__ import annotations

from itertools import groupby

import matplotlib
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from distsys_edu.experiments.log_scenarios import catch_up, figure8
from distsys_edu.protocols import spawn
from distsys_edu.runtime import NodeView, Sim, Snapshot
from distsys_edu.viz.draw import cluster_figure
from distsys_edu.viz.logs import SHOWN_ENTRIES, draw_log_rows, last_published_logs, log_rows

matplotlib.use("Agg")


def snapshot(logs: dict[str, tuple[list[int], int]]) -> Snapshot:
    nodes = {}
    for name, (terms, commit) in logs.items():
        runs = tuple((t, len(list(same))) for t, same in groupby(terms))
        nodes[name] = NodeView(name, "up", {"log": runs, "commit_index": commit})
    return Snapshot(1.0, nodes, [])


def boxes(ax) -> list[Rectangle]:  # type: ignore[no-untyped-def]
    return [p for p in ax.patches if isinstance(p, Rectangle)]


@given(
    st.lists(st.integers(1, 5), max_size=40).map(sorted),
    st.integers(0, 40),
)
@settings(max_examples=25, deadline=None)
def test_each_entry_shown_is_a_box_with_its_term_and_solid_up_to_the_commit_index(
    terms: list[int], commit: int
) -> None:
    commit = min(commit, len(terms))
    (row,) = log_rows(snapshot({"n1": (terms, commit)}))
    assert row.terms == tuple(terms) and row.commit_index == commit
    ax = Figure().subplots()
    draw_log_rows(ax, [row])
    shown = list(range(max(1, len(terms) - SHOWN_ENTRIES + 1), len(terms) + 1))
    drawn = boxes(ax)
    assert len(drawn) == len(shown)
    assert [b.get_linestyle() == "-" for b in drawn] == [i <= commit for i in shown]
    written = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    assert written == [str(terms[i - 1]) for i in shown]
    assert ("left out" in ax.get_xlabel()) == (len(terms) > SHOWN_ENTRIES)


def test_a_down_node_shows_the_log_on_its_disk_as_last_published() -> None:
    sim = catch_up(seed=0)
    disks = last_published_logs(sim.trace, 2.49)
    rows = {r.name: r for r in log_rows(sim.snapshot(2.49), disks=disks)}
    assert rows["n1"].status == "down" and rows["n1"].terms == (1, 1, 1, 1)
    assert rows["n1"].commit_index == 0  # that was in its memory
    assert "c1" not in rows  # a client publishes no log


def test_the_cluster_picture_has_a_row_of_logs_only_when_the_nodes_publish_logs() -> None:
    with_logs = cluster_figure(figure8().trace, 2.99)
    raft = Sim(seed=1)
    spawn(raft, "raft", 3)
    raft.run(until=1.0)
    without = cluster_figure(raft)
    assert len(with_logs.axes) == 3 and len(without.axes) == 2
    assert len(boxes(with_logs.axes[2])) == 6  # n1, n3 and n4 hold two entries each


def test_the_playground_draws_the_logs_of_the_lanes_that_publish_them() -> None:
    from distsys_edu.viz.playground.model import PlaygroundModel
    from distsys_edu.viz.playground.picture import Picture

    model = PlaygroundModel("raftlog", nodes=3, options={"clients": 1}, versus="raft")
    picture = Picture(model)
    model.advance(1.5)
    picture.update()
    logs, none = picture.log_axes
    assert logs.get_visible() and not none.get_visible()
    assert len(boxes(logs)) == 3 * SHOWN_ENTRIES  # 20 entries each by now: the newest 16
    alone = Picture(PlaygroundModel("raft", nodes=3))
    assert alone.log_axes == [] and len(alone.figure.axes) == 1
