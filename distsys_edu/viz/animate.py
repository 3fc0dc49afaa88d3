"""Animations that play with no kernel running, and with no script either.

:func:`animate` replays a trace once, draws the cluster picture of each frame by
updating one :class:`~.cluster.ClusterView` (the picture alone: its legend is drawn
once, beside it), and writes the frames into one animated PNG of at most 64 colours
(:mod:`.frames`) inside a self-contained HTML player (:mod:`.player`). A committed
notebook then shows the cluster moving on GitHub, in a static page or in an
untrusted notebook; where scripts run, the player adds play, step and a slider.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..runtime import Sim, Snapshot, Trace
from ..runtime.errors import check_time, invalid
from ..runtime.snapshot import Replay
from .cluster import ClusterView
from .frames import canvas_image, encode_movie, lay_out_once, legend_image, png_bytes
from .player import player_html
from .story import check_trace_time, loss_changes, losses_at

MAX_BYTES = 2_000_000
"""The largest animation :func:`animate` writes (2 MB): a notebook stays light."""

MAX_FRAMES = 600
"""The most frames one animation may have."""

FRAME_INCHES = (4.6, 4.4)
"""A frame's size in inches: the cluster picture, its time and its line of truth."""

MIN_DPI = 72
"""The lowest ``dpi``: the picture's smallest texts (9 points) are then 9 px high, and
the HTML shows a frame at its own size (1 px of the image, 1 px of the page)."""


@dataclass(frozen=True)
class Animation:
    """An animation as one HTML string; a notebook shows it, ``save`` writes it.

    Attributes:
        html: the player, its frames and its legend.
        frames: how many frames it has.
        times: the virtual time of each frame.
        png: the frames as an animated PNG (the one inside ``html``).
    """

    html: str
    frames: int
    times: tuple[float, ...]
    png: bytes

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
        """Write the HTML to ``path``, or the animated PNG if ``path`` ends in ``.png``."""
        if path.lower().endswith(".png"):
            with open(path, "wb") as binary:
                binary.write(self.png)
            return
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
    dpi: int = 80,
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
        dpi: resolution of the frames (dots per inch of a 4.6 x 4.4 inch figure,
            shown at its own size): from :data:`MIN_DPI`, where the smallest text
            is 9 px high, to 200.
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
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= 200:
        raise invalid(
            "dpi", dpi, f"must be an int from {MIN_DPI} (texts 9 px high, readable) to 200"
        )
    step = check_time("speed", speed, positive=True) / fps
    times = frame_times(first, last, step)
    if len(times) > MAX_FRAMES:
        raise invalid(
            "end",
            end,
            f"gives {len(times)} frames, more than {MAX_FRAMES}: raise speed or "
            "shorten the time between start and end",
        )
    html, png = _render(trace, times, fps, dpi)
    if len(html.encode()) > max_bytes:
        raise invalid(
            "dpi",
            dpi,
            f"gives {len(html.encode()):,} bytes, more than max_bytes={max_bytes:,}: "
            "use fewer frames (a shorter span or a higher speed) or a lower dpi",
        )
    return Animation(html, len(times), tuple(times), png)


def frame_view(nodes: Sequence[str], dpi: int) -> tuple[ClusterView, FigureCanvasAgg]:
    """The picture one frame shows, on an Agg canvas of its own: the cluster of ``nodes``,
    its time and its line of truth, with no legend (drawn once, beside the frames)."""
    figure = Figure(figsize=FRAME_INCHES, dpi=dpi, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    view = ClusterView(figure.subplots(), nodes, legend=False)
    lay_out_once(canvas, [view])
    return view, canvas


def _render(trace: Trace, times: list[float], fps: int, dpi: int) -> tuple[str, bytes]:
    """Draw every frame by updating one picture; return the HTML and the animated PNG."""
    nodes = list(trace.nodes)
    view, canvas = frame_view(nodes, dpi)
    changes = loss_changes(trace)
    images = []
    shown: set[str] = set()  # what any frame shows: the legend, drawn once, keys only that
    for snapshot in snapshots(trace, times):
        view.update(snapshot, losses=losses_at(changes, nodes, snapshot.t))
        view.render()
        shown |= view.shown()
        images.append(canvas_image(canvas))
    legend = legend_image(view.message_types, dpi, shown)
    movie = encode_movie(images, round(1000 / fps), legend)
    return player_html(movie, png_bytes(legend), legend.size, times, fps), movie.png
