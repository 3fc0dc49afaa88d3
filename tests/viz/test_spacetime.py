"""The space-time diagram and the story it is drawn from."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenarios import leader, raft

from distsys_edu.runtime import InvalidArgument, Sim, Trace
from distsys_edu.viz import read_story, timeline
from distsys_edu.viz.story import status_spans


def test_one_arrow_per_delivered_message_and_one_cross_per_drop() -> None:
    sim = raft(1.2, faults=["0.6 crash n1", "0.62 loss 0.2"])
    drawn = timeline(sim.trace)
    delivered = [m for m in drawn.messages if m.outcome == "delivered"]
    dropped = [m for m in drawn.messages if m.outcome == "dropped"]
    assert len(drawn.arrows.U) == len(delivered) > 0
    assert len(drawn.drops.get_offsets()) == len(dropped) > 0
    between = [m for m in read_story(sim.trace).messages if m.src != m.dst]
    assert len(drawn.messages) == len(between)  # under the limit: nothing left out
    reasons = {m.reason for m in dropped}
    assert reasons == {"loss", "node_down"}


def test_a_drop_on_arrival_is_marked_on_the_recipients_lane_at_its_time() -> None:
    sim = raft(1.0, faults=["0.6 crash n1"])
    drawn = timeline(sim.trace)
    lane = {name: -i for i, name in enumerate(sim.nodes)}
    crosses = [tuple(p) for p in drawn.drops.get_offsets()]
    dropped = [m for m in drawn.messages if m.outcome == "dropped"]
    assert crosses == [(drawn.axis.x(m.ended_at), lane[m.dst]) for m in dropped]
    assert all(m.dst == "n1" and m.reason == "node_down" for m in dropped)


def test_a_long_trace_says_what_it_left_out_and_how_to_zoom() -> None:
    sim = raft(3.0)
    drawn = timeline(sim.trace, max_messages=50)
    assert len(drawn.messages) == 50 and drawn.left_out > 0
    title = drawn.ax.get_title(loc="left")
    assert f"Showing the first 50 of {50 + drawn.left_out} messages" in title
    assert "timeline(trace, start=" in title


def test_window_and_lanes() -> None:
    sim = raft(1.5)
    boss = leader(sim)
    other = next(n for n in sim.nodes if n != boss)
    drawn = timeline(sim.trace, start=1.0, end=1.2, nodes=[other, boss])
    assert drawn.messages
    assert all({m.src, m.dst} == {other, boss} for m in drawn.messages)
    assert all(m.sent_at <= 1.2 for m in drawn.messages)


def test_violations_found_by_the_checks_are_highlighted() -> None:
    sim = Sim(seed=0)
    from distsys_edu.protocols import spawn

    spawn(sim, "bully", 4)
    sim.run(until=1.0)
    sim.partition(["n1", "n2"], ["n3", "n4"])
    sim.run(until=4.0)
    sim.heal()
    sim.run(until=9.0)
    drawn = timeline(sim.trace)
    assert drawn.violations
    texts = [t.get_text() for t in drawn.ax.texts]
    for violation in drawn.violations:
        assert any(t.startswith(f"⚠ {violation.invariant}") for t in texts)
    # the label crosses the arrows of the moment it names: it reads over them, on a
    # near-white ground drawn above every arrow
    arrows = max(p.get_zorder() for p in drawn.ax.patches)
    for label in (t for t in drawn.ax.texts if t.get_text().startswith("⚠")):
        ground = label.get_bbox_patch()
        assert ground is not None and label.get_zorder() > arrows
        assert min(ground.get_facecolor()[:3]) == 1.0 and ground.get_facecolor()[3] >= 0.8


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"start": 0.8, "end": 0.5}, "start=0.8 is not allowed: must be <= end (0.5)"),
        ({"nodes": ["n1", "zz"]}, "nodes=['n1', 'zz'] is not allowed: must name nodes"),
        ({"end": 50.0}, "end=50.0 is not allowed: must be a time in seconds from 0 to"),
        ({"start": -1}, "start=-1 is not allowed"),
        ({"max_messages": -1}, "max_messages=-1 is not allowed: must be an int >= 0"),
    ],
)
def test_bad_input_is_refused_clearly(kwargs: dict[str, object], words: str) -> None:
    sim = raft(1.0)
    with pytest.raises(InvalidArgument, match=re.escape(words)):
        timeline(sim.trace, **kwargs)  # type: ignore[arg-type]


FAULTS = st.lists(
    st.sampled_from(
        [
            "crash n2",
            "restart n2",
            "pause n3 0.2",
            "loss 0.3",
            "loss 0",
            "heal",
            "partition n1|n4,n5",
        ]
    ),
    max_size=4,
)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 50), FAULTS)
def test_the_story_accounts_for_every_message_as_the_sim_does(seed: int, faults: list[str]) -> None:
    schedule = [f"{0.3 + 0.2 * i} {f}" for i, f in enumerate(faults)]
    sim = raft(1.5, seed=seed, faults=schedule)
    story = read_story(sim.trace)
    outcomes = [m.outcome for m in story.messages]
    assert len(outcomes) == sim.sent
    assert outcomes.count("delivered") == sim.delivered
    assert outcomes.count("dropped") == sim.dropped
    assert outcomes.count("in_flight") == sim.in_flight
    replayed = read_story(Trace.from_jsonl(iter_lines(sim.trace)))
    assert replayed.messages == story.messages and replayed.entries == story.entries
    for span in status_spans(sim.trace):
        assert sim.trace.events(node=span.node, since=span.start, until=span.start)


def iter_lines(trace: Trace):  # type: ignore[no-untyped-def]
    import io

    return io.StringIO(trace.to_jsonl_string())


def test_timeline_png_is_small_shows_nothing_and_refuses_a_bad_window() -> None:
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from distsys_edu.viz.draw import timeline_png

    sim = raft(2.0, nodes=2)
    before = plt.get_fignums()
    png = timeline_png(sim.trace, 0.0, 1.0, mark=0.5)
    assert plt.get_fignums() == before  # not one of pyplot's: a notebook shows nothing
    width, height = Image.open(io.BytesIO(png)).size
    assert width == 720 and height < 280  # 8 x 2.6 inches at 90 dpi
    with pytest.raises(InvalidArgument, match="start"):
        timeline_png(sim.trace, 1.5, 1.0)
