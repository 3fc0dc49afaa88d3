"""Fixtures that start real clusters and always end every process they started."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from netfixtures import Clusters


@pytest.fixture
def clusters(tmp_path) -> Iterator[Clusters]:
    made = Clusters(tmp_path)
    try:
        yield made
    finally:
        left = made.end()
    assert left == [], f"processes left behind: {left}"
