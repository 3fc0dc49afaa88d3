"""Drive JupyterLab in a real, headless Chromium: start a server, run a notebook, look.

Used by the browser tests only. The server listens on 127.0.0.1 with a random token and
serves a scratch copy of the notebooks (running them in the lab saves outputs, and the
committed files must not change). The browser is Debian's ``chromium`` driven by
Playwright for Python; no browser is ever downloaded.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
OVERRIDES = Path(__file__).resolve().parents[2] / "binder" / "overrides.json"
"""The lab settings the project ships (no news prompt), read as `make lab` and Binder do."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_S = 90.0


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is missing (pip install playwright)"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LabServer:
    """A running JupyterLab: where it serves from and how to reach it."""

    root: Path
    port: int
    token: str
    process: subprocess.Popen[bytes]

    def url(self, notebook: str) -> str:
        """The address that opens ``notebook`` (relative to the root) in a fresh workspace."""
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?reset&token={self.token}"


def _wait_until_serving(server: LabServer, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    status = f"http://127.0.0.1:{server.port}/api/status?token={server.token}"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(status, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(
        f"JupyterLab did not answer in {SERVER_START_S:g} s:\n{log.read_text()[-3000:]}"
    )


@contextmanager
def lab_server(notebooks: list[Path], workdir: Path) -> Iterator[LabServer]:
    """Serve scratch copies of ``notebooks`` from ``workdir``; stop the server afterwards."""
    root = workdir / "root"
    root.mkdir(parents=True)
    for notebook in notebooks:
        shutil.copy(notebook, root / notebook.name)
    settings = workdir / "settings"
    # Render every cell, not only those in view (JupyterLab 4's default "windowing"
    # leaves off-screen cells without prompts, and run_all_cells reads the prompts).
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    app_settings = workdir / "app-settings"  # where the lab reads overrides.json
    app_settings.mkdir()
    shutil.copy(OVERRIDES, app_settings / "overrides.json")
    token, port = secrets.token_hex(16), free_port()
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={settings}",
        f"--LabApp.app_settings_dir={app_settings}",
        "--ServerApp.allow_root=True",
    ]
    log = workdir / "jupyterlab.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(workdir / "runtime")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    server = LabServer(root, port, token, process)
    try:
        _wait_until_serving(server, log)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A Playwright page in headless Debian Chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            yield page
        finally:
            browser.close()


def run_all_cells(page: Any, server: LabServer, notebook: str, timeout_s: float = 180) -> None:
    """Open ``notebook`` in the lab, run every cell from the Run menu, wait until done."""
    page.goto(server.url(notebook))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # The status bar reads "Python 3 (ipykernel) | Idle" once the kernel has started.
    page.get_by_text("| Idle").first.wait_for(timeout=90_000)
    page.click("#jp-MainMenu >> text=Run")
    page.click("[data-command='runmenu:run-all']")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
        ran = [p.strip()[1:-2].strip().isdigit() for p in prompts]  # "[7]:" once it has run
        if ran and all(ran) and page.get_by_text("| Idle").count():
            return
        time.sleep(0.5)
    raise TimeoutError(f"{notebook}: the cells did not finish within {timeout_s:g} s")


def saved_outputs(page: Any, server: LabServer, notebook: str) -> dict[str, Any]:
    """Save ``notebook`` from the lab and return the file as JSON (outputs included)."""
    path = server.root / notebook
    before = path.stat().st_mtime_ns
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.2)
    return json.loads(path.read_text(encoding="utf-8"))


def error_outputs(notebook_json: dict[str, Any]) -> list[str]:
    """The error outputs in a saved notebook, as ``ename: evalue`` lines."""
    return [
        f"{output.get('ename')}: {output.get('evalue')}"
        for cell in notebook_json["cells"]
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
