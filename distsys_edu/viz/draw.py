"""Drawing the cluster from a Sim, a Snapshot or a trace: :func:`draw_cluster`."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

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
    snapshot, timers, losses = frame_source(source, t)
    legend_ax = None
    if ax is None:
        _, (ax, legend_ax) = plt.subplots(
            1, 2, figsize=(10, 6.5), width_ratios=(3, 1), layout="constrained"
        )
    view = ClusterView(ax, list(snapshot.nodes), legend_ax=legend_ax, legend=legend)
    view.update(snapshot, timers=timers, losses=losses)
    return view
