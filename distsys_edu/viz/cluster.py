"""The cluster picture: a networkx graph of the nodes, drawn with matplotlib, live.

:class:`ClusterView` builds every artist once for a set of nodes and
:meth:`ClusterView.update` redraws a frame by changing those artists (colours,
marker paths, positions, texts), so a frame costs one canvas draw, never a new
figure. :func:`.draw.draw_cluster` is a thin function over it.

What a frame shows, at one virtual time:

* each node in its role's colour and shape (see :mod:`.style`), labelled with its
  name and term; a node that is down, paused or stopped greyed or faded, with a
  cross, two bars or a bar over it;
* what each node believes beside what is true: an arrow to the node it believes
  leads (red when that node is not an up leader), the nodes it suspects (marked
  right or wrong), and a line of truth under the picture (who really leads, who is
  really down);
* each direction of each link in the half next to its sender: healthy, lossy,
  held or cut;
* each message in flight as a dot beside its link, as far along as its travel
  time, in its type's colour;
* for a live Sim, each node's next timer as an arc that empties as it runs down.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path

from ..runtime import Snapshot, Timer
from .clusterkey import ClusterKey
from .graph import (
    LinkState,
    Point,
    cluster_graph,
    in_flight_place,
    layout,
    link_state,
    links_left_out,
    node_size,
    pairs_drawn,
    type_name,
)
from .marks import ROLE_PATHS, STATUS_PATHS
from .style import (
    BELIEF_LINESTYLE,
    GREY,
    LIGHT_GREY,
    LINK_STYLES,
    ROLE_STYLES,
    WRONG,
    message_colour,
    style_key,
)
from .truth import caption, real_leaders, slow_key

__all__ = ["ClusterView", "cluster_graph", "layout"]


class ClusterView(ClusterKey):
    """The artists of one cluster picture, built once and updated frame by frame.

    Args:
        ax: the matplotlib axes to draw into (it is cleared and set up).
        nodes: the nodes to show, in spawn order (this fixes the layout).
        legend_ax: axes for the legends (turned off); by default they go just
            right of ``ax``.
        legend: draw the legends.
    """

    def __init__(
        self,
        ax: Axes,
        nodes: Sequence[str],
        *,
        legend_ax: Axes | None = None,
        legend: bool = True,
    ) -> None:
        self.ax = ax
        self.nodes = list(nodes)
        self.pos = layout(self.nodes)
        self.size = node_size(len(self.nodes))
        self.radius_pt = math.sqrt(self.size) / 2
        self.message_types: list[str] = []
        self._message_legend: Any = None
        self._legend = legend
        self._static: Any = None  # render's image of the frame and legends alone
        self._background: Any = None  # ... with the nodes, links and beliefs drawn
        self._background_size: tuple[int, int] = (0, 0)
        self._slow_key: Any = None  # what the last frame's nodes, links and beliefs showed
        self.legend_ax = legend_ax
        if legend_ax is not None:
            legend_ax.clear()
            legend_ax.set_axis_off()
        ax.clear()
        ax.set_xlim(-1.45, 1.45)
        ax.set_ylim(-1.5, 1.35)
        ax.set_aspect("equal")
        ax.set_axis_off()
        self._build_links()
        self._build_nodes()
        self._build_beliefs()
        self.title = ax.set_title("", fontsize=11, loc="left")
        self.caption = ax.text(
            0.0, -0.02, "", transform=ax.transAxes, va="top", fontsize=9, wrap=True
        )
        if not self.nodes:
            ax.text(
                0.5,
                0.5,
                "no nodes yet: spawn some with sim.spawn(name, factory)",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=GREY,
            )
        if legend:
            self._static_legend()

    # -- building (once) ---------------------------------------------------------
    def _build_links(self) -> None:
        thin = 0.5 if len(self.nodes) > 30 else 1.0
        self.links: dict[LinkState, LineCollection] = {}
        for state, style in LINK_STYLES.items():
            width = style.linewidth * (thin if state == "healthy" else 1.0)
            lines = LineCollection(
                [], colors=style.colour, linestyles=style.linestyle, linewidths=width, zorder=1
            )
            self.ax.add_collection(lines)
            self.links[state] = lines
        self.messages = self.ax.scatter(
            [], [], s=max(12.0, self.size / 12), zorder=4, edgecolors="black", linewidths=0.4
        )

    def _build_nodes(self) -> None:
        xs = [self.pos[n][0] for n in self.nodes]
        ys = [self.pos[n][1] for n in self.nodes]
        self.timer_arcs = self.ax.scatter(
            xs,
            ys,
            s=(self.radius_pt + 5) ** 2,
            facecolors="none",
            edgecolors="black",
            linewidths=2.0,
            zorder=2,
        )
        self.node_marks = self.ax.scatter(xs, ys, s=self.size, zorder=3, linewidths=1.2)
        self.status_marks = self.ax.scatter(
            xs, ys, s=self.size * 0.8, zorder=5, c="black", linewidths=0
        )
        count = len(self.nodes)
        fontsize = 10 if count <= 8 else 8 if count <= 25 else 6
        self.labels = []
        for name in self.nodes:
            x, y = self.pos[name]
            if count == 1:
                x, y = 0.0, -1.0  # below a lone node
            away = self.radius_pt + 8
            label = self.ax.annotate(
                name,
                self.pos[name],
                xytext=(x * away, y * away),
                textcoords="offset points",
                ha="left" if x > 0.3 else "right" if x < -0.3 else "center",
                va="bottom" if y > 0.3 else "top" if y < -0.3 else "center",
                fontsize=fontsize,
                zorder=6,
            )
            self.labels.append(label)

    def _build_beliefs(self) -> None:
        self.arrows: list[FancyArrowPatch] = []
        for name in self.nodes:
            arrow = FancyArrowPatch(
                self.pos[name],
                self.pos[name],
                arrowstyle="-|>",
                mutation_scale=12,
                linewidth=1.6,
                linestyle=BELIEF_LINESTYLE,
                shrinkA=self.radius_pt + 2,
                shrinkB=self.radius_pt + 4,
                zorder=2.5,
                visible=False,
            )
            self.ax.add_patch(arrow)
            self.arrows.append(arrow)

    # -- one frame ----------------------------------------------------------------

    def update(
        self,
        snapshot: Snapshot,
        *,
        timers: Sequence[Timer.View] | None = None,
        losses: Mapping[tuple[str, str], float] | None = None,
    ) -> None:
        """Show ``snapshot``: change the artists, build none (cheap enough to animate).

        Args:
            snapshot: the cluster at one virtual time; nodes not in the view's
                node list are left out (and the caption says so).
            timers: pending timers of a live Sim at ``snapshot.t`` (``Sim.pending_timers()``).
            losses: loss probability of each directed link that has one.
        """
        hidden = self._update_messages(snapshot)
        self._update_timers(snapshot.t, timers or [])
        self.title.set_text(f"t = {snapshot.t:.3f} s{links_left_out(len(self.nodes))}")
        losses = losses or {}
        slow = slow_key(snapshot, losses, hidden)
        if slow == self._slow_key:
            return  # nodes, links, beliefs and caption look as they did
        self._slow_key = slow
        self._background = None
        self._update_nodes(snapshot, [snapshot.nodes.get(n) for n in self.nodes])
        self._update_links(snapshot, losses)
        self._update_beliefs(snapshot)
        self.caption.set_text(self._caption(snapshot, hidden))

    def _update_nodes(self, snapshot: Snapshot, views: Sequence[Any]) -> None:
        paths, faces, edges, marks, sizes = [], [], [], [], []
        for name, view, label in zip(self.nodes, views, self.labels, strict=True):
            status = "not started" if view is None else view.status
            notes = {} if view is None else view.annotations
            style = ROLE_STYLES[style_key(notes.get("role"))]
            up = status == "up"
            paths.append(ROLE_PATHS[style_key(notes.get("role"))])
            sizes.append(self.size * (1.9 if style is ROLE_STYLES["leader"] else 1.0))
            colour = style.colour if status in ("up", "paused") else LIGHT_GREY
            faces.append(to_rgba(colour, 1.0 if up else 0.45))
            edges.append("black" if up else GREY)
            marks.append(STATUS_PATHS.get(status, STATUS_PATHS["up"]))
            term = notes.get("term")
            lines = [name if term is None else f"{name} · term {term}"]
            if not up:
                lines.append(status.upper())
            label.set_text("\n".join(lines))
            label.set_color("black" if up else GREY)
        if self.nodes:
            self.node_marks.set_paths(paths)
            self.node_marks.set_sizes(sizes)
            self.node_marks.set_facecolor(faces)
            self.node_marks.set_edgecolor(edges)
            self.status_marks.set_paths(marks)

    def _update_links(self, snapshot: Snapshot, losses: Mapping[tuple[str, str], float]) -> None:
        lines: dict[LinkState, list[list[Point]]] = {state: [] for state in LINK_STYLES}
        for a, b in pairs_drawn(self.nodes, snapshot, losses):
            there, back = link_state(snapshot, a, b, losses), link_state(snapshot, b, a, losses)
            (ax_, ay), (bx, by) = self.pos[a], self.pos[b]
            if there == back:  # the common case: one line for both directions
                lines[there].append([(ax_, ay), (bx, by)])
                continue
            mid = ((ax_ + bx) / 2, (ay + by) / 2)
            lines[there].append([(ax_, ay), mid])
            lines[back].append([(bx, by), mid])
        for state, segments in lines.items():
            self.links[state].set_segments(segments)

    def _update_messages(self, snapshot: Snapshot) -> int:
        """Place the in-flight dots; returns how many messages could not be drawn."""
        offsets, colours, hidden = [], [], 0
        for m in snapshot.in_flight:
            if m.src not in self.pos or m.dst not in self.pos or m.src == m.dst:
                hidden += 1
                continue
            offsets.append(
                in_flight_place(self.pos[m.src], self.pos[m.dst], m.sent_at, m.due, snapshot.t)
            )
            name = type_name(m.msg)
            colours.append(message_colour(name))
            if name not in self.message_types:
                self.message_types.append(name)
        self.messages.set_offsets(np.array(offsets, dtype=float).reshape(-1, 2))
        self.messages.set_facecolor(colours)
        if self._legend:
            self._update_message_legend()
        return hidden

    def _update_timers(self, t: float, timers: Sequence[Timer.View]) -> None:
        soonest: dict[str, Timer.View] = {}
        for pending in timers:
            if pending.node in self.pos and pending.node not in soonest:
                soonest[pending.node] = pending
        arcs, sizes = [], []
        ring = (self.radius_pt + 5) ** 2
        for name in self.nodes:
            timer = soonest.get(name)
            left = 0.0
            if timer is not None and timer.due > timer.set_at:
                left = min(1.0, max(0.0, (timer.due - t) / (timer.due - timer.set_at)))
            arcs.append(Path.arc(90.0, 90.0 + 360.0 * left) if left > 0 else STATUS_PATHS["up"])
            sizes.append(ring)
        if self.nodes:
            self.timer_arcs.set_paths(arcs)
            self.timer_arcs.set_sizes(sizes)

    def _update_beliefs(self, snapshot: Snapshot) -> None:
        leaders = real_leaders(snapshot)
        for name, arrow in zip(self.nodes, self.arrows, strict=True):
            view = snapshot.nodes.get(name)
            believed = None if view is None else view.annotations.get("leader")
            if view is None or view.status != "up" or believed == name or believed not in self.pos:
                arrow.set_visible(False)
                continue
            arrow.set_positions(self.pos[name], self.pos[believed])
            arrow.set_color("black" if believed in leaders else WRONG)
            arrow.set_visible(True)

    def _caption(self, snapshot: Snapshot, hidden: int) -> str:
        return caption(snapshot, hidden, self.nodes)

    # -- drawing a frame fast -----------------------------------------------------

    def moving_artists(self) -> list[Any]:
        """The artists that change from frame to frame: messages, timers, the time."""
        return [self.messages, self.timer_arcs, self.title]

    def slow_artists(self) -> list[Any]:
        """The artists that change when the cluster does: links, nodes, beliefs, caption."""
        artists = [
            *self.links.values(),
            self.node_marks,
            self.status_marks,
            *self.labels,
            *self.arrows,
            self.caption,
        ]
        return sorted(artists, key=lambda a: a.get_zorder())

    def render(self) -> None:
        """Draw the current frame on the figure's canvas, quickly, in three layers.

        What never changes (the frame, the legends) is drawn once and kept as an
        image; what changes with the cluster (nodes, links, beliefs, caption) is
        drawn over a copy of it when it changes, and kept too; the messages, the
        timers and the time are drawn over that on every call. A canvas of a new
        size, or a legend that gained a message type, starts again from the bottom.
        A figure shown the usual way (``plt.show``, inline) needs none of this.
        """
        figure: Any = self.ax.figure
        canvas: Any = figure.canvas  # Agg, ipympl or another canvas that can blit
        size = canvas.get_width_height()
        if self._static is None or self._background_size != size:
            layers = [*self.slow_artists(), *self.moving_artists()]
            for artist in layers:
                artist.set_animated(True)
            canvas.draw()
            for artist in layers:
                artist.set_animated(False)
            self._static = canvas.copy_from_bbox(figure.bbox)
            self._background_size = size
            self._background = None
        if self._background is None:
            canvas.restore_region(self._static)
            for artist in self.slow_artists():
                figure.draw_artist(artist)
            self._background = canvas.copy_from_bbox(figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self.moving_artists():
            figure.draw_artist(artist)
        canvas.blit(figure.bbox)
