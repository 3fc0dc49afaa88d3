"""Checks: invariants over traces, many-seed exploration, shrinking, model checking,
linearizability.

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
from .history import History, HistoryError, Operation
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
from .jepsen import load_history, parse_history
from .linearizable import LinearizabilityResult, history_linearizable, linearizable
from .model_check import model_check
from .model_result import ModelCheckResult, ModelViolation
from .model_state import STATE_INVARIANTS, ModelView
from .raftlog import (
    committed_never_lost,
    leader_completeness,
    log_matching,
    state_machine_safety,
)
from .real_histories import REAL_HISTORIES, real_history
from .schedules import ISOLATE_THE_LEADER, FaultMix, random_schedule, run_seed
from .shrink import Shrunk, ddmin, shrink_schedule

__all__ = [
    "BUILTIN_CHECKS",
    "DEFAULT_GRACE",
    "DEFAULT_INVARIANTS",
    "DEFAULT_WINDOW",
    "ISOLATE_THE_LEADER",
    "REAL_HISTORIES",
    "STATE_INVARIANTS",
    "ClusterState",
    "Counterexample",
    "Detection",
    "DeterminismResult",
    "ExploreResult",
    "FaultMix",
    "History",
    "HistoryError",
    "Invariant",
    "LeaderAgreement",
    "LinearizabilityResult",
    "ModelCheckResult",
    "ModelView",
    "ModelViolation",
    "Operation",
    "RunFailed",
    "Shrunk",
    "Suspicion",
    "Violation",
    "check_determinism",
    "committed_never_lost",
    "completeness",
    "ddmin",
    "detection_times",
    "explore",
    "false_suspicions",
    "history_linearizable",
    "instants",
    "invariant",
    "last_fault_time",
    "leader_completeness",
    "leader_known_by_all",
    "linearizable",
    "liveness",
    "load_history",
    "log_matching",
    "model_check",
    "one_leader_among_reachable",
    "one_leader_per_term",
    "parse_history",
    "random_schedule",
    "real_history",
    "replay_snippet",
    "run_once",
    "run_seed",
    "shrink_schedule",
    "state_machine_safety",
    "steps",
]
