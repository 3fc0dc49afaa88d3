"""Spawning a large cluster: wall seconds to spawn Raft clusters of growing size, and the
whole ``distsys-edu run raft --nodes 100000 --until 0.001``.

* ``spawn_s``: seconds to spawn ``n`` Raft nodes into a full-trace Sim (what ``run``
  does), each size in this process after a full collection; ``us_per_node`` and
  ``linear_ratio`` (microseconds per node at the largest size over the smallest: near 1
  when spawning is linear).
* ``cli_s``: the whole command at the largest size, in a fresh interpreter (spawn,
  run, the timeline and the digest), with the progress lines it printed on stderr.

Run: ``PYTHONPATH=. python benchmarks/spawn_scale.py [--nodes 10000 30000 100000]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from typing import Any

from _common import emit, machine, progress, timed

from distsys_edu import Sim
from distsys_edu.protocols import spawn


def spawn_seconds(nodes: int) -> float:
    """Seconds to spawn ``nodes`` Raft nodes (the Sim made beforehand)."""
    sim = Sim(seed=0)
    return timed(lambda: spawn(sim, "raft", nodes))


def cli_seconds(nodes: int) -> dict[str, Any]:
    """The wall seconds of the whole ``run`` command, and what it said on stderr."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    argv = [sys.executable, "-m", "distsys_edu", "run", "raft", "--nodes", str(nodes)]
    start = time.perf_counter()
    done = subprocess.run(
        [*argv, "--until", "0.001"], env=env, capture_output=True, text=True, check=True
    )
    return {
        "cli_s": round(time.perf_counter() - start, 2),
        "progress_lines": done.stderr.splitlines(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    args = parser.parse_args()
    sizes = sorted(args.nodes)
    rows = []
    for nodes in sizes:
        progress(f"spawning {nodes} Raft nodes")
        seconds = spawn_seconds(nodes)
        rows.append(
            {"nodes": nodes, "spawn_s": round(seconds, 2), "us_per_node": seconds / nodes * 1e6}
        )
    progress(f"distsys-edu run raft --nodes {sizes[-1]} --until 0.001")
    cli = cli_seconds(sizes[-1])
    emit(
        {
            "spawn": rows,
            "linear_ratio": round(rows[-1]["us_per_node"] / rows[0]["us_per_node"], 2),
            f"cli_{sizes[-1]}": cli,
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
