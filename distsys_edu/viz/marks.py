"""The marks of the cluster picture: marker paths for roles and states, legend handles."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path

from .graph import Point
from .style import (
    BELIEF_LINESTYLE,
    LINK_STYLES,
    ROLE_STYLES,
    STATUS_MARKS,
    WRONG,
    message_colour,
    style_key,
)


def _marker_path(marker: str) -> Path:
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def _bars(boxes: Iterable[tuple[float, float, float, float]]) -> Path:
    """A filled path of rectangles ``(x0, y0, x1, y1)`` in marker units."""
    vertices: list[Point] = []
    codes: list[Any] = []  # Path codes (numpy uint8)
    for x0, y0, x1, y1 in boxes:
        vertices += [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    return Path(vertices, codes)


ROLE_PATHS = {role: _marker_path(style.marker) for role, style in ROLE_STYLES.items()}
STATUS_PATHS = {
    "up": Path(([0.0, 0.0],)),  # nothing to mark
    "down": _marker_path("X"),
    "paused": _bars([(-0.32, -0.4, -0.08, 0.4), (0.08, -0.4, 0.32, 0.4)]),
    "stopped": _bars([(-0.45, -0.11, 0.45, 0.11)]),
}


def _handle(**style: Any) -> Line2D:
    """A legend entry: a line or marker with ``style`` and no data."""
    return Line2D([], [], **style)


def legend_handles(shown: Collection[str] | None = None) -> list[Any]:
    """The handles of the cluster picture's legend: roles, states, links, beliefs, timers.

    Args:
        shown: the keys of the entries to keep (all when ``None``): a role of
            ``ROLE_STYLES``, a status of ``STATUS_MARKS``, a link state of ``LINK_STYLES``,
            ``"belief"``, ``"wrong belief"`` or ``"timer"``.
    """
    return [h for key, h in _keyed_handles() if shown is None or key in shown]


def _keyed_handles() -> list[tuple[str, Any]]:
    handles: list[tuple[str, Any]] = [
        (
            role,
            _handle(
                marker=s.marker,
                color="none",
                markerfacecolor=s.colour,
                markeredgecolor="black",
                markersize=10,
                label=s.label,
            ),
        )
        for role, s in ROLE_STYLES.items()
    ]
    for status, (marker, label) in STATUS_MARKS.items():
        path = STATUS_PATHS[status] if marker == "pause" or status == "stopped" else marker
        handles.append(
            (
                status,
                _handle(
                    marker=path,
                    color="none",
                    markerfacecolor="black",
                    markeredgecolor="black",
                    markersize=9,
                    label=label,
                ),
            )
        )
    handles += [
        (
            state,
            _handle(color=s.colour, linestyle=s.linestyle, linewidth=s.linewidth, label=s.label),
        )
        for state, s in LINK_STYLES.items()
    ]
    belief = {"linestyle": BELIEF_LINESTYLE, "marker": ">", "markersize": 5}
    handles += [
        ("belief", _handle(color="black", label="believes it leads", **belief)),
        ("wrong belief", _handle(color=WRONG, label="believes it leads, wrongly", **belief)),
        ("timer", _handle(color="black", linewidth=2, label="next timer (runs down)")),
    ]
    return handles


def message_handles(types: Sequence[str]) -> list[Any]:
    """Legend handles for messages of ``types``, each in its colour."""
    return [
        _handle(
            marker="o",
            color="none",
            markerfacecolor=message_colour(t),
            markeredgecolor="black",
            markersize=7,
            label=t,
        )
        for t in types
    ]


def legend_box(where: Axes, handles: list[Any], loc: Any, anchor: Point, title: str) -> Legend:
    """A legend of ``handles`` added to ``where`` as an artist of its own (so that an axes can
    hold several, each drawn once), titled ``title``, its ``loc`` corner at ``anchor``."""
    box = Legend(
        where,
        handles,
        [h.get_label() for h in handles],
        loc=loc,
        bbox_to_anchor=anchor,
        fontsize=8,
        frameon=False,
        title=title,
        title_fontsize=8,
        alignment="left",
    )
    where.add_artist(box)
    return box


def shown_keys(
    views: Iterable[tuple[Any, ...]],
    links: Mapping[str, LineCollection],
    arrows: Iterable[FancyArrowPatch],
    timer_paths: Iterable[Path],
) -> set[str]:
    """The keys of :func:`legend_handles` that a cluster picture shows.

    Args:
        views: ``(name, status, role, ...)`` of each node drawn (as :func:`.truth.slow_key`).
        links: the link lines of each state.
        arrows: the belief arrows (hidden ones show nothing).
        timer_paths: the timer arcs (an empty path for a node with no timer shown).
    """
    keys = {style_key(role) for _, _, role, *_ in views}
    keys |= {status for _, status, *_ in views}
    keys |= {state for state, lines in links.items() if len(lines.get_segments())}
    for arrow in (a for a in arrows if a.get_visible()):
        wrong = to_rgba(arrow.get_edgecolor()) == to_rgba(WRONG)
        keys.add("wrong belief" if wrong else "belief")
    if any(p is not STATUS_PATHS["up"] for p in timer_paths):
        keys.add("timer")
    return keys
