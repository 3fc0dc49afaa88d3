"""Animations that play with no kernel running: HTML and JavaScript, frames inside.

:func:`animate` replays a trace once, draws the cluster picture of each frame by
updating one :class:`~.cluster.ClusterView`, and writes the frames (PNG images of
at most 64 colours, which keeps them small) into a self-contained HTML player
(:mod:`.player`). A committed notebook then shows the cluster
moving on GitHub or nbviewer.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ..runtime import Sim, Snapshot, Trace
from ..runtime.errors import check_time, invalid
from ..runtime.snapshot import Replay
from .cluster import ClusterView
from .player import player_html
from .story import check_trace_time, loss_changes, losses_at

MAX_BYTES = 2_000_000
"""The largest animation :func:`animate` writes (2 MB): a notebook stays light."""

MAX_FRAMES = 600
"""The most frames one animation may have."""


@dataclass(frozen=True)
class Animation:
    """An animation as one HTML string; a notebook shows it, ``save`` writes it.

    Attributes:
        html: the player and its frames.
        frames: how many frames it has.
        times: the virtual time of each frame.
    """

    html: str
    frames: int
    times: tuple[float, ...]

    @property
    def size(self) -> int:
        """Its size in bytes (UTF-8)."""
        return len(self.html.encode())

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # the text face: short, so a notebook does not store the HTML twice
        span = f"{self.times[0]:g}-{self.times[-1]:g} s" if self.times else "no time"
        return f"<Animation: {self.frames} frames, {span}, {self.size:,} bytes of HTML>"

    def save(self, path: str) -> None:
        """Write the HTML to ``path``."""
        with open(path, "w", encoding="utf-8") as file:
            file.write(self.html)


def frame_times(start: float, end: float, step: float) -> list[float]:
    """``start, start + step, ...`` up to ``end`` (each computed afresh: no drift)."""
    count = math.floor((end - start) / step + 1e-9) + 1
    return [start + i * step for i in range(count)]


def snapshots(trace: Trace, times: Sequence[float]) -> Iterator[Snapshot]:
    """The snapshot at each of ``times`` (ascending), replaying the trace once."""
    replay = Replay()
    events = iter(trace)
    pending = next(events, None)
    for t in times:
        while pending is not None and pending.t <= t:
            replay.apply(pending)
            pending = next(events, None)
        yield replay.snapshot(t, trace.nodes)


def animate(
    source: Sim | Trace,
    start: float,
    end: float,
    fps: int = 10,
    *,
    speed: float = 1.0,
    dpi: int = 60,
    max_bytes: int = MAX_BYTES,
) -> Animation:
    """The cluster picture from ``start`` to ``end`` as an HTML/JavaScript animation.

    Args:
        source: a Sim (its trace is used) or a full trace.
        start: virtual time of the first frame.
        end: virtual time of the last frame (at most the trace's last event).
        fps: frames per second of playback.
        speed: virtual seconds per second of playback: ``0.1`` plays ten times
            slower than the simulation ran, which shows messages in flight.
        dpi: resolution of the frames (dots per inch of a 8 x 5 inch figure).
        max_bytes: refuse to return an animation larger than this.

    Raises:
        InvalidArgument: a bad time, ``fps``, ``speed`` or size; more than
            :data:`MAX_FRAMES` frames; an animation larger than ``max_bytes``
            (fewer frames or a lower ``dpi`` make it smaller).
    """
    trace = source.trace if isinstance(source, Sim) else source
    if not isinstance(trace, Trace):
        raise invalid("source", source, "must be a Sim or a full Trace")
    first = check_trace_time("start", start, trace)
    last = check_trace_time("end", end, trace)
    if first >= last:
        raise invalid("start", start, f"must be < end ({end!r})")
    if isinstance(fps, bool) or not isinstance(fps, int) or not 1 <= fps <= 60:
        raise invalid("fps", fps, "must be an int from 1 to 60")
    step = check_time("speed", speed, positive=True) / fps
    times = frame_times(first, last, step)
    if len(times) > MAX_FRAMES:
        raise invalid(
            "end",
            end,
            f"gives {len(times)} frames, more than {MAX_FRAMES}: raise speed or "
            "shorten the time between start and end",
        )
    html = _render(trace, times, fps, dpi)
    if len(html.encode()) > max_bytes:
        raise invalid(
            "dpi",
            dpi,
            f"gives {len(html.encode()):,} bytes, more than max_bytes={max_bytes:,}: "
            "use fewer frames (a shorter span or a higher speed) or a lower dpi",
        )
    return Animation(html, len(times), tuple(times))


def _render(trace: Trace, times: list[float], fps: int, dpi: int) -> str:
    """Draw every frame by updating one picture; return the HTML player with them."""
    figure = Figure(figsize=(8, 5), dpi=dpi, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    ax, legend_ax = figure.subplots(1, 2, width_ratios=(3, 1))
    nodes = list(trace.nodes)
    view = ClusterView(ax, nodes, legend_ax=legend_ax)
    changes = loss_changes(trace)
    frames = []
    for snapshot in snapshots(trace, times):
        view.update(snapshot, losses=losses_at(changes, nodes, snapshot.t))
        view.render()
        frames.append(_png(canvas))
    return player_html(frames, times, fps)


def _png(canvas: FigureCanvasAgg) -> str:
    """What the canvas shows as a PNG of at most 64 colours, base64: one frame."""
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    small = io.BytesIO()
    rgb = image.convert("RGB")
    rgb.quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(small, format="png")
    return base64.b64encode(small.getvalue()).decode("ascii")
