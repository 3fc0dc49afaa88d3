"""Can a reader read this figure? A check for tests, self-contained (it needs only matplotlib).

``problems(fig, shown_width_px=...)`` draws ``fig`` and returns one sentence per problem:

- a text whose font is under ``MIN_TEXT_PX`` (9) pixels high at the size at which the figure is
  shown (its font size in pixels, the CSS meaning of "a 9 px font": a figure drawn 900 px wide and
  shown 600 px wide shows every text at two thirds of its drawn size);
- two texts whose drawn extents overlap (by more than ``OVERLAP_TOLERANCE_PX`` each way, so that
  boxes that merely touch after rounding are not reported).

Only the texts that are really drawn count: invisible or empty texts, tick labels outside the
axis limits, annotations whose point is out of view, and texts clipped away entirely are skipped
(the check records each text as matplotlib draws it). A text clipped in part counts with the part
that is shown. Tick labels, legend texts, titles, axis labels, annotations and free texts are all
``matplotlib.text.Text`` and are all checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations
from typing import Any
from unittest import mock

from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

MIN_TEXT_PX = 9.0
OVERLAP_TOLERANCE_PX = 1.0


@dataclass(frozen=True)
class DrawnText:
    """One text as drawn: its string, its font size in figure pixels, its extent in pixels."""

    text: str
    font_px: float
    extent: Bbox


def problems(fig: Figure, *, shown_width_px: float | None = None) -> list[str]:
    """Every readability problem of ``fig`` when shown ``shown_width_px`` pixels wide.

    Args:
        fig: the figure, drawn here with its own canvas.
        shown_width_px: the width at which the reader sees it (a notebook or a box may scale the
            image down); ``None`` means at its own size (``fig.dpi`` pixels per inch).

    Returns:
        One sentence per text that is too small and per pair of texts that overlap; empty when
        the figure reads.

    Raises:
        ValueError: when ``shown_width_px`` is not a positive number.
    """
    drawn_width = fig.get_figwidth() * fig.dpi
    if shown_width_px is None:
        scale = 1.0
    elif shown_width_px > 0:
        scale = shown_width_px / drawn_width
    else:
        raise ValueError(
            f"shown_width_px must be a positive width in pixels, got {shown_width_px!r}"
        )
    texts = drawn_texts(fig)
    found = [
        f"text {t.text!r} is {t.font_px * scale:.1f} px high as shown (at least {MIN_TEXT_PX:g} px)"
        for t in texts
        if t.font_px * scale < MIN_TEXT_PX
    ]
    tolerance = OVERLAP_TOLERANCE_PX / scale
    for a, b in combinations(texts, 2):
        if _overlap(a.extent, b.extent) > tolerance:
            found.append(
                f"texts {a.text!r} at {_where(a.extent)} and {b.text!r} at {_where(b.extent)}"
                " overlap"
            )
    return found


def drawn_texts(fig: Figure) -> list[DrawnText]:
    """Every non-empty text that drawing ``fig`` really draws, in drawing order.

    A figure made with ``Figure()`` (not pyplot's) has a base canvas whose ``draw`` draws
    nothing: it is given an Agg canvas, as ``savefig`` would, so that its texts are seen."""
    seen: list[DrawnText] = []
    if type(fig.canvas) is FigureCanvasBase:
        FigureCanvasAgg(fig)
    with _recording(seen, fig.dpi):
        fig.canvas.draw()
    return seen


@contextmanager
def _recording(seen: list[DrawnText], dpi: float) -> Iterator[None]:
    original = Text.draw

    def draw(self: Text, renderer: Any) -> None:
        original(self, renderer)
        if renderer is None or not self.get_visible() or not self.get_text().strip():
            return
        extent = Text.get_window_extent(self, renderer)  # the text alone, not an arrow
        clip = self.get_clip_box() if self.get_clip_on() else None
        if clip is not None:
            shown = Bbox.intersection(extent, clip)
            if shown is None or shown.width <= 0 or shown.height <= 0:
                return
            extent = shown
        font_px = (
            float(self.get_fontsize()) * dpi / 72
        )  # the size in points, always a number once set
        seen.append(DrawnText(self.get_text(), font_px, extent))

    with mock.patch.object(Text, "draw", draw):
        yield


def _overlap(a: Bbox, b: Bbox) -> float:
    """How far two boxes overlap: the smaller of the overlap's width and height (0 if apart)."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(0.0, min(width, height))


def _where(box: Bbox) -> str:
    return f"({box.x0:.0f}, {box.y0:.0f} px)"
