"""The step mode's picture: the cluster, and what can happen next drawn where it happens.

:func:`choice_marks` places each message in flight on its link (a dot in its
type's colour, the message's deliver choice) and each pending timer as a clock
badge beside its node (its fire choice); :func:`choice_at` says which of them a
click at ``(x, y)`` lands on. Both are pure: the picture only draws what the
first computes and hands a click's position to the second.

Where things go, in the picture's units (the nodes on a circle of radius 1):

* the messages of one directed link ``a -> b``, in the order ``choices`` lists
  them, spread evenly over the middle of the link (from 30 % to 70 % of the
  way), :data:`SIDE` to the right of travel, so ``a -> b`` and ``b -> a`` do not
  meet; none sits on a node, none on another;
* a node's badges (its timers, then its self-sends, which can only be delivered)
  in a row across the node's radius, alternately right and left of it,
  :data:`BADGE_GAP` apart.

What has no place on a link or at a node (a runtime call, a fault, a message to
or from a node not drawn) stays in the list beside the picture. A plain click
does the common thing (deliver, fire); a shift-click on a message drops it and
an alt-click duplicates it (:meth:`ChoiceMark.pick`), when that is on offer. In
virtual time nothing moves while the picture waits: it shows the state the choices
made so far lead to.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure
from matplotlib.path import Path

from ...runtime import Choice, InFlight, Sim
from ..cluster import ClusterView
from ..draw import frame_source
from ..graph import Point, type_name
from ..style import OKABE_ITO, message_colour
from .picture import interactive_canvas

SIDE = 0.07
"""How far right of its link's line a message is drawn (the other way's messages sit left)."""

BADGE_GAP = 0.24
"""The distance from a node to its first badge, and between badges of one side."""

PICK_RADIUS = 0.09
"""How near a mark (in the picture's units) a click must land to choose it."""

TIMER_COLOUR = OKABE_ITO["yellow"]
"""A timer badge's face (the list's fire buttons are orange-yellow too)."""

PICTURE_DPI = 80
"""The picture's dots per inch: 440 x 400 pixels (8-point text 9 px high)."""

PICTURE_INCHES = (5.5, 5.0)
"""The cluster alone (no legend: the choices name the messages; shapes tell the roles)."""

CLOCK = Path.make_compound_path(
    Path.circle((0.0, 0.0), 1.0),
    Path([(0.0, 0.0), (0.0, 0.7)], [Path.MOVETO, Path.LINETO]),
    Path([(0.0, 0.0), (0.5, 0.0)], [Path.MOVETO, Path.LINETO]),
)
"""A timer badge's marker: a clock face with its two hands."""


@dataclass(frozen=True)
class ChoiceMark:
    """One choice drawn in the picture.

    Attributes:
        choice: the choice id a click on it makes (``m7:deliver``, ``t12:fire``).
        kind: ``"message"`` (on a link or, a self-send, at its node) or ``"timer"``.
        x, y: where it is drawn, in the picture's units.
        colour: its face colour (a message's type colour; timers all alike).
        label: the choice in words (shown when the pointer is over it).
        drop, duplicate: the message's drop and duplicate choice ids, if listed.
    """

    choice: str
    kind: str
    x: float
    y: float
    colour: str
    label: str
    drop: str | None = None
    duplicate: str | None = None

    def pick(self, modifiers: Collection[str] = ()) -> str | None:
        """The choice a click with ``modifiers`` held makes: shift drops, alt
        duplicates, none does :attr:`choice`; ``None`` if that is not on offer."""
        if "shift" in modifiers:
            return self.drop
        if "alt" in modifiers:
            return self.duplicate
        return self.choice


def _on_link(src: Point, dst: Point, index: int, count: int) -> Point:
    """Place ``index`` of ``count`` on the link ``src -> dst``, right of travel."""
    (sx, sy), (dx, dy) = src, dst
    done = 0.3 + 0.4 * (index + 0.5) / count
    length = math.hypot(dx - sx, dy - sy) or 1.0
    right_x, right_y = (dy - sy) / length * SIDE, -(dx - sx) / length * SIDE
    return sx + (dx - sx) * done + right_x, sy + (dy - sy) * done + right_y


def _beside(node: Point, slot: int) -> Point:
    """Badge ``slot`` of a node: across its radius, alternately right and left of it."""
    x, y = node
    length = math.hypot(x, y)
    across = (y / length, -x / length) if length else (1.0, 0.0)
    side = 1.0 if slot % 2 == 0 else -1.0
    away = BADGE_GAP * (slot // 2 + 1) * side
    return x + across[0] * away, y + across[1] * away


def _mark(
    choice: Choice, kind: str, where: Point, colour: str, listed: Collection[str]
) -> ChoiceMark:
    """The mark of ``choice`` at ``where``; a message's with its drop and duplicate
    choice ids, if ``listed`` holds them."""
    if kind != "message":
        return ChoiceMark(choice.id, kind, *where, colour, choice.label)
    ref = choice.id.split(":")[0]
    drop, duplicate = f"{ref}:drop", f"{ref}:duplicate"
    return ChoiceMark(
        choice.id,
        kind,
        *where,
        colour,
        choice.label,
        drop=drop if drop in listed else None,
        duplicate=duplicate if duplicate in listed else None,
    )


def choice_marks(
    positions: Mapping[str, Point], choices: Sequence[Choice], in_flight: Sequence[InFlight]
) -> list[ChoiceMark]:
    """Where each message's deliver choice and each timer's fire choice is drawn.

    Args:
        positions: each node's place in the picture (``ClusterView.pos``).
        choices: what can happen next (``sim.choices()``), in its order.
        in_flight: the messages in flight now (``sim.snapshot().in_flight``),
            which say each message's sender.

    Returns:
        One mark per deliver or fire choice that has a place, in ``choices``' order.
    """
    senders = {m.msg_id: m for m in in_flight}
    links: dict[tuple[str, str], list[tuple[Choice, InFlight]]] = {}
    badges: dict[str, list[tuple[Choice, str, str]]] = {}
    for choice in choices:
        ref, node = choice.id.split(":")[0], choice.node
        if choice.kind == "fire" and node is not None and node in positions:
            badges.setdefault(node, []).append((choice, "timer", TIMER_COLOUR))
            continue
        if choice.kind != "deliver" or not ref[1:].isdigit():
            continue
        message = senders.get(int(ref[1:]))
        if message is None:
            continue
        src, dst = message.src, message.dst
        if src is None or dst is None or src not in positions or dst not in positions:
            continue
        if src == dst:
            colour = message_colour(type_name(message.msg))
            badges.setdefault(dst, []).append((choice, "message", colour))
        else:
            links.setdefault((src, dst), []).append((choice, message))
    listed = {c.id for c in choices}
    placed: dict[str, ChoiceMark] = {}
    for (src, dst), waiting in links.items():
        for index, (choice, message) in enumerate(waiting):
            where = _on_link(positions[src], positions[dst], index, len(waiting))
            colour = message_colour(type_name(message.msg))
            placed[choice.id] = _mark(choice, "message", where, colour, listed)
    for node, waiting_at in badges.items():
        for slot, (choice, kind, colour) in enumerate(waiting_at):
            where = _beside(positions[node], slot)
            placed[choice.id] = _mark(choice, kind, where, colour, listed)
    return [placed[c.id] for c in choices if c.id in placed]


def choice_at(
    marks: Sequence[ChoiceMark], x: float, y: float, radius: float = PICK_RADIUS
) -> ChoiceMark | None:
    """The mark nearest ``(x, y)`` if it is within ``radius``; ``None`` on empty space."""
    best = min(marks, key=lambda m: math.dist((m.x, m.y), (x, y)), default=None)
    if best is None or math.dist((best.x, best.y), (x, y)) > radius:
        return None
    return best


class StepPicture:
    """The cluster now with its choices drawn on it, on a canvas that takes clicks.

    Args:
        on_choice: called with a choice id when a click lands on its mark.

    ``canvas`` is the widget (an ipympl canvas); :meth:`show` draws a state.
    Moving the pointer over a mark rings it and names it in ``hovered``.
    """

    def __init__(self, on_choice: Callable[[str], None]) -> None:
        self.figure = Figure(figsize=PICTURE_INCHES, dpi=PICTURE_DPI, layout="constrained")
        self.canvas: Any = interactive_canvas(self.figure)
        self.ax = self.figure.subplots()
        self.view: ClusterView | None = None
        self.marks: list[ChoiceMark] = []
        self.hovered: ChoiceMark | None = None
        self._on_choice = on_choice
        self._on_hover: Callable[[ChoiceMark | None], None] = lambda _: None
        self.canvas.mpl_connect("button_press_event", self._click)
        self.canvas.mpl_connect("motion_notify_event", self._hover)

    def on_hover(self, action: Callable[[ChoiceMark | None], None]) -> None:
        """Call ``action`` with the mark under the pointer whenever that changes."""
        self._on_hover = action

    def show(self, sim: Sim, choices: Sequence[Choice]) -> None:
        """Draw ``sim`` now: the cluster (its own message dots hidden) and the choice marks."""
        snapshot, timers, losses = frame_source(sim, None)
        nodes = list(snapshot.nodes)
        if self.view is None or self.view.nodes != nodes:
            self.view = ClusterView(self.ax, nodes, legend=False)  # clears the axes
            self._build_marks()
        self.view.update(snapshot, timers=timers, losses=losses)
        self.view.messages.set_visible(False)  # the marks below show them, each apart
        self.marks = choice_marks(self.view.pos, choices, snapshot.in_flight)
        for artist, kind in ((self._messages, "message"), (self._timers, "timer")):
            shown = [m for m in self.marks if m.kind == kind]
            artist.set_offsets([(m.x, m.y) for m in shown] or [(math.nan, math.nan)])
            artist.set_facecolor([m.colour for m in shown] or ["none"])
        self._highlight(None)
        self.canvas.draw_idle()

    def _build_marks(self) -> None:
        """The artists of the choice marks and of the ring round the one pointed at."""
        scatter = self.ax.scatter
        self._messages = scatter([], [], s=110, zorder=7, edgecolors="black", linewidths=0.8)
        self._timers = scatter(
            [], [], s=150, marker=CLOCK, zorder=7, edgecolors="black", linewidths=1.0
        )
        self._ring = scatter(
            [], [], s=420, zorder=6.5, facecolors="none", edgecolors="black", linewidths=2.0
        )

    def _highlight(self, mark: ChoiceMark | None) -> None:
        self.hovered = mark
        self._ring.set_offsets([(mark.x, mark.y)] if mark else [(math.nan, math.nan)])
        self._on_hover(mark)

    def mark_at(self, event: Any) -> ChoiceMark | None:
        """The mark a mouse event is over, if any."""
        if event.inaxes is not self.ax or event.xdata is None:
            return None
        return choice_at(self.marks, event.xdata, event.ydata)

    def _click(self, event: Any) -> None:
        mark = self.mark_at(event)
        picked = None if mark is None else mark.pick(getattr(event, "modifiers", ()) or ())
        if picked is not None:
            self._on_choice(picked)

    def _hover(self, event: Any) -> None:
        mark = self.mark_at(event)
        if mark != self.hovered:
            self._highlight(mark)
            self.canvas.draw_idle()

    def png(self) -> bytes:
        """The picture as it is now, as PNG bytes."""
        png = io.BytesIO()
        self.figure.savefig(png, format="png", dpi=PICTURE_DPI)
        return png.getvalue()
