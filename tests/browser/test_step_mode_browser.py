"""The step mode in JupyterLab, in headless Chromium, on a 1366 x 768 laptop screen: opened
at a model-check violation, "forward" takes the queued choices until the invariant shows
broken, a click on a listed choice takes it, and "back" undoes it (the heading counts the
choices made and the status line says holds / broken). A click on a message's dot in the
picture delivers that message, a shift-click drops one; the pointer over a dot names it
under the picture."""

from __future__ import annotations

from typing import Any

from labdriver import LabServer, error_outputs, run_all_cells, saved_outputs

from distsys_edu.checks import model_check
from distsys_edu.exercises.broken import spawn_broken

NOTEBOOK = "step_mode.ipynb"
LAPTOP = {"width": 1366, "height": 768}


def test_stepping_forward_shows_the_violation_arrive_and_back_undoes_a_step(
    lab: LabServer, page: Any, screenshot: Any
) -> None:
    page.set_viewport_size(LAPTOP)
    run_all_cells(page, lab, NOTEBOOK)
    root = page.locator(".distsys-edu-step-mode")
    root.get_by_text("0 choice(s) made, 6 queued").wait_for(timeout=60_000)
    root.scroll_into_view_if_needed()
    page.evaluate("() => document.querySelector('.distsys-edu-step-mode').scrollIntoView()")
    page.wait_for_timeout(500)
    picture_box = root.locator(".jupyter-matplotlib-figure canvas").first.bounding_box()
    assert picture_box is not None and picture_box["y"] + picture_box["height"] <= 768
    for name in ("forward ▶", "◀ back"):  # on a laptop: beside the picture, in view
        shown = root.get_by_role("button", name=name).bounding_box()
        assert shown is not None, name
        assert shown["x"] >= picture_box["x"] + picture_box["width"], (shown, picture_box)
        assert shown["x"] + shown["width"] <= LAPTOP["width"], shown
        assert shown["y"] + shown["height"] <= LAPTOP["height"], shown
    forward = root.get_by_role("button", name="forward ▶")
    picture = root.locator(".jupyter-matplotlib-figure canvas").first
    before = picture.screenshot()
    for step in range(1, 7):
        forward.click()
        root.get_by_text(f"{step} choice(s) made").wait_for(timeout=30_000)
    root.get_by_text("broken: n2 and n3 both led term 1").wait_for(timeout=30_000)
    screenshot("step-mode-violation")
    assert picture.screenshot() != before
    root.get_by_role("button", name="◀ back").click()
    root.get_by_text("5 choice(s) made, 1 queued").wait_for(timeout=30_000)
    root.get_by_text("holds").wait_for(timeout=30_000)
    first = root.locator("button", has_text="(t=").first
    first.click()  # a choice from the list: the queued one, or a new branch
    root.get_by_text("6 choice(s) made").wait_for(timeout=30_000)
    screenshot("step-mode-after-back-and-click")
    assert error_outputs(saved_outputs(page, lab, NOTEBOOK)) == []


def test_a_click_on_a_message_in_the_picture_delivers_it(
    lab: LabServer, page: Any, screenshot: Any
) -> None:
    """Where the dot is comes from the same picture drawn here, in this process."""
    result = model_check(spawn_broken, 3, max_depth=6, max_term=1, progress=False)
    local = result.violations[0].playground()
    for _ in range(3):
        local.model.forward()
    local.refresh()
    drawing = local.drawing
    mark = next(
        m for m in drawing.marks if m.kind == "message" and m.choice not in local.model.queued
    )
    drawing.figure.canvas.draw()
    px, py = drawing.ax.transData.transform((mark.x, mark.y))
    height = drawing.figure.bbox.height
    page.set_viewport_size(LAPTOP)
    run_all_cells(page, lab, NOTEBOOK)
    root = page.locator(".distsys-edu-step-mode")
    root.get_by_text("0 choice(s) made, 6 queued").wait_for(timeout=60_000)
    page.evaluate("() => document.querySelector('.distsys-edu-step-mode').scrollIntoView()")
    forward = root.get_by_role("button", name="forward ▶")
    for step in range(1, 4):
        forward.click()
        root.get_by_text(f"{step} choice(s) made").wait_for(timeout=30_000)
    listed = root.locator("button", has_text=mark.label)
    assert listed.count() == 1
    canvas = root.locator(".jupyter-matplotlib-figure canvas").first
    box = canvas.bounding_box()
    assert box is not None
    page.wait_for_timeout(1000)  # the new frame on the canvas
    page.mouse.move(box["x"] + px, box["y"] + height - py)
    root.get_by_text(mark.label, exact=True).wait_for(timeout=30_000)  # named under it
    page.mouse.click(box["x"] + px, box["y"] + height - py)
    root.get_by_text("4 choice(s) made, 0 queued").wait_for(timeout=30_000)
    screenshot("step-mode-after-picture-click")
    assert root.locator("button", has_text=mark.label).count() == 0  # delivered: gone
    local.model.choose(mark.choice)  # the same state here, to find the next dot
    local.refresh()
    other = next(m for m in drawing.marks if m.kind == "message" and m.drop is not None)
    drawing.figure.canvas.draw()
    ox, oy = drawing.ax.transData.transform((other.x, other.y))
    page.wait_for_timeout(1000)
    page.keyboard.down("Shift")
    page.mouse.click(box["x"] + ox, box["y"] + height - oy)
    page.keyboard.up("Shift")
    root.get_by_text("5 choice(s) made, 0 queued").wait_for(timeout=30_000)
    root.get_by_role("button", name="copy as code").click()
    code = root.locator("textarea").input_value()  # the last line: the choice just made
    assert code.rstrip().splitlines()[-1].startswith(f"sim.choose({other.drop!r}")
    assert error_outputs(saved_outputs(page, lab, NOTEBOOK)) == []
