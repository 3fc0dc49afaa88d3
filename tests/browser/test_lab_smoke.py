"""The browser harness itself: JupyterLab runs a notebook, renders a widget, takes a click."""

from __future__ import annotations

from typing import Any

from labdriver import LabServer, error_outputs, run_all_cells, saved_outputs


def test_a_widget_renders_and_answers_a_click(lab: LabServer, page: Any, screenshot: Any) -> None:
    run_all_cells(page, lab, "widget_smoke.ipynb")
    page.get_by_role("button", name="press me").click()
    page.get_by_text("pressed 1 times").wait_for(timeout=60_000)
    screenshot("widget_smoke")
    assert error_outputs(saved_outputs(page, lab, "widget_smoke.ipynb")) == []
