"""The state space a model check searched, drawn with networkx.

Each dot is a distinct state, placed in columns by its distance (in choices) from
the initial state at the left. A state where nobody leads is a small grey circle;
one where a node leads (or two, of different terms) is an orange star (the leader's shape and colour
everywhere in the course) with the leader's name beside it when the picture is
small enough; a violating state is a large vermillion cross. The shortest path to
each violation is drawn bold in vermillion; every other transition is a thin grey
line (arrows left out: every edge goes from a column to the same or the next).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.lines import Line2D

from ..checks import ModelCheckResult
from .style import GREY, LIGHT_GREY, ROLE_STYLES, WRONG

LABEL_LIMIT = 60
"""Leaders' names are written beside their states only in pictures of this many states or fewer."""


def draw_state_space(result: ModelCheckResult, *, ax: Any = None) -> Any:
    """Draw ``result``'s state graph; returns the matplotlib Figure.

    Raises:
        ValueError: the search kept no graph (too many transitions to draw).
    """
    graph = result.graph
    if graph is None:
        raise ValueError(
            "result.graph is None: the search tried too many transitions to draw; "
            "draw a smaller search (a lower max_depth) or read result.violations"
        )
    g = nx.Graph()
    g.add_nodes_from((i, {"subset": d}) for i, d in enumerate(graph.depth))
    g.add_edges_from((a, b) for a, b, _ in graph.edges if a != b)
    pos = nx.multipartite_layout(g, subset_key="subset")
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 5.5))
    else:
        fig = ax.figure
    bad = {v.states[-1] for v in result.violations if v.states}
    bold = {(a, b) for v in result.violations for a, b in pairwise(v.states)}
    nx.draw_networkx_edges(g, pos, ax=ax, edge_color=LIGHT_GREY, width=0.6)
    nx.draw_networkx_edges(g, pos, ax=ax, edgelist=sorted(bold), edge_color=WRONG, width=2.8)
    nobody = [i for i in g if not graph.leading[i] and i not in bad]
    leading = [i for i in g if graph.leading[i] and i not in bad]
    leader = ROLE_STYLES["leader"]
    nx.draw_networkx_nodes(g, pos, nodelist=nobody, ax=ax, node_color=GREY, node_size=14)
    nx.draw_networkx_nodes(
        g, pos, nodelist=leading, ax=ax, node_color=leader.colour, node_shape="*", node_size=90
    )
    nx.draw_networkx_nodes(
        g, pos, nodelist=sorted(bad), ax=ax, node_color=WRONG, node_shape="X", node_size=220
    )
    if len(g) <= LABEL_LIMIT:
        labels = {i: graph.leading[i] for i in leading + sorted(bad)}
        nx.draw_networkx_labels(
            g, pos, labels=labels, ax=ax, font_size=7, verticalalignment="bottom"
        )
    ax.set_title(_title(result), fontsize=10)
    ax.text(  # the axis is off (no ticks to read), so its label is a text under it
        0.5,
        0.0,
        "choices from the initial state (left) →",
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=9,
    )
    ax.legend(handles=_legend(leader.colour), loc="upper left", fontsize=8, frameon=False)
    ax.set_axis_off()
    return fig


def _title(result: ModelCheckResult) -> str:
    how = "the whole space within the bounds" if result.exhausted else f"{result.stopped_by}"
    broken = ", ".join(f"{v.invariant} broken in {len(v.path)} choices" for v in result.violations)
    return (  # two lines: a spawn function's name is long, and one line ran off the figure
        f"{result.protocol}: {result.states} states, {result.transitions} transitions\n"
        f"({how}); {broken or 'no invariant broken'}"
    )


def _legend(leader_colour: str) -> list[Line2D]:
    def mark(marker: str, colour: str, size: float, label: str) -> Line2D:
        return Line2D([], [], marker=marker, color=colour, linestyle="", ms=size, label=label)

    return [
        mark("o", GREY, 5, "nobody leads"),
        mark("*", leader_colour, 10, "a node leads"),
        mark("X", WRONG, 10, "invariant broken"),
        Line2D([], [], color=WRONG, linewidth=2.8, label="shortest path to it"),
    ]
