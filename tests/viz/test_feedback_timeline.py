"""The box's timeline of a short scenario spans that scenario's own messages (issue 16,
section 3): every message drawn inside the axes and apart from the others, spread over the
picture rather than squeezed into a corner of a window seconds long; the picture reads."""

from __future__ import annotations

from itertools import pairwise

import pytest
from figures import AddsEveryArrival
from readability import problems

from distsys_edu import Actor, Context
from distsys_edu.exercises import check_deduplication, check_ping_pong, replay
from distsys_edu.exercises.feedback import message_window
from distsys_edu.exercises.ping_pong import PINGS, PONGER, Ping, Pong
from distsys_edu.exercises.result import FAILED
from distsys_edu.viz.draw import BOX_DPI, timeline_figure
from distsys_edu.viz.story import read_story

BOX_WIDTH_PX = 8.0 * BOX_DPI
"""The box shows the PNG at its own width (8 inches at the box's dpi)."""

APART_PX = 6.0
"""Successive messages sent at different times start at least this far apart."""

SPREAD = 0.5
"""The messages span at least this share of the axes' width."""


class NoRetry(Actor):
    """Wrong: sends each Ping once and waits for its Pong: stuck at the first loss."""

    def __init__(self) -> None:
        self.seq = 1

    def started(self, ctx: Context) -> None:
        ctx.addr(PONGER).do_send(Ping(self.seq, ctx.name))

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        ctx.annotate(pongs=msg.seq)
        if self.seq < PINGS:
            self.seq += 1
            ctx.addr(PONGER).do_send(Ping(self.seq, ctx.name))


@pytest.mark.parametrize(
    ("exercise", "check", "answer"),
    [
        ("deduplication", check_deduplication, AddsEveryArrival),
        ("ping_pong", check_ping_pong, NoRetry),
    ],
)
def test_a_short_scenario_is_drawn_over_its_own_messages(exercise, check, answer) -> None:
    outcome = next(o for o in check(answer).outcomes if o.status == FAILED)
    assert outcome.png() is not None and outcome.at is not None
    sim = replay(exercise, outcome.scenario, answer)
    lo, hi = message_window(sim, outcome.at)
    assert outcome.caption.startswith(f"the messages from t = {lo:g} to {hi:g} s")
    figure, drawn = timeline_figure(sim.trace, lo, hi, mark=outcome.at)
    assert problems(figure, shown_width_px=BOX_WIDTH_PX) == []

    assert drawn.messages == read_story(sim.trace).messages  # every message is drawn
    ax = drawn.ax
    left, right = ax.get_xlim()
    ends = [t for m in drawn.messages for t in (m.sent_at, m.ended_at or m.due) if t is not None]
    assert all(left <= drawn.axis.x(t) <= right for t in ends)
    to_px = ax.transData.transform
    starts = sorted({to_px((drawn.axis.x(m.sent_at), 0))[0] for m in drawn.messages})
    assert all(b - a >= APART_PX for a, b in pairwise(starts))
    xs = [to_px((drawn.axis.x(t), 0))[0] for t in ends]
    assert max(xs) - min(xs) >= SPREAD * ax.get_window_extent().width
