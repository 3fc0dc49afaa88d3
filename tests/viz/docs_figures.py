"""The figures of docs/pictures.md and docs/swim.md, built as their scripts build them."""

from __future__ import annotations

import json
from collections.abc import Callable

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from shown import DOCS_WIDTH_PX, ROOT, Shown, in_docs, make_pictures, root

from distsys_edu.experiments.detector_tradeoff import detector_tradeoff
from distsys_edu.experiments.election_time import election_time
from distsys_edu.experiments.swim_scaling import SwimScalingResult
from distsys_edu.viz import plot_detector_tradeoff, plot_election_times, plot_message_counts
from distsys_edu.viz.swim_plot import plot_swim_scaling


def swim_scaling_figure() -> Figure:
    """docs/swim.md's figure, replotted from its data as make_swim_scaling.py --replot does
    (saved at 80 dpi)."""
    data = json.loads((ROOT / "docs" / "pictures" / "swim_scaling.json").read_text())
    figure = plot_swim_scaling(SwimScalingResult(**data))
    figure.set_dpi(80)
    return figure


def docs_plot(name: str) -> Figure:
    """A plot of make_pictures.plots, from fewer trials (the same labels, but for counts)."""
    if name == "election_times":
        ranges = ((0.150, 0.150), (0.150, 0.155), (0.150, 0.175), (0.150, 0.200), (0.150, 0.300))
        results = [election_time(timeout=r, trials=20, progress=False) for r in ranges]
        return root(plot_election_times(results))
    if name == "detector_tradeoff":
        kinds = ("fixed", "adaptive", "phi")
        detectors = [detector_tradeoff(k, runs=3, duration=300, progress=False) for k in kinds]
        return root(plot_detector_tradeoff(detectors))
    return root(plot_message_counts())


def _docs(function: str, index: int = 0) -> Callable[[], Figure]:
    """The ``index``-th figure that ``function`` of make_pictures.py saves."""

    def build() -> Figure:
        module = make_pictures()
        made: list[Figure] = []
        setattr(module, "save", lambda figure, _name: made.append(figure))  # noqa: B010
        getattr(module, function)()
        for other in made[:index] + made[index + 1 :]:
            plt.close(other)
        return made[index]

    return build


DOCS_FIGURES: dict[str, tuple[Callable[[], Figure], Callable[[Figure], Shown]]] = {
    "docs_raft_electing": (_docs("raft_electing"), in_docs),
    "docs_leader_crash": (_docs("leader_crash"), in_docs),
    "docs_leader_crash_timeline": (_docs("leader_crash", 1), in_docs),
    "docs_bully_split_brain": (_docs("bully_split_brain"), in_docs),
    "docs_pause": (_docs("pause"), in_docs),
    "docs_pause_timeline": (_docs("pause", 1), in_docs),
    "docs_stale_leader_logs": (_docs("stale_leader_logs"), in_docs),
    "docs_stale_leader_timeline": (_docs("stale_leader_logs", 1), in_docs),
    "docs_election_times": (lambda: docs_plot("election_times"), in_docs),
    "docs_detector_tradeoff": (lambda: docs_plot("detector_tradeoff"), in_docs),
    "docs_message_counts": (lambda: docs_plot("message_counts"), in_docs),
    "docs_swim_scaling": (
        swim_scaling_figure,
        lambda f: Shown(f, min(f.get_figwidth() * 80, DOCS_WIDTH_PX)),
    ),
}
"""Name: (builder, how it is shown)."""
