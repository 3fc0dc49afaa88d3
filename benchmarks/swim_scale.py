"""SWIM at 10,000 members: wall time, CPU time and peak memory of 60 s of virtual time.

A SWIM group (``distsys_edu.protocols.swim``, default settings: round-robin ping
targets, a protocol period of 1 s) on the counts trace; one member crashes at 10 s,
so that suspicion, indirect probes and dissemination run too. Each size runs in a
fresh interpreter (this script re-invoked with ``--worker``), so that its peak RSS
(``getrusage``) is its own:

* ``swim_10000_wall_s_60s_counts``: wall seconds of the run at 10,000 members (the
  spawn not included; ``spawn_wall_s`` shows it); target <= 60 s. ``cpu_s`` is the
  process's CPU time for the same run: on a machine shared with other work it is
  the figure the run would take alone (``machine.load_avg_1m`` shows the load).
* ``swim_10000_peak_rss_mb``: the peak RSS of that process, interpreter included;
  target <= 1024 MB.
* ``peak_rss_mb``: the same at 1,000, 3,000 and 10,000 members, and
  ``mb_per_1000_members`` between successive sizes: equal when memory grows linearly
  (``linear_ratio``, the last over the first, near 1).

``--profile`` runs the largest size once more in this process under cProfile and
prints the functions that take the most time of their own on stderr.

Run: ``PYTHONPATH=. python benchmarks/swim_scale.py [--nodes 1000 3000 10000] [--virtual-s 60]``.
"""

from __future__ import annotations

import argparse
import itertools
import time
from typing import Any

from _common import emit, machine, peak_rss_mb, profile_top, progress, run_json_subprocess

from distsys_edu import Sim
from distsys_edu.protocols.swim import spawn_cluster

CRASH_AT = 10.0
WALL_TARGET_S = 60.0
RSS_TARGET_MB = 1024.0


def build(nodes: int) -> Sim:
    """A started SWIM group of ``nodes`` members whose ``n1`` crashes at ``CRASH_AT``."""
    sim = Sim(seed=0, trace="counts", faults=[f"{CRASH_AT} crash n1"])
    spawn_cluster(sim, nodes)
    return sim


def worker(nodes: int, virtual_s: float) -> dict[str, Any]:
    """Spawn, then run ``virtual_s`` seconds; the figures of this process."""
    start = time.perf_counter()
    sim = build(nodes)
    spawned = time.perf_counter()
    cpu = time.process_time()
    sim.run(until=virtual_s)
    return {
        "nodes": nodes,
        "spawn_wall_s": round(spawned - start, 2),
        "wall_s": round(time.perf_counter() - spawned, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "sent": sim.sent,
        "dead_n1_known_by_n2": "n1" in sim.annotations("n2").get("dead", ()),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--virtual-s", type=float, default=60.0)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    args = parser.parse_args()
    if args.worker:
        emit(worker(args.worker, args.virtual_s))
        return
    sizes = sorted(args.nodes)
    runs = {}
    for n in sizes:
        progress(f"swim: {n} members, {args.virtual_s:g} s of virtual time")
        runs[n] = run_json_subprocess(
            [__file__, "--worker", str(n), "--virtual-s", str(args.virtual_s)]
        )
        progress(f"  {runs[n]}")
    rss = {n: runs[n]["peak_rss_mb"] for n in sizes}
    per_1000 = [round((rss[b] - rss[a]) / (b - a) * 1000, 2) for a, b in itertools.pairwise(sizes)]
    largest = runs[sizes[-1]]
    result: dict[str, Any] = {
        f"swim_{sizes[-1]}_wall_s_{args.virtual_s:g}s_counts": largest["wall_s"],
        f"swim_{sizes[-1]}_cpu_s_{args.virtual_s:g}s_counts": largest["cpu_s"],
        f"swim_{sizes[-1]}_peak_rss_mb": largest["peak_rss_mb"],
        "peak_rss_mb": rss,
        "mb_per_1000_members": per_1000,
        "linear_ratio": round(per_1000[-1] / per_1000[0], 2) if len(per_1000) > 1 else None,
        "runs": runs,
        "targets_met": {
            "wall_s <= 60": largest["wall_s"] <= WALL_TARGET_S,
            "cpu_s <= 60": largest["cpu_s"] <= WALL_TARGET_S,
            "peak_rss_mb <= 1024": largest["peak_rss_mb"] <= RSS_TARGET_MB,
        },
        "machine": machine(),
    }
    if args.profile:
        sim = build(sizes[-1])
        profile_top(lambda: sim.run(until=args.virtual_s))
    emit(result)


if __name__ == "__main__":
    main()
