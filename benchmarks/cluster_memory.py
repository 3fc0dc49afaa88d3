"""Cluster memory: bytes a node, and how memory grows with the number of nodes.

For every protocol of the registry, under ``tracemalloc`` (the bytes Python allocated
and still holds), with a full trace:

* ``start``: spawn ``N`` nodes and run their ``started`` (``run(until=0)``), for ``N``
  in ``--nodes`` (default 300, 1,000 and 3,000). ``bytes_per_node`` is what each
  costs; ``ratio`` is memory at the largest ``N`` over memory at the middle one, which
  is the ratio of the two sizes (3.0) when memory grows linearly. Bully starts with
  ``initiator="highest"`` here, so that its first election sends ``N - 1`` messages,
  not ``N(N-1)/2``.
* ``pairs``: for the protocols whose algorithm links every pair of nodes (see
  :mod:`distsys_edu.protocols.memory`), the peak memory at ``--pair-nodes`` nodes
  while that happens (Bully: its default start, every node holding an election),
  minus ``N`` times the node cost, per pair.

Each figure is printed beside the protocol's :data:`FOOTPRINT`, the estimate that
``spawn_cluster`` checks against the memory available, which should not be below it.

Run: ``PYTHONPATH=. python benchmarks/cluster_memory.py [--nodes 300 1000 3000]``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import tracemalloc
from collections.abc import Callable
from typing import Any

from _common import emit, machine, progress

from distsys_edu import Sim
from distsys_edu.protocols import PROTOCOLS, spawn
from distsys_edu.protocols.memory import Footprint

START_OPTIONS: dict[str, dict[str, Any]] = {"bully": {"initiator": "highest"}}
"""Options that keep the start free of the per-pair burst (measured apart)."""

PAIR_PHASES: dict[str, tuple[dict[str, Any], float, Callable[[int], int]]] = {
    "bully": ({}, 0.01, lambda n: n * (n - 1) // 2),
}
"""Per protocol: the options, the virtual time until which to run, and the pairs."""


def measure(protocol: str, nodes: int, until: float, options: dict[str, Any]) -> int:
    """Peak bytes allocated while spawning ``nodes`` nodes and running until ``until``."""
    gc.collect()
    tracemalloc.start()
    sim = Sim(seed=0)
    spawn(sim, protocol, nodes, **options)
    sim.run(until=until)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del sim
    return peak


def footprint(protocol: str) -> Footprint:
    """The protocol's estimate, as its module declares it."""
    module = importlib.import_module(f"distsys_edu.protocols.{protocol}")
    estimate: Footprint = module.FOOTPRINT
    return estimate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[300, 1000, 3000])
    parser.add_argument("--pair-nodes", type=int, default=1000)
    args = parser.parse_args()
    sizes = sorted(args.nodes)
    result: dict[str, Any] = {}
    for protocol in PROTOCOLS:
        options = START_OPTIONS.get(protocol, {})
        start = {}
        for n in sizes:
            progress(f"{protocol}: start, {n} nodes")
            start[n] = measure(protocol, n, 0.0, options)
        per_node = max(start[n] / n for n in sizes)
        entry: dict[str, Any] = {
            "start_bytes": start,
            "bytes_per_node": round(per_node),
            "ratio": round(start[sizes[-1]] / start[sizes[-2]], 2) if len(sizes) > 1 else None,
            "size_ratio": sizes[-1] / sizes[-2] if len(sizes) > 1 else None,
            "footprint": vars(footprint(protocol)),
        }
        if protocol in PAIR_PHASES:
            pair_options, until, pairs_of = PAIR_PHASES[protocol]
            n = args.pair_nodes
            progress(f"{protocol}: pairs, {n} nodes until {until}")
            peak = measure(protocol, n, until, pair_options)
            entry["pair_peak_bytes"] = peak
            entry["bytes_per_pair"] = round((peak - per_node * n) / pairs_of(n))
        result[protocol] = entry
    emit({"protocols": result, "machine": machine()})


if __name__ == "__main__":
    main()
