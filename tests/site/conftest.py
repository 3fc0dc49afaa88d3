"""Fixtures for the website tests: the site built once (``tools/build_site.py``) and
served on 127.0.0.1 for the session (skipped without the ``site`` extra: sitetools.py).
"""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sitetools import REPO, ROOT, require_site_extra


@pytest.fixture(scope="session")
def site_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site's html folder, from the lessons and docs in this checkout."""
    require_site_extra()
    work = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_site.py"),
            "--work",
            str(work),
            "--repo",
            REPO,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"the site build failed:\n{done.stdout}\n{done.stderr}"
    return work / "html"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="session")
def site_url(site_html: Path) -> Iterator[str]:
    """The site served on 127.0.0.1 (a free port) until the session ends."""
    handler = functools.partial(_QuietHandler, directory=str(site_html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
