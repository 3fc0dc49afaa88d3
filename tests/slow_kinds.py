"""Which tests are slow kinds, and so left out of `make check`: one rule, read by
``tests/conftest.py``, which marks every collected test with its kinds."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

KINDS: dict[str, str] = {
    "browser": "drives JupyterLab in headless Chromium",
    "binder": "builds a fresh virtual environment as Binder would",
    "net": "starts real processes that talk over UDP on loopback",
    "notebook": "runs notebooks in Jupyter kernels",
}
"""Each slow kind of test and what makes it slow; `make check` deselects them all."""

NOTEBOOK_MODULES = frozenset(
    {
        "test_grade.py",
        "test_playground_backend.py",
        "test_site_build.py",
        "test_graders.py",
        "test_lite_build.py",
    }
)
"""Test modules whose tests start Jupyter kernels (the grader, nbclient, nbgrader and
Otter) or build notebooks into a website (Sphinx, JupyterLite)."""

BROWSER_MODULES = frozenset(
    {"test_site_browser.py", "test_lite_browser.py", "test_lite_kernel_browser.py"}
)
"""Test modules outside tests/browser/ that drive Chromium."""

BINDER_TESTS = frozenset({"test_binder.py::test_a_fresh_binder_environment_runs_every_lesson"})
"""Binder's pins are checked in a moment; only building its environment is slow."""


def kinds_of(path: str, name: str, fixtures: Iterable[str]) -> set[str]:
    """The slow kinds of the test ``name`` in ``path`` (relative to ``tests/``, or a
    notebook anywhere) that uses ``fixtures``; empty for a unit test."""
    parts = PurePosixPath(path).parts
    found = set()
    if parts[0] == "browser" or parts[-1] in BROWSER_MODULES:
        found.add("browser")
    if f"{parts[-1]}::{name.split('[')[0]}" in BINDER_TESTS:
        found.add("binder")
    if "clusters" in fixtures:  # tests/net/conftest.py: real clusters of processes
        found.add("net")
    if parts[-1] in NOTEBOOK_MODULES or parts[-1].endswith(".ipynb"):
        found.add("notebook")
    return found
