"""Raft's Figure 8 found by ``explore``: how often, how short, how fast.

Three servers, one client writing, 15 s runs, 1-10 ms latency, faults drawn by
:data:`distsys_edu.checks.ISOLATE_THE_LEADER` (40 to 80 times a run, the server
that leads then is cut off from the others). Each server is one of:

* ``broken``: :class:`~distsys_edu.protocols.raftlog.old_terms.CommitsOldTerms`
  (commits an older term's entry by counting replicas) without the no-op;
* ``broken_noop``: the same with the no-op, which hides the bug;
* ``correct``: :class:`~distsys_edu.protocols.raftlog.RaftLogNode` without the no-op;
* ``correct_noop``: the same with the no-op (the default).

And the faults aimed at ``leader`` (resolved when they fire) or at random servers
(``random``: the same mix with ``target=None``, the same number of partitions). The
invariants: State Machine Safety, "a committed entry is never lost", Leader
Completeness. Shrinking: the first counterexample of State Machine Safety.

Figures per case: ``runs``, ``found`` (runs that broke any invariant), ``by_invariant``,
``shrunk`` (the shrunk schedule's faults, as text), ``shrink_runs``, ``wall_s`` (the
whole explore call: runs and shrinking) on this machine.

The last line of stdout is the JSON result. Run:
``PYTHONPATH=. python benchmarks/figure8_explore.py [--runs N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from typing import Any

from _common import emit, machine, progress

from distsys_edu.checks import ISOLATE_THE_LEADER, explore
from distsys_edu.protocols.raftlog import spawn_cluster
from distsys_edu.protocols.raftlog.old_terms import spawn_commits_old_terms
from distsys_edu.runtime import Sim

CHECKS = ["state_machine_safety", "committed_never_lost", "leader_completeness"]


def spawn_broken_noop(sim: Sim, nodes: Any = 3, **options: Any) -> list[str]:
    """The broken server with the no-op."""
    return spawn_commits_old_terms(sim, nodes, noop=True, **options)


def spawn_correct(sim: Sim, nodes: Any = 3, **options: Any) -> list[str]:
    """The correct server without the no-op."""
    return spawn_cluster(sim, nodes, noop=False, **options)


def spawn_correct_noop(sim: Sim, nodes: Any = 3, **options: Any) -> list[str]:
    """The correct server with the no-op."""
    return spawn_cluster(sim, nodes, noop=True, **options)


SERVERS = {
    "broken": spawn_commits_old_terms,
    "broken_noop": spawn_broken_noop,
    "correct": spawn_correct,
    "correct_noop": spawn_correct_noop,
}


def measure(server: str, target: str | None, runs: int, seed: int) -> dict[str, Any]:
    """One explore call; the figures above."""
    started = time.perf_counter()
    result = explore(
        SERVERS[server],
        runs=runs,
        seed=seed,
        nodes=3,
        faults=replace(ISOLATE_THE_LEADER, target=target),
        invariants=CHECKS,
        options={"clients": 1},
        max_shrink=1,
        progress=False,
    )
    wall = time.perf_counter() - started
    found = {c.run for c in result.counterexamples}
    first = next((c for c in result.counterexamples if c.invariant == "state_machine_safety"), None)
    shrunk = None if first is None or first.minimal is None else [str(f) for f in first.minimal]
    return {
        "server": server,
        "target": target or "random",
        "runs": runs,
        "found": len(found),
        "by_invariant": result.violations,
        "shrunk": shrunk,
        "shrink_runs": None if first is None else first.shrink_runs,
        "wall_s": round(wall, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    cases = []
    for server in SERVERS:
        for target in ("leader", None):
            progress(f"{server}, faults aimed at {target or 'random servers'}")
            cases.append(measure(server, target, args.runs, args.seed))
    emit({"cases": cases, "seed": args.seed, "machine": machine()})


if __name__ == "__main__":
    main()
