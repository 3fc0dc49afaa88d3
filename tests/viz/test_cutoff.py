"""The check for texts cut off at the figure's edge."""

from __future__ import annotations

import matplotlib.pyplot as plt
from cutoff import cut_off


def test_a_text_past_the_figures_edge_is_reported() -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.set_title("a title far too long for its figure " * 3)
    (problem,) = cut_off(fig)
    assert "runs past the figure's edge" in problem


def test_a_figure_within_its_edges_has_none() -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100, layout="constrained")
    ax.set_title("a title")
    ax.set_xlabel("x")
    assert cut_off(fig) == []
