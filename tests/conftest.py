"""Puts this folder on ``sys.path``, so tests in any folder below can import the helpers
shared by all of them (``from determinism import ...``), whichever test files are run.

(pytest's default import mode does this for a ``conftest.py`` outside a package too;
doing it here keeps it true under ``--import-mode=importlib``.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import settings

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

# Notebooks under tests/ are test material (the browser harness's, the lesson builder's
# fixtures), run by the tests that own them; only lessons/ is checked by nbval.
collect_ignore_glob = ["**/*.ipynb"]

# Hypothesis explores new examples on every local run (that is how it finds bugs);
# under CI (CI=true) it derandomizes, so that a landing never hangs on a lucky draw. A
# failure found locally is kept in .hypothesis/ and replayed first next time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
