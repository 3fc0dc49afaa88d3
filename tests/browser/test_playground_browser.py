"""The playground in JupyterLab, in headless Chromium: a click on a node's crash button
changes the picture (its pixels) and the line of truth under it (its words)."""

from __future__ import annotations

from typing import Any

from labdriver import LabServer, error_outputs, run_all_cells, saved_outputs

NOTEBOOK = "playground.ipynb"


def test_crashing_a_node_from_its_button_changes_the_picture(
    lab: LabServer, page: Any, screenshot: Any
) -> None:
    run_all_cells(page, lab, NOTEBOOK)
    picture = page.locator(".jupyter-matplotlib-figure canvas").first
    picture.wait_for(timeout=60_000)
    page.get_by_text("raft: Truth: leads").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # let the first frame settle on the canvas
    before = picture.screenshot()
    screenshot("playground-before")
    page.get_by_role("button", name="crash n1").click()
    page.get_by_text("n1 down").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    after = picture.screenshot()
    screenshot("playground-after-crash")
    assert before != after
    assert page.get_by_text("0.05 crash n1").count() >= 1  # the recorded fault
    assert error_outputs(saved_outputs(page, lab, NOTEBOOK)) == []
