"""The step mode's widget, driven in-process: its buttons call the model and redraw, the
queued choice is marked, and an error shows in words instead of raising."""

from __future__ import annotations

from distsys_edu.checks import model_check
from distsys_edu.exercises.broken import spawn_broken
from distsys_edu.viz.playground import StepPlayground


def test_buttons_step_the_model_and_the_widget_shows_where_it_stands() -> None:
    result = model_check(spawn_broken, 3, max_depth=6, max_term=1, progress=False)
    widget = result.violations[0].playground()
    assert isinstance(widget, StepPlayground)
    assert "0 choice(s) made, 6 queued" in widget.heading.value
    assert widget.back_button.disabled and not widget.forward_button.disabled
    marked = [b for b in widget.choice_list.children if b.description.startswith("▶")]
    assert len(marked) == 1 and result.violations[0].path[0] in marked[0].tooltip
    first_picture = widget.drawing.png()
    for _ in range(6):
        widget.forward_button.click()
    assert "broken: n2 and n3 both led term 1" in widget.status.value
    assert widget.forward_button.disabled and widget.drawing.png() != first_picture
    widget.back_button.click()
    assert "5 choice(s) made, 1 queued" in widget.heading.value and "holds" in widget.status.value


def test_an_error_shows_in_the_widget_in_words() -> None:
    widget = StepPlayground.start("raft", nodes=3)
    widget.forward_button.disabled = False  # as if a stale click arrived
    widget.forward_button.click()
    assert "forward" in widget.message.value and "queued" in widget.message.value
    widget.choice_list.children[0].click()
    assert widget.message.value == "" and "1 choice(s) made, 0 queued" in widget.heading.value


def test_copy_as_code_shows_the_code_of_the_state_in_a_text_box() -> None:
    widget = StepPlayground.start("raft", nodes=3)
    assert widget.code.layout.display == "none"
    widget.code_button.click()
    assert widget.code.layout.display == "block"
    widget.choice_list.children[0].click()
    assert widget.code.value == widget.model.code() and "sim.choose(" in widget.code.value
    widget.code_button.click()
    assert widget.code.layout.display == "none"
