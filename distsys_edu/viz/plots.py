"""Plots of the experiments' results, in the style of the papers they reproduce.

* :func:`plot_election_times`: one CDF of election times per timeout range, as in
  Figure 16 of the Raft paper (log-scaled time, cumulative percent of trials).
* :func:`plot_detector_tradeoff`: detection time against false suspicions, one
  curve per detector, each point a threshold.
* :func:`plot_message_counts`: messages one election costs against cluster size,
  measured, with the textbook formulas drawn as lines.

Each takes the experiment's result objects (or runs the small one itself) and an
optional ``ax``, and returns the axes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import LogFormatter, ScalarFormatter

from ..experiments.detector_tradeoff import DetectorTradeoffResult
from ..experiments.election_messages import election_messages
from ..experiments.election_time import ElectionTimeResult
from ..runtime.errors import invalid
from .labels import stack
from .style import OKABE_ITO

_LINE_COLOURS = tuple(
    OKABE_ITO[c]
    for c in (
        "blue",
        "orange",
        "bluish_green",
        "reddish_purple",
        "sky_blue",
        "vermillion",
        "black",
        "yellow",
    )
)
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _axes(ax: Axes | None, size: tuple[float, float] = (7, 4.5)) -> Axes:
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _plain_milliseconds(ax: Axes) -> None:
    """Label a log-scaled x axis of milliseconds in plain numbers (200, 300, 1000), major and
    minor ticks alike: matplotlib's default writes a minor tick as "3 x 10^2", and on a span
    of less than a decade those labels run into each other."""
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(1, 0.6)))


def plot_election_times(
    results: Sequence[ElectionTimeResult], ax: Axes | None = None, legend_loc: str = "best"
) -> Axes:
    """Figure 16 of the Raft paper: the CDF of election times, one line per timeout range.

    Args:
        results: results of :func:`~distsys_edu.experiments.election_time.election_time`
            with ``times_ms`` kept (the default).
        ax: axes to draw into; a new figure when ``None``.
        legend_loc: where the legend goes: a matplotlib ``loc`` inside the axes
            (``"best"`` covers the fewest points, but not always the lines that matter:
            the unfinished ranges run along the bottom right), or ``"below"``: under the
            axes, in two columns, where it covers nothing.

    An unfinished trial counts as longer than any finished one: the line ends below
    100% and the legend says how many there were.

    Raises:
        InvalidArgument: no results.
    """
    if not results:
        raise invalid("results", results, "must hold at least one ElectionTimeResult")
    ax = _axes(ax)
    for i, result in enumerate(results):
        times = sorted(result.times_ms)
        share = [100 * (k + 1) / result.trials for k in range(len(times))]
        low, high = result.timeout_ms
        label = f"{low:g}-{high:g} ms"
        if result.unfinished:
            label += f" ({result.unfinished} unfinished)"
        ax.step(times, share, where="post", color=_LINE_COLOURS[i % 8], label=label, linewidth=1.6)
    ax.set_xscale("log")
    _plain_milliseconds(ax)
    ax.set_ylim(0, 101)
    ax.set_xlabel("time without a leader (ms, log scale)")
    ax.set_ylabel("cumulative percent of trials")
    first = results[0]
    ax.set_title(
        f"Time to elect a new leader after a crash ({first.nodes} nodes, "
        f"{first.trials} trials each)",
        fontsize=10,
    )
    style: dict[str, Any] = {"title": "election timeout", "fontsize": 8, "title_fontsize": 8}
    if legend_loc == "below":
        style.update(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)
    else:
        style.update(loc=legend_loc)
    ax.legend(**style)
    ax.grid(True, which="both", alpha=0.3)
    return ax


def plot_detector_tradeoff(
    results: Sequence[DetectorTradeoffResult], ax: Axes | None = None
) -> Axes:
    """Detection time against false suspicions: one curve per detector.

    Each point is one threshold (a timeout, or a phi level), labelled with it. Down
    and left is better; no detector gets there: a quicker detector is wrong more often.

    Raises:
        InvalidArgument: no results.
    """
    if not results:
        raise invalid("results", results, "must hold at least one DetectorTradeoffResult")
    ax = _axes(ax)
    labels = []
    for i, result in enumerate(results):
        rows = result.rows
        xs = [row["mean_detection_ms"] for row in rows]
        ys = [row["false_suspicions_per_hour"] for row in rows]
        colour = _LINE_COLOURS[i % 8]
        ax.plot(xs, ys, marker=_MARKERS[i % 8], color=colour, label=result.kind)
        for row, x, y in zip(rows, xs, ys, strict=True):
            level = row["threshold"]
            text = f"φ={level:g}" if result.kind == "phi" else f"{level * 1e3:g} ms"
            labels.append(
                ax.annotate(
                    text,
                    (x, y),
                    xytext=(4, 3),
                    textcoords="offset points",
                    fontsize=8,
                    color=colour,
                )
            )
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=1)
    xs = [row["mean_detection_ms"] for result in results for row in result.rows]
    top = max(row["false_suspicions_per_hour"] for result in results for row in result.rows)
    ax.set_xlim(min(xs) / 1.2, max(xs) * 1.6)  # room for the labels of the end points
    ax.set_ylim(0, max(top * 4, 10))
    _plain_milliseconds(ax)
    ax.set_xlabel("mean time to detect a crash (ms, log scale)")
    ax.set_ylabel("false suspicions per hour")
    ax.set_title("Failure detectors: faster detection means more false suspicions", fontsize=10)
    ax.legend(title="detector", fontsize=8, title_fontsize=8, loc="upper right")
    ax.grid(True, which="both", alpha=0.3)
    stack(ax, labels, moves=_BESIDE)
    return ax


_BESIDE = [(0, 0), (0, -14), (-36, 0), (-36, -14), (0, 9), (-36, 9), (0, -22), (0, 18)]
"""Where a point's label may go, in points from just above right of it: below right, above
left, below left (36 points left: a short label's width), higher, lower."""


FORMULAS: dict[str, list[tuple[str, Callable[[float], float], str, str]]] = {
    "bully": [
        ("N² - 1 (lowest id starts)", lambda n: n * n - 1, "lowest", "ascending"),
        ("N - 1 (highest id starts)", lambda n: n - 1, "highest", "ascending"),
    ],
    "ring": [
        ("N(N+1)/2 + N (ids descending)", lambda n: n * (n + 1) / 2 + n, "all", "descending"),
        ("3N - 1 (ids ascending)", lambda n: 3 * n - 1, "all", "ascending"),
    ],
}
"""For each protocol, the textbook formulas and the run (initiator, order) each describes."""


def plot_message_counts(
    sizes: Sequence[int] = (3, 4, 5, 6, 8, 10, 12), ax: Axes | None = None
) -> Axes:
    """Messages one election costs against cluster size: measured points, formula lines.

    Runs :func:`~distsys_edu.experiments.election_messages.election_messages` for Bully and
    the ring at each size, in the best and worst case of each, and draws the
    formula each case should follow as a line through them.

    Raises:
        InvalidArgument: no sizes, or a size below 2.
    """
    if not sizes or any(isinstance(n, bool) or not isinstance(n, int) or n < 2 for n in sizes):
        raise invalid("sizes", sizes, "must be cluster sizes, ints >= 2")
    ax = _axes(ax)
    line = 0
    for protocol, formulas in FORMULAS.items():
        for label, formula, initiator, order in formulas:
            colour = _LINE_COLOURS[line % 8]
            measured = [
                election_messages(protocol, n, initiator=initiator, order=order)["total"]
                for n in sizes
            ]
            grid = [sizes[0] + k * (sizes[-1] - sizes[0]) / 50 for k in range(51)]
            ax.plot(grid, [formula(n) for n in grid], color=colour, linewidth=1, alpha=0.6)
            ax.plot(sizes, measured, _MARKERS[line % 8], color=colour, label=f"{protocol}: {label}")
            line += 1
    ax.set_xlabel("cluster size N")
    ax.set_ylabel("messages in one election")
    ax.set_title(
        "Messages per election: measured (points) and textbook formulas (lines)", fontsize=10
    )
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    return ax
