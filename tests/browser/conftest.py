"""Fixtures for the real-browser tests: one JupyterLab server and one Chromium page.

Outside CI these tests skip, with the reason, when Chromium or Playwright is missing;
under CI (``CI=true``) a missing browser is an error, because ``.ci/run`` installs it.
Screenshots go to ``tests/browser/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from labdriver import LabServer, browser_missing, chromium_page, lab_server

HERE = Path(__file__).parent
LESSONS = HERE.parent.parent / "lessons"
SCREENSHOTS = HERE / "screenshots"


def notebooks_to_serve() -> list[Path]:
    """The lessons, their solutions and this folder's own test notebooks."""
    return sorted(
        [*LESSONS.glob("*.ipynb"), *(HERE / "notebooks").glob("*.ipynb")],
        key=lambda p: p.name,
    )


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    reason = browser_missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests, but {reason}")
        pytest.skip(reason)
    with lab_server(notebooks_to_serve(), tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture
def page(lab: LabServer) -> Iterator[Any]:
    with chromium_page() as browser_page:
        yield browser_page


@pytest.fixture
def screenshot(page: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Call ``screenshot(name)`` to save a full-page PNG; one is also taken at the end."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    yield take
    take(f"{request.node.name}-end")
