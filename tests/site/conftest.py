"""Fixtures for the website tests: the site built once (``tools/build_site.py``) and
served on 127.0.0.1 for the session (skipped without the ``site`` extra: sitetools.py).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitetools import REPO, ROOT, require_site_extra
from static_server import serving


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


@pytest.fixture(scope="session")
def site_url(site_html: Path) -> Iterator[str]:
    """The site served on 127.0.0.1 (a free port) until the session ends."""
    with serving(site_html) as url:
        yield url
