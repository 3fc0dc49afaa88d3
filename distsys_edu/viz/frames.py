"""Frames as images: an animated PNG that plays with no script, and a legend drawn once.

An animation's frames share one palette of at most 64 colours, taken from the
legend (which holds every colour a frame can use) and a sample of the frames, and
go into one animated PNG (APNG). Each frame after the first stores only the
rectangle that changed, so a frame where one message dot moves costs little.
Every browser plays an APNG in an ``<img>`` with no script; a viewer that knows
only PNG shows its first frame.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .cluster import ClusterView
from .marks import legend_handles, message_handles

COLOURS = 64
"""Colours in an animation's shared palette."""

PALETTE_SAMPLE = 24
"""How many frames, evenly spread, the palette is taken from (with the legend)."""

HOLD_LAST_MS = 2000
"""How long the animated PNG shows its last frame before it starts again."""

LEGEND_FONT_PT = 9
"""The legend's text size: 9 px or more at any ``dpi`` of 72 or more."""

CAPTION_LINES = 3
"""The lines of caption (truth, suspicions, what is not drawn) a frame keeps room for."""


@dataclass(frozen=True)
class Movie:
    """An animated PNG and how the animation's frames map onto its frames.

    Attributes:
        png: the APNG file's bytes.
        frame_of: for each frame of the animation, the index of the APNG frame
            that shows it (consecutive frames that look the same are stored once).
        size: width and height in pixels.
    """

    png: bytes
    frame_of: tuple[int, ...]
    size: tuple[int, int]


def lay_out_once(canvas: Any, views: Sequence[ClusterView]) -> None:
    """Lay the figure out now, with room under each picture for :data:`CAPTION_LINES`
    lines of caption and above it for its time, then keep that layout.

    Frames are drawn fast by redrawing only what changed, so the layout is computed
    once; computed with the first frame's caption, a longer caption later (a line of
    suspicions) would run off the bottom of the picture.
    """
    for view in views:
        view.title.set_text("t = 0.000 s")
        view.caption.set_text("\n".join(["Truth"] * CAPTION_LINES))
    canvas.draw()
    canvas.figure.set_layout_engine("none")
    for view in views:
        view.title.set_text("")
        view.caption.set_text("")


def canvas_image(canvas: FigureCanvasAgg) -> Image.Image:
    """What an Agg canvas shows now, as an RGB image (a copy)."""
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    return image.convert("RGB")


def shared_palette(images: Sequence[Image.Image], legend: Image.Image) -> Image.Image:
    """A palette image of :data:`COLOURS` colours for ``images``, taken from the legend
    and at most :data:`PALETTE_SAMPLE` of them, evenly spread."""
    step = max(1, -(-len(images) // PALETTE_SAMPLE))
    sample = [legend.convert("RGB"), *images[::step]]
    width = max(image.width for image in sample)
    montage = Image.new("RGB", (width, sum(image.height for image in sample)), "white")
    y = 0
    for image in sample:
        montage.paste(image, (0, y))
        y += image.height
    return montage.quantize(colors=COLOURS, method=Image.Quantize.FASTOCTREE)


def encode_movie(images: Sequence[Image.Image], interval_ms: int, legend: Image.Image) -> Movie:
    """The animated PNG of ``images`` (RGB, one size), each shown ``interval_ms``.

    Consecutive images that quantize to the same pixels become one APNG frame that
    is shown as long as they all were; the last is held :data:`HOLD_LAST_MS` more.
    The animation loops for ever.
    """
    palette = shared_palette(images, legend)
    kept: list[Image.Image] = []
    durations: list[int] = []
    frame_of: list[int] = []
    for image in images:
        frame = image.quantize(palette=palette, dither=Image.Dither.NONE)
        if kept and frame.tobytes() == kept[-1].tobytes():
            durations[-1] += interval_ms
        else:
            kept.append(frame)
            durations.append(interval_ms)
        frame_of.append(len(kept) - 1)
    durations[-1] += HOLD_LAST_MS
    out = io.BytesIO()
    kept[0].save(
        out,
        format="PNG",
        save_all=True,
        append_images=kept[1:],
        duration=durations,
        loop=0,
        optimize=True,
    )
    return Movie(out.getvalue(), tuple(frame_of), images[0].size)


def draw_legend(
    figure: Figure, message_types: Sequence[str], shown: Collection[str] | None = None
) -> None:
    """Draw the cluster picture's legend into ``figure``, from its top left corner:
    nodes, links, beliefs (only the keys in ``shown``, see :func:`.marks.legend_handles`;
    all when ``None``), and then the message types that appear, in that order."""
    style = {"frameon": False, "fontsize": LEGEND_FONT_PT, "title_fontsize": LEGEND_FONT_PT}
    top = figure.legend(
        handles=legend_handles(shown),
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        title="nodes, links, beliefs",
        alignment="left",
        **style,
    )
    if message_types:
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        below = top.get_window_extent(renderer).y0 / figure.bbox.height
        figure.legend(
            handles=message_handles(message_types),
            loc="upper left",
            bbox_to_anchor=(0.0, below),
            title="messages in flight",
            alignment="left",
            **style,
        )


def legend_figure(
    message_types: Sequence[str], dpi: int, shown: Collection[str] | None = None
) -> Figure:
    """The legend of :func:`draw_legend` alone, on a figure of its own (tall enough for
    every entry; cropped to what it shows when saved tight)."""
    figure = Figure(figsize=(3.0, 8.0), dpi=dpi)
    FigureCanvasAgg(figure)
    draw_legend(figure, message_types, shown)
    return figure


def legend_image(
    message_types: Sequence[str], dpi: int, shown: Collection[str] | None = None
) -> Image.Image:
    """:func:`legend_figure` as an RGB image, cropped to what it shows."""
    out = io.BytesIO()
    legend_figure(message_types, dpi, shown).savefig(
        out, format="png", bbox_inches="tight", pad_inches=0.04
    )
    return Image.open(out).convert("RGB")


def png_bytes(image: Image.Image) -> bytes:
    """``image`` as a PNG file of at most :data:`COLOURS` colours."""
    out = io.BytesIO()
    small = image.quantize(colors=COLOURS, method=Image.Quantize.FASTOCTREE)
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()
