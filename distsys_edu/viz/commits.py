"""Commits on the space-time diagram: a tick on a node's lane wherever its published
``commit_index`` advances (the replicating Raft publishes it; other protocols do not,
and then nothing is drawn).

A leader's tick is the moment it counted a majority; a follower's is the moment it
learned of the commit, from ``leader_commit`` in the next AppendEntries. A restarted
server publishes its commit index from 0 again (it was in memory), so its ticks after
a restart mark it re-learning what was committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D

from ..runtime import Trace
from .timeaxis import TimeAxis

__all__ = ["COMMIT_LABEL", "Commit", "commit_handle", "commits_in", "draw_commits"]

COMMIT_LABEL = "commit index advances"
"""What the legend calls a tick."""


@dataclass(frozen=True)
class Commit:
    """At ``t``, ``node``'s commit index rose to ``index``."""

    t: float
    node: str
    index: int


def commits_in(trace: Trace, lo: float, hi: float) -> list[Commit]:
    """Every rise of a published ``commit_index`` from virtual time ``lo`` to ``hi``."""
    last: dict[str, int] = {}
    found = []
    for e in trace:
        if e.t > hi:
            break
        if e.kind != "annotate" or e.node is None or "commit_index" not in (e.data or {}):
            continue
        index = int(e.data["commit_index"])
        if index > last.get(e.node, 0) and e.t >= lo:
            found.append(Commit(e.t, e.node, index))
        last[e.node] = index
    return found


def draw_commits(
    ax: Axes, commits: list[Commit], y: Mapping[str, int], axis: TimeAxis
) -> PathCollection | None:
    """A black tick just above the lane of each commit whose node has a lane."""
    shown = [c for c in commits if c.node in y]
    if not shown:
        return None
    xs = [axis.x(c.t) for c in shown]
    ys = [y[c.node] + 0.18 for c in shown]
    return ax.scatter(xs, ys, marker="|", s=70, linewidths=2, color="black", zorder=4)


def commit_handle() -> Line2D:
    """The legend's entry for the ticks: a tick as drawn, and :data:`COMMIT_LABEL`."""
    return Line2D(
        [],
        [],
        marker="|",
        color="none",
        markeredgecolor="black",
        markersize=9,
        markeredgewidth=2,
        label=COMMIT_LABEL,
    )
