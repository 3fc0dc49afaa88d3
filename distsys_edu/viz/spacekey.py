"""The key of the space-time diagram (:mod:`.spacetime`): how states and answers are drawn,
a legend that lists only what the picture shows, and rare message types kept in sight
(drawn last, outlined) among the heartbeats that would hide them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .commits import commit_handle
from .story import MessageLeg
from .style import GREY, LIGHT_GREY, WRONG, message_colour
from .timeaxis import TimeAxis

FONT_SIZE = 8
"""Points, for the labels and the legend: 9 pixels or more at 100 dpi shown 90% wide."""

SPAN_STYLES = {
    "down": {"facecolor": LIGHT_GREY, "hatch": "xx", "edgecolor": GREY, "label": "down"},
    "paused": {"facecolor": "#F3F3F3", "hatch": "//", "edgecolor": GREY, "label": "paused"},
    "stopped": {"facecolor": GREY, "hatch": "", "edgecolor": GREY, "label": "stopped"},
}


def mark_refusals(
    ax: Axes, refused: Sequence[MessageLeg], y: dict[str, int], axis: TimeAxis
) -> PathCollection | None:
    """A reply that says no: its arrow's shaft dotted (white gaps over it) and an open
    circle where it arrived. Returns the circles (``None`` when nothing was refused)."""
    if not refused:
        return None
    starts = [(axis.x(m.sent_at), float(y[m.src])) for m in refused]  # type: ignore[index]
    ends = [(axis.x(m.ended_at or m.sent_at), float(y[m.dst])) for m in refused]  # type: ignore[index]
    ax.add_collection(
        LineCollection(
            [
                [a, (a[0] + (b[0] - a[0]) * 0.8, a[1] + (b[1] - a[1]) * 0.8)]
                for a, b in zip(starts, ends, strict=True)
            ],
            colors="white",
            linewidths=1.6,
            linestyles=(0, (1.5, 1.5)),
            zorder=3.5,
        )
    )
    return ax.scatter(
        [x for x, _ in ends],
        [v for _, v in ends],
        s=30,
        facecolors="white",
        edgecolors=[message_colour(m.type) for m in refused],
        linewidths=1.3,
        zorder=4,
    )


DROP_HANDLE = Line2D(
    [], [], marker="X", color="none", markerfacecolor=WRONG, markersize=8, label="dropped here"
)
"""The legend's entry for a dropped message: a red cross, as drawn."""


def draw_legend(
    ax: Axes,
    drawn: Sequence[MessageLeg],
    statuses: Sequence[str],
    drops: bool,
    violated: bool,
    *,
    commits: bool = False,
) -> None:
    """What this picture shows, and nothing else: the message types ``drawn``, the answers
    when some say no, drops, the ``statuses`` shaded, a violation and commit ticks, each
    only if there."""
    types = list(dict.fromkeys(m.type for m in drawn))
    handles: list[Any] = [
        Line2D([], [], color=message_colour(t), linewidth=2, label=t) for t in types
    ]
    answers = {m.answer for m in drawn if m.outcome == "delivered"}
    if {True, False} <= answers:  # solid is how every arrow looks: worth a word beside "no"
        handles.append(
            Line2D([], [], color="black", linewidth=1.5, label="reply: yes (granted, ok)")
        )
    if False in answers:
        handles.append(
            Line2D(
                [],
                [],
                color="black",
                linewidth=1.5,
                linestyle=(0, (1.5, 1.5)),
                marker="o",
                markevery=[1],
                markerfacecolor="white",
                label="reply: no (refused, failed)",
            )
        )
    if drops:
        handles.append(DROP_HANDLE)
    handles += [
        Patch(
            facecolor=s["facecolor"], hatch=s["hatch"], edgecolor=s["edgecolor"], label=s["label"]
        )
        for status, s in SPAN_STYLES.items()
        if status in statuses
    ]
    if violated:
        handles.append(Line2D([], [], color=WRONG, linewidth=2, label="invariant violated"))
    if commits:
        handles.append(commit_handle())
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=FONT_SIZE,
        frameon=False,
    )


def rarest_last(legs: Sequence[MessageLeg]) -> list[MessageLeg]:
    """``legs`` ordered by how many of their type there are, most first (stable: in the
    order sent within a type and among types equally common)."""
    count = Counter(m.type for m in legs)
    return sorted(legs, key=lambda m: -count[m.type])


RARE = 0.1
"""A type with at most this share of the commonest type's arrows is outlined, thicker."""


def outlines(legs: Sequence[MessageLeg]) -> list[float]:
    """Each arrow's outline in points: 0.8 for a rare type (it thickens the arrow that
    heartbeats would hide), none for the others."""
    count = Counter(m.type for m in legs)
    most = max(count.values(), default=0)
    return [0.8 if count[m.type] <= RARE * most else 0.0 for m in legs]
