"""Exercises: the checks that lessons call, what they return, and the probe they share
with the tests.

Each ``check_*`` function runs the class a learner wrote through named, seeded
scenarios and returns an :class:`ExerciseResult` (a coloured box in a notebook,
a few deterministic lines as text). It never raises on an unfinished stub; with
``strict=True`` or ``DISTSYS_EDU_STRICT=1`` anything but a pass raises
:class:`ExerciseFailed`.

:class:`Probe` drives one actor's handlers by hand, with no network, and records what
the actor sends, schedules and publishes: a protocol rule is checked in a few lines. It
is a world of one actor (it implements the runtime's ``World``), whose virtual clock
moves only when the check says so.
"""

from .broken import check_fixed_protocol
from .bully import check_bully
from .dedup import check_deduplication
from .failover import check_failover
from .follower import check_follower_detector
from .kv_store import check_cas_step, check_sessions
from .phi import check_phi
from .ping_pong import check_ping_pong
from .probe import Probe, Sent
from .real_traces import check_step_downs, check_terms_with_two_leaders
from .replication import check_commit_rule, check_log_repair
from .result import ExerciseFailed, ExerciseResult, ScenarioOutcome
from .ring import check_ring
from .runner import STRICT_ENV, Exercise, Problem, Scenario, register, replay, run_scenarios
from .smallest_bound import check_smallest_bound
from .state_invariant import check_state_invariant
from .terms import check_terms
from .threshold import check_threshold
from .timeouts import check_timeouts
from .vote_invariant import check_vote_invariant
from .warm_ups import check_first_leader, check_same_seed

__all__ = [
    "STRICT_ENV",
    "Exercise",
    "ExerciseFailed",
    "ExerciseResult",
    "Probe",
    "Problem",
    "Scenario",
    "ScenarioOutcome",
    "Sent",
    "check_bully",
    "check_cas_step",
    "check_commit_rule",
    "check_deduplication",
    "check_failover",
    "check_first_leader",
    "check_fixed_protocol",
    "check_follower_detector",
    "check_log_repair",
    "check_phi",
    "check_ping_pong",
    "check_ring",
    "check_same_seed",
    "check_sessions",
    "check_smallest_bound",
    "check_state_invariant",
    "check_step_downs",
    "check_terms",
    "check_terms_with_two_leaders",
    "check_threshold",
    "check_timeouts",
    "check_vote_invariant",
    "register",
    "replay",
    "run_scenarios",
]
