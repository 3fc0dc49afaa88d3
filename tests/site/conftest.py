"""Fixtures for the website tests: the site built once (``tools/build_site.py``) and
served on 127.0.0.1 for the session.

The tests skip, with the reason, when the ``site`` extra (Sphinx, MyST-NB) is not
installed; under CI (``CI=true``) on Python 3.11 or newer that is an error, because
``.ci/run`` installs it (the extra installs nothing on 3.10: see pyproject.toml).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
# The Binder links of the test build name this repository.
REPO = "example-owner/distsys-edu"


def load_build_site() -> ModuleType:
    """tools/build_site.py as a module (tools/ is no package)."""
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def require_site_extra() -> None:
    """Skip (fail under CI) when Sphinx or MyST-NB is missing."""
    for name in ("sphinx", "myst_nb"):
        if importlib.util.find_spec(name) is None:
            reason = (
                f"{name} is missing: the site extra is not installed (pip install -e '.[site]')"
            )
            if os.environ.get("CI") == "true" and sys.version_info >= (3, 11):
                pytest.fail(f"CI must build the site, but {reason}")
            pytest.skip(reason)


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
