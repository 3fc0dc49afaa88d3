"""Drawing the cluster from a Sim, a Snapshot or a trace: :func:`draw_cluster` (with
each node's log under it when the nodes publish one), the logs alone: :func:`draw_logs`,
the cluster as PNG bytes: :func:`cluster_png`; a small space-time diagram of a few nodes
as PNG bytes: :func:`timeline_png` (its figure: :func:`timeline_figure`)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..runtime import Sim, Snapshot, Timer, Trace, snapshot_at
from ..runtime.errors import invalid
from .cluster import ClusterView
from .logs import Runs, draw_log_rows, last_published_logs, log_rows
from .story import check_trace_time, link_losses
from .style import WRONG

if TYPE_CHECKING:
    from .spacetime import Timeline

Frame = tuple[Snapshot, list[Timer.View] | None, dict[tuple[str, str], float]]
"""One frame: the snapshot, pending timers (live Sim only) and link losses."""


def frame_source(source: Sim | Snapshot | Trace, t: float | None) -> Frame:
    """The snapshot, pending timers (live Sim only) and link losses of one frame."""
    if isinstance(source, Sim):
        snapshot = source.snapshot(t)
        live = t is None or t == source.now
        return (
            snapshot,
            source.pending_timers() if live else None,
            link_losses(source.trace, snapshot.t),
        )
    if isinstance(source, Snapshot):
        if t is not None and t != source.t:
            raise invalid("t", t, f"must be None for a Snapshot (it shows t={source.t!r})")
        return source, None, {}
    if isinstance(source, Trace):
        when = check_trace_time("t", t, source)
        return snapshot_at(source, when), None, link_losses(source, when)
    raise invalid("source", source, "must be a Sim, a Snapshot or a full Trace")


def draw_cluster(
    source: Sim | Snapshot | Trace,
    t: float | None = None,
    ax: Axes | None = None,
    *,
    legend: bool = True,
) -> ClusterView:
    """Draw the cluster at virtual time ``t``: roles, beliefs, links, messages, timers;
    and, when a new figure is made and the nodes publish a ``log``, each node's log
    under it (:mod:`.logs`; not in a given ``ax``, and not updated by the view).

    Args:
        source: a live ``Sim`` (``t`` defaults to now, and its pending timers are
            drawn when ``t`` is now), a ``Snapshot`` (``t`` must be ``None``), or a
            full ``Trace`` (``t`` required, within the trace).
        t: the virtual time to show.
        ax: axes to draw into; a new figure when ``None``.
        legend: draw the legends beside the picture.

    Returns:
        The :class:`ClusterView`; call its ``update`` to show another time quickly.

    Raises:
        InvalidArgument: ``t`` in the future of a Sim, outside a trace, given with a
            Snapshot, or missing for a trace; a source of another type.
    """
    frame = frame_source(source, t)
    if ax is not None:
        return _draw(frame, ax, None, legend=legend)
    figure = plt.figure(layout="constrained")
    return _draw_figure(figure, frame, legend=legend, disks=_disks(source, frame[0].t))


def draw_logs(
    source: Sim | Snapshot | Trace, t: float | None = None, ax: Axes | None = None
) -> Axes:
    """Draw each node's log at virtual time ``t`` (see :mod:`.logs`): one row a node,
    one box an entry, coloured and labelled by term, the commit index marked.

    Args:
        source, t: as :func:`draw_cluster`.
        ax: axes to draw into; a new figure when ``None``.

    Returns:
        The axes drawn into.

    Raises:
        InvalidArgument: as :func:`draw_cluster`.
    """
    snapshot = frame_source(source, t)[0]
    disks = _disks(source, snapshot.t)
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 0.9 + 0.5 * len(snapshot.nodes)), layout="constrained")
    draw_log_rows(ax, log_rows(snapshot, disks=disks), title=f"the logs at t = {snapshot.t:.3f} s")
    return ax


def _disks(source: Sim | Snapshot | Trace, t: float) -> dict[str, Runs]:
    """The logs last published by ``t``, read from the trace of ``source`` (none from a
    Snapshot, which keeps no history)."""
    trace = source.trace if isinstance(source, Sim) else source
    return last_published_logs(trace, t) if isinstance(trace, Trace) else {}


def publishes_logs(snapshot: Snapshot) -> bool:
    """Whether some node of ``snapshot`` publishes a ``log`` (then the picture shows it)."""
    return any("log" in view.annotations for view in snapshot.nodes.values())


FIGSIZE = (10.0, 6.5)
"""The figure's size in inches when ``draw_cluster`` makes it: the picture, then the legends."""


BOX_DPI = 90
"""Dots per inch of :func:`cluster_png`: 900 x 585 pixels, and its smallest text (8 points)
9 pixels high at that size."""


def cluster_png(
    source: Sim | Snapshot | Trace, t: float | None = None, *, dpi: int = BOX_DPI
) -> bytes:
    """The picture :func:`draw_cluster` draws, as PNG bytes (900 x 585 pixels at ``dpi=90``;
    taller by the logs' rows when the nodes publish logs).

    Nothing is shown: the figure is not one of pyplot's, so a notebook does not
    display it by itself. For an exercise's "the moment it went wrong".

    Raises:
        InvalidArgument: as :func:`draw_cluster`, or ``dpi`` not an int from 10 to 600.
    """
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 10 <= dpi <= 600:
        raise invalid("dpi", dpi, "must be an int from 10 to 600 (dots per inch)")
    png = io.BytesIO()
    cluster_figure(source, t).savefig(png, format="png", dpi=dpi)
    return png.getvalue()


def cluster_figure(source: Sim | Snapshot | Trace, t: float | None = None) -> Figure:
    """The figure of :func:`cluster_png`, not drawn yet and not one of pyplot's.

    Raises:
        InvalidArgument: as :func:`draw_cluster`.
    """
    figure = Figure(layout="constrained", dpi=BOX_DPI)
    frame = frame_source(source, t)
    _draw_figure(figure, frame, legend=True, disks=_disks(source, frame[0].t))
    return figure


def timeline_png(
    trace: Trace, start: float, end: float, *, mark: float | None = None, dpi: int = BOX_DPI
) -> bytes:
    """The space-time diagram of ``trace`` from ``start`` to ``end`` (virtual seconds),
    small, as PNG bytes (720 pixels wide at ``dpi=90``, its 8-point legend 10 pixels
    high), with a dashed line at
    ``mark`` (the moment something went wrong), if given.

    For an exercise's scenario of one or two nodes, where the cluster picture would
    show only the nodes and the messages are what matters. Nothing is shown.

    Raises:
        InvalidArgument: as :func:`~distsys_edu.viz.spacetime.timeline`.
    """
    png = io.BytesIO()
    timeline_figure(trace, start, end, mark=mark)[0].savefig(png, format="png", dpi=dpi)
    return png.getvalue()


def timeline_figure(
    trace: Trace, start: float, end: float, *, mark: float | None = None
) -> tuple[Figure, Timeline]:
    """The figure of :func:`timeline_png` (not drawn yet, not one of pyplot's) and the
    diagram in it; ``mark`` is drawn where the axis, stretched at bursts, puts that time.

    Raises:
        InvalidArgument: as :func:`~distsys_edu.viz.spacetime.timeline`.
    """
    from .spacetime import timeline

    figure = Figure(figsize=(8.0, 1.5 + 0.55 * len(trace.nodes)), layout="constrained")
    ax = figure.subplots()
    drawn = timeline(trace, start, end, ax=ax)
    if mark is not None:
        x = drawn.axis.x(mark)
        ax.axvline(x, color=WRONG, linestyle="--", linewidth=1)
        ax.annotate(
            "went wrong",
            (x, 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=9,
            color=WRONG,
        )
    return figure, drawn


def _draw_figure(
    figure: Figure, frame: Frame, *, legend: bool, disks: dict[str, Runs] | None = None
) -> ClusterView:
    """Lay ``figure`` out (the picture and its legends; the logs under both, when the
    nodes publish logs) and draw ``frame`` into it."""
    snapshot = frame[0]
    if not publishes_logs(snapshot):
        figure.set_size_inches(*FIGSIZE)
        ax, legend_ax = figure.subplots(1, 2, width_ratios=(3, 1))
        return _draw(frame, ax, legend_ax, legend=legend)
    logs_high = 0.9 + 0.45 * len(snapshot.nodes)
    figure.set_size_inches(FIGSIZE[0], FIGSIZE[1] + logs_high)
    axes = figure.subplot_mosaic(
        [["cluster", "key"], ["logs", "logs"]],
        width_ratios=(3, 1),
        height_ratios=(FIGSIZE[1], logs_high),
    )
    view = _draw(frame, axes["cluster"], axes["key"], legend=legend)
    draw_log_rows(axes["logs"], log_rows(snapshot, disks=disks), title="each node's log")
    return view


def _draw(frame: Frame, ax: Axes, legend_ax: Axes | None, *, legend: bool) -> ClusterView:
    """Draw ``frame`` into ``ax`` (legends into ``legend_ax``, listing only what the
    frame shows)."""
    snapshot, timers, losses = frame
    view = ClusterView(ax, list(snapshot.nodes), legend_ax=legend_ax, legend=legend)
    view.update(snapshot, timers=timers, losses=losses)
    view.key_to_this_frame()
    return view
