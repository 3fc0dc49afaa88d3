"""Helpers for the real-cluster tests: generous timeouts, and ending every process started."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from distsys_edu.net import Cluster
from distsys_edu.net.children import pid_alive, wait_until

ELECTION_TIMEOUT = (0.3, 0.6)
"""Generous for a loaded machine: two shared cores, other test runs."""

OPTIONS = {"election_timeout": list(ELECTION_TIMEOUT)}


class Clusters:
    """Starts clusters in a temporary directory and remembers every pid they use."""

    def __init__(self, tmp_path) -> None:
        self.tmp_path = tmp_path
        self.started: list[Cluster] = []
        self.pids: set[int] = set()

    def up(self, nodes: int = 5, name: str = "run", **kwargs) -> Cluster:
        kwargs.setdefault("options", OPTIONS)
        cluster = Cluster.up("raft", nodes, self.tmp_path / name, **kwargs)
        self.track(cluster)
        return cluster

    def track(self, cluster: Cluster) -> None:
        self.started.append(cluster)
        self.pids |= set(cluster.pids().values())

    def end(self) -> list[int]:
        """Down every cluster; SIGKILL whatever still lives; return the pids that lived."""
        for cluster in self.started:
            if cluster.run.path.exists():
                self.pids |= set(cluster.pids().values())
                cluster.down()
        left = [pid for pid in self.pids if pid_alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        return left


def all_ended(pids) -> bool:
    return not any(pid_alive(pid) for pid in pids)


HANG_S = 60.0
"""How long a wait for processes to end may take before the test calls it a hang: the
wait returns as soon as they have ended, so a loaded machine slows it, never fails it."""


def wait_all_ended(pids, timeout: float = HANG_S) -> None:
    wait_until(lambda: all_ended(pids), timeout, f"pids {sorted(pids)} to end")


@contextmanager
def started_clusters(tmp_path: Path) -> Iterator[Clusters]:
    """Clusters run in ``tmp_path``; every process they started is ended on the way out,
    and a process left behind fails the test."""
    made = Clusters(tmp_path)
    try:
        yield made
    finally:
        left = made.end()
    assert left == [], f"processes left behind: {left}"
