"""The playground widget: ipywidgets controls around the live picture of a run.

The layout fits a 1366 x 768 laptop screen beside JupyterLab's file browser: one line
of help and the transport (play, step, speed, time) on top; below them the picture
(480 px square) with the fault controls, the truth and the monitor beside it; the
setup, the legend and "copy as code" (which shows the run's trace digest) in folds
that open on a click.

Every control calls one method of :class:`~.model.PlaygroundModel` and then
redraws; the logic lives in the model. Play is an ``ipywidgets.Play`` that counts
frames in the browser: each tick runs the simulation one frame of virtual time
further (no thread in the kernel). Nothing a control does raises into the
notebook: an error, yours or the learner's code's, shows in the widget in words.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import ipywidgets as w  # type: ignore[import-untyped]

from ...protocols.registry import PROTOCOLS
from ...runtime.errors import check_time
from .controls import (
    CLICK_MODES,
    FRAME_SECONDS,
    HOW_TO,
    MAX_NODES,
    button,
    fold,
    knob_slider,
    size_lists,
)
from .model import PlaygroundModel
from .picture import Picture, monitor_text
from .setup import DEFAULT_LATENCY, Latency, Protocol


class Playground(w.VBox):
    """Play, pause, step, rewind, break and copy a run, live in a notebook.

    Takes the arguments of :class:`~.model.PlaygroundModel` (a protocol name, your
    spawn function or your ``Actor`` class; ``nodes``, ``seed``, ``latency``,
    ``loss``, ``options``, ``versus``, ``invariants``), plus:

    Args:
        frame: virtual seconds each frame of play advances (the speed).
        interval_ms: wall-clock milliseconds between frames while playing.

    Attributes:
        model: the :class:`~.model.PlaygroundModel` the widget drives.

    Raises:
        InvalidArgument: a bad setting (before anything is shown).
    """

    def __init__(
        self,
        protocol: Protocol = "raft",
        *,
        nodes: int = 5,
        seed: int = 0,
        latency: Latency = DEFAULT_LATENCY,
        loss: float = 0.0,
        options: Mapping[str, Any] | None = None,
        versus: Any = None,
        invariants: Any = None,
        frame: float = 0.05,
        interval_ms: int = 100,
    ) -> None:
        self.model = PlaygroundModel(
            protocol,
            nodes=nodes,
            seed=seed,
            latency=latency,
            loss=loss,
            options=options,
            versus=versus,
            invariants=invariants,
        )
        check_time("frame", frame, positive=True)
        self.picture = Picture(self.model, self._guard(self._clicked))
        self._syncing = False
        self._build_controls(frame, interval_ms)
        side = w.VBox(
            [
                self.node_row,
                self.pause_row,
                self.click_mode,
                self.partition_row,
                self.status,
                self.monitor,
                self.message,
                fold("legend", self.picture.legend_canvas),
            ],
            layout={"width": "30em", "margin": "0 0 0 4px"},
        )
        super().__init__(
            [
                w.HTML(HOW_TO),
                self.transport_row,
                w.HBox([self.picture.canvas, side], layout={"flex_flow": "row wrap"}),
                fold(
                    "setup: protocol, nodes, seed, network, timeouts (a change replays)",
                    w.VBox([self.setup_row, self.network_row, self.timing_box]),
                ),
                self.code,
            ]
        )
        self.add_class("distsys-edu-playground")
        self.refresh()

    # -- building -------------------------------------------------------------------

    def _build_controls(self, frame: float, interval_ms: int) -> None:
        setups = [lane.setup for lane in self.model.lanes]
        self.protocols: dict[str, Any] = {name: name for name in PROTOCOLS}
        self.protocols.update({s.name: s.protocol for s in setups})  # your own, by name
        setup = setups[0]
        self.protocol = w.Dropdown(
            options=list(self.protocols), value=setup.name, description="protocol"
        )
        self.versus = w.Dropdown(
            options=["(none)", *self.protocols],
            value=setups[1].name if len(setups) > 1 else "(none)",
            description="beside it",
        )
        self.size = w.BoundedIntText(
            setup.nodes, min=1, max=MAX_NODES, description="nodes", layout={"width": "10em"}
        )
        self.seed = w.IntText(setup.seed, description="seed", layout={"width": "10em"})
        self.setup_row = w.HBox([self.protocol, self.versus, self.size, self.seed])
        low, high = setup.latency if isinstance(setup.latency, tuple) else (setup.latency,) * 2
        self.latency = w.FloatRangeSlider(
            value=(low * 1000, high * 1000),
            min=0,
            max=300,
            step=0.5,
            description="latency ms",
            readout_format=".1f",
            layout={"width": "30em"},
        )
        self.loss = w.FloatSlider(setup.loss, min=0, max=0.9, step=0.05, description="loss")
        for slider in (self.latency, self.loss):
            slider.continuous_update = False
        self.network_row = w.HBox([self.latency, self.loss])
        self.timing_box = w.VBox()
        self._build_timings()
        self._build_transport(frame, interval_ms)
        self._build_actions()
        self.status = w.HTML()
        self.monitor = w.HTML()
        self.message = w.HTML()
        self.snippet = w.Textarea(layout={"width": "100%", "height": "16em"})
        self.digest = w.HTML()
        self.code = fold("copy as code, and the run's digest", w.VBox([self.digest, self.snippet]))
        self._connect()

    def _build_timings(self) -> None:
        """One slider per knob of each lane's protocol spec (changing one replays)."""
        rows = []
        for index, lane in enumerate(self.model.lanes):
            values = lane.setup.timings()
            for knob in lane.setup.knobs():
                label = (
                    knob.name if len(self.model.lanes) == 1 else f"{lane.setup.name}: {knob.name}"
                )
                slider = knob_slider(knob, values[knob.name], label)
                slider.observe(self._guard(self._timing_changed(index, knob.name)), "value")
                rows.append(slider)
        self.timing_box.children = rows

    def _build_transport(self, frame: float, interval_ms: int) -> None:
        self.play = w.Play(value=0, min=0, max=10**9, interval=interval_ms, description="play")
        self.step = button("step", "run one frame of virtual time", width="5em")
        speeds = sorted({*FRAME_SECONDS, frame})
        self.speed = w.SelectionSlider(
            options=[(f"{s:g} s", s) for s in speeds], value=frame, description="per frame"
        )
        self.speed.style.description_width = "initial"
        self.clock = w.HTML(layout={"width": "8em"})
        self.scrubber = w.FloatSlider(
            0.0, min=0.0, max=1.0, step=0.001, description="time", readout_format=".3f"
        )
        self.scrubber.style.description_width = "initial"
        self.scrubber.continuous_update = False
        self.transport_row = w.HBox([self.play, self.step, self.speed, self.clock, self.scrubber])

    def _build_actions(self) -> None:
        nodes = self.model.lanes[0].nodes
        self.node = w.Dropdown(options=nodes, description="node", layout={"width": "9em"})
        self.node.style.description_width = "3em"
        self.crash = button("crash", "crash the node now", "danger")
        self.restart = button("restart", "restart the node now (a fresh actor)", "success")
        self.node_row = w.HBox([self.node, self.crash, self.restart])
        self.pause = button("pause", "freeze the node for the seconds beside", "warning")
        self.pause_for = w.BoundedFloatText(
            1.0, min=0.01, max=60, description="for (s)", layout={"width": "9em"}
        )
        self.pause_for.style.description_width = "4em"
        self.pause_row = w.HBox([self.pause, self.pause_for])
        self.click_mode = w.ToggleButtons(options=CLICK_MODES, description="click a node:")
        self.click_mode.style.button_width = "auto"
        lists = {"width": "9em"}
        self.side_a = w.SelectMultiple(options=nodes, description="side A", layout=lists)
        self.side_b = w.SelectMultiple(options=nodes, description="side B", layout=lists)
        for select in (self.side_a, self.side_b):
            select.style.description_width = "3.5em"
        size_lists((self.side_a, self.side_b), nodes)
        self.one_way = w.Checkbox(False, description="one way (A cannot reach B)", indent=False)
        self.cut = button("cut A | B", "partition: cut every link between the sides", "danger")
        self.heal = button("heal", "end every partition", "success")
        self.partition_row = w.HBox(
            [self.side_a, self.side_b, w.VBox([self.one_way, self.cut, self.heal])]
        )

    def _connect(self) -> None:
        guard = self._guard
        self.play.observe(guard(lambda _: self.next_frame()), "value")
        self.step.on_click(guard(lambda _: self.next_frame()))
        self.scrubber.observe(guard(self._scrubbed), "value")
        self.node.observe(guard(lambda _: self._label_buttons()), "value")
        self.crash.on_click(guard(lambda _: self._act(self.model.crash, self.node.value)))
        self.restart.on_click(guard(lambda _: self._act(self.model.restart, self.node.value)))
        self.pause.on_click(
            guard(lambda _: self._act(self.model.pause, self.node.value, self.pause_for.value))
        )
        self.cut.on_click(guard(lambda _: self._cut()))
        self.code.observe(guard(self._show_digest), "selected_index")
        self.play.observe(guard(self._show_digest), "playing")
        self.heal.on_click(guard(lambda _: self._act(self.model.heal)))
        self.loss.observe(guard(lambda c: self._act(self.model.set_loss, c["new"])), "value")
        self.latency.observe(
            guard(lambda c: self._act(self.model.set_latency, tuple(x / 1000 for x in c["new"]))),
            "value",
        )
        for control in (self.protocol, self.versus, self.size, self.seed):
            control.observe(guard(lambda _: self._setup_changed()), "value")
        self._label_buttons()

    # -- reacting ------------------------------------------------------------------------

    def _guard(self, fn: Callable[..., None]) -> Callable[..., None]:
        """``fn``, but an exception it raises is shown in the widget, never raised."""

        def guarded(*args: Any) -> None:
            try:
                fn(*args)
            except Exception as exc:
                self.play.playing = False
                self._say(f"{type(exc).__name__}: {exc}", error=True)

        return guarded

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = "#D55E00" if error else "#333333"
        self.message.value = (
            f'<pre style="color:{colour};white-space:pre-wrap">{html.escape(text)}</pre>'
        )

    def next_frame(self) -> None:
        """What one tick of play (or the step button) does: advance one frame and show it."""
        self.model.advance(self.speed.value)
        self.refresh()

    def _act(self, action: Callable[..., None], *args: Any) -> None:
        if self._syncing:
            return
        action(*args)
        self._say(f"recorded: {self.model.schedule[-1]}")
        self.refresh()

    def _cut(self) -> None:
        one_way = self.one_way.value
        sides = (tuple(self.side_a.value), tuple(self.side_b.value))
        self._act(lambda: self.model.partition(*sides, one_way=one_way))

    def _clicked(self, lane: int, node: str) -> None:
        mode = self.click_mode.value
        self.node.value = node
        if mode == "crash / restart":
            self._act(self.model.toggle, node)
        elif mode == "pause":
            self._act(self.model.pause, node, self.pause_for.value)
        else:
            side = self.side_a if mode == "side A" else self.side_b
            other = self.side_b if side is self.side_a else self.side_a
            other.value = tuple(n for n in other.value if n != node)
            side.value = tuple(sorted({*side.value, node}, key=side.options.index))

    def _scrubbed(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"] != self.model.now:
            self.play.playing = False
            self.model.seek(change["new"])
            self.refresh()

    def _timing_changed(self, lane: int, name: str) -> Callable[[dict[str, Any]], None]:
        def changed(change: dict[str, Any]) -> None:
            options = {**self.model.lanes[lane].setup.options, name: change["new"]}
            self._replayed(self.model.configure(lane, options=options))

        return changed

    def _setup_changed(self) -> None:
        if self._syncing:
            return
        first = self.model.lanes[0].setup
        if self.protocol.value != first.name:
            protocol = self.protocols[self.protocol.value]
            dropped = self.model.configure(0, protocol=protocol, options={})
        else:
            dropped = self.model.configure(0, nodes=self.size.value, seed=self.seed.value)
        versus = self.protocols.get(self.versus.value)
        current = self.model.lanes[1].setup.name if len(self.model.lanes) > 1 else "(none)"
        if self.versus.value != current:
            dropped += self.model.compare(versus)
        self._build_timings()
        self._replayed(dropped)

    def _replayed(self, dropped: list[Any]) -> None:
        lost = f"; dropped {', '.join(map(str, dropped))}" if dropped else ""
        self._say(f"replayed from the seed to t={self.model.now:g}{lost}")
        nodes = self.model.lanes[0].nodes
        with self._synced():
            for select in (self.node, self.side_a, self.side_b):
                select.options = nodes
            size_lists((self.side_a, self.side_b), nodes)
        self.refresh()

    @contextmanager
    def _synced(self) -> Iterator[None]:
        """While inside, changing a control does not act on the model (it shows it)."""
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False

    def _label_buttons(self) -> None:
        node = self.node.value or ""
        self.crash.description = f"crash {node}"
        self.restart.description = f"restart {node}"
        self.pause.description = f"pause {node}"

    # -- showing -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the model now: picture, clock, scrubber, monitor, problems, snippet."""
        model = self.model
        found = model.monitor()
        reached = [v for v in found if v is not None and v.t <= model.now]
        if reached and self.play.playing:  # stop at the violating event, and show it
            self.play.playing = False
            model.seek(min(v.t for v in reached))
        self.picture.update()
        self.picture.canvas.draw_idle()
        with self._synced():
            self.scrubber.max = max(model.horizon, 1.0)
            self.scrubber.value = model.now
        self.clock.value = f"<b>t = {model.now:.3f} s</b>"
        self.status.value = "<br>".join(html.escape(t) for t in self.picture.truths())
        red, words = monitor_text(model, model.monitor())
        colour = "#D55E00" if red else "#009E73"
        self.monitor.value = (
            f'<pre style="border-left:6px solid {colour};padding-left:6px;white-space:pre-wrap">'
            f"{html.escape(words)}</pre>"
        )
        problems = model.problems()
        if problems:
            self._say("Your code raised:\n" + "\n".join(problems[-5:]), error=True)
        self.snippet.value = model.snippet()
        self._show_digest()

    def _show_digest(self, _: Any = None) -> None:
        """Each lane's trace digest (what the code prints) in the open code fold.

        Hashing the whole trace takes time that grows with the run, so it is done
        only while the fold is open and play is paused, never on every frame of play.
        """
        if self.code.selected_index is None:
            self.digest.value = ""
        elif self.play.playing:
            self.digest.value = "<i>trace digest: shown when play is paused</i>"
        else:
            self.digest.value = "<br>".join(
                f"{lane.setup.name}: trace digest <code>{digest}</code> (the code prints it)"
                for lane, digest in zip(self.model.lanes, self.model.digests(), strict=True)
            )
