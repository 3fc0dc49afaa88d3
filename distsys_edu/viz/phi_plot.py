"""Phi over virtual time against a threshold: what a phi exercise's box shows when the
learner's detector answers wrong (:func:`phi_figure`, :func:`phi_png`).

Two curves, the learner's phi and the right one, asked at the same virtual times; the
threshold as a dashed line (at or above it the sender would be suspected); the moment it
went wrong as a red line. The axes reach ``TOP_TIMES`` the threshold at most: what matters
is when phi crosses it, and a phi far above it (up to ``math.inf``, the sender certainly
down) is drawn at the top, as the y axis's label says. An answer that is not a number is
left out (a gap in the learner's curve).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..runtime.errors import invalid
from .style import WRONG

FONT_SIZE = 9
"""Points: every text is 9 pixels high or more at ``dpi=80`` and above."""

LEARNER_COLOUR, RIGHT_COLOUR, THRESHOLD_COLOUR = "#7B3294", "#0072B2", "#555555"

TOP_TIMES = 3.0
"""The axes reach this many times the threshold at most."""


def phi_figure(
    times: Sequence[float],
    learner: Sequence[float | None],
    right: Sequence[float],
    *,
    threshold: float,
    mark: float | None = None,
) -> Figure:
    """The plot of phi over virtual time, not drawn yet and not one of pyplot's.

    Args:
        times: the virtual times (s) at which phi was asked, increasing.
        learner: the learner's phi at each time (``None``: no number was returned).
        right: the right phi at each time.
        threshold: phi at or above which the sender is suspected (a number > 0).
        mark: the virtual time it went wrong, if one moment did.

    Raises:
        InvalidArgument: series of different lengths, or a threshold that is not > 0.
    """
    if not len(times) == len(learner) == len(right):
        raise invalid(
            "learner", len(learner), f"must hold one phi per time ({len(times)}), as right does"
        )
    if isinstance(threshold, bool) or not threshold > 0:
        raise invalid("threshold", threshold, "must be a number > 0")
    finite = [v for v in (*learner, *right) if v is not None and math.isfinite(v)]
    top = min(max([threshold, *finite]) * 1.15, TOP_TIMES * threshold)
    figure = Figure(figsize=(8.0, 3.0), layout="constrained")
    ax = figure.subplots()
    for values, colour, label, width in (
        (right, RIGHT_COLOUR, "the right phi", 2.4),
        (learner, LEARNER_COLOUR, "your phi", 1.3),
    ):
        ys = [math.nan if v is None else min(v, top) for v in values]
        ax.plot(times, ys, color=colour, linewidth=width, label=label)
    _threshold_and_moment(ax, threshold, mark, times)
    ax.set_ylim(0.0, top)
    if times:
        ax.set_xlim(times[0], times[-1])
    ax.set_xlabel("virtual time (s)", fontsize=FONT_SIZE)
    ax.set_ylabel("phi (higher: at the top)", fontsize=FONT_SIZE)
    ax.tick_params(labelsize=FONT_SIZE)
    ax.spines[["top", "right"]].set_visible(False)
    figure.legend(loc="outside right upper", fontsize=FONT_SIZE, frameon=False)
    return figure


def phi_png(
    times: Sequence[float],
    learner: Sequence[float | None],
    right: Sequence[float],
    *,
    threshold: float,
    mark: float | None = None,
    dpi: int = 80,
) -> bytes:
    """:func:`phi_figure` as PNG bytes (640 x 240 pixels at ``dpi=80``); nothing is shown.

    Raises:
        InvalidArgument: as :func:`phi_figure`.
    """
    png = io.BytesIO()
    phi_figure(times, learner, right, threshold=threshold, mark=mark).savefig(
        png, format="png", dpi=dpi
    )
    return png.getvalue()


def _threshold_and_moment(
    ax: Axes, threshold: float, mark: float | None, times: Sequence[float]
) -> None:
    """The threshold as a dashed line, the moment it went wrong as a red one; each
    labelled: the threshold inside the axes at the end away from the moment, the moment
    just above the axes, where no line or label of the plot can meet it."""
    right_half = mark is not None and bool(times) and mark > (times[0] + times[-1]) / 2
    ax.axhline(threshold, color=THRESHOLD_COLOUR, linestyle="--", linewidth=1)
    ax.annotate(
        f"threshold {threshold:g}",
        (0.0 if right_half else 1.0, threshold),
        xycoords=("axes fraction", "data"),
        xytext=(3 if right_half else -3, 2),
        textcoords="offset points",
        fontsize=FONT_SIZE,
        color=THRESHOLD_COLOUR,
        ha="left" if right_half else "right",
        va="bottom",
    )
    if mark is not None:
        ax.axvline(mark, color=WRONG, linewidth=1.2)
        ax.annotate(
            f"went wrong (t = {mark:g} s)",
            (mark, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            ha="right" if right_half else "left",
            textcoords="offset points",
            fontsize=FONT_SIZE,
            color=WRONG,
            va="bottom",
        )
