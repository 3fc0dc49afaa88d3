"""The cluster as data: where each node goes, and the state of each link.

Nothing here draws; :mod:`.cluster` draws what these functions compute, and
:func:`cluster_graph` hands the same to a learner as a networkx graph.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from ..runtime import MessageRecord, Snapshot
from ..runtime.errors import invalid

Point = tuple[float, float]
"""A position in the picture: (x, y)."""
LinkState = str  # one of LINK_STYLES


def layout(nodes: Sequence[str]) -> dict[str, Point]:
    """Each node's place: a circle in spawn order, the first at the top, clockwise.

    The same nodes always get the same places, frame after frame and run after run.

    Raises:
        InvalidArgument: ``nodes`` is not a sequence of names.
    """
    if isinstance(nodes, str) or not isinstance(nodes, Sequence):
        raise invalid("nodes", nodes, "must be a sequence of node names (str)")
    if not all(isinstance(name, str) for name in nodes):
        raise invalid("nodes", nodes, "must be a sequence of node names (str)")
    count = len(nodes)
    if count == 1:
        return {nodes[0]: (0.0, 0.0)}
    return {
        name: (math.sin(2 * math.pi * i / count), math.cos(2 * math.pi * i / count))
        for i, name in enumerate(nodes)
    }


def cluster_graph(
    snapshot: Snapshot, losses: Mapping[tuple[str, str], float] | None = None
) -> nx.DiGraph:
    """The snapshot as a networkx ``DiGraph``: what the picture draws, as data.

    Nodes carry ``status``, ``pos`` and every annotation; each directed edge
    between two nodes carries ``state`` (``healthy``, ``lossy``, ``held`` or ``cut``).
    """
    graph = nx.DiGraph()
    places = layout(list(snapshot.nodes))
    for name, view in snapshot.nodes.items():
        graph.add_node(name, status=view.status, pos=places[name], **view.annotations)
    for src in snapshot.nodes:
        for dst in snapshot.nodes:
            if src != dst:
                graph.add_edge(src, dst, state=link_state(snapshot, src, dst, losses or {}))
    return graph


def link_state(
    snapshot: Snapshot, src: str, dst: str, losses: Mapping[tuple[str, str], float]
) -> LinkState:
    """The most serious state of the link ``src -> dst``: cut, held, lossy or healthy."""
    if (src, dst) in snapshot.blocked:
        return "cut"
    if (src, dst) in snapshot.held:
        return "held"
    return "lossy" if losses.get((src, dst), 0.0) > 0 else "healthy"


MAX_NODES_DRAWN = 200
"""The most nodes a cluster picture shows: on its circle, with markers of the smallest
size (``node_size``), 200 nodes just fit side by side; more would overlap, and each
frame would cost seconds."""

ALL_LINKS_UP_TO = 30
"""Up to this many nodes the picture draws every pair's link; above it only the links
that are not healthy (cut, held, lossy): a complete graph of 200 nodes is 19,900 lines
that hide the cluster and cost a frame its time."""


def pairs_drawn(
    nodes: Sequence[str], snapshot: Snapshot, losses: Mapping[tuple[str, str], float]
) -> list[tuple[str, str]]:
    """The pairs of ``nodes`` whose link a picture draws, in node order: every pair up to
    :data:`ALL_LINKS_UP_TO` nodes, above it only those not healthy one way or both."""
    if len(nodes) <= ALL_LINKS_UP_TO:
        return [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1 :]]
    order = {name: i for i, name in enumerate(nodes)}
    links = {*snapshot.blocked, *snapshot.held, *(k for k, v in losses.items() if v > 0)}
    pairs = {
        (a, b) if order[a] < order[b] else (b, a)
        for a, b in links
        if a in order and b in order and a != b
    }
    return sorted(pairs, key=lambda pair: (order[pair[0]], order[pair[1]]))


def links_left_out(count: int) -> str:
    """What a picture of ``count`` nodes says it leaves out of its links ("" if nothing)."""
    return f" (more than {ALL_LINKS_UP_TO} nodes: healthy links not drawn)" * (
        count > ALL_LINKS_UP_TO
    )


def node_size(count: int) -> float:
    """A node's marker area in points squared: smaller as the cluster grows."""
    return max(60.0, min(900.0, 5000.0 / max(count, 1)))


def in_flight_place(
    src: Point, dst: Point, sent_at: float, due: float, t: float, side: float = 0.035
) -> Point:
    """Where a message in flight is drawn at ``t``: as far from ``src`` towards ``dst``
    as its travel time has passed (at ``dst`` once due), ``side`` to the right of travel."""
    (sx, sy), (dx, dy) = src, dst
    span = due - sent_at
    done = 1.0 if span <= 0 else min(1.0, max(0.0, (t - sent_at) / span))
    length = math.hypot(dx - sx, dy - sy) or 1.0
    right_x, right_y = (dy - sy) / length * side, -(dx - sx) / length * side
    return sx + (dx - sx) * done + right_x, sy + (dy - sy) * done + right_y


def type_name(msg: Any) -> str:
    """A message's type name, for a live message or one read back from JSON lines."""
    return msg.type if isinstance(msg, MessageRecord) else type(msg).__name__
