"""Texts a saved picture cuts off: those that run past the figure's edge.

Apart from readability.py (whose API and text other branches share as they first had it),
and drawn the same way: only the texts that are really drawn count.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from readability import OVERLAP_TOLERANCE_PX, drawn_texts


def cut_off(fig: Figure) -> list[str]:
    """One sentence per text of ``fig`` that runs past its edge by more than a pixel."""
    edge = fig.bbox
    slack = OVERLAP_TOLERANCE_PX
    return [
        f"text {t.text!r} at ({t.extent.x0:.0f}, {t.extent.y0:.0f} px) runs past the figure's edge"
        for t in drawn_texts(fig)
        if t.extent.x0 < edge.x0 - slack
        or t.extent.y0 < edge.y0 - slack
        or t.extent.x1 > edge.x1 + slack
        or t.extent.y1 > edge.y1 + slack
    ]
