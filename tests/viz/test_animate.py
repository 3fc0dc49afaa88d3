"""Animations: their text face, the script-free form (an animated PNG and a legend drawn
once), legible texts at the size they are shown, and the frames' encoding."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.text import Text
from PIL import Image
from scenarios import raft

from distsys_edu.runtime import InvalidArgument
from distsys_edu.viz import animate
from distsys_edu.viz.animate import MIN_DPI, frame_view
from distsys_edu.viz.frames import HOLD_LAST_MS, encode_movie, legend_figure, legend_image

READABLE_PX = 9


def test_the_text_face_is_short_so_a_notebook_stores_the_html_once() -> None:
    from distsys_edu import Sim
    from distsys_edu.protocols import spawn

    sim = Sim(seed=1)
    spawn(sim, "raft", 3)
    sim.run(until=1.0)
    movie = animate(sim, 0.0, 1.0, fps=5)
    assert repr(movie) == f"<Animation: 6 frames, 0-1 s, {movie.size:,} bytes of HTML>"
    assert len(repr(movie)) < 100


def decoded_frames(png: bytes) -> list[Image.Image]:
    """Every frame of an animated PNG, in order, as RGB images."""
    image = Image.open(io.BytesIO(png))
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frames.append(image.convert("RGB"))
    return frames


def images_without_script(html: str) -> dict[str, tuple[Image.Image, str]]:
    """The images a page that runs no script shows: class -> (image, the img tag)."""
    static = re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    assert "<button" not in static  # no buttons that do nothing without a script
    found = {}
    for tag in re.findall(r"<img [^>]*>", static):
        kind = re.search(r'class="([^"]+)"', tag)
        data = re.search(r'src="data:image/png;base64,([^"]+)"', tag)
        assert kind and data, tag
        found[kind.group(1)] = (Image.open(io.BytesIO(base64.b64decode(data.group(1)))), tag)
    return found


def test_without_a_script_the_html_shows_the_animated_png_and_the_legend_once() -> None:
    sim = raft(2.0, faults=["1 crash n1"])
    movie = animate(sim, 0.9, 1.5, fps=10, speed=0.5)
    shown = images_without_script(movie.html)
    assert sorted(shown) == ["distsys-edu-frames", "distsys-edu-legend"]
    frames, tag = shown["distsys-edu-frames"]
    assert frames.format == "PNG" and getattr(frames, "n_frames", 1) > 1  # it moves
    assert frames.info["loop"] == 0  # ... in a loop, for ever
    assert base64.b64encode(movie.png).decode() in tag
    assert f'width="{frames.width}"' in tag  # shown at its own size: 1 image px, 1 page px
    legend, _ = shown["distsys-edu-legend"]
    assert legend.height > legend.width  # a column beside the picture, not in every frame


def test_each_frame_of_the_animated_png_is_the_picture_at_its_time() -> None:
    sim = raft(2.0, faults=["1 crash n1"])
    movie = animate(sim, 0.95, 1.25, fps=10, speed=0.5)
    frame_of = [int(i) for i in re.findall(r"\d+", movie.html.split("frameOf = ")[1][:400])]
    frame_of = frame_of[: movie.frames]
    decoded = decoded_frames(movie.png)
    view, canvas = frame_view(list(sim.trace.nodes), 80)
    for t, index in zip(movie.times, frame_of, strict=True):
        view.update(sim.snapshot(t))
        view.render()
        drawn = np.asarray(
            Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
        )
        got = np.asarray(decoded[index]).astype(int)
        assert np.abs(got - drawn[..., :3].astype(int)).mean() < 3, t  # only 64 colours


def test_every_text_is_at_least_9_px_high_at_the_size_shown() -> None:
    sim = raft(2.0, faults=["1 crash n1"])
    view, canvas = frame_view(list(sim.trace.nodes), MIN_DPI)
    view.update(sim.snapshot(1.2))
    canvas.draw()
    figures = [view.ax.figure, legend_figure(["Heartbeat", "RequestVote"], MIN_DPI)]
    sizes = {
        text.get_text(): text.get_fontsize() * figure.dpi / 72
        for figure in figures
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    }
    assert "messages in flight" in sizes and any("Truth" in text for text in sizes)
    small = {text: px for text, px in sizes.items() if px < READABLE_PX}
    assert small == {}
    with pytest.raises(InvalidArgument, match=re.escape("dpi=50 is not allowed: must be an int")):
        animate(sim, 0.5, 1.0, dpi=50)


def test_the_legend_lists_the_message_types_that_appear() -> None:
    one = legend_image(["Heartbeat"], 80)
    three = legend_image(["Heartbeat", "RequestVote", "VoteGranted"], 80)
    assert one.width <= three.width and one.height < three.height


def legend_keys_of(sim: object, start: float, end: float) -> set[str]:
    """The keys the legend beside the frames of ``animate(sim, start, end)`` lists."""
    import sys

    module = sys.modules["distsys_edu.viz.animate"]
    seen: list[set[str]] = []

    def spy(message_types: list[str], dpi: int, shown: set[str] | None = None) -> Image.Image:
        assert shown is not None  # the animation says what its frames show
        seen.append(set(shown))
        return legend_image(message_types, dpi, shown)

    original = module.legend_image
    module.legend_image = spy
    try:
        animate(sim, start, end, fps=5)
    finally:
        module.legend_image = original
    (keys,) = seen
    return keys


def test_the_legend_beside_the_frames_keys_only_what_some_frame_shows() -> None:
    from distsys_edu import Sim
    from distsys_edu.protocols import spawn

    sim = Sim(seed=1)
    spawn(sim, "raft", 3)
    sim.run(until=1.0)
    calm = legend_keys_of(sim, 0.0, 1.0)
    assert {"down", "paused", "stopped", "cut", "held", "lossy"}.isdisjoint(calm), calm
    sim.crash("n1")
    sim.run(until=1.5)
    assert "down" in legend_keys_of(sim, 1.0, 1.5)  # shown once a frame shows it


def test_a_legend_of_some_keys_lists_those_alone() -> None:
    figure = legend_figure(["Heartbeat"], 80, {"leader", "down"})
    labels = [t.get_text() for legend in figure.legends for t in legend.get_texts()]
    assert labels == ["leader", "down (crashed)", "Heartbeat"]


IMAGES = st.lists(
    st.integers(0, 3).map(
        lambda seed: Image.fromarray(
            np.random.default_rng(seed).choice([0, 90, 200, 255], size=(6, 8, 3)).astype(np.uint8)
        )
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=30, deadline=None)
@given(images=IMAGES, interval=st.integers(10, 500))
def test_encoding_keeps_every_frame_and_every_moment(
    images: list[Image.Image], interval: int
) -> None:
    movie = encode_movie(images, interval, images[0])
    decoded = decoded_frames(movie.png)
    assert len(movie.frame_of) == len(images)
    assert sorted(set(movie.frame_of)) == list(range(len(decoded)))
    for image, index in zip(images, movie.frame_of, strict=True):
        assert np.abs(np.asarray(decoded[index]).astype(int) - np.asarray(image)).max() <= 16
    for k in range(1, len(images)):
        same = images[k].tobytes() == images[k - 1].tobytes()
        assert (movie.frame_of[k] == movie.frame_of[k - 1]) == same
    if len(decoded) == 1:
        return  # one picture: a plain PNG, which shows as long as the page does
    durations = []
    stored = Image.open(io.BytesIO(movie.png))
    for index in range(len(decoded)):
        stored.seek(index)
        durations.append(stored.info.get("duration", 0))
    assert sum(durations) == pytest.approx(len(images) * interval + HOLD_LAST_MS, abs=0.5)


def test_a_caption_of_three_lines_stays_inside_the_frame_and_the_playground() -> None:
    from distsys_edu.viz.frames import CAPTION_LINES
    from distsys_edu.viz.playground import Playground

    sim = raft(1.0)
    view, canvas = frame_view(list(sim.trace.nodes), 80)
    playground = Playground("raft", nodes=5, versus="bully")
    pictures = [(view, canvas), *((v, playground.picture.canvas) for v in playground.picture.views)]
    for shown, drawn_on in pictures:
        shown.caption.set_text(
            "\n".join(["Truth: leads: nobody; n1 down, n2 paused"] * CAPTION_LINES)
        )
        drawn_on.draw()
        box = shown.caption.get_window_extent()
        assert box.y0 >= 0 and box.x1 <= drawn_on.figure.bbox.width, box


@pytest.mark.parametrize("t", [0.2, 0.45, 0.62, 0.8, 1.1, 1.45])
def test_each_frame_and_the_legend_read_at_the_size_shown(t: float) -> None:
    from readability import problems

    sim = raft(1.5, faults=["0.4 crash n1", "0.6 pause n2 0.5", "0.7 partition n3|n4,n5"])
    view, _ = frame_view(list(sim.trace.nodes), MIN_DPI)
    view.update(sim.snapshot(t))
    assert problems(view.ax.figure) == []
    legend = legend_figure(["Heartbeat", "RequestVote", "VoteGranted", "AppendEntries"], MIN_DPI)
    assert problems(legend) == []
