"""Animations (HTML that plays without a kernel) and the experiments' plots."""

from __future__ import annotations

import re

import pytest
from scenarios import raft

from distsys_edu.experiments.detector_tradeoff import detector_tradeoff
from distsys_edu.experiments.election_time import election_time
from distsys_edu.runtime import InvalidArgument
from distsys_edu.viz import (
    animate,
    plot_detector_tradeoff,
    plot_election_times,
    plot_message_counts,
)
from distsys_edu.viz.animate import frame_times, snapshots


def test_animation_has_one_frame_per_step_is_small_and_deterministic() -> None:
    sim = raft(2.0, faults=["1 crash n1"])
    movie = animate(sim, 0.5, 1.5, fps=10)
    assert movie.frames == 11 == len(movie.times)
    assert len(re.findall(r'src="data:image/png;base64,iVBOR', movie.html)) == 2  # frames, legend
    assert movie.times[0] == 0.5 and movie.times[-1] == pytest.approx(1.5)
    assert movie.size < 2_000_000
    assert "<script>" in movie._repr_html_()
    assert animate(raft(2.0, faults=["1 crash n1"]), 0.5, 1.5, fps=10).html == movie.html


def test_slow_motion_takes_more_frames_for_the_same_span() -> None:
    sim = raft(1.0)
    assert animate(sim.trace, 0.5, 0.6, fps=10, speed=0.05).frames == 21


def test_replayed_snapshots_match_snapshot_at() -> None:
    sim = raft(1.0, faults=["0.5 crash n2", "0.6 partition n1|n3"])
    times = frame_times(0.0, 0.9, 0.1)
    for t, snapshot in zip(times, snapshots(sim.trace, times), strict=True):
        assert snapshot == sim.snapshot(t)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"start": 0.5, "end": 0.5}, "start=0.5 is not allowed: must be < end (0.5)"),
        ({"start": 0.1, "end": 0.5, "fps": 0}, "fps=0 is not allowed: must be an int from 1 to 60"),
        ({"start": 0.1, "end": 0.5, "speed": -1}, "speed=-1 is not allowed"),
        ({"start": 0.0, "end": 0.9, "speed": 0.001}, "gives 9001 frames, more than 600"),
        ({"start": 0.1, "end": 0.3, "max_bytes": 10}, "more than max_bytes=10"),
    ],
)
def test_bad_animation_input_is_refused_clearly(kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(words)):
        animate(raft(1.0), **kwargs)  # type: ignore[arg-type]


def test_message_counts_follow_the_formulas_drawn_beside_them() -> None:
    ax = plot_message_counts((3, 4, 5))
    points = [line for line in ax.get_lines() if line.get_linestyle() == "None"]
    assert len(points) == 4  # bully best and worst, ring best and worst
    worst_bully = next(p for p in points if "lowest" in p.get_label())
    assert list(worst_bully.get_ydata()) == [n * n - 1 for n in (3, 4, 5)]
    with pytest.raises(InvalidArgument, match=re.escape("sizes=(1, 2) is not allowed")):
        plot_message_counts((1, 2))


def test_election_time_cdfs_one_line_per_timeout_range() -> None:
    results = [
        election_time(timeout=t, trials=8, progress=False) for t in ((0.15, 0.3), (0.15, 0.2))
    ]
    ax = plot_election_times(results)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["150-300 ms", "150-200 ms"]
    assert list(lines[0].get_xdata()) == sorted(results[0].times_ms)
    assert lines[0].get_ydata()[-1] == pytest.approx(100.0)
    with pytest.raises(InvalidArgument, match=re.escape("results=[] is not allowed")):
        plot_election_times([])


def test_detector_tradeoff_one_curve_per_detector_one_point_per_threshold() -> None:
    results = [detector_tradeoff(k, runs=1, duration=30, progress=False) for k in ("fixed", "phi")]
    ax = plot_detector_tradeoff(results)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["fixed", "phi"]
    assert [len(line.get_xdata()) for line in lines] == [len(r.rows) for r in results]


def test_a_millisecond_axis_of_less_than_a_decade_is_labelled_in_plain_numbers() -> None:
    """Matplotlib's default writes the minor ticks of a short log axis as "3 x 10^2", "4 x 10^2",
    which run into each other: every label is a plain number of milliseconds."""
    ax = plot_election_times([election_time(timeout=(0.025, 0.05), trials=8, progress=False)])
    ax.set_xlim(40, 600)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels(minor=True) + ax.get_xticklabels()]
    shown = [text for text in labels if text]
    assert "300" in shown and "100" in shown, shown
    assert all(re.fullmatch(r"\d+", text) for text in shown), shown


def test_figure_16_as_the_lesson_draws_it_hides_no_line_under_a_legend() -> None:
    """The lines of the ranges that seldom elect run along the bottom right, where a legend
    would hide the very result the left panel shows: no point of any line lies under the
    legend of its own panel."""
    import numpy as np
    from figures import lesson05_figure16

    figure = lesson05_figure16()
    figure.canvas.draw()
    for ax in figure.axes:
        legend = ax.get_legend()
        box = legend.get_window_extent()
        for line in ax.get_lines():
            points = ax.transData.transform(np.column_stack(line.get_data()))
            under = [p for p in points if box.contains(*p)]
            assert under == [], f"{line.get_label()} runs under the legend of {ax.get_title()!r}"
