"""The time axis of the space-time diagram, stretched where events crowd.

A Raft election sends, answers and wins within a few milliseconds; drawn to scale
on a 400 ms axis, its thirty messages are one vertical line. Where events crowd
(a *burst*: ``BURST_EVENTS`` or more successive event times each less than
``MIN_GAP`` of the window after the one before), the axis is stretched: inside a
burst, successive event times are drawn equally far apart, in the order they
happened (a logical axis), ``MAX_GAP`` of the axis each at most and all bursts
together ``BURST_SHARE`` of it at most; the rest of the window keeps its
proportions in what is left. The tick labels stay real times; a few bursts
(``MARKED_BURSTS`` at most) are shaded with their ends ticked, and when there are
more (a busy window drawn almost wholly in logical order) the ticks alone tell the
times. Either way the axis's label says the axis is not to scale.

An axis with no burst is left to scale: the picture of a calm trace does not change.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

MIN_GAP = 1 / 150
"""Successive event times closer than this share of the window are crowded."""

BURST_EVENTS = 2
"""Crowded gaps in a row that make a burst."""

MAX_GAP = 0.03
"""The largest share of the axis between two successive event times of a burst."""

BURST_SHARE = 0.5
"""The largest share of the axis that all bursts together take."""

SAME_TIME = 1e-9
"""Times closer than this share of the window are one time (no axis stretches a nanosecond
of a second: and the interpolation between such knots would lose its precision)."""

MARKED_BURSTS = 3
"""Bursts shaded and ticked at most; past it, none is (the shading would be a zebra)."""

_TICK_ROOM = 0.07
"""The least share of the axis between two tick labels."""


@dataclass(frozen=True)
class TimeAxis:
    """Where each time is drawn: a piecewise-linear map from times to positions.

    Attributes:
        knots: times, increasing; positions between knots are interpolated.
        places: where each knot is drawn (in seconds of a to-scale axis of the same window).
        bursts: the ``(start, end)`` stretches drawn wider than to scale.
    """

    knots: tuple[float, ...]
    places: tuple[float, ...]
    bursts: tuple[tuple[float, float], ...]

    def x(self, t: float) -> float:
        """Where time ``t`` is drawn."""
        return float(np.interp(t, self.knots, self.places))

    def xs(self, times: Iterable[float]) -> list[float]:
        """Where each of ``times`` is drawn."""
        return [float(v) for v in np.interp(list(times), self.knots, self.places)]

    @property
    def to_scale(self) -> bool:
        """Whether the axis is to scale (no burst stretched)."""
        return not self.bursts


def time_axis(times: Iterable[float], lo: float, hi: float) -> TimeAxis:
    """The axis for a window ``[lo, hi]`` holding events at ``times``.

    The positions span ``[lo, hi]``, like the window's times: see the module's docs.
    """
    span = hi - lo
    inside = _distinct(sorted({t for t in times if lo < t < hi}), lo, hi)
    if span <= 0 or len(inside) < 3:
        return TimeAxis((lo, hi if span > 0 else lo + 1.0), (lo, hi if span > 0 else lo + 1.0), ())
    gaps = np.diff(inside)
    runs = _runs((gaps < MIN_GAP * span).tolist())
    if not runs:
        return TimeAxis((lo, hi), (lo, hi), ())
    in_burst = np.zeros(len(gaps), dtype=bool)
    for first, last in runs:
        in_burst[first:last] = True
    logical = min(MAX_GAP, BURST_SHARE / in_burst.sum()) * span
    rest = gaps[~in_burst].sum()
    widths = np.where(in_burst, logical, gaps * ((span - logical * in_burst.sum()) / rest))
    places = lo + np.concatenate(([0.0], np.cumsum(widths)))
    places[-1] = hi  # no rounding past the window's end
    bursts = tuple((inside[first], inside[last]) for first, last in runs)
    return TimeAxis(tuple(inside), tuple(float(p) for p in places), bursts)


def _distinct(times: Sequence[float], lo: float, hi: float) -> list[float]:
    """``lo``, the ``times`` (sorted, inside the window) and ``hi``, less any time within
    ``SAME_TIME`` of the window of the one kept before it: drawn at one place anyway."""
    same = SAME_TIME * (hi - lo)
    kept = [lo]
    for t in times:
        if t - kept[-1] > same and hi - t > same:
            kept.append(t)
    return [*kept, hi] if hi > lo else kept


def _runs(crowded: Sequence[bool]) -> list[tuple[int, int]]:
    """The ``(first, end)`` gap indices of each run of ``BURST_EVENTS`` or more crowded gaps."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, tight in enumerate([*crowded, False]):
        if tight and start is None:
            start = i
        elif not tight and start is not None:
            if i - start >= BURST_EVENTS:
                runs.append((start, i))
            start = None
    return runs


def draw_time_axis(ax: Axes, axis: TimeAxis, lo: float, hi: float, label: str) -> None:
    """Ticks at real times, bursts shaded with their ends ticked, and the axis's label.

    Call it once the axis's limits are set: ticks closer than ``_TICK_ROOM`` of the axis are
    left out."""
    regular = [float(t) for t in MaxNLocator(nbins=8).tick_values(lo, hi) if lo <= t <= hi]
    ticks: list[tuple[float, str]] = []
    marked = axis.bursts if len(axis.bursts) <= MARKED_BURSTS else ()
    for start, end in marked:
        ax.axvspan(axis.x(start), axis.x(end), color="#F2F2F2", zorder=0, linewidth=0)
        ticks += [(start, _fine(start, end - start)), (end, _fine(end, end - start))]
    left, right = ax.get_xlim()  # set before: the room between ticks is a share of the axis
    room = _TICK_ROOM * (right - left)
    decimals = next(
        (d for d in range(10) if all(abs(round(t, d) - t) < 1e-12 for t in regular)), 10
    )
    for t in regular:
        if all(abs(axis.x(t) - axis.x(other)) >= room for other, _ in ticks):
            ticks.append((t, f"{t:.{decimals}f}"))
    ticks.sort()
    kept: list[tuple[float, str]] = []
    for t, text in ticks:
        if not kept or axis.x(t) - axis.x(kept[-1][0]) >= room:
            kept.append((t, text))
    ax.set_xticks(axis.xs(t for t, _ in kept), [text for _, text in kept])
    where = (
        ""
        if axis.to_scale
        else "; not to scale: shaded bursts drawn wider"
        if marked
        else "; not to scale: crowded events drawn in the order they happened"
    )
    ax.set_xlabel(label + where)


def _fine(t: float, width: float) -> str:
    """``t`` with enough decimals to tell apart the ends of a burst ``width`` long."""
    decimals = max(0, min(6, 1 - math.floor(math.log10(width)))) if width > 0 else 6
    return f"{t:.{decimals}f}"
