"""SWIM's false deaths: how often a live member, paused 1.5 to 3.5 s, is declared dead.

Groups of 5 and 10 members (``--nodes``), one member paused once per run (see
``distsys_edu.experiments.swim_false_deaths``), ``--runs`` runs per setting on every
core (``jobs=0``). The settings are the suspicion timeout fixed at 5 s (the default
of every group size until 2026-12-04) and the protocol's default, scaled with
``ln n``; add others with ``--timeouts 6 7``. For each: ``false_deaths`` (the count),
``rate`` and ``one_in`` (runs per false death), the runs that died (``died``, the
first 20) and the timeout in seconds.

Run: ``PYTHONPATH=. python benchmarks/swim_false_deaths.py [--runs 30000] [--nodes 5 10]``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from _common import emit, machine, progress

from distsys_edu.experiments.swim_false_deaths import false_deaths
from distsys_edu.protocols.swim import SwimConfig

FIXED_BEFORE = 5.0
"""The suspicion timeout of every group size before it scaled with ``log n``."""


def measure(runs: int, nodes: int, timeout: float | None) -> dict[str, Any]:
    """The false deaths of ``runs`` runs with one suspicion ``timeout`` (None: the default)."""
    start = time.perf_counter()
    died = false_deaths(runs, nodes=nodes, suspicion_timeout=timeout, jobs=0, progress=True)
    seconds = SwimConfig().suspicion_timeout_for(nodes) if timeout is None else timeout
    return {
        "setting": "default (scaled with log n)" if timeout is None else f"fixed {timeout:g} s",
        "suspicion_timeout_s": round(seconds, 3),
        "runs": runs,
        "false_deaths": len(died),
        "rate": len(died) / runs,
        "one_in": round(runs / len(died)) if died else None,
        "died": died[:20],
        "wall_s": round(time.perf_counter() - start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30_000)
    parser.add_argument("--nodes", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--timeouts", type=float, nargs="*", default=[])
    args = parser.parse_args()
    results = []
    for nodes in args.nodes:
        for timeout in [FIXED_BEFORE, None, *args.timeouts]:
            progress(f"{args.runs} runs of {nodes} members, suspicion timeout {timeout}")
            results.append({"nodes": nodes, **measure(args.runs, nodes, timeout)})
    emit({"settings": results, "machine": machine()})


if __name__ == "__main__":
    main()
