"""The timeline's layout: bursts stretched so each message shows, labels apart, answers told
apart, and a legend that lists only what is drawn."""

from __future__ import annotations

from itertools import pairwise

import matplotlib.pyplot as plt
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from readability import problems
from scenarios import raft

from distsys_edu.protocols import spawn
from distsys_edu.runtime import Sim
from distsys_edu.viz import timeline
from distsys_edu.viz.timeaxis import BURST_SHARE, MAX_GAP, MIN_GAP, time_axis


def first_election(seed: int = 1, nodes: int = 5, until: float = 0.4) -> Sim:
    """Raft's first election on the default network (1 ms links): a burst in a quiet window."""
    sim = Sim(seed=seed)
    spawn(sim, "raft", nodes)
    sim.run(until=until)
    return sim


def legend_texts(drawn: object) -> list[str]:
    legend = drawn.ax.get_legend()  # type: ignore[attr-defined]
    return [t.get_text() for t in legend.get_texts()]


TIMES = st.lists(st.integers(0, 10**6).map(lambda k: k / 10**6), max_size=60)
"""Times of a window of 1 (scaled by the test): a microsecond of it apart at least, as
times closer than ``SAME_TIME`` of the window are drawn as one."""


@settings(max_examples=200, deadline=None)
@given(TIMES, st.floats(0.001, 1.0))
def test_the_axis_keeps_order_and_the_window_and_spreads_bursts(
    times: list[float], span: float
) -> None:
    scaled = [t * span for t in times]
    axis = time_axis(scaled, 0.0, span)
    assert axis.x(0.0) == 0.0 and abs(axis.x(span) - span) < 1e-9 * span
    inside = sorted(set(scaled) | {0.0, span})
    xs = axis.xs(inside)
    assert all(b >= a for a, b in pairwise(xs))  # the order of events
    members = [[t for t in inside if start <= t <= end] for start, end in axis.bursts]
    crowded = sum(len(m) - 1 for m in members)
    for burst in members:  # equal steps, as wide as the room for all bursts allows
        gaps = np.diff(axis.xs(burst))
        least = min(MAX_GAP, BURST_SHARE / crowded) * span
        assert len(gaps) >= 2 and all(g >= least * (1 - 1e-6) for g in gaps)
    if not axis.bursts:  # no burst: to scale
        assert axis.xs(inside) == inside or np.allclose(axis.xs(inside), inside)


def test_events_far_apart_are_drawn_to_scale() -> None:
    times = [0.1 * k for k in range(11)]
    axis = time_axis(times, 0.0, 1.0)
    assert axis.to_scale and axis.xs(times) == times


def test_the_first_raft_election_is_stretched_so_that_its_messages_show() -> None:
    sim = first_election()
    drawn = timeline(sim.trace, 0, 0.4)
    delivered = [m for m in drawn.messages if m.outcome == "delivered"]
    assert len(drawn.arrows.U) == len(delivered) > 20  # every message drawn
    votes = [m for m in drawn.messages if m.type in ("RequestVote", "RequestVoteReply")]
    span = max(m.ended_at or 0 for m in votes) - min(m.sent_at for m in votes)
    assert span < 0.4 * MIN_GAP * 3  # to scale, the whole election would be a few pixels wide
    drawn_span = drawn.axis.x(max(m.ended_at or 0 for m in votes)) - drawn.axis.x(
        min(m.sent_at for m in votes)
    )
    assert drawn_span >= 2 * MAX_GAP * 0.4 * 0.99  # sent, then answered: two steps apart at least
    assert "not to scale" in drawn.ax.get_xlabel()
    assert problems(drawn.ax.figure) == []
    plt.close("all")  # one figure an example


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 7))
def test_bursts_of_any_election_read(seed: int, nodes: int) -> None:
    sim = first_election(seed, nodes, until=0.6)
    drawn = timeline(sim.trace, 0, 0.6)
    assert len(drawn.arrows.U) == sum(m.outcome == "delivered" for m in drawn.messages)
    assert problems(drawn.ax.figure) == []
    plt.close("all")  # one figure an example


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 10_000))
def test_normal_traces_read(seed: int) -> None:
    sim = raft(2.0, seed=seed, faults=["0.8 crash n2", "1.2 pause n3 0.3", "1.5 restart n2"])
    drawn = timeline(sim.trace, 0.6, 2.0)
    assert drawn.messages
    assert problems(drawn.ax.figure) == []
    plt.close("all")  # one figure an example


def test_refused_replies_are_drawn_apart_from_granted_ones() -> None:
    sim = Sim(seed=5, faults=["3 partition n1,n5|n2,n3,n4", "8 heal"])
    spawn(sim, "raft", 5)
    sim.run(until=8.1)
    drawn = timeline(sim.trace, 8.027, 8.031)
    refused = [m for m in drawn.messages if m.answer is False and m.outcome == "delivered"]
    granted = [m for m in drawn.messages if m.answer is True and m.outcome == "delivered"]
    assert refused and granted
    assert drawn.refusals is not None
    circles = [tuple(p) for p in drawn.refusals.get_offsets()]
    lane = {name: -i for i, name in enumerate(sim.nodes)}
    assert circles == [(drawn.axis.x(m.ended_at), lane[m.dst]) for m in refused]
    texts = legend_texts(drawn)
    assert "reply: no (refused, failed)" in texts and "reply: yes (granted, ok)" in texts


def test_without_a_refusal_the_legend_says_nothing_of_answers() -> None:
    drawn = timeline(first_election().trace, 0, 0.4)
    assert not [m for m in drawn.messages if m.answer is False] and drawn.refusals is None
    assert not [t for t in legend_texts(drawn) if t.startswith("reply:")]


def test_the_legend_lists_only_what_the_picture_shows() -> None:
    calm = timeline(first_election().trace, 0, 0.4)
    assert legend_texts(calm) == [
        "RequestVote",
        "RequestVoteReply",
        "AppendEntries",
        "AppendEntriesReply",
    ]
    sim = raft(1.4, faults=["0.6 crash n1", "0.9 pause n2 0.2"])
    eventful = timeline(sim.trace, 0.5, 1.4)
    texts = legend_texts(eventful)
    assert {"dropped here", "down", "paused"} <= set(texts)
    assert "stopped" not in texts and "invariant violated" not in texts


EVENTFUL = [
    "0.8 crash n2",
    "1.2 pause n3 0.3",
    "1.5 restart n2",
    "1.6 partition n1|n4,n5",
    "1.8 heal",
]


@settings(max_examples=25, deadline=None)
@given(st.floats(0, 2.0), st.floats(0, 0.5))
def test_any_window_reads(start: float, width: float) -> None:
    """Down to a window of no width at all, where the ticks must not pile up."""
    sim = raft(2.0, faults=EVENTFUL)
    drawn = timeline(sim.trace, start, min(2.0, start + width))
    assert problems(drawn.ax.figure) == []
    plt.close("all")  # one figure an example


def test_times_a_hair_apart_are_one_time() -> None:
    axis = time_axis([0.0, 2e-309, 6e-235, 1e-12, 0.25, 0.5, 0.5 + 1e-15, 0.75], 0.0, 1.0)
    xs = axis.xs([0.0, 2e-309, 6e-235, 1e-12, 0.25, 0.5, 0.75, 1.0])
    assert all(np.isfinite(xs)) and xs == sorted(xs)
    assert len(axis.knots) == len(set(axis.knots))
