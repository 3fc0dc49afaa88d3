"""What the website tests share: the repository, tools/build_site.py, and when to skip.

The tests skip, with the reason, when the ``site`` extra (Sphinx, MyST-NB) is not
installed; under CI (``CI=true``) on Python 3.11 or newer that is an error, because
``.ci/run`` installs it (the extra installs nothing on 3.10: see pyproject.toml).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

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
