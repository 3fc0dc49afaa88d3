"""Running code in a fresh Python process, to show a result does not depend on it.

Imported as ``from fresh_python import ...`` (pytest puts this folder on the path).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The repository root: the new process runs there, with it on ``PYTHONPATH``."""


def run_python(code: str, *, hashseed: str) -> str:
    """Run ``python -c code`` from :data:`ROOT` with ``PYTHONHASHSEED=hashseed``.

    Returns:
        What it printed on stdout.

    Raises:
        subprocess.CalledProcessError: it exited with a non-zero status.
    """
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": hashseed, "PYTHONPATH": str(ROOT)},
    )
    return done.stdout
