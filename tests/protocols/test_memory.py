"""Cluster memory: linear in the number of nodes, estimated, and refused up front when it
cannot fit."""

from __future__ import annotations

import gc
import importlib
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from distsys_edu import InvalidArgument, Sim
from distsys_edu.protocols import PROTOCOLS, memory, spawn
from distsys_edu.protocols.memory import Footprint, available_memory, size_text

START_OPTIONS: dict[str, dict[str, Any]] = {"bully": {"initiator": "highest"}}
"""Bully's default start is a burst of N(N-1)/2 Elections, estimated apart (per pair)."""


def started_bytes(protocol: str, nodes: int) -> int:
    """Peak bytes Python allocates to spawn and start ``nodes`` nodes (full trace)."""
    gc.collect()
    tracemalloc.start()
    try:
        sim = Sim(seed=0)
        spawn(sim, protocol, nodes, **START_OPTIONS.get(protocol, {}))
        sim.run(until=0.0)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def footprint(protocol: str) -> Footprint:
    estimate: Footprint = importlib.import_module(f"distsys_edu.protocols.{protocol}").FOOTPRINT
    return estimate


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_memory_grows_linearly_with_the_nodes(protocol: str) -> None:
    # Three times the nodes, three times the memory: every node shares one Membership
    # of the cluster instead of its own list of peers (which made it grow as N^2).
    ratio = started_bytes(protocol, 600) / started_bytes(protocol, 200)
    assert 2.7 < ratio < 3.3


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_the_estimate_covers_what_a_started_cluster_takes(protocol: str) -> None:
    assert started_bytes(protocol, 400) <= footprint(protocol).estimate(400)


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_a_cluster_too_big_for_the_memory_is_refused_before_anything_is_spawned(
    protocol: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 10 * 2**20)
    sim = Sim(seed=0)
    nodes = 5000
    with pytest.raises(InvalidArgument) as refused:
        spawn(sim, protocol, nodes)
    message = str(refused.value)
    assert message.startswith(f"nodes={nodes} is not allowed: a {protocol} cluster")
    assert f"{footprint(protocol).per_node} bytes a node" in message
    assert "more than the 10.0 MB of memory available" in message
    assert sim.nodes == [] and len(sim.trace) == 0 and sim.next_time() is None


def test_the_refusal_gives_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 2**30)
    with pytest.raises(InvalidArgument, match=r"needs about 1\.3 GB \(7000 bytes a node\)"):
        spawn(Sim(), "raft", 200_000)
    with pytest.raises(InvalidArgument, match=r"swim cluster of 200000 nodes needs about 1\.3 GB"):
        spawn(Sim(), "swim", 200_000)  # no cost per pair: a probe order is three numbers


def test_a_cluster_that_fits_is_spawned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: footprint("raft").estimate(5))
    assert len(spawn(Sim(), "raft", 5)) == 5


def test_when_the_memory_is_unknown_nothing_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: None)
    memory.check_cluster_fits("raft", 10**9, footprint("raft"))


def test_bully_counts_the_burst_of_its_first_election(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2000 nodes fit in 20 MB, but not when every node asks every higher one at once.
    monkeypatch.setattr(memory, "available_memory", lambda: 20 * 2**20)
    with pytest.raises(InvalidArgument, match="a linked pair of nodes"):
        spawn(Sim(), "bully", 2000)
    with pytest.raises(InvalidArgument):
        spawn(Sim(), "bully", 2000, initiator=None)  # every detector gives up at once
    spawn(Sim(), "bully", 2000, initiator="highest")


def test_available_memory_reads_mem_available(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  4000 kB\nMemFree:  100 kB\nMemAvailable:  2000 kB\n")
    monkeypatch.setattr(memory, "_MEMINFO", str(meminfo))
    assert available_memory() == 2000 * 1024


def test_available_memory_falls_back_to_sysconf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory, "_MEMINFO", str(tmp_path / "missing"))
    pages = {"SC_AVPHYS_PAGES": 3, "SC_PAGE_SIZE": 4096}
    monkeypatch.setattr(memory.os, "sysconf", pages.__getitem__)
    assert available_memory() == 3 * 4096

    def unknown(name: str) -> int:
        raise ValueError(f"unrecognized configuration name {name!r}")

    monkeypatch.setattr(memory.os, "sysconf", unknown)
    assert available_memory() is None


def test_size_text() -> None:
    assert size_text(10 * 2**20) == "10.0 MB"
    assert size_text(1.5 * 2**30) == "1.5 GB"
