"""Every figure of the lessons, the docs and the exercise boxes reads at the size it is shown:
no text under 9 px, no two texts overlapping (readability.py), none cut off at the figure's
edge (cutoff.py); figures.py builds them."""

from __future__ import annotations

import pytest
from cutoff import cut_off
from figures import FIGURES
from readability import problems


@pytest.mark.parametrize("name", list(FIGURES))
def test_the_figure_reads_where_it_is_shown(name: str) -> None:
    build, show = FIGURES[name]
    shown = show(build())
    assert problems(shown.figure, shown_width_px=shown.shown_width_px) == []
    assert cut_off(shown.figure) == []
