"""Our wheel on Pyodide in a real Chromium, offline: the same digests as CPython.

The page (``pyodide_page.html``) loads the Pyodide core of the npm registry's
``pyodide`` package, unpacks the package's wheel into it and runs ``lite_probe.py``:
a Raft run with a crash, an explore with ``jobs=0`` and the terms check. Everything is
served from 127.0.0.1 and every other request is refused (and counted).

The quick check that the package itself runs on Pyodide; the JupyterLite kernel
itself runs the same probe in test_lite_kernel_browser.py.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from lite_probe import probe
from litetools import ROOT, build_lite_module, pyodide_core, require_lite_extra, serving

sys.path.insert(0, str(ROOT / "tests" / "browser"))
from labdriver import CHROMIUM, CHROMIUM_ARGS, browser_missing

HERE = Path(__file__).resolve().parent
LOCAL = {"127.0.0.1", "localhost"}
RUN_S = 600


def local_only(refused: list[str], schemes: tuple[str, ...] = ("data:",)) -> Any:
    """A playwright route handler that lets through URLs of ``schemes`` and of LOCAL
    hosts, and aborts the rest, appending each to ``refused``."""

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(schemes) or urlparse(url).hostname in LOCAL:
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    return route


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page, Pyodide, the wheel and the probe on 127.0.0.1 (a free port)."""
    require_lite_extra()
    missing = browser_missing()
    if missing:
        pytest.skip(missing)
    root = tmp_path_factory.mktemp("pyodide_page")
    shutil.copytree(pyodide_core(), root / "pyodide")
    wheel = build_lite_module().build_wheel(root / "wheels")
    shutil.copy(HERE / "lite_probe.py", root / "lite_probe.py")
    page = (HERE / "pyodide_page.html").read_text().replace("WHEEL", wheel.name)
    (root / "index.html").write_text(page)
    with serving(root) as base:
        yield f"{base}index.html"


def test_pyodide_in_chromium_gives_cpythons_digests(served: str) -> None:
    from playwright.sync_api import sync_playwright

    refused: list[str] = []
    errors: list[str] = []

    route = local_only(refused)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route("**/*", route)
            page.goto(served)
            page.wait_for_function("window.probeDone === true", timeout=RUN_S * 1000)
            outcome = page.evaluate("window.probeOutcome")
        finally:
            browser.close()
    assert refused == [], f"requests to other hosts: {refused}"
    assert errors == []
    assert "error" not in outcome, outcome.get("error")
    there = json.loads(outcome["result"])
    assert there.pop("platform") == "emscripten"
    here = probe()
    here.pop("platform")
    assert there == here
    assert there["exercise_status"] == "passed"
