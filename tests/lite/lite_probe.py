"""What the browser must compute as CPython does: a simulation, an explore, an exercise.

Run as a script (``python lite_probe.py``) it prints one JSON object of digests; the
browser test runs the same source in Pyodide and compares. Only the standard library
and ``distsys_edu`` are imported, so it runs wherever the package imports.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

from distsys_edu.checks import explore
from distsys_edu.exercises import check_terms
from distsys_edu.exercises.solutions.terms import TermsNode
from distsys_edu.protocols.registry import spawn
from distsys_edu.runtime import Sim


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def probe() -> dict[str, Any]:
    """Digests of a Raft run with its leader crashed, an explore and a terms check.

    Virtual time only: 30 virtual seconds of Raft on five nodes (node ``n0`` crashed at
    t=5 and restarted at t=15), eight explored Raft runs of the default length with
    ``jobs=0`` (one job where no process can start), and lesson 05's terms check on
    its worked answer.
    """
    sim = Sim(seed=7)
    names = spawn(sim, "raft", 5)
    sim.run(until=5.0)
    sim.crash(names[0])
    sim.run(until=15.0)
    sim.restart(names[0])
    sim.run(until=30.0)
    found = explore("raft", runs=8, seed=3, progress=False, jobs=0).to_dict()
    found.pop("wall_s", None)
    checked = check_terms(TermsNode)
    return {
        "platform": sys.platform,
        "trace_events": len(sim.trace),
        "trace_digest": sim.trace.digest(),
        "explore_violations": found["violations"],
        "explore_digest": _digest(found),
        "exercise_status": checked.status,
        "exercise_digest": _digest(checked.to_dict()),
    }


if __name__ == "__main__":
    print(json.dumps(probe(), sort_keys=True))
