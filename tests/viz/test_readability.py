"""The readability check itself: it finds small and overlapping texts, and only drawn ones."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from readability import drawn_texts, problems


def test_a_plain_figure_reads() -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.plot([0, 1], [0, 1], label="line")
    ax.set_title("title")
    ax.set_xlabel("x")
    ax.legend()
    assert problems(fig) == []


def test_a_small_text_is_reported_with_its_size() -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.text(0.5, 0.5, "tiny", fontsize=5)  # 5 pt at 100 dpi: 6.9 px
    (problem,) = problems(fig)
    assert "'tiny' is 6.9 px high" in problem


def test_shown_smaller_the_same_text_becomes_too_small() -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.text(0.5, 0.5, "fine", fontsize=8)  # 11.1 px drawn, 5.6 px shown 300 px wide
    assert not [p for p in problems(fig) if "fine" in p]
    assert [p for p in problems(fig, shown_width_px=300) if "'fine' is 5.6 px" in p]


def test_overlapping_texts_are_reported_and_apart_ones_are_not() -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.text(0.2, 0.5, "LEADER t9")
    ax.text(0.22, 0.5, "invariant violated")
    ax.text(0.2, 0.1, "far away")
    found = problems(fig)
    assert len(found) == 1
    assert "'LEADER t9'" in found[0] and "'invariant violated'" in found[0]


def test_an_annotation_counts_its_text_not_its_arrow() -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.annotate("note", xy=(0.1, 0.1), xytext=(0.8, 0.8), arrowprops={"arrowstyle": "->"})
    ax.text(0.4, 0.4, "on the arrow's path")
    assert problems(fig) == []


def test_only_drawn_texts_count() -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.5, 1, 5])  # the tick at 5 lies outside the limits: not drawn
    hidden = ax.text(0.5, 0.5, "hidden", fontsize=2)
    hidden.set_visible(False)
    texts = [t.text for t in drawn_texts(fig)]
    assert "hidden" not in texts
    assert "5" not in texts and "0.5" in texts


def test_a_width_that_is_not_positive_is_refused() -> None:
    fig, _ = plt.subplots()
    with pytest.raises(
        ValueError, match=r"shown_width_px must be a positive width in pixels, got 0$"
    ):
        problems(fig, shown_width_px=0)


def test_a_text_clipped_away_is_not_drawn() -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.set_xlim(0, 1)
    ax.text(3, 0.5, "clipped", clip_on=True)  # outside the axes and clipped to them
    ax.text(0.5, 0.5, "shown", clip_on=True)
    texts = [t.text for t in drawn_texts(fig)]
    assert "clipped" not in texts and "shown" in texts
