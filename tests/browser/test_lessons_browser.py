"""Every lesson in JupyterLab, in headless Chromium: all cells run, no error output,
widgets rendered, a screenshot each (in the git-ignored ``tests/browser/screenshots/``).

Lessons are found in ``lessons/*.ipynb`` when the tests are collected, so a new lesson
is covered as soon as it lands. Lesson 07 starts real node processes; afterwards none
of them may be left (checked, and ended, by pid).
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from labdriver import LabServer, error_outputs, run_all_cells, saved_outputs

LESSONS = sorted((Path(__file__).resolve().parents[2] / "lessons").glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
RENDERED_WIDGET = ".jupyter-widgets, [class*='widget-']"
LESSON_TIMEOUT_S = 240  # a lesson's budget is 60 s in a bare kernel; the browser is slower


def node_processes(under: int) -> set[int]:
    """The pids of running node processes (``distsys_edu.cli.processes node``) descended
    from process ``under`` (the lab server, whose kernels start them), read from /proc. Other runs
    on the machine may have nodes of their own: those are not ours to count."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if {b"distsys_edu.cli.processes", b"node"} <= set(command) and under in ancestors(
            int(entry.name)
        ):
            found.add(int(entry.name))
    return found


def ancestors(pid: int) -> list[int]:
    """``pid``'s parent, grandparent... as far as /proc can tell."""
    chain = []
    while pid > 1:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            break
        pid = int(next(line for line in status.splitlines() if line.startswith("PPid:")).split()[1])
        chain.append(pid)
    return chain


def has_widgets(notebook: Path) -> bool:
    """Whether the committed notebook shows any widget output."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return any(WIDGET_MIME in o.get("data", {}) for c in cells for o in c.get("outputs", []))


@pytest.mark.timeout(LESSON_TIMEOUT_S + 120)
@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_lesson_runs_in_a_real_browser(
    lesson: Path, lab: LabServer, page: Any, screenshot: Any
) -> None:
    before = node_processes(under=lab.process.pid)
    try:
        run_all_cells(page, lab, lesson.name, timeout_s=LESSON_TIMEOUT_S)
        screenshot(f"lesson-{lesson.stem}")
        assert error_outputs(saved_outputs(page, lab, lesson.name)) == []
        if has_widgets(lesson):
            assert page.locator(RENDERED_WIDGET).count() > 0, "no widget was rendered"
    finally:  # the lesson itself must have ended its nodes
        left = node_processes(under=lab.process.pid) - before
        for pid in left:
            os.kill(pid, signal.SIGKILL)
    assert left == set(), f"{lesson.name} left node processes running: {sorted(left)}"
