"""Fixtures that start real clusters and always end every process they started."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from netfixtures import Clusters, started_clusters


@pytest.fixture
def clusters(tmp_path) -> Iterator[Clusters]:
    with started_clusters(tmp_path) as made:
        yield made
