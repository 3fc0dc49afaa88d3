"""A local Dask cluster runs explore and election_time with exactly the results of jobs=1.

Needs the ``cluster`` extra (``pip install -e '.[cluster]'``, which CI installs); without
it these tests are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import Executor

import pytest

distributed = pytest.importorskip(
    "distributed", reason="Dask is the optional 'cluster' extra: pip install -e '.[cluster]'"
)

from distsys_edu.checks import explore  # noqa: E402
from distsys_edu.experiments.election_time import election_time  # noqa: E402


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[Executor]:
    """Two worker processes on 127.0.0.1, one thread each, no dashboard."""
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = distributed.Client(cluster)
    try:
        yield client.get_executor()
    finally:
        client.close()
        cluster.close()


def test_explore_on_dask_is_exactly_explore_here(dask_executor: Executor) -> None:
    kwargs = {"runs": 16, "seed": 5, "progress": False, "max_shrink": 1}
    here = explore("bully", **kwargs)
    there = explore("bully", executor=dask_executor, **kwargs)
    assert here.counterexamples  # something was found, shrunk and merged
    assert json.dumps(here.to_dict()) == json.dumps(there.to_dict())


def test_election_time_on_dask_is_exactly_election_time_here(dask_executor: Executor) -> None:
    here = election_time(trials=24, seed=6, progress=False)
    there = election_time(trials=24, seed=6, progress=False, executor=dask_executor)
    assert json.dumps(here.to_dict(per_trial=True)) == json.dumps(there.to_dict(per_trial=True))
