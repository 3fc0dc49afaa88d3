"""SWIM's scaling, drawn: detection time, load and dissemination against group size,
measured beside the paper's analysis (Das, Gupta, Motivala, DSN 2002, section 3.1).

:func:`plot_swim_scaling` draws a result of
:func:`~distsys_edu.experiments.swim_scaling.swim_scaling` in three panels that share
the group size as a log-scaled x axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..experiments.swim_scaling import LIMIT_E, SwimScalingResult, expected_first_detection
from ..runtime.errors import invalid
from .style import GREY, OKABE_ITO

MEASURED = OKABE_ITO["blue"]
ANALYSIS = OKABE_ITO["vermillion"]


def plot_swim_scaling(result: SwimScalingResult, axes: Sequence[Axes] | None = None) -> Figure:
    """Three panels against group size: periods to a first detection (measured mean
    with a 95% interval, beside the analysis and its limit ``e / (e - 1)``), messages
    a member sends a period, and periods until every member knows of the crash.

    Args:
        result: what :func:`~distsys_edu.experiments.swim_scaling.swim_scaling` returned.
        axes: three axes to draw into; a new figure when ``None``.

    Returns:
        The figure drawn into.

    Raises:
        InvalidArgument: a result without rows, or not three axes.
    """
    if not result.rows:
        raise invalid("result", result, "must hold at least one group size")
    if axes is None:
        _, new = plt.subplots(1, 3, figsize=(12, 4.8), layout="constrained")
        axes = list(new)
    if len(axes) != 3:
        raise invalid("axes", axes, "must be three axes")
    rows = sorted(result.rows, key=lambda row: row["nodes"])
    first, load, everyone = axes
    _first_detection_panel(first, rows, result.runs)
    _load_panel(load, rows)
    _everyone_knows_panel(everyone, rows)
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("members in the group (log scale)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    figure = cast(Figure, first.figure)
    figure.suptitle(
        f"SWIM, {result.ping_targets} ping targets: one member crashes "
        f"(protocol period {result.protocol_period_s:g} s)",
        fontsize=11,
    )
    return figure


def _first_detection_panel(first: Axes, rows: list[dict[str, Any]], runs: int) -> None:
    """Periods to a first detection: measured, beside the analysis and its limit."""
    sizes = [row["nodes"] for row in rows]
    low, high = max(2, min(sizes)), max(2, max(sizes))
    smooth = sorted({round(low * (high / low) ** (i / 200)) for i in range(201)})
    first.plot(
        smooth,
        [expected_first_detection(n) for n in smooth],
        color=ANALYSIS,
        label="analysis: 1 / (1 - (1 - 1/(N-1))^(N-1))",
    )
    first.axhline(LIMIT_E, color=GREY, linestyle="--", label=f"limit e/(e-1) = {LIMIT_E:.3f}")
    first.errorbar(
        sizes,
        [row["mean_first_detection_periods"] for row in rows],
        yerr=[row["mean_first_detection_periods_ci95"] for row in rows],
        color=MEASURED,
        marker="o",
        linestyle="none",
        capsize=4,
        label=f"measured mean, 95% interval ({runs} crashes a size)",
    )
    first.set_ylim(0, 2.5)
    first.set_ylabel("protocol periods")
    first.set_title("Time to a first detection of a crash", fontsize=10)


def _load_panel(load: Axes, rows: list[dict[str, Any]]) -> None:
    """Messages a member sends a period: flat, whatever the group's size."""
    sizes = [row["nodes"] for row in rows]
    load.plot(
        sizes,
        [row["messages_per_member_per_period"] for row in rows],
        color=MEASURED,
        marker="s",
        label="measured, from the crash until every member knows",
    )
    load.axhline(2.0, color=GREY, linestyle="--", label="a Ping and an Ack")
    load.set_ylim(0, None)
    load.set_ylabel("messages sent per member per period")
    load.set_title("Load on each member", fontsize=10)


def _everyone_knows_panel(everyone: Axes, rows: list[dict[str, Any]]) -> None:
    """Periods until every member knows of the crash (grows like log N)."""
    sizes = [row["nodes"] for row in rows]
    everyone.plot(
        sizes,
        [row["mean_all_know_periods"] for row in rows],
        color=MEASURED,
        marker="^",
        label="measured mean",
    )
    everyone.plot(
        sizes,
        [row["max_all_know_periods"] for row in rows],
        color=MEASURED,
        marker="v",
        linestyle=":",
        label="measured longest",
    )
    everyone.set_ylim(0, None)
    everyone.set_ylabel("protocol periods")
    everyone.set_title("Until every member knows (~ log N)", fontsize=10)
