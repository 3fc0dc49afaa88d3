"""The step mode's picture: every message and timer choice is drawn apart, a click at a
mark chooses it, a click on empty space chooses nothing, and the widget wires a real
canvas click to the model."""

from __future__ import annotations

import html
import math

from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backend_bases import MouseEvent
from test_playground_steps import broken_start

from distsys_edu.runtime import Choice, InFlight, Sim
from distsys_edu.viz.graph import layout
from distsys_edu.viz.playground import StepModel, StepPlayground
from distsys_edu.viz.playground.step_picture import PICK_RADIUS, choice_at, choice_marks


def walk(picks: list[int]) -> StepModel:
    """A step model of the broken Raft taken along ``picks`` (indices into the choices)."""
    model = StepModel.start(broken_start)
    for pick in picks:
        listed = model.choices()
        if not listed:
            break
        model.choose(listed[pick % len(listed)].id)
    return model


def drawable(sim: Sim, choices: list[Choice]) -> set[str]:
    """The choices the picture must show: deliver a message between two nodes, fire a timer."""
    senders = {m.msg_id: m for m in sim.snapshot().in_flight}
    found = set()
    for c in choices:
        if c.kind == "fire" or (c.kind == "deliver" and int(c.id[1:].split(":")[0]) in senders):
            found.add(c.id)
    return found


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 1000), max_size=8))
def test_every_message_and_timer_is_drawn_and_a_click_at_its_mark_chooses_it(
    picks: list[int],
) -> None:
    model = walk(picks)
    listed = model.choices()
    marks = choice_marks(layout(list(model.sim.nodes)), listed, model.sim.snapshot().in_flight)
    assert {m.choice for m in marks} == drawable(model.sim, listed)
    listed_ids = {c.id for c in listed}
    for mark in marks:
        assert choice_at(marks, mark.x, mark.y) == mark
        assert mark.pick() == mark.choice
        for held, way in (({"shift"}, "drop"), ({"alt"}, "duplicate")):
            wanted = mark.choice.replace(":deliver", f":{way}")
            offered = mark.kind == "message" and wanted in listed_ids
            assert mark.pick(held) == (wanted if offered else None)
        near = choice_at(marks, mark.x + PICK_RADIUS * 0.4, mark.y - PICK_RADIUS * 0.4)
        assert near is not None  # a click a little off the centre still lands on a mark


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(0, 1000), max_size=6),
    st.floats(-1.45, 1.45),
    st.floats(-1.5, 1.35),
)
def test_a_click_away_from_every_mark_chooses_nothing(picks: list[int], x: float, y: float) -> None:
    model = walk(picks)
    listed = model.choices()
    marks = choice_marks(layout(list(model.sim.nodes)), listed, model.sim.snapshot().in_flight)
    nearest = min((math.dist((m.x, m.y), (x, y)) for m in marks), default=math.inf)
    found = choice_at(marks, x, y)
    if nearest > PICK_RADIUS:
        assert found is None
    else:
        assert found is not None and math.dist((found.x, found.y), (x, y)) == nearest


@given(st.integers(1, 14), st.booleans())
def test_many_messages_on_one_link_sit_apart_on_its_middle_and_each_way_on_its_own_side(
    count: int, both_ways: bool
) -> None:
    pos = layout(["a", "b", "c"])
    flights = [InFlight(i, "a", "b", object(), 0.0, 0.001) for i in range(count)]
    if both_ways:
        flights += [InFlight(100 + i, "b", "a", object(), 0.0, 0.001) for i in range(count)]
    choices = [Choice(f"m{m.msg_id}:deliver", "deliver", "", 0.0, m.dst) for m in flights]
    marks = choice_marks(pos, choices, flights)
    assert len(marks) == len(flights)
    places = [(m.x, m.y) for m in marks]
    assert all(math.dist(p, q) > 1e-3 for i, p in enumerate(places) for q in places[i + 1 :])
    for place in places:  # none on a node
        assert min(math.dist(place, node) for node in pos.values()) > PICK_RADIUS


def test_a_click_on_a_message_in_the_picture_delivers_it() -> None:
    widget = StepPlayground.start("raft", nodes=3)
    widget.model.choose(next(c.id for c in widget.model.choices() if c.kind == "fire"))
    widget.refresh()
    drawing = widget.drawing
    mark = next(m for m in drawing.marks if m.kind == "message")
    drawing.figure.canvas.draw()
    px, py = drawing.ax.transData.transform((mark.x, mark.y))
    event = MouseEvent("button_press_event", drawing.canvas, px, py, button=1)
    drawing.canvas.callbacks.process("button_press_event", event)
    assert widget.model.made[-1] == mark.choice
    assert "2 choice(s) made" in widget.heading.value
    empty = MouseEvent("button_press_event", drawing.canvas, 2.0, 2.0, button=1)
    drawing.canvas.callbacks.process("button_press_event", empty)
    assert len(widget.model.made) == 2


def test_the_pointer_over_a_mark_rings_it_and_names_it_under_the_picture() -> None:
    widget = StepPlayground.start("raft", nodes=3)
    drawing = widget.drawing
    mark = drawing.marks[0]
    drawing.figure.canvas.draw()
    px, py = drawing.ax.transData.transform((mark.x, mark.y))
    moved = MouseEvent("motion_notify_event", drawing.canvas, px, py)
    drawing.canvas.callbacks.process("motion_notify_event", moved)
    assert drawing.hovered == mark and html.escape(mark.label) in widget.pointer.value


def test_a_shift_click_on_a_message_drops_it_and_an_alt_click_duplicates_it() -> None:
    widget = StepPlayground.start("raft", nodes=3)
    widget.model.choose(next(c.id for c in widget.model.choices() if c.kind == "fire"))
    widget.refresh()
    drawing = widget.drawing
    for held, way in (({"shift"}, "drop"), ({"alt"}, "duplicate")):
        mark = next(m for m in drawing.marks if m.kind == "message")
        drawing.figure.canvas.draw()
        px, py = drawing.ax.transData.transform((mark.x, mark.y))
        event = MouseEvent("button_press_event", drawing.canvas, px, py, 1, modifiers=held)
        drawing.canvas.callbacks.process("button_press_event", event)
        assert widget.model.made[-1] == mark.choice.replace(":deliver", f":{way}")
