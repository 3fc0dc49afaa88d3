"""Every message type the timeline's legend lists can be seen in the picture (issue 16,
section 3): lesson 07's RequestVote and RequestVoteReply were hidden under the
AppendEntries arrows that ran alongside them (0 pixels of their colours)."""

from __future__ import annotations

import numpy as np
import pytest
from figures import _lesson07_sim
from matplotlib.colors import to_rgb
from test_timeline_layout import first_election, legend_texts

from distsys_edu.viz import timeline
from distsys_edu.viz.style import message_colour

MIN_PIXELS = 100
"""Pixels of a type's colour (within ``NEAR`` of it, each channel) that make it visible:
an outlined arrow across a lane of the figure shows several hundred, a hidden one none."""

NEAR = 40


def _pixels_of_each_type(drawn) -> dict[str, int]:
    figure = drawn.ax.get_figure(root=True)
    figure.canvas.draw()
    image = np.asarray(figure.canvas.buffer_rgba())[:, :, :3].astype(int)
    box = drawn.ax.get_window_extent()  # the axes only: not the legend beside them
    height = image.shape[0]
    inside = image[int(height - box.y1) : int(height - box.y0), int(box.x0) : int(box.x1)]
    return {
        kind: int(
            (
                np.abs(inside - np.array(to_rgb(message_colour(kind))) * 255).max(axis=2) <= NEAR
            ).sum()
        )
        for kind in {m.type for m in drawn.messages}
    }


@pytest.mark.parametrize(
    ("trace", "start", "end"),
    [
        pytest.param(lambda: _lesson07_sim().trace, 3.2, 3.8, id="lesson07 pause and vote"),
        pytest.param(lambda: first_election().trace, 0.0, 0.4, id="first election"),
    ],
)
def test_every_message_type_in_the_legend_is_visible(trace, start, end) -> None:
    drawn = timeline(trace(), start, end)
    seen = _pixels_of_each_type(drawn)
    listed = [text for text in legend_texts(drawn) if text in seen]
    assert sorted(listed) == sorted(seen)  # the legend lists every type drawn
    assert {kind: n for kind, n in seen.items() if n < MIN_PIXELS} == {}


def test_the_replicated_logs_messages_each_have_their_own_colour() -> None:
    """Lessons 08 and 09 draw the clients' messages beside Raft's: a colour shared
    made ClientRequest and AppendEntries one line in the legend's eyes."""
    kinds = ["ClientRequest", "ClientReply", "AppendEntries", "AppendEntriesReply"]
    kinds += ["RequestVote", "RequestVoteReply"]
    assert len({message_colour(kind) for kind in kinds}) == len(kinds)
