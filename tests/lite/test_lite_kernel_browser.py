"""The JupyterLite site, offline, in a real Chromium: a notebook run in the Pyodide
kernel gives CPython's digests.

The site is built by ``tools/build_lite.py`` with the npm registry's Pyodide in it
and a notebook that installs our wheel from the site (``%pip install --no-deps``: the
probe imports nothing else) and runs ``lite_probe.py``: a Raft run with a crash, an
explore with ``jobs=0`` and the terms check. The kernel's own Pyodide packages
(micropip, IPython and their dependencies) are not in the npm package: PyPI's wheels
of the versions the lock file names stand in for them (``litetools.add_kernel_packages``).
Every request to a host other than 127.0.0.1 is refused and counted.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lite_probe import probe
from litetools import (
    KERNEL_FROM_PYPI,
    ROOT,
    add_kernel_packages,
    as_lite_tarball,
    build_lite_module,
    pyodide_core,
    pypi_wheel,
    require_lite_extra,
    serving,
)
from test_lite_browser import local_only

sys.path.insert(0, str(ROOT / "tests" / "browser"))
from labdriver import CHROMIUM, CHROMIUM_ARGS, browser_missing

HERE = Path(__file__).resolve().parent
RUN_S = 600
COMM_VERSION = "0.2.3"
"""comm as constraints.txt pins it."""


def probe_notebook(path: Path) -> Path:
    """A notebook that installs our wheel in the kernel and prints the probe's JSON."""
    source = (HERE / "lite_probe.py").read_text()
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# The lite probe"},
        {"cell_type": "code", "source": "%pip install -q --no-deps distsys_edu"},
        {"cell_type": "code", "source": source},
    ]
    for cell in cells[1:]:
        cell.update(metadata={}, execution_count=None, outputs=[])
    kernelspec = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": kernelspec},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook, indent=1))
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The offline site on 127.0.0.1 (a free port): the URL of the probe notebook."""
    require_lite_extra()
    missing = browser_missing()
    if missing:
        pytest.skip(missing)
    work = tmp_path_factory.mktemp("lite_kernel")
    out = build_lite_module().build(
        work / "out",
        work=work / "work",
        names=["00_start_here"],
        pyodide=str(as_lite_tarball(pyodide_core(), work)),
        extra=(probe_notebook(work / "lite_probe.ipynb"),),
        wheels=(pypi_wheel(KERNEL_FROM_PYPI, COMM_VERSION, "3.14"),),
    )
    add_kernel_packages(out / "static" / "pyodide")
    with serving(out) as base:
        yield f"{base}lab/index.html?path=lite_probe.ipynb"


def test_the_lite_kernel_gives_cpythons_digests(site: str) -> None:
    from playwright.sync_api import sync_playwright

    refused: list[str] = []

    route = local_only(refused, ("data:", "blob:"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.context.route("**/*", route)
            page.goto(site)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
            page.get_by_text("| Idle").first.wait_for(timeout=180_000)
            page.click("#jp-MainMenu >> text=Run")
            page.click("[data-command='runmenu:run-all']")
            outputs = _wait_for_outputs(page)
        finally:
            browser.close()
    assert refused == [], f"requests to other hosts: {refused}"
    printed = [o for o in outputs if o.lstrip().startswith("{")]
    assert printed, f"no probe output; the outputs were: {outputs}"
    there = json.loads(printed[-1])
    assert there.pop("platform") == "emscripten"
    here = probe()
    here.pop("platform")
    assert there == here


def _wait_for_outputs(page: Any) -> list[str]:
    """The output areas' text once the probe printed its JSON or a cell failed."""
    deadline = time.monotonic() + RUN_S
    while time.monotonic() < deadline:
        outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        if any("trace_digest" in o or "Traceback" in o for o in outputs):
            return [str(o) for o in outputs]
        time.sleep(1)
    raise TimeoutError(f"the probe notebook did not finish within {RUN_S} s")
