"""Everything that draws: the story of a trace, the cluster picture, the timeline,
animations and the experiments' plots.

Viz reads traces and snapshots only; it changes a simulation only through the
Sim's public fault API, as a learner's code would. Colours and shapes come from
one palette (:mod:`.style`), so a role or a message type looks the same in every
picture.

The names below are imported on first use, so that ``distsys_edu.viz.text`` (which
the command line uses) does not load matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "ClusterView": "cluster",
    "cluster_graph": "cluster",
    "draw_cluster": "draw",
    "cluster_png": "draw",
    "layout": "cluster",
    "Entry": "story",
    "MessageLeg": "story",
    "StatusSpan": "story",
    "Story": "story",
    "read_story": "story",
    "timeline": "spacetime",
    "history": "history_picture",
    "animate": "animate",
    "Animation": "animate",
    "plot_election_times": "plots",
    "plot_detector_tradeoff": "plots",
    "plot_message_counts": "plots",
    "Playground": "playground",
    "draw_state_space": "state_space",
    "PlaygroundModel": "playground",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
