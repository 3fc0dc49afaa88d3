"""The playground's words, sizes and small control builders, shared by its widget."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as w  # type: ignore[import-untyped]

from ...protocols.spec import Knob

FRAME_SECONDS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
"""The speeds on offer: virtual seconds that one frame (one tick of play) advances."""

CLICK_MODES = ("crash / restart", "pause", "side A", "side B")
"""What a click on a node does."""

MAX_NODES = 25
"""The most nodes the setup's "nodes" box allows."""

MAX_LIST_ROWS = 8
"""The side A and side B lists show every node up to this many (then they scroll)."""


HOW_TO = (
    "<b>▶</b> plays, <b>step</b> runs one frame, drag <b>time</b> back to rewind. Break a "
    "node with the buttons or by clicking it; cut side A from side B. Every action is "
    "recorded: <b>copy as code</b> replays the run."
)
"""The one line that tells a newcomer what they can do."""


def button(label: str, tip: str, style: str = "", width: str = "8.5em") -> w.Button:
    """A button ``width`` wide, with a tooltip (``style``: ipywidgets' button_style)."""
    return w.Button(description=label, tooltip=tip, button_style=style, layout={"width": width})


def fold(title: str, child: Any) -> w.Accordion:
    """A closed fold holding ``child``, opened by a click on ``title``."""
    return w.Accordion([child], titles=(title,), selected_index=None)


def size_lists(selects: Sequence[Any], nodes: Sequence[str]) -> None:
    """Give each list of nodes a row per node, up to :data:`MAX_LIST_ROWS` (then it scrolls)."""
    for select in selects:
        select.rows = max(2, min(len(nodes), MAX_LIST_ROWS))


def knob_slider(knob: Knob, value: Any, label: str) -> Any:
    """A slider for ``knob`` (a range slider for a ``(low, high)`` knob) from its spec's
    ``min`` to ``max``, at ``value``, that reports only when let go."""
    kind = {float: w.FloatSlider, int: w.IntSlider, tuple: w.FloatRangeSlider}[knob.type]
    step = 1 if knob.type is int else 0.01
    unit = f" ({knob.unit})" if knob.unit else ""
    slider = kind(value=value, min=knob.min, max=knob.max, step=step, description=f"{label}{unit}")
    slider.tooltip = knob.help
    slider.continuous_update = False
    slider.style.description_width = "initial"
    return slider
