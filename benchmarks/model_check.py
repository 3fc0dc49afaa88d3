"""Model checking speed: distinct states per second for a 3-node Raft election.

The search: ``model_check("raft", nodes=3, max_depth=D, max_term=T)`` (defaults
D=6, T=1: every interleaving of the first election's messages and timers, no
loss, no crash), with symmetry reduction, timers in each node's due order.

Figures, all from this one process:

* ``states_per_s``: distinct states found per wall-clock second, and
  ``transitions_per_s``: choices tried per second.
* ``bytes_per_state``: the peak memory ``tracemalloc`` sees during a second,
  identical search, over its distinct states: what the search keeps per state
  (its hash, parent, choice, budget and claims) plus one replayed Sim at a time.
* ``runtime_events_per_s``: the same Raft cluster run by the normal loop
  (``sim.run``), events per second, and ``ratio_states_to_events``: states per
  second over that; ``bare_loop_events_per_s``: a plain ``heapq`` loop calling
  handlers (``token_ring.py``'s bare loop, the least an event loop can do), and
  ``ratio_states_to_bare_loop``.
* ``lesson10_s``: wall-clock seconds of the searches lesson 10 runs (with
  ``--lesson``): the broken Raft at depth 6 and 5, the fixed one at depth 6, and
  the fixed one at depths 2-6 with and without symmetry.

What limits the search (docs/model-checking.md): per transition, restoring the
parent state's Sim from its pickle, one controlled step, and the state's key
(encoding every actor field, then one renaming where the nodes differ).

The last line of stdout is the JSON result; progress goes to stderr.

Run: ``PYTHONPATH=. python benchmarks/model_check.py [--max-depth D] [--max-term T] [--lesson]``.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from _common import emit, machine, progress, timed
from token_ring import prepare_bare_loop

from distsys_edu.checks import model_check
from distsys_edu.exercises.broken import spawn_broken, spawner
from distsys_edu.exercises.solutions.broken import FixedRaftNode
from distsys_edu.protocols import spawn
from distsys_edu.runtime import Sim


def runtime_events_per_s(seconds: float = 30.0) -> float:
    """Events per second of the normal loop on a 3-node Raft cluster (counts trace)."""
    sim = Sim(0, trace="counts")
    spawn(sim, "raft", 3)
    start = time.perf_counter()
    sim.run(until=seconds)
    elapsed = time.perf_counter() - start
    events = sum(sim.trace.counts()["events"].values())
    return events / elapsed


def bare_loop_events_per_s(events: int = 200_000) -> float:
    """Events per second of a plain ``heapq`` loop (``token_ring.py``'s bare loop)."""
    run, delivered = prepare_bare_loop(events)
    seconds = timed(run)
    return delivered() / seconds


def lesson10_searches() -> None:
    """The model checks lesson 10 runs, in its order (its cells, without the pictures)."""
    fixed = spawner(FixedRaftNode)
    model_check(spawn_broken, 3, max_depth=6, max_term=1, progress=False)
    model_check(spawn_broken, 3, max_depth=5, max_term=1, progress=False)
    model_check(fixed, 3, max_depth=6, max_term=1, progress=False)
    for depth in range(2, 7):
        for symmetry in (False, True):
            model_check(fixed, 3, max_depth=depth, max_term=1, symmetry=symmetry, progress=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-depth", type=int, default=6)
    parser.add_argument("--max-term", type=int, default=1)
    parser.add_argument("--lesson", action="store_true", help="time lesson 10's searches too")
    args = parser.parse_args()
    bounds = {"max_depth": args.max_depth, "max_term": args.max_term}
    progress(f"model_check raft, 3 nodes, {bounds}")
    result = model_check("raft", 3, progress=False, **bounds)
    progress(str(result))
    progress("the same search under tracemalloc, for memory per state")
    tracemalloc.start()
    again = model_check("raft", 3, progress=False, **bounds)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    progress("the normal loop on the same cluster")
    events_per_s = runtime_events_per_s()
    progress("a bare heapq loop")
    bare_per_s = bare_loop_events_per_s()
    lesson_s = None
    if args.lesson:
        progress("lesson 10's searches")
        lesson_s = round(timed(lesson10_searches), 2)
    states_per_s = result.states / result.wall_s
    emit(
        {
            "benchmark": "model_check_raft",
            "nodes": 3,
            "bounds": bounds,
            "states": result.states,
            "transitions": result.transitions,
            "depth": result.depth,
            "exhausted": result.exhausted,
            "wall_s": round(result.wall_s, 2),
            "states_per_s": round(states_per_s, 1),
            "transitions_per_s": round(result.transitions / result.wall_s, 1),
            "bytes_per_state": round(peak / again.states),
            "runtime_events_per_s": round(events_per_s),
            "ratio_states_to_events": round(states_per_s / events_per_s, 6),
            "bare_loop_events_per_s": round(bare_per_s),
            "ratio_states_to_bare_loop": round(states_per_s / bare_per_s, 6),
            "lesson10_s": lesson_s,
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
