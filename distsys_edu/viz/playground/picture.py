"""The playground's picture: one cluster view per lane, side by side, on one canvas;
under each, that lane's logs (:mod:`..logs`) when its servers publish a ``log``.

The figure is drawn on an ipympl canvas (a widget that takes clicks) when ipympl
is installed, whatever the notebook's matplotlib backend; each frame changes the
artists of :class:`~distsys_edu.viz.cluster.ClusterView` and draws once.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import matplotlib
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.figure import Figure

from ...checks.invariants import Violation
from ..cluster import ClusterView, caption
from ..draw import publishes_logs
from ..frames import draw_legend, lay_out_once
from ..logs import LogRow, draw_log_rows, last_published_logs, log_rows
from ..style import WRONG
from .model import PlaygroundModel

FRAME_DPI = 80
"""Pixels per inch of the live picture: every frame is a PNG sent to the browser."""

PANEL_INCHES = 6.0
"""Each lane's picture is this many inches square: 480 px at :data:`FRAME_DPI`."""

LOG_LABELS_INCHES = 1.6
"""Added to each lane's width when the logs are drawn: room for their row labels."""

LEGEND_INCHES = (2.9, 5.6)
"""The legend's figure: room for every entry and a few message types, 9 px texts."""

CLICK_RADIUS = 0.18
"""How near a node (in the picture's units; the circle of nodes has radius 1) a click
must land to be a click on it."""


def interactive_canvas(figure: Figure) -> FigureCanvasBase:
    """Give ``figure`` an ipympl canvas (a widget that answers clicks), or keep Agg's.

    The figure is not registered with pyplot, so it never shows up twice.
    """
    backend = matplotlib.get_backend()
    try:
        from ipympl.backend_nbagg import Canvas, FigureManager  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - ipympl is a dependency of the lab extras
        return figure.canvas
    if matplotlib.get_backend() != backend:
        switch_back(backend)
    canvas = Canvas(figure)
    FigureManager(canvas, 0)
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    return canvas


INLINE_BACKENDS = ("module://matplotlib_inline.backend_inline", "inline")
"""The notebook's default backend (figures shown as PNG when a cell ends), by its names."""


def switch_back(backend: str) -> None:
    """Undo the switch of pyplot's backend that importing ipympl makes.

    Without this, every figure a lesson draws after showing a playground would be an
    ipympl widget (nothing when the notebook is read without a kernel). In IPython the
    inline backend is restored as ``%matplotlib inline`` does: ``matplotlib.use`` alone
    would leave IPython's hook that shows figures at the end of a cell unregistered.
    """
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is not None and backend in INLINE_BACKENDS:
        shell.run_line_magic("matplotlib", "inline")
    else:
        matplotlib.use(backend)


class Picture:
    """The cluster views of a playground's lanes, and the canvas they are drawn on.

    Args:
        model: the playground's model (its lanes give the views).
        on_node_click: called with ``(lane, node)`` when a click lands on a node.
    """

    def __init__(
        self, model: PlaygroundModel, on_node_click: Callable[[int, str], None] | None = None
    ) -> None:
        self.model = model
        self.figure = Figure(dpi=FRAME_DPI)
        self.canvas = interactive_canvas(self.figure)
        self.legend = Figure(figsize=LEGEND_INCHES, dpi=FRAME_DPI)
        self.legend_canvas = interactive_canvas(self.legend)
        self.views: list[ClusterView] = []
        self.log_axes: list[Any] = []  # under each view, when some lane publishes logs
        self._legend_types: tuple[str, ...] | None = None  # None: draw it afresh
        self._on_node_click = on_node_click
        self._logs = False
        self.canvas.mpl_connect("button_press_event", self._click)
        self.rebuild()

    def rebuild(self) -> None:
        """Build the views afresh (after the lanes or their nodes changed).

        The legend is a figure of its own, drawn only when it changes: a frame
        redraws the clusters alone. The layout is computed once, here, not per frame
        (with room for a caption of three lines).
        """
        lanes = self.model.lanes
        self.figure.clear()
        self._logs = self._wants_logs()
        rows = max((len(lane.nodes) for lane in lanes), default=0)
        logs_high = 0.9 + 0.4 * rows if self._logs else 0.0
        wide = PANEL_INCHES + (LOG_LABELS_INCHES if self._logs else 0.0)
        self.figure.set_size_inches(wide * len(lanes), PANEL_INCHES + logs_high)
        self.figure.set_layout_engine("constrained")
        ratios = (PANEL_INCHES, logs_high) if self._logs else (PANEL_INCHES,)
        grid = self.figure.subplots(len(ratios), len(lanes), squeeze=False, height_ratios=ratios)
        self.views = [
            ClusterView(ax, lane.nodes, legend=False)
            for ax, lane in zip(grid[0], lanes, strict=True)
        ]
        self.log_axes = list(grid[1]) if self._logs else []
        shown = lanes if self._logs else []
        for ax, lane in zip(self.log_axes, shown, strict=True):  # the widest labels: room
            draw_log_rows(ax, [LogRow(n, "down", None, (1,), 0) for n in lane.nodes], title="logs")
        self._legend_types = None
        lay_out_once(self.figure.canvas, self.views)
        self.update()

    def _wants_logs(self) -> bool:
        """Whether some lane's servers publish a log now (then the logs are drawn)."""
        return any(publishes_logs(lane.frame(self.model.schedule)[0]) for lane in self.model.lanes)

    def matches(self) -> bool:
        """Whether the views still show the lanes' nodes (else :meth:`rebuild`)."""
        lanes = self.model.lanes
        return (
            len(lanes) == len(self.views)
            and all(lane.nodes == view.nodes for lane, view in zip(lanes, self.views, strict=True))
            and self._logs == self._wants_logs()
        )

    def update(self) -> None:
        """Show every lane at the model's virtual time; draw on the canvas once."""
        if not self.matches():
            self.rebuild()
        found = self.model.monitor()
        for lane, view, violation in zip(self.model.lanes, self.views, found, strict=True):
            snapshot, timers, losses = lane.frame(self.model.schedule)
            view.update(snapshot, timers=timers, losses=losses)
            broken = violation is not None and violation.t <= self.model.now
            mark = f"   ✗ {violation.invariant}" if broken and violation else ""
            view.title.set_text(f"{lane.setup.name} · t = {self.model.now:.3f} s{mark}")
            view.title.set_color(WRONG if broken else "black")
        for ax, lane in zip(self.log_axes, self.model.lanes if self._logs else [], strict=True):
            snapshot = lane.frame(self.model.schedule)[0]
            ax.set_visible(publishes_logs(snapshot))  # a lane beside may publish none
            if ax.get_visible():
                disks = last_published_logs(lane.sim.trace, snapshot.t)
                draw_log_rows(ax, log_rows(snapshot, disks=disks), title="each server's log")
        types = tuple(dict.fromkeys(t for view in self.views for t in view.message_types))
        if types != self._legend_types:  # a new message type joined the legend
            self._legend_types = types
            self.legend.clear()
            draw_legend(self.legend, types)
            self.legend_canvas.draw_idle()

    def draw(self) -> None:
        """Render now (what the benchmark times); the widget asks with ``draw_idle``."""
        self.canvas.draw()

    def truths(self) -> list[str]:
        """Each lane's line of truth (who leads, who is down), as under its picture."""
        lines = []
        for lane, view in zip(self.model.lanes, self.views, strict=True):
            snapshot, _, _ = lane.frame(self.model.schedule)
            lines.append(f"{lane.setup.name}: " + caption(snapshot, 0, view.nodes).splitlines()[0])
        return lines

    def node_at(self, lane: int, x: float, y: float) -> str | None:
        """The node of lane ``lane`` drawn nearest ``(x, y)``, if within :data:`CLICK_RADIUS`."""
        places = self.views[lane].pos
        best = min(places, key=lambda n: math.dist(places[n], (x, y)), default=None)
        if best is None or math.dist(places[best], (x, y)) > CLICK_RADIUS:
            return None
        return best

    def _click(self, event: Any) -> None:
        for i, view in enumerate(self.views):
            if event.inaxes is view.ax and event.xdata is not None and self._on_node_click:
                node = self.node_at(i, event.xdata, event.ydata)
                if node is not None:
                    self._on_node_click(i, node)


def monitor_text(model: PlaygroundModel, found: list[Violation | None]) -> tuple[bool, str]:
    """The monitor's words, and whether it is red (a violation at or before now)."""
    lines, red = [], False
    for lane, violation in zip(model.lanes, found, strict=True):
        names = ", ".join(check.name for check in lane.invariants)
        if violation is None:
            verb = "holds" if len(lane.invariants) == 1 else "hold"
            lines.append(f"✓ {lane.setup.name}: {names} {verb} so far")
        elif violation.t <= model.now:
            red = True
            lines.append(f"✗ {lane.setup.name}: {violation}")
        else:
            lines.append(f"… {lane.setup.name}: broken later, at t={violation.t:.3f} (replay on)")
    return red, "\n".join(lines)
