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

Speed, measured side by side in this one process: ``--speed-runs`` runs (default 400)
with the default invariant on one core (``explore_raft_runs_per_s``, target >= 100)
and the same runs with ``jobs=2`` worker processes (``explore_raft_runs_per_s_jobs2``,
start-up of the workers included); ``same_result_jobs2`` says whether both gave the
same result, as they must.

The last line of stdout is the JSON result; progress goes to stderr. With
``--profile`` the one-core speed run is profiled and the top functions go to stderr.

Run: ``PYTHONPATH=. python benchmarks/explore_raft.py [--runs N] [--jobs J] [--seed S]
[--speed-runs M] [--profile]``.
"""

from __future__ import annotations

import argparse
from typing import Any

from _common import emit, machine, profile_top, progress, timed

from distsys_edu.checks import ExploreResult, explore, invariant
from distsys_edu.protocols.raft import ELECTION_TIMEOUT

LIVENESS_TIMEOUTS = 10  # election timeouts allowed for a leader to be known after the last fault
TARGET_LIVENESS = 0.999
TARGET_RUNS_PER_S = 100.0


def speed(runs: int, seed: int, profile: bool) -> dict[str, Any]:
    """Runs per second of explore("raft") on one core and with jobs=2, side by side."""
    results: dict[int, ExploreResult] = {}
    figures: dict[str, Any] = {}
    for jobs in (1, 2):

        def run(jobs: int = jobs) -> None:
            results[jobs] = explore("raft", runs=runs, seed=seed, jobs=jobs, progress=False)

        wall_s = timed((lambda: profile_top(run)) if profile and jobs == 1 else run)
        suffix = "" if jobs == 1 else f"_jobs{jobs}"
        figures[f"explore_raft_runs_per_s{suffix}"] = round(runs / wall_s, 1)
        progress(f"speed: {runs} runs, jobs={jobs}: {runs / wall_s:.1f} runs/s")
    figures["speed_runs"] = runs
    figures["same_result_jobs2"] = results[1].to_dict() == results[2].to_dict()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0: all cores)")
    parser.add_argument("--speed-runs", type=int, default=400)
    parser.add_argument("--profile", action="store_true", help="profile; top functions to stderr")
    args = parser.parse_args()
    figures = speed(args.speed_runs, args.seed, args.profile)

    within = LIVENESS_TIMEOUTS * ELECTION_TIMEOUT[1]
    checks = [invariant("one_leader_per_term"), invariant("liveness", within=within)]
    progress(f"explore raft: {args.runs} runs, seed {args.seed}, liveness within {within:g} s")

    result = explore(
        "raft", runs=args.runs, seed=args.seed, invariants=checks, progress=True, jobs=args.jobs
    )

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
            **figures,
            "targets_met": {
                f"explore_raft_runs_per_s >= {TARGET_RUNS_PER_S:g}": figures[
                    "explore_raft_runs_per_s"
                ]
                >= TARGET_RUNS_PER_S,
                f"liveness_fraction >= {TARGET_LIVENESS}": liveness_fraction >= TARGET_LIVENESS,
            },
            "runs": result.runs,
            "jobs": args.jobs,
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
