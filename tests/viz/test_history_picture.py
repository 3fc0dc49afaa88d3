"""Tests for distsys_edu.viz.history_picture: lanes, bars, and the point where no order works."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation

from distsys_edu import InvalidArgument
from distsys_edu.checks import History, Operation, linearizable
from distsys_edu.viz.history_picture import history
from distsys_edu.viz.style import WRONG

DATA = Path(__file__).parents[1] / "checks" / "data" / "porcupine"

STALE = History(
    (
        Operation("c1", "write", 1, None, 0.0, 1.0),
        Operation("c2", "read", None, None, 0.5, 1.5, 1),
        Operation("c3", "write", 2, None, 2.0, None),  # no answer
        Operation("c2", "read", None, None, 2.0, 3.0, None),  # stale: 1 was seen
    )
)


def bars(figure: plt.Figure) -> list[Rectangle]:
    return [p for p in figure.axes[0].patches if isinstance(p, Rectangle)]


def test_a_failure_marks_the_stuck_operation_and_the_point() -> None:
    result = linearizable(STALE)
    figure = history(result)
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["client c1", "client c2", "client c3"]
    drawn = bars(figure)
    assert len(drawn) == 4
    hatched = [b for b in drawn if b.get_hatch() == "//"]
    assert len(hatched) == 1 and hatched[0].get_x() == 2.0 and hatched[0].get_width() == 1.0
    (point,) = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert np.asarray(point.get_xdata()).tolist() == [3.0, 3.0] and point.get_color() == WRONG
    labels = {t.get_text() for t in ax.texts}
    assert {"#1 write(1)", "#2 read() -> 1", "no order works by here"} <= labels
    open_bar = [b for b in drawn if b.get_x() == 2.0 and b.get_hatch() is None]
    assert open_bar[0].get_x() + open_bar[0].get_width() == ax.get_xlim()[1]  # open to the edge
    plt.close(figure)


def test_a_plain_history_has_no_verdict_marks() -> None:
    figure = history(STALE)
    assert len(bars(figure)) == 4 and not figure.axes[0].lines
    assert not any(t.get_text().startswith("#") for t in figure.axes[0].texts)
    plt.close(figure)


def test_a_long_history_is_cut_before_the_failing_point_and_says_so() -> None:
    result = linearizable(DATA / "etcd_000.log")
    figure = history(result, max_ops=10)
    assert len(bars(figure)) == 10
    title = figure.axes[0].get_title(loc="left")
    assert "showing 10 of 85 operations (max_ops=10)" in title
    assert figure.axes[0].get_xlabel().startswith("line of the history")
    plt.close(figure)


def test_marks_are_dotted_lines_with_their_words_at_the_foot() -> None:
    figure = history(STALE, marks=[(1.2, "n1 killed"), (2.5, "n2 leads")])
    ax = figure.axes[0]
    dotted = [line for line in ax.lines if line.get_linestyle() == ":"]
    assert [np.asarray(line.get_xdata()).tolist() for line in dotted] == [[1.2, 1.2], [2.5, 2.5]]
    words = {t.get_text(): t.xy for t in ax.texts if isinstance(t, Annotation)}
    assert words["n1 killed"] == (1.2, 0) and words["n2 leads"] == (2.5, 0)
    # the words of each operation sit on white: a line behind them does not cut them
    labels = [t for t in ax.texts if not isinstance(t, Annotation)]
    backs = [t.get_bbox_patch() for t in labels]
    assert labels and all(b is not None and b.get_facecolor() == (1, 1, 1, 1) for b in backs)
    plt.close(figure)


def test_bad_arguments_are_named() -> None:
    for marks in ([(1.0,)], [("1", "x")], [(True, "x")], [(1.0, 2)], "x"):
        with pytest.raises(InvalidArgument, match=r"marks=.* is not allowed"):
            history(STALE, marks=marks)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="max_ops=0 is not allowed"):
        history(STALE, max_ops=0)
    with pytest.raises(InvalidArgument, match="source='x' is not allowed"):
        history("x")  # type: ignore[arg-type]
