"""Tests for distsys_edu.viz.swim_plot: the three panels of SWIM's scaling."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from distsys_edu import InvalidArgument
from distsys_edu.experiments.swim_scaling import LIMIT_E, swim_scaling
from distsys_edu.viz.swim_plot import plot_swim_scaling


def test_three_panels_measured_beside_the_analysis() -> None:
    result = swim_scaling([5, 20], runs=4, progress=False)
    figure = plot_swim_scaling(result)
    first, load, everyone = figure.axes
    limit = [line for line in first.lines if list(line.get_ydata()) == [LIMIT_E, LIMIT_E]]
    assert len(limit) == 1
    analysis = first.lines[0]
    assert analysis.get_xdata()[0] == 5 and analysis.get_xdata()[-1] == 20
    measured = [row["messages_per_member_per_period"] for row in result.rows]
    assert list(load.lines[0].get_ydata()) == measured
    assert list(everyone.lines[0].get_xdata()) == [5, 20]
    assert all(ax.get_xscale() == "log" for ax in figure.axes)
    plt.close(figure)


def test_it_draws_into_given_axes_and_refuses_bad_ones() -> None:
    result = swim_scaling([6], runs=2, progress=False)
    figure, axes = plt.subplots(1, 3)
    assert plot_swim_scaling(result, list(axes)) is figure
    with pytest.raises(InvalidArgument, match="must be three axes"):
        plot_swim_scaling(result, list(axes)[:2])
    result.rows = []
    with pytest.raises(InvalidArgument, match="must hold at least one group size"):
        plot_swim_scaling(result)
    plt.close(figure)
