"""A lesson's claim cells (tools/build_lessons.py) are collapsed in JupyterLab: the
learner sees a placeholder, not the assertions, in a lesson opened as it is committed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from labdriver import LabServer

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "05_split_brain_and_terms.ipynb"


def test_claim_cells_are_collapsed_in_jupyterlab(lab: LabServer, page: Any, screenshot: Any):
    cells = json.loads(LESSON.read_text(encoding="utf-8"))["cells"]
    claims = [c for c in cells if "claim" in c["metadata"].get("tags", [])]
    page.goto(lab.url(LESSON.name))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.locator(".jp-Notebook .jp-Cell").nth(len(cells) - 1).wait_for(timeout=30_000)
    screenshot("claims-collapsed")
    assert page.locator(".jp-Notebook .jp-Cell").count() == len(cells)
    assert page.locator(".jp-Notebook .jp-InputPlaceholder").count() == len(claims) > 0
    shown = "\n".join(page.locator(".jp-Notebook .jp-InputArea-editor").all_inner_texts())
    assert all("".join(c["source"]).splitlines()[0] not in shown for c in claims)
    assert "import matplotlib.pyplot as plt" in shown  # while the other inputs are shown
