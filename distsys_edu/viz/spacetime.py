"""The space-time (Lamport) diagram: a lane per node, time to the right.

Drawn from the story of a trace (:mod:`.story`), the same interpretation the
terminal timeline prints:

* an arrow per delivered message, from its sender's lane when it was sent to its
  recipient's lane when it arrived, in its type's colour;
* a drop as a red cross where it happened: beside the sender for a message lost
  or cut as it was sent, on the recipient's lane for one that arrived at a cut
  link or a node that was down;
* a shaded stretch of lane while a node was down (crossed), paused (hatched) or
  stopped;
* a tick above the lane where a node's published commit index advances (:mod:`.commits`);
* role and term changes written on the lane; partitions and heals as lines across
  every lane; the violations that :mod:`distsys_edu.checks` finds as red lines;
* a reply that says no (a vote refused, an append that failed) drawn dotted with an
  open circle where it arrived, apart from one that says yes (solid).

Where events crowd (an election within a millisecond), the time axis is stretched
so that each message shows (:mod:`.timeaxis`), and labels are stacked so that none
covers another (:mod:`.labels`). The legend lists only what the picture shows.

A long trace is not drawn as a hairball: past ``max_messages`` the diagram shows
the first ones, says how many it left out, and how to zoom in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.quiver import Quiver
from matplotlib.text import Annotation

from ..checks import Violation, one_leader_among_reachable, one_leader_per_term
from ..checks.arguments import trace_of
from ..runtime import Trace
from ..runtime.errors import invalid
from .commits import commits_in, draw_commits
from .labels import STEP_POINTS, stack
from .spacekey import FONT_SIZE, SPAN_STYLES, draw_legend, mark_refusals, outlines, rarest_last
from .story import MessageLeg, Story, check_trace_time, read_story
from .style import LIGHT_GREY, ROLE_STYLES, WRONG, message_colour
from .timeaxis import TimeAxis, draw_time_axis, time_axis

DEFAULT_MAX_MESSAGES = 400
"""Messages drawn at most; past it the diagram says what it left out."""

MAX_LABELS = 80
"""Role changes written on the lanes at most."""


@dataclass
class Timeline:
    """The drawn diagram and what it holds, for tests and for adding to it.

    Attributes:
        ax: the axes it is drawn in.
        arrows: one arrow per delivered message drawn (a matplotlib ``Quiver``; the commonest
            types first, the rarest last, on top: not in the order of ``messages``).
        drops: one cross per dropped message drawn.
        messages: the messages drawn, in order sent.
        left_out: messages in the window not drawn (past ``max_messages``).
        violations: what the checks found in the window.
        axis: where each time is drawn (``axis.x(t)``): to scale, or stretched at bursts.
        refusals: an open circle where each reply that says no arrived (``None``: none).
        commits: a tick where a node's commit index advanced (``None``: none).
    """

    ax: Axes
    arrows: Quiver
    drops: PathCollection
    messages: list[MessageLeg]
    left_out: int
    violations: list[Violation] = field(default_factory=list)
    axis: TimeAxis = field(default_factory=lambda: TimeAxis((0.0, 1.0), (0.0, 1.0), ()))
    refusals: PathCollection | None = None
    commits: PathCollection | None = None


def timeline(
    trace: Trace,
    start: float | None = None,
    end: float | None = None,
    nodes: Sequence[str] | None = None,
    *,
    ax: Axes | None = None,
    max_messages: int = DEFAULT_MAX_MESSAGES,
) -> Timeline:
    """Draw the space-time diagram of ``trace`` from ``start`` to ``end``.

    Args:
        trace: a full trace (``sim.trace``, or one read back from JSON lines).
        start: first virtual time shown (default 0).
        end: last virtual time shown (default: the trace's last event).
        nodes: the lanes, in order (default: every node, in spawn order).
        ax: axes to draw into; a new figure when ``None``.
        max_messages: draw at most this many messages (the first ones sent).

    Raises:
        InvalidArgument: ``start`` or ``end`` outside the trace, ``start > end``,
            a node that is not in the trace, or ``max_messages < 0``.
        TraceLevelError: the trace keeps counts only.
    """
    trace = trace_of(trace)
    lo, hi, lanes = _window(trace, start, end, nodes)
    if isinstance(max_messages, bool) or not isinstance(max_messages, int) or max_messages < 0:
        raise invalid("max_messages", max_messages, "must be an int >= 0")
    story = read_story(trace)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 1.4 + 0.5 * len(lanes)), layout="constrained")
    y = {name: -i for i, name in enumerate(lanes)}
    legs = [m for m in story.messages if _visible(m, y, lo, hi)]
    drawn, left_out = legs[:max_messages], len(legs) - min(len(legs), max_messages)
    found = [
        v
        for v in (*one_leader_per_term(trace), *one_leader_among_reachable(trace))
        if lo <= v.t <= hi
    ]
    axis = time_axis(_times(story, drawn, found), lo, hi)
    statuses = _draw_lanes(ax, story, y, lo, hi, axis)
    arrows, drops, refusals = _draw_messages(ax, drawn, y, axis)
    commits = draw_commits(ax, commits_in(trace, lo, hi), y, axis)
    network, labels = _draw_entries(ax, story, y, lo, hi, axis)
    labels += _draw_violations(ax, found, y, axis)
    pad = (hi - lo) * 0.01 if hi > lo else 1e-3  # a short window keeps its proportions
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(-len(lanes) + 0.4, 0.9)
    ax.set_yticks(list(y.values()), list(y))
    draw_time_axis(ax, axis, lo, hi, time_axis_label(trace))
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    dropped = any(m.outcome == "dropped" for m in drawn)
    draw_legend(ax, drawn, statuses, dropped, bool(found), commits=commits is not None)
    ax.set_title(_note(legs, drawn, left_out, hi, lanes), fontsize=9, loc="left")
    stack(ax, network, moves=[(0.0, -STEP_POINTS * k) for k in range(3)])  # under the lanes
    stack(ax, labels)  # above them
    return Timeline(ax, arrows, drops, drawn, left_out, found, axis, refusals, commits)


def _times(story: Story, legs: Sequence[MessageLeg], found: Sequence[Violation]) -> list[float]:
    """Every time something is drawn at: sends, arrivals and drops, entries, spans, violations."""
    times = [m.sent_at for m in legs]
    times += [t for m in legs for t in (m.ended_at, m.due) if t is not None]
    times += [e.t for e in story.entries]
    times += [t for s in story.spans for t in (s.start, s.end) if t is not None]
    return times + [v.t for v in found]


def time_axis_label(trace: Trace) -> str:
    """What the time axis counts: virtual seconds, or (for the merged trace of real
    processes, whose header names its ``net`` cluster) seconds since the cluster started."""
    return "time since the cluster started (s)" if "net" in trace.meta else "virtual time (s)"


def _window(
    trace: Trace, start: float | None, end: float | None, nodes: Sequence[str] | None
) -> tuple[float, float, list[str]]:
    """Check and return ``(start, end, lanes)``."""
    lo = 0.0 if start is None else check_trace_time("start", start, trace)
    hi = (
        check_trace_time("end", trace[-1].t if len(trace) else 0.0, trace)
        if end is None
        else (check_trace_time("end", end, trace))
    )
    if lo > hi:
        raise invalid("start", start, f"must be <= end ({hi!r})")
    if nodes is None:
        return lo, hi, list(trace.nodes)
    lanes = [nodes] if isinstance(nodes, str) else list(nodes)
    unknown = [n for n in lanes if n not in trace.nodes]
    if unknown or not lanes:
        known = ", ".join(trace.nodes) or "none"
        raise invalid("nodes", nodes, f"must name nodes of the trace ({known})")
    return lo, hi, lanes


def _visible(m: MessageLeg, y: dict[str, int], lo: float, hi: float) -> bool:
    """Whether ``m`` runs between two lanes shown and crosses the window."""
    if m.src not in y or m.src == m.dst:
        return False
    if m.dst not in y:
        return False
    last = m.ended_at if m.ended_at is not None else (m.due if m.due is not None else m.sent_at)
    return m.sent_at <= hi and last >= lo


def _draw_lanes(
    ax: Axes, story: Story, y: dict[str, int], lo: float, hi: float, axis: TimeAxis
) -> list[str]:
    """The lanes and the stretches when a node was not up; returns the statuses drawn."""
    statuses: list[str] = []
    for lane in y.values():
        ax.axhline(lane, color=LIGHT_GREY, linewidth=1, zorder=0)
    for span in story.spans:
        if span.node not in y:
            continue
        end = hi if span.end is None else min(span.end, hi)
        begin = max(span.start, lo)
        if end <= begin:  # ended as the window begins: nothing to shade
            continue
        style = SPAN_STYLES[span.status]
        statuses.append(span.status)
        ax.broken_barh(
            [(axis.x(begin), max(axis.x(end) - axis.x(begin), 1e-9))],
            (y[span.node] - 0.18, 0.36),
            zorder=1,
            facecolor=style["facecolor"],
            hatch=style["hatch"],
            edgecolor=style["edgecolor"],
        )
    return list(dict.fromkeys(statuses))


def _arrows(ax: Axes, arrows: Sequence[MessageLeg], y: dict[str, int], axis: TimeAxis) -> Quiver:
    """One arrow per delivered message, in its type's colour (a rare type outlined)."""
    xs = axis.xs(m.sent_at for m in arrows)
    ys = [y[m.src] for m in arrows]  # type: ignore[index]
    us = [axis.x(m.ended_at or m.sent_at) - x for m, x in zip(arrows, xs, strict=True)]
    vs = [y[m.dst] - y[m.src] for m in arrows]  # type: ignore[index]
    return ax.quiver(
        xs,
        ys,
        us,
        vs,
        color=[message_colour(m.type) for m in arrows],
        edgecolors=[message_colour(m.type) for m in arrows],
        linewidths=outlines(arrows),
        angles="xy",
        scale_units="xy",
        scale=1,
        width=0.0016,
        headwidth=5,
        headlength=6,
        headaxislength=5,
        zorder=3,
    )


def _draw_messages(
    ax: Axes, legs: Sequence[MessageLeg], y: dict[str, int], axis: TimeAxis
) -> tuple[Quiver, PathCollection, PathCollection | None]:
    """Arrows for delivered messages (a refusal marked), lines and crosses for the rest.

    The arrows of the commonest types are drawn first and those of the rarest last, on
    top: a vote among a hundred heartbeats that run alongside it stays in sight."""
    arrows = rarest_last([m for m in legs if m.outcome == "delivered"])
    quiver = _arrows(ax, arrows, y, axis)
    refusals = mark_refusals(ax, [m for m in arrows if m.answer is False], y, axis)
    others, crosses = [], []
    for m in legs:
        if m.outcome == "delivered":
            continue
        src, dst = float(y[m.src]), float(y[m.dst])  # type: ignore[index]
        sent = axis.x(m.sent_at)
        if m.due is None:  # dropped as it was sent: it never left
            where = (sent, src + (dst - src) * 0.2)
        elif m.outcome == "dropped":
            where = (axis.x(m.ended_at or m.sent_at), float(dst))
        else:  # still in flight at the trace's end: a line to where it is due
            others.append(([(sent, src), (axis.x(m.due), dst)], message_colour(m.type)))
            continue
        others.append(([(sent, src), where], message_colour(m.type)))
        crosses.append(where)
    ax.add_collection(
        LineCollection(
            [seg for seg, _ in others],
            colors=[c for _, c in others],
            linewidths=0.9,
            linestyles=(0, (2, 2)),
            zorder=2,
        )
    )
    drops = ax.scatter(
        [x for x, _ in crosses],
        [v for _, v in crosses],
        marker="X",
        s=40,
        c=WRONG,
        edgecolors="white",
        linewidths=0.5,
        zorder=4,
    )
    return quiver, drops, refusals


_ROLE_WORDS = {"becomes LEADER": "leader", "becomes candidate": "candidate"}


def _draw_entries(
    ax: Axes, story: Story, y: dict[str, int], lo: float, hi: float, axis: TimeAxis
) -> tuple[list[Annotation], list[Annotation]]:
    """Role changes on the lanes; partitions and heals across them, written under the last
    lane (role labels go above their lanes). Returns the network's labels and the roles'."""
    network: list[Annotation] = []
    labels: list[Annotation] = []
    bottom = min(y.values()) - 0.3
    roles = 0
    for entry in story.entries:
        if not lo <= entry.t <= hi:
            continue
        x = axis.x(entry.t)
        if entry.subject == "network":
            ax.axvline(x, color="black", linestyle=":", linewidth=1, zorder=1)
            right = x > (lo + hi) / 2  # written towards the middle, away from the legend
            network.append(
                ax.annotate(
                    entry.what.replace("is partitioned: ", "partition "),
                    (x, bottom),
                    xytext=(-3 if right else 3, 0),
                    textcoords="offset points",
                    fontsize=FONT_SIZE,
                    va="top",
                    ha="right" if right else "left",
                )
            )
            continue
        role = next((r for words, r in _ROLE_WORDS.items() if words in entry.clauses), None)
        if entry.subject not in y or role is None or roles >= MAX_LABELS:
            continue
        roles += 1
        text = "LEADER" if role == "leader" else "candidate"
        labels.append(
            ax.annotate(
                f"{text}{entry.suffix.replace(' (term ', ' t').replace(')', '')}",
                (x, y[entry.subject]),
                xytext=(0, 6),
                textcoords="offset points",
                fontsize=FONT_SIZE,
                color="black",
                ha="left",
                va="bottom",
                zorder=5,
                bbox={
                    "boxstyle": "round,pad=0.15",
                    "fc": ROLE_STYLES[role].colour,
                    "ec": "none",
                    "alpha": 0.5,
                },
            )
        )
    return network, labels


def _draw_violations(
    ax: Axes, found: Sequence[Violation], y: dict[str, int], axis: TimeAxis
) -> list[Annotation]:
    labels = []
    for v in found:
        x = axis.x(v.t)
        ax.axvline(x, color=WRONG, linewidth=2, alpha=0.7, zorder=1)
        lanes = [y[n] for n in v.nodes if n in y]
        labels.append(
            ax.annotate(
                f"⚠ {v.invariant}: {', '.join(v.nodes)}",
                (x, max(lanes) if lanes else 0),
                xytext=(-3, 6),
                textcoords="offset points",
                fontsize=FONT_SIZE,
                color=WRONG,
                ha="right",
                va="bottom",
                zorder=6,  # above the arrows it crosses, on a near-white ground of its own
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )
        )
    return labels


def _note(
    legs: Sequence[MessageLeg],
    drawn: Sequence[MessageLeg],
    left_out: int,
    hi: float,
    lanes: Sequence[str],
) -> str:
    """What the diagram shows and, past the limit, what it left out and how to zoom."""
    if not left_out:
        return f"{len(drawn)} messages between {len(lanes)} nodes"
    cut = legs[len(drawn)].sent_at
    return (
        f"Showing the first {len(drawn)} of {len(legs)} messages (those sent before "
        f"t={cut:.3f} s); {left_out} left out. Zoom in: "
        f"timeline(trace, start={cut:.3f}, end={min(hi, cut + (cut - legs[0].sent_at)):.3f})"
        f", or fewer nodes=[...]"
    )
