"""Explore Raft: 10,000 runs under random faults, safety and liveness, and the wall time.

Each run is a 5-node Raft cluster for 15 s of virtual time, with a random fault
schedule (``distsys_edu.checks.FaultMix()``: crashes, restarts, pauses, two-way
and one-way partitions, heals, loss, duplication between 0.5 s and 10 s; at 10 s
everything is repaired) and uniform 1-10 ms latency. Two invariants are checked
on each full trace:

* ``one_leader_per_term`` (Raft's Election Safety): the figure is ``violations``,
  which must be 0.
* ``liveness``: after the last fault ends, a leader known to every live node
  appears within 10 maximum election timeouts (10 x 300 ms = 3 s). The figure is
  ``liveness_fraction``, the share of runs where it does (target >= 0.999).

The last line of stdout is the JSON result; progress goes to stderr. With
``--profile`` the run is profiled and the top functions go to stderr.

Run: ``PYTHONPATH=. python benchmarks/explore_raft.py [--runs N] [--seed S] [--profile]``.
"""

from __future__ import annotations

import argparse

from _common import emit, machine, profile_top, progress

from distsys_edu.checks import ExploreResult, explore, invariant
from distsys_edu.protocols.raft import ELECTION_TIMEOUT

LIVENESS_TIMEOUTS = 10  # election timeouts allowed for a leader to be known after the last fault
TARGET_LIVENESS = 0.999


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="profile; top functions to stderr")
    args = parser.parse_args()

    within = LIVENESS_TIMEOUTS * ELECTION_TIMEOUT[1]
    checks = [invariant("one_leader_per_term"), invariant("liveness", within=within)]
    progress(f"explore raft: {args.runs} runs, seed {args.seed}, liveness within {within:g} s")

    def run() -> ExploreResult:
        return explore("raft", runs=args.runs, seed=args.seed, invariants=checks, progress=True)

    result = profile_top(run) if args.profile else run()

    live_failures = [c for c in result.counterexamples if c.invariant == "liveness"]
    liveness_fraction = 1 - result.violations["liveness"] / max(result.runs, 1)
    progress(
        f"done in {result.wall_s:.1f} s: {result.violations['one_leader_per_term']} safety "
        f"violation(s), liveness {liveness_fraction:.4%}"
    )
    for c in live_failures[:5]:
        progress(str(c))
    emit(
        {
            "benchmark": "explore_raft",
            "runs": result.runs,
            "violations": result.violations["one_leader_per_term"],
            "wall_s": round(result.wall_s, 2),
            "ms_per_run": round(1000 * result.wall_s / max(result.runs, 1), 2),
            "liveness_within_s": within,
            "liveness_failures": result.violations["liveness"],
            "liveness_fraction": liveness_fraction,
            "liveness_target": TARGET_LIVENESS,
            "liveness_failure_seeds": [c.seed for c in live_failures],
            "handler_failures": result.handler_failures,
            "virtual_s_per_run": result.duration,
            "nodes": result.nodes,
            "seed": result.seed,
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
