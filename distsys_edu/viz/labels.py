"""Stacking labels so that none covers another.

Labels written at a point (a role change on a lane, a violation, a partition) collide
when their points are close. :func:`stack` lays the figure out once, then lifts each
label, in order, by whole steps until its box overlaps no label placed before it and
no fixed text (tick labels, legend, title); past ``max_levels`` it takes the level
that overlaps least.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

STEP_POINTS = 11.0
"""How far one level lifts a label, in points (a line of 8-point text)."""


def stack(
    ax: Axes,
    labels: Sequence[Annotation],
    *,
    max_levels: int = 6,
    moves: Sequence[tuple[float, float]] | None = None,
) -> None:
    """Move each of ``labels`` (annotations placed in offset points) until none collide.

    The figure is laid out first (``draw_without_rendering``), so the boxes are the
    ones that will be drawn. Labels are placed in the order given, each at the first
    of ``moves`` (offsets in points from where it was put) at which it overlaps nothing
    placed before it, or else at the one where it overlaps least. By default the moves
    lift it by whole steps: ``(0, 0), (0, STEP_POINTS)``... ``max_levels`` of them.
    """
    tries = (
        list(moves) if moves is not None else [(0.0, STEP_POINTS * k) for k in range(max_levels)]
    )
    if not labels:
        return
    figure = ax.get_figure(root=True)
    assert figure is not None
    figure.draw_without_rendering()
    renderer = figure._get_renderer()  # type: ignore[attr-defined]  # the one the layout used
    fixed = [_box(t, renderer) for t in _fixed_texts(ax, labels)]
    placed: list[Bbox] = [b for b in fixed if b is not None] + _markers(ax)
    for label in labels:
        dx, dy = label.xyann
        best: tuple[float, tuple[float, float]] | None = None
        for mx, my in tries:
            label.xyann = (dx + mx, dy + my)
            box = _box(label, renderer)
            if box is None:
                break
            covered = sum(_overlap_area(box, other) for other in placed)
            covered += _outside_area(box, ax)
            if best is None or covered < best[0]:
                best = (covered, (dx + mx, dy + my))
            if covered == 0:
                break
        if best is not None:
            label.xyann = best[1]
        box = _box(label, renderer)
        if box is not None:
            placed.append(box)


def _markers(ax: Axes) -> list[Bbox]:
    """A box around each marker of the axes' lines: a label should not cover a point."""
    boxes = []
    for line in ax.get_lines():
        if line.get_marker() in (None, "", "None", " "):
            continue
        radius = line.get_markersize() * ax.figure.dpi / 72 / 2
        for x, y in ax.transData.transform(line.get_xydata()):
            boxes.append(Bbox([[x - radius, y - radius], [x + radius, y + radius]]))
    return boxes


def _fixed_texts(ax: Axes, labels: Sequence[Annotation]) -> list[Text]:
    moving = set(map(id, labels))
    texts: list[Text] = [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.title]
    texts += [ax._left_title, ax._right_title]  # type: ignore[attr-defined]
    legend = ax.get_legend()
    if legend is not None:
        texts += [*legend.get_texts(), legend.get_title()]
    texts += [t for t in ax.texts if id(t) not in moving]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def _box(text: Text, renderer: object) -> Bbox | None:
    if isinstance(text, Annotation):
        text.update_positions(renderer)  # type: ignore[arg-type]  # where xyann puts it now
        if not text._check_xy(renderer):  # type: ignore[attr-defined]  # as Annotation.draw
            return None  # its point is out of view: not drawn
    return Text.get_window_extent(text, renderer)  # type: ignore[arg-type]


def _outside_area(box: Bbox, ax: Axes) -> float:
    """How much of ``box`` lies outside the axes (where it would cross a frame or a title)."""
    inside = Bbox.intersection(box, ax.bbox)
    kept = inside.width * inside.height if inside is not None else 0.0
    return box.width * box.height - kept


def _overlap_area(a: Bbox, b: Bbox) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(0.0, width) * max(0.0, height)
