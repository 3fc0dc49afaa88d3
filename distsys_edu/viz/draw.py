"""Drawing the cluster from a Sim, a Snapshot or a trace: :func:`draw_cluster`,
and the same picture as PNG bytes: :func:`cluster_png`."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..runtime import Sim, Snapshot, Timer, Trace, snapshot_at
from ..runtime.errors import invalid
from .cluster import ClusterView
from .story import check_trace_time, link_losses


def frame_source(
    source: Sim | Snapshot | Trace, t: float | None
) -> tuple[Snapshot, list[Timer.View] | None, dict[tuple[str, str], float]]:
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
    """Draw the cluster at virtual time ``t``: roles, beliefs, links, messages, timers.

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
    if ax is not None:
        return _draw(source, t, ax, None, legend=legend)
    _, (ax, legend_ax) = plt.subplots(
        1, 2, figsize=FIGSIZE, width_ratios=(3, 1), layout="constrained"
    )
    return _draw(source, t, ax, legend_ax, legend=legend)


FIGSIZE = (10.0, 6.5)
"""The figure's size in inches when ``draw_cluster`` makes it: the picture, then the legends."""


def cluster_png(source: Sim | Snapshot | Trace, t: float | None = None, *, dpi: int = 80) -> bytes:
    """The picture :func:`draw_cluster` draws, as PNG bytes (800 x 520 pixels at ``dpi=80``).

    Nothing is shown: the figure is not one of pyplot's, so a notebook does not
    display it by itself. For an exercise's "the moment it went wrong".

    Raises:
        InvalidArgument: as :func:`draw_cluster`, or ``dpi`` not an int from 10 to 600.
    """
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 10 <= dpi <= 600:
        raise invalid("dpi", dpi, "must be an int from 10 to 600 (dots per inch)")
    figure = Figure(figsize=FIGSIZE, layout="constrained")
    ax, legend_ax = figure.subplots(1, 2, width_ratios=(3, 1))
    _draw(source, t, ax, legend_ax, legend=True)
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=dpi)
    return png.getvalue()


def _draw(
    source: Sim | Snapshot | Trace,
    t: float | None,
    ax: Axes,
    legend_ax: Axes | None,
    *,
    legend: bool,
) -> ClusterView:
    """Draw the frame of ``source`` at ``t`` into ``ax`` (legends into ``legend_ax``)."""
    snapshot, timers, losses = frame_source(source, t)
    view = ClusterView(ax, list(snapshot.nodes), legend_ax=legend_ax, legend=legend)
    view.update(snapshot, timers=timers, losses=losses)
    return view
