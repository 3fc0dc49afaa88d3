"""Puts this folder on ``sys.path``, so tests in any folder below can import the helpers
shared by all of them (``from determinism import ...``), whichever test files are run.

(pytest's default import mode does this for a ``conftest.py`` outside a package too;
doing it here keeps it true under ``--import-mode=importlib``.)

Marks every collected test with its slow kinds (``browser``, ``binder``, ``net``,
``notebook``, ``slow``: the rule is ``slow_kinds.kinds_of``), which ``make check`` leaves out.

Loads a Hypothesis profile (``hypothesis_profiles``); under ``make check``'s ``check``
profile, every property test runs at most a few examples.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from hypothesis_profiles import CHECK_PROFILE, cap_examples  # noqa: E402  (tests/ on sys.path)
from slow_kinds import kinds_of, left_out_whole  # noqa: E402  (needs tests/ on sys.path)

# Notebooks under tests/ are test material (the browser harness's, the lesson builder's
# fixtures), run by the tests that own them; only lessons/ is checked by nbval.
collect_ignore_glob = ["**/*.ipynb"]

# Hypothesis's profiles (dev, ci, check): see hypothesis_profiles. `--hypothesis-profile`
# (make check passes `check`) overrides this choice.
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Marks each test with its slow kinds (``slow_kinds.kinds_of``): a new test in
    ``tests/browser/``, or one that uses the ``clusters`` fixture, is marked by itself.

    Under the ``check`` Hypothesis profile, caps each property test's examples
    (``hypothesis_profiles.cap_examples``)."""
    fast = config.getoption("hypothesis_profile", None) == CHECK_PROFILE
    for item in items:
        if fast:
            cap_examples(getattr(item, "obj", None), getattr(item, "cls", None))
        path = Path(str(item.path))
        where = path.relative_to(TESTS) if path.is_relative_to(TESTS) else Path(path.name)
        fixtures = getattr(item, "fixturenames", ())  # a notebook cell (nbval) has none
        callspec = getattr(item, "callspec", None)  # a parametrized test's case
        first_row = callspec is None or not any(callspec.indices.values())
        for kind in sorted(kinds_of(where.as_posix(), item.name, fixtures, first_row)):
            item.add_marker(getattr(pytest.mark, kind))


def pytest_ignore_collect(collection_path: Path, config: Any) -> bool | None:
    """Does not even import a test module (or folder) that ``-m`` leaves out whole
    (``slow_kinds.left_out_whole``): under ``make check``, ``tests/browser/`` and the
    notebook modules, whose imports (Playwright, nbformat, Otter) cost seconds."""
    path = Path(collection_path)
    if not path.is_relative_to(TESTS) or path == Path(TESTS):
        return None
    where = path.relative_to(TESTS).as_posix()
    return True if left_out_whole(where, config.getoption("markexpr", "")) else None
