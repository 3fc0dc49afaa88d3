"""The step mode's widget: the cluster now, what can happen next as buttons, back and forward.

Every button calls one method of :class:`~.steps.StepModel` and then redraws; the
logic lives in the model. The layout fits a 1366 x 768 laptop screen: a line
saying where you are, then the picture (440 x 400 px) and, in a 31em column beside it, the
invariants' status, back / forward, and the list of choices (it scrolls).
Nothing a button does raises into the notebook: an error shows in words.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import ipywidgets as w  # type: ignore[import-untyped]
from matplotlib.figure import Figure

from ...checks.runs import protocol_parts
from ...checks.step_plan import StepPlan
from ...runtime import ChoiceOptions, Sim
from ..draw import draw_cluster
from .controls import button
from .steps import StepModel

PICTURE_DPI = 80
"""The picture's dots per inch: 440 x 400 pixels (8-point text 9 px high)."""

PICTURE_INCHES = (5.5, 5.0)
"""The cluster alone (no legend: the choices name the messages; shapes tell the roles)."""

MAX_CHOICES_SHOWN = 60
"""Choices listed as buttons at most (the rest are named in a line below them)."""

KIND_STYLE = {"deliver": "info", "fire": "warning", "drop": "", "duplicate": ""}
"""ipywidgets' button style per kind of choice; faults get "danger"."""


def picture_png(sim: Sim) -> bytes:
    """The cluster now (roles, terms, messages in flight, timers), as PNG bytes."""
    figure = Figure(figsize=PICTURE_INCHES, layout="constrained")
    draw_cluster(sim, ax=figure.subplots(), legend=False)
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=PICTURE_DPI)
    return png.getvalue()


def _fresh_cluster(spawn: Any, seed: int, nodes: int, options: Mapping[str, Any]) -> Sim:
    sim = Sim(seed, trace="full")
    spawn(sim, nodes, **options)
    sim.settle()
    return sim


class StepPlayground(w.VBox):
    """Choose every next event of a small cluster by hand; go back; choose differently.

    Args:
        model: the :class:`~.steps.StepModel` to drive.

    Use :meth:`start` for a protocol from its first state, or ``.playground()`` on
    an explore counterexample or a model-check violation to start at its path.
    """

    def __init__(self, model: StepModel) -> None:
        self.model = model
        self.heading = w.HTML()
        self.picture = w.Image(format="png", layout={"width": "440px", "height": "400px"})
        self.status = w.HTML()
        self.back_button = button("◀ back", "undo the last choice (replays from the seed)")
        self.forward_button = button("forward ▶", "do the next queued choice", "primary")
        self.back_button.on_click(self._guard(model.back))
        self.forward_button.on_click(self._guard(model.forward))
        self.choice_list = w.VBox(layout={"max_height": "330px", "overflow": "hidden auto"})
        self.message = w.HTML()
        side = w.VBox(
            [
                self.status,
                w.HBox([self.back_button, self.forward_button]),
                w.HTML("<b>what can happen next</b> (click one):"),
                self.choice_list,
                self.message,
            ],
            layout={"width": "31em", "margin": "0 0 0 4px"},
        )
        super().__init__(
            [self.heading, w.HBox([self.picture, side], layout={"flex_flow": "row wrap"})]
        )
        self.add_class("distsys-edu-step-mode")
        self.refresh()

    @classmethod
    def from_plan(cls, plan: StepPlan) -> StepPlayground:
        """The step mode at the start of ``plan``, its choices queued."""
        return cls(StepModel(plan))

    @classmethod
    def start(
        cls,
        protocol: Any = "raft",
        *,
        nodes: int = 3,
        seed: int = 0,
        options: Mapping[str, Any] | None = None,
        invariants: Sequence[Any] | None = None,
        choice_options: ChoiceOptions | None = None,
    ) -> StepPlayground:
        """The step mode at a protocol's first state (every ``started`` hook run).

        Args:
            protocol: a registry name or a spawn function ``(sim, nodes, **options)``.
            invariants: as :meth:`StepModel.start` takes them.
            choice_options: which faults are offered (default: every one).

        Raises:
            InvalidArgument: an unknown protocol or invariant.
        """
        _, spawn, _, _ = protocol_parts(protocol)
        make_sim = partial(_fresh_cluster, spawn, seed, nodes, dict(options or {}))
        return cls(StepModel.start(make_sim, options=choice_options, invariants=invariants))

    def _guard(self, action: Callable[..., Any]) -> Callable[..., None]:
        """``action`` as a click handler: what it raises shows in words; then redraw."""

        def handler(*_: Any) -> None:
            self.message.value = ""
            try:
                action()
            except Exception as exc:
                self.message.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"
            self.refresh()

        return handler

    def refresh(self) -> None:
        """Show the model's current state: heading, picture, invariants, buttons, choices."""
        model = self.model
        title = html.escape(model.plan.title) + " — " if model.plan.title else ""
        self.picture.value = picture_png(model.sim)
        rows = []
        for name, broken in model.status():
            mark = "✔ holds" if broken is None else f"✘ broken: {html.escape(broken)}"
            colour = "#060" if broken is None else "#b00"
            rows.append(f"<div style='color:{colour}'><b>{html.escape(name)}</b>: {mark}</div>")
        self.status.value = "".join(rows)
        self.back_button.disabled = not model.made
        self.forward_button.disabled = not model.queued
        self.choice_list.children = self._choice_buttons()
        self.heading.value = (  # last: a browser that sees it sees the rest updated
            f"<b>step mode</b> {title}t = {model.sim.now:.6f} s, "
            f"{len(model.made)} choice(s) made, {len(model.queued)} queued"
        )

    def _choice_buttons(self) -> list[Any]:
        listed = self.model.choices()
        following = self.model.queued[0] if self.model.queued else None
        found = []
        for choice in listed[:MAX_CHOICES_SHOWN]:
            queued = choice.id == following
            label = ("▶ " if queued else "") + f"{choice.label} (t={choice.at:.3f})"
            style = "success" if queued else KIND_STYLE.get(choice.kind, "danger")
            tip = f"{choice.id}" + (": the queued choice" if queued else "")
            b = button(label, tip, style, width="100%")
            b.layout.flex = "0 0 auto"  # in a scrolling column: never squeezed below its text
            b.on_click(self._guard(partial(self.model.choose, choice.id)))
            found.append(b)
        if len(listed) > MAX_CHOICES_SHOWN:
            found.append(w.HTML(f"... and {len(listed) - MAX_CHOICES_SHOWN} more"))
        if not listed:
            found.append(w.HTML("nothing can happen: no message, no timer, no fault on offer"))
        return found
