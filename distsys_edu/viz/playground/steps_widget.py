"""The step mode's widget: the cluster now, what can happen next as buttons, back and forward.

Every button calls one method of :class:`~.steps.StepModel` and then redraws; the
logic lives in the model. The layout fits a 1366 x 768 laptop screen: a line
saying where you are, then the picture (440 x 400 px, :mod:`.step_picture`: a click
on a message delivers it, with shift drops it, with alt duplicates it; a click on a
timer's clock fires it; the pointer over one names it under the picture) and, in a
31em column beside it, the invariants' status, back / forward / copy as code, and
the list of choices (it scrolls).
"copy as code" shows :meth:`~.steps.StepModel.code` in a text box to copy.
Nothing a button does raises into the notebook: an error shows in words.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import ipywidgets as w  # type: ignore[import-untyped]

from ...checks.runs import protocol_parts
from ...checks.step_plan import StepPlan, cluster_setup
from ...runtime import ChoiceOptions, Sim
from .controls import button
from .step_picture import ChoiceMark, StepPicture
from .steps import StepModel

MAX_CHOICES_SHOWN = 60
"""Choices listed as buttons at most (the rest are named in a line below them)."""

KIND_STYLE = {"deliver": "info", "fire": "warning", "drop": "", "duplicate": ""}
"""ipywidgets' button style per kind of choice; faults get "danger"."""


NO_CODE = "(this step mode was started without the code of its initial state)"
"""What "copy as code" shows for a step model made from a function alone."""

POINTER_HINT = (
    "click a message's dot to deliver it (shift-click: drop, alt-click: duplicate), "
    "a clock to fire that timer"
)
"""The line under the picture while the pointer is over no choice."""


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
        self.drawing = StepPicture(self._picked)
        self.picture = self.drawing.canvas
        self.pointer = w.HTML(POINTER_HINT, layout={"width": "440px"})
        self.drawing.on_hover(self._pointed)
        self.status = w.HTML()
        self.back_button = button("◀ back", "undo the last choice (replays from the seed)")
        self.forward_button = button("forward ▶", "do the next queued choice", "primary")
        self.code_button = button("copy as code", "Python that rebuilds this state from scratch")
        self.code = w.Textarea(layout={"width": "100%", "height": "12em", "display": "none"})
        self.back_button.on_click(self._guard(model.back))
        self.forward_button.on_click(self._guard(model.forward))
        self.code_button.on_click(self._guard(self._show_code))
        self.choice_list = w.VBox(layout={"max_height": "330px", "overflow": "hidden auto"})
        self.message = w.HTML()
        side = w.VBox(
            [
                self.status,
                w.HBox([self.back_button, self.forward_button, self.code_button]),
                self.code,
                w.HTML("<b>what can happen next</b> (click one):"),
                self.choice_list,
                self.message,
            ],
            layout={"width": "31em", "margin": "0 0 0 4px"},
        )
        super().__init__(
            [
                self.heading,
                w.HBox(
                    [w.VBox([self.picture, self.pointer]), side],
                    layout={"flex_flow": "row wrap"},
                ),
            ]
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
        queued: Sequence[str] = (),
    ) -> StepPlayground:
        """The step mode at a protocol's first state (every ``started`` hook run).

        Args:
            protocol: a registry name or a spawn function ``(sim, nodes, **options)``.
            invariants: as :meth:`StepModel.start` takes them.
            choice_options: which faults are offered (default: every one).
            queued: choice ids to offer as ``forward``.

        Raises:
            InvalidArgument: an unknown protocol or invariant.
        """
        _, spawn, _, _ = protocol_parts(protocol)
        given = dict(options or {})
        make_sim = partial(_fresh_cluster, spawn, seed, nodes, given)
        setup = cluster_setup(protocol, seed, nodes, given)
        model = StepModel.start(
            make_sim, options=choice_options, invariants=invariants, queued=queued, setup=setup
        )
        return cls(model)

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

    def _picked(self, choice: str) -> None:
        """A click on a choice's mark in the picture: do that choice."""
        self._guard(partial(self.model.choose, choice))()

    def _pointed(self, mark: ChoiceMark | None) -> None:
        """Name the choice under the pointer (or say what a click does)."""
        if mark is None:
            self.pointer.value = POINTER_HINT
            return
        ways = [
            w
            for w, choice in (("shift: drop", mark.drop), ("alt: duplicate", mark.duplicate))
            if choice
        ]
        more = f" ({', '.join(ways)})" if ways else ""
        self.pointer.value = f"<b>{html.escape(mark.label)}</b>{more}"

    def _show_code(self) -> None:
        """Show (or hide) the code that rebuilds the current state."""
        shown = self.code.layout.display != "none"
        self.code.layout.display = "none" if shown else "block"

    def refresh(self) -> None:
        """Show the model's current state: heading, picture, invariants, buttons, choices."""
        model = self.model
        title = html.escape(model.plan.title) + " — " if model.plan.title else ""
        listed = model.choices()
        self.drawing.show(model.sim, listed)
        rows = []
        for name, broken in model.status():
            mark = "✔ holds" if broken is None else f"✘ broken: {html.escape(broken)}"
            colour = "#060" if broken is None else "#b00"
            rows.append(f"<div style='color:{colour}'><b>{html.escape(name)}</b>: {mark}</div>")
        self.status.value = "".join(rows)
        self.back_button.disabled = not model.made
        self.forward_button.disabled = not model.queued
        self.choice_list.children = self._choice_buttons(listed)
        self.code.value = model.code() if model.plan.setup else NO_CODE
        self.heading.value = (  # last: a browser that sees it sees the rest updated
            f"<b>step mode</b> {title}t = {model.sim.now:.6f} s, "
            f"{len(model.made)} choice(s) made, {len(model.queued)} queued"
        )

    def _choice_buttons(self, listed: Sequence[Any]) -> list[Any]:
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
