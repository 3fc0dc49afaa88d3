"""The history picture: one lane per client, each operation a bar from invocation to answer.

``history(result)`` draws what :func:`distsys_edu.checks.linearizable` found: for a
history that is not linearizable, the failing key's operations (the smallest failing
part), with

* the operations of the longest linearizable prefix in blue, each numbered by its
  place in that order (``#1``, ``#2``...);
* the operation no order reaches in time in vermillion and hatched, and a dashed
  vermillion line at its completion: the point where no order works;
* the other operations in grey;
* an operation with no answer drawn open to the right edge, ending in ``?``.

``history(h)`` on a plain :class:`~distsys_edu.checks.History` draws its operations
with no verdict. A long history is cut to the ``max_ops`` operations invoked last
before the failing point (or the first ones), and the title says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..checks import History, LinearizabilityResult, Operation
from ..runtime.errors import invalid
from .style import GREY, OKABE_ITO, WRONG

DEFAULT_MAX_OPS = 24
"""Operations drawn at most, unless the caller asks for more."""

PREFIX_COLOUR = OKABE_ITO["blue"]
BAR_HEIGHT = 0.5
LABEL_BACKING = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}
"""The white box behind each operation's words: a mark's line behind them does not cut them."""


def history(
    source: LinearizabilityResult | History,
    *,
    max_ops: int = DEFAULT_MAX_OPS,
    marks: Sequence[tuple[float, str]] = (),
    ax: Axes | None = None,
) -> Figure:
    """Draw a history, or what the linearizability check found in one.

    Args:
        source: a ``LinearizabilityResult`` (its failing part, marked) or a ``History``.
        max_ops: draw at most this many operations (the title says how many are left out).
        marks: ``(time, words)`` pairs: a dotted line at each time, its words at the
            foot (e.g. when a leader was killed, when the next one was elected).
        ax: axes to draw into; a new figure when ``None``.

    Returns:
        The figure.

    Raises:
        InvalidArgument: ``source`` of another type, ``max_ops`` not an int >= 1, or
            ``marks`` not a sequence of ``(number, str)`` pairs.
    """
    if isinstance(max_ops, bool) or not isinstance(max_ops, int) or max_ops < 1:
        raise invalid("max_ops", max_ops, "must be an int >= 1")
    _check_marks(marks)
    h, ops, stuck, order, title = _what(source)
    shown = _window(ops, stuck, max_ops)
    if len(shown) < len(ops):
        title += f"\nshowing {len(shown)} of {len(ops)} operations (max_ops={max_ops})"
    lanes = list(dict.fromkeys(op.client for op in sorted(shown, key=lambda op: op.invoke)))
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 1.6 + 0.8 * len(lanes)), layout="constrained")
    figure = ax.get_figure()
    assert isinstance(figure, Figure)
    right = _right_edge(shown)
    turns: dict[Any, int] = {}
    for op in sorted(shown, key=lambda op: op.invoke):
        turn = turns[op.client] = turns.get(op.client, -1) + 1
        y = -lanes.index(op.client)
        _bar(ax, op, y, right, order.get(id(op)), op is stuck, below=turn % 2 == 1)
    if stuck is not None and stuck.complete is not None:
        _mark_point(ax, stuck.complete)
    _draw_marks(ax, marks)
    ax.set_yticks([-i for i in range(len(lanes))], [f"client {c}" for c in lanes])
    ax.set_ylim(-len(lanes) + 0.25, 0.85)
    left = min((op.invoke for op in shown), default=0.0)
    ax.set_xlim(left - 0.02 * (right - left + 1), right)
    ax.set_xlabel(
        "line of the history (an order, not a duration)" if h.clock == "line" else "time (s)"
    )
    ax.set_title(title, fontsize=10, loc="left")
    ax.spines[["top", "right", "left"]].set_visible(False)
    _legend(ax, stuck is not None, bool(order))
    return figure


def _what(
    source: LinearizabilityResult | History,
) -> tuple[History, list[Operation], Operation | None, dict[int, int], str]:
    """The history, the operations to draw, the stuck one, each one's place, the title."""
    if isinstance(source, LinearizabilityResult):
        title = source.summary().splitlines()[0]
        if source.key is not None:
            title += f", key {source.key!r}"
        order = {id(op): n for n, op in enumerate(source.prefix, start=1)}
        return source.history, list(source.ops), source.stuck, order, title
    if isinstance(source, History):
        return source, list(source.ops), None, {}, f"history of {len(source)} operations"
    raise invalid("source", source, "must be a LinearizabilityResult or a History")


def _check_marks(marks: Any) -> None:
    pairs = isinstance(marks, (list, tuple)) and all(
        isinstance(m, (list, tuple))
        and len(m) == 2
        and isinstance(m[0], (int, float))
        and not isinstance(m[0], bool)
        and isinstance(m[1], str)
        for m in marks
    )
    if not pairs:
        raise invalid("marks", marks, "must be a list of (time in seconds, words) pairs")


def _draw_marks(ax: Axes, marks: Sequence[tuple[float, str]]) -> None:
    """A dotted line at each mark's time, behind the bars, its words at the foot."""
    for t, words in marks:
        ax.axvline(t, color="black", linestyle=":", linewidth=1.5, zorder=0)
        ax.annotate(
            words,
            (t, 0),
            xycoords=("data", "axes fraction"),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=9,
        )


def _mark_point(ax: Axes, t: float) -> None:
    """The dashed line where no order works, and its words above the lanes."""
    ax.axvline(t, color=WRONG, linestyle="--", linewidth=1.5)
    ax.annotate(
        "no order works by here",
        (t, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(0, 2),
        textcoords="offset points",
        color=WRONG,
        fontsize=9,
        ha="center",
        va="bottom",
    )


def _window(ops: Sequence[Operation], stuck: Operation | None, max_ops: int) -> list[Operation]:
    """At most ``max_ops``: the last ones invoked before the failing point, or the first."""
    if len(ops) <= max_ops:
        return list(ops)
    if stuck is None:
        return list(ops[:max_ops])
    by_start = sorted(ops, key=lambda op: op.invoke)
    cut = stuck.complete if stuck.complete is not None else stuck.invoke
    before = [op for op in by_start if op.invoke <= cut]
    keep = before[-max_ops:]
    if stuck not in keep:
        keep = [*keep[1:], stuck]
    return keep


def _right_edge(ops: Sequence[Operation]) -> float:
    ends = [op.complete if op.complete is not None else op.invoke for op in ops]
    lo = min((op.invoke for op in ops), default=0.0)
    hi = max(ends, default=1.0)
    return hi + 0.08 * (hi - lo + 1)


def _bar(
    ax: Axes, op: Operation, y: float, right: float, place: int | None, stuck: bool, below: bool
) -> None:
    """One bar and its label, above it (under it when ``below``: neighbours do not collide)."""
    end = op.complete if op.complete is not None else right
    colour = WRONG if stuck else PREFIX_COLOUR if place is not None else GREY
    ax.barh(
        y,
        end - op.invoke,
        left=op.invoke,
        height=BAR_HEIGHT,
        color=colour,
        alpha=0.85 if op.complete is not None else 0.35,
        edgecolor="black" if stuck else colour,
        hatch="//" if stuck else None,
        linewidth=1.5 if stuck else 0.5,
    )
    text = op.describe()
    if place is not None:
        text = f"#{place} {text}"
    ax.text(
        op.invoke,
        y - BAR_HEIGHT / 2 - 0.03 if below else y + BAR_HEIGHT / 2 + 0.03,
        text,
        fontsize=7,
        va="top" if below else "bottom",
        ha="left",
        color=WRONG if stuck else "black",
        clip_on=True,
        bbox=LABEL_BACKING,
    )


def _legend(ax: Axes, failed: bool, ordered: bool) -> None:
    handles: list[Any] = []
    if ordered:
        label = (
            "in the longest linearizable prefix (#: its place)"
            if failed
            else "linearized (#: order)"
        )
        handles.append(Patch(color=PREFIX_COLOUR, label=label))
    if failed:
        handles.append(
            Patch(
                facecolor=WRONG, edgecolor="black", hatch="//", label="no order reaches it in time"
            )
        )
    handles.append(Patch(color=GREY, label="other operations" if ordered else "operation"))
    handles.append(Patch(color=GREY, alpha=0.35, label="pale, open to the right: no answer ('?')"))
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False
    )
