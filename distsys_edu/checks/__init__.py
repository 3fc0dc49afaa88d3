"""Checks: invariants over traces, many-seed exploration, shrinking.

Everything here reads only traces and snapshots (never an actor's fields),
through the shared annotation keys ``role``, ``term``, ``leader`` and
``suspects`` (see :mod:`distsys_edu.protocols.cluster`).

    >>> from distsys_edu.checks import explore
    >>> result = explore("raft", runs=20, progress=False)
    >>> result.violations
    {'one_leader_per_term': 0}
    >>> print(result)  # the summary; result.details() lists every counterexample
    explore raft: 20 runs of 15 s from seed 0, 5 nodes
      one_leader_per_term: broken in 0 of 20 runs
    No run broke an invariant.
"""

from ..jobs import RunFailed
from .cluster_state import ClusterState, instants, last_fault_time, steps
from .determinism import DeterminismResult, check_determinism
from .explore import (
    BUILTIN_CHECKS,
    DEFAULT_INVARIANTS,
    Counterexample,
    ExploreResult,
    Invariant,
    explore,
    invariant,
    replay_snippet,
    run_once,
)
from .invariants import (
    DEFAULT_GRACE,
    DEFAULT_WINDOW,
    Detection,
    LeaderAgreement,
    Suspicion,
    Violation,
    completeness,
    detection_times,
    false_suspicions,
    leader_known_by_all,
    liveness,
    one_leader_among_reachable,
    one_leader_per_term,
)
from .schedules import FaultMix, random_schedule, run_seed
from .shrink import Shrunk, ddmin, shrink_schedule

__all__ = [
    "BUILTIN_CHECKS",
    "DEFAULT_GRACE",
    "DEFAULT_INVARIANTS",
    "DEFAULT_WINDOW",
    "ClusterState",
    "Counterexample",
    "Detection",
    "DeterminismResult",
    "ExploreResult",
    "FaultMix",
    "Invariant",
    "LeaderAgreement",
    "RunFailed",
    "Shrunk",
    "Suspicion",
    "Violation",
    "check_determinism",
    "completeness",
    "ddmin",
    "detection_times",
    "explore",
    "false_suspicions",
    "instants",
    "invariant",
    "last_fault_time",
    "leader_known_by_all",
    "liveness",
    "one_leader_among_reachable",
    "one_leader_per_term",
    "random_schedule",
    "replay_snippet",
    "run_once",
    "run_seed",
    "shrink_schedule",
    "steps",
]
