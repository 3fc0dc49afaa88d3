"""The ``any_world`` fixture: each test that takes it runs in a Sim and in a Probe.

See ``runtime_worlds.py``: the runtime's ``Context``, ``Addr`` and ``Timer`` behave
the same in every world that implements ``World``.
"""

from __future__ import annotations

import pytest
from runtime_worlds import WORLDS, AnyWorld


@pytest.fixture(params=sorted(WORLDS))
def any_world(request: pytest.FixtureRequest) -> AnyWorld:
    """A fresh world of each kind (``sim``, ``probe``), seed 0, no node started yet."""
    return WORLDS[request.param]()
