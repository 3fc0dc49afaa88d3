"""A phi exercise's box shows phi over time against the threshold (issue 15, section 2):
the learner's phi and the right one, the threshold, the moment it went wrong; and it reads."""

from __future__ import annotations

import math

import numpy as np
import pytest
from figures import DoubledPhi as Doubled
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.lines import Line2D
from numpy.testing import assert_array_equal
from readability import problems

from distsys_edu.exercises import check_phi, replay
from distsys_edu.exercises.phi import phi_series, reference
from distsys_edu.exercises.result import FAILED
from distsys_edu.runtime.errors import InvalidArgument
from distsys_edu.viz.phi_plot import TOP_TIMES, phi_figure

BOX_WIDTH_PX = 640.0
"""The box shows the PNG at its own width (80 dpi x 8 inches): ``max-width: 100%``."""


def _curves(figure) -> dict[str, Line2D]:
    ax = figure.axes[0]
    return {str(line.get_label()): line for line in ax.get_lines()}


def test_a_failing_phi_scenario_box_shows_phi_against_the_threshold_and_reads() -> None:
    result = check_phi(Doubled)
    first = next(o for o in result.outcomes if o.status == FAILED)
    assert first.caption.startswith("your phi and the right one over time")
    png = first.png()
    assert png is not None and png.startswith(b"\x89PNG")
    assert 'alt="your phi and the right one over time"' in result._repr_html_()

    sim = replay("phi", first.scenario, Doubled)
    times, learner, right = phi_series(sim)
    threshold = reference().threshold
    figure = phi_figure(times, learner, right, threshold=threshold, mark=first.at)
    assert problems(figure, shown_width_px=BOX_WIDTH_PX) == []
    curves = _curves(figure)
    top = figure.axes[0].get_ylim()[1]
    drawn = [math.nan if v is None else min(v, top) for v in learner]
    assert_array_equal(curves["your phi"].get_ydata(), drawn)
    assert_array_equal(curves["the right phi"].get_ydata(), [min(v, top) for v in right])
    flat = [c for c in curves.values() if set(np.asarray(c.get_ydata()).tolist()) == {threshold}]
    upright = [c for c in curves.values() if set(np.asarray(c.get_xdata()).tolist()) == {first.at}]
    assert len(flat) == 1 and len(upright) == 1  # the threshold, the moment it went wrong


known_phis = st.one_of(st.just(math.inf), st.floats(min_value=0, max_value=1e6, allow_nan=False))
phis = st.one_of(st.none(), known_phis)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(phis, known_phis), min_size=2, max_size=60),
    st.floats(min_value=0.5, max_value=20),
    st.floats(min_value=0, max_value=1),
)
def test_any_run_reads_and_keeps_the_threshold_in_view(
    values: list[tuple[float | None, float]], threshold: float, where: float
) -> None:
    times = [0.025 * (i + 1) for i in range(len(values))]
    mark = times[0] + where * (times[-1] - times[0])
    figure = phi_figure(
        times, [v for v, _ in values], [r for _, r in values], threshold=threshold, mark=mark
    )
    assert problems(figure, shown_width_px=BOX_WIDTH_PX) == []
    bottom, top = figure.axes[0].get_ylim()
    assert bottom == 0 and threshold < top <= TOP_TIMES * threshold


def test_bad_series_or_threshold_are_refused_by_name() -> None:
    with pytest.raises(InvalidArgument, match="learner"):
        phi_figure([0.0, 1.0], [1.0], [1.0, 2.0], threshold=8.0)
    with pytest.raises(InvalidArgument, match="threshold"):
        phi_figure([0.0], [1.0], [1.0], threshold=0.0)
