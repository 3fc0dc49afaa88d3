"""The playground on a 1366 x 768 laptop, in JupyterLab in headless Chromium, with the
file browser open: once the widget is scrolled to the top of the notebook, the picture
(at least 450 px), the crash, cut and heal buttons and the node lists are all in view,
no label or readout of the widget is cut (nor in its folds, opened), and no news prompt
covers anything."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from labdriver import LabServer, run_all_cells
from PIL import Image

NOTEBOOK = "playground_laptop.ipynb"
SCREENSHOTS = Path(__file__).parent / "screenshots"  # as conftest's (git-ignored)
LAPTOP = {"width": 1366, "height": 768}
PICTURE_PX = 450

TO_TOP = """() => {
  const root = document.querySelector('.distsys-edu-playground');
  root.scrollIntoView({block: 'start'});
}"""

VISIBLE_AREA = """() => {
  const open = '.jp-NotebookPanel:not(.lm-mod-hidden) ';
  const panel = document.querySelector(open + '.jp-WindowedPanel-outer')
    || document.querySelector(open + '.jp-Notebook');
  const r = panel.getBoundingClientRect();
  return {top: Math.max(r.top, 0), bottom: Math.min(r.bottom, window.innerHeight),
          left: Math.max(r.left, 0), right: Math.min(r.right, window.innerWidth)};
}"""

CUT_TEXTS = """() => Array.from(document.querySelectorAll(
    '.distsys-edu-playground .widget-label, .distsys-edu-playground .widget-readout, '
    + '.distsys-edu-playground button, .distsys-edu-playground .widget-label-basic'))
  .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.textContent.trim() + ' (' + el.scrollWidth + ' > ' + el.clientWidth + ')')"""


def box(page: Any, locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not shown"
    return dict(found)


def test_the_playground_fits_a_laptop_screen(lab: LabServer, page: Any, screenshot: Any) -> None:
    page.set_viewport_size(LAPTOP)
    run_all_cells(page, lab, NOTEBOOK)
    picture = page.locator(".distsys-edu-playground .jupyter-matplotlib-figure canvas").first
    picture.wait_for(timeout=60_000)
    page.get_by_text("raft: Truth: leads").wait_for(timeout=30_000)
    page.evaluate(TO_TOP)
    page.wait_for_timeout(1500)
    screenshot("playground-laptop")
    area = page.evaluate(VISIBLE_AREA)
    wanted = {
        "picture": picture,
        "crash": page.get_by_role("button", name="crash n1"),
        "cut": page.get_by_role("button", name="cut A | B"),
        "heal": page.get_by_role("button", name="heal"),
        "side A": page.locator(".distsys-edu-playground select[multiple]").first,
        "side B": page.locator(".distsys-edu-playground select[multiple]").nth(1),
    }
    outside = {}
    for name, locator in wanted.items():
        b = box(page, locator)
        inside = (
            b["y"] >= area["top"] - 1
            and b["y"] + b["height"] <= area["bottom"] + 1
            and b["x"] >= area["left"] - 1
            and b["x"] + b["width"] <= area["right"] + 1
        )
        if not inside:
            outside[name] = b
    assert outside == {}, f"outside the visible area {area}: {outside}"
    shown = box(page, picture)
    assert min(shown["width"], shown["height"]) >= PICTURE_PX, shown
    sides = page.locator(".distsys-edu-playground select[multiple]").first
    assert sides.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # n1...n5, no scroll
    assert page.evaluate(CUT_TEXTS) == []
    assert page.get_by_text("Jupyter news").count() == 0
    for _ in range(12):  # to t = 0.6 s: a leader is elected; then crash n1
        page.get_by_role("button", name="step").click()
    page.get_by_text("t = 0.600 s").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    before = picture.screenshot()
    page.get_by_role("button", name="crash n1").click()
    page.get_by_text("n1 down").first.wait_for(timeout=30_000)
    for _ in range(60):  # the new frame reaches the canvas when the kernel has drawn it
        page.wait_for_timeout(500)
        if picture.screenshot() != before:
            break
    page.wait_for_timeout(500)
    screenshot("playground-laptop-crashed")
    page.locator(".distsys-edu-playground").screenshot(  # docs/pictures/playground_browser.png
        path=str(SCREENSHOTS / "playground-laptop-widget.png")
    )
    for fold in ("setup:", "legend", "copy as code"):  # what the folds hold is not cut either
        page.locator(".distsys-edu-playground .jupyter-widget-Collapse-header").filter(
            has_text=fold
        ).first.click()
    page.wait_for_timeout(1000)
    legend = page.locator(".distsys-edu-playground .jupyter-matplotlib-figure canvas").nth(2)
    legend.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot("playground-laptop-folds-open")
    drawn = Image.open(io.BytesIO(legend.screenshot())).convert("L")
    assert drawn.getextrema()[0] < 100, "the legend, opened, shows nothing"
    assert page.evaluate(CUT_TEXTS) == []
    assert page.get_by_text("latency ms").first.is_visible()
