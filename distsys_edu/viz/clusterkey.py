"""The legends of the cluster picture (:class:`.cluster.ClusterView` draws with this mixin):
a key of nodes, links and beliefs, and the message types in flight."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.patches import FancyArrowPatch

from .graph import Point
from .marks import legend_box, legend_handles, message_handles, shown_keys


class ClusterKey:
    """Legends for a view with these artists (set by :class:`.cluster.ClusterView`)."""

    ax: Axes
    legend_ax: Axes | None
    pos: dict[str, Point]
    links: dict[Any, LineCollection]
    arrows: list[FancyArrowPatch]
    timer_arcs: PathCollection
    message_types: list[str]
    _legend: bool
    _message_legend: Any
    _static: Any
    _slow_key: Any
    _key: Any

    def _static_legend(self, shown: set[str] | None = None) -> None:
        handles = legend_handles(shown)
        self._key = self._legend_box(handles, "upper left", (1.0, 1.0), "nodes, links, beliefs")

    def key_to_this_frame(self) -> None:
        """List in the legend only what this frame shows, for a still picture (an animation
        draws one key beside its frames, of what any of its frames shows)."""
        if self._legend:
            self._key.remove()
            self._static_legend(self.shown())
            self._static = None

    def shown(self) -> set[str]:
        """The keys (see :func:`.marks.legend_handles`) of what this frame shows."""
        views = [v for v in (self._slow_key or ([],))[0] if v[0] in self.pos]
        return shown_keys(views, self.links, self.arrows, self.timer_arcs.get_paths())

    def _legend_box(self, handles: list[Any], loc: Any, anchor: Point, title: str) -> Any:
        """A legend in the legend axes, or just right of the picture."""
        where = self.legend_ax or self.ax
        return legend_box(
            where, handles, loc, (0.0, anchor[1]) if self.legend_ax else anchor, title
        )

    def _update_message_legend(self) -> None:
        shown = list(self._message_legend.get_texts()) if self._message_legend else []
        if len(shown) == len(self.message_types):
            return
        if self._message_legend is not None:
            self._message_legend.remove()
        self._static = None  # the legend is part of the static image: draw it again
        handles = message_handles(self.message_types)
        self._message_legend = self._legend_box(
            handles, "lower left", (1.0, 0.0), "messages in flight"
        )
