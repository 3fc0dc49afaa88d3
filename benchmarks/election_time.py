"""Election time: wall time of 1,000 trials of the Figure 16 experiment.

Five Raft-style nodes, election timeouts 150-300 ms, one-way latency 5-10 ms,
heartbeat 75 ms, ``trace="counts"``: each trial bootstraps a leader, crashes it at
a random moment of its heartbeat interval and steps event by event until a new
leader is known to every live node (see ``distsys_edu.experiments.election_time``).
Target: ``wall_s <= 20``. The same trials with ``jobs=2`` worker processes are timed
right after, in the same process (``trials_per_s_jobs2``, ``same_result_jobs2``).

``--profile`` also prints the 25 most expensive functions (own time, callees
excluded) to stderr, to see where the time goes.

Run: ``PYTHONPATH=. python benchmarks/election_time.py [--trials N] [--profile]``.
"""

from __future__ import annotations

import argparse
from typing import Any

from _common import emit, machine, peak_rss_mb, profile_top, progress, timed

from distsys_edu.experiments.election_time import election_time
from distsys_edu.protocols.raft import ELECTION_TIMEOUT

TARGET_WALL_S = 20.0
SETTINGS: dict[str, Any] = {
    "nodes": 5,
    "timeout": ELECTION_TIMEOUT,
    "latency": (0.005, 0.010),
    "seed": 0,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="cProfile top 25 to stderr")
    args = parser.parse_args()

    progress(f"election-time: {args.trials} trials, 5 nodes, 150-300 ms, latency 5-10 ms ...")
    results: list[Any] = []

    def run() -> None:
        results.append(election_time(trials=args.trials, progress=False, **SETTINGS))

    wall_s = timed(run)
    if args.profile:
        profile_top(lambda: election_time(trials=args.trials, progress=False, **SETTINGS))
    result = results[0]
    wall_jobs2 = timed(
        lambda: results.append(
            election_time(trials=args.trials, progress=False, jobs=2, **SETTINGS)
        )
    )
    progress(f"{wall_s:.2f} s wall, mean {result.mean_ms:.1f} ms, p99 {result.p99_ms:.1f} ms")
    emit(
        {
            "benchmark": "election_time",
            "trials": result.trials,
            "nodes": result.nodes,
            "timeout_ms": list(result.timeout_ms),
            "latency_ms": list(result.latency_ms),
            "heartbeat_ms": result.heartbeat_ms,
            "mean_ms": round(result.mean_ms, 3),
            "median_ms": round(result.median_ms, 3),
            "p99_ms": round(result.p99_ms, 3),
            "max_ms": round(result.max_ms, 3),
            "split_vote_rate": result.split_vote_rate,
            "mean_terms": result.mean_terms,
            "trials_per_s": round(result.trials / wall_s, 1),
            "trials_per_s_jobs2": round(result.trials / wall_jobs2, 1),
            "same_result_jobs2": results[-1].to_dict(per_trial=True)
            == result.to_dict(per_trial=True),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "targets_met": {f"wall_s <= {TARGET_WALL_S:g}": wall_s <= TARGET_WALL_S},
            "machine": machine(),
            "wall_s": round(wall_s, 3),
        }
    )


if __name__ == "__main__":
    main()
