"""Print, as JSON, how each exercise check fares against its one-rule-removed variants.

For every variant table in ``tests/exercises/`` (see ``tests/exercises/variants.py``):
``[variants, caught, caught with a hint that names the rule]``. The tests fail unless
the last two equal the first; this script gives the figures for a report, and can be
pointed at another checkout of the package to compare (``PYTHONPATH=old/checkout``)::

    PYTHONPATH=. python tools/variant_tally.py                 # every table
    PYTHONPATH=. python tools/variant_tally.py check_terms     # one
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"

TABLES = {
    "check_same_seed": ("test_warm_ups", "SAME_SEED_VARIANTS"),
    "check_first_leader": ("test_warm_ups", "FIRST_LEADER_VARIANTS"),
    "check_ping_pong": ("test_ping_pong", "VARIANTS"),
    "check_deduplication": ("test_deduplication", "VARIANTS"),
    "check_failover": ("test_failover", "VARIANTS"),
    "check_follower_detector": ("test_follower_detector", "VARIANTS"),
    "check_phi": ("test_check_phi", "VARIANTS"),
    "check_threshold": ("test_check_threshold", "VARIANTS"),
    "check_bully": ("test_check_bully", "VARIANTS"),
    "check_ring": ("test_check_ring", "VARIANTS"),
    "check_terms": ("test_terms", "VARIANTS"),
    "check_timeouts": ("test_timeouts", "VARIANTS"),
    "check_fixed_protocol": ("test_fixed_protocol", "VARIANTS"),
    "check_vote_invariant": ("test_vote_invariant", "VARIANTS"),
    "check_state_invariant": ("test_state_invariant", "VARIANTS"),
    "check_smallest_bound": ("test_smallest_bound", "VARIANTS"),
    "check_step_downs": ("test_real_traces", "STEP_DOWN_VARIANTS"),
    "check_terms_with_two_leaders": ("test_real_traces", "TWO_LEADER_VARIANTS"),
    "check_sessions": ("test_kv_store", "SESSION_VARIANTS"),
    "check_cas_step": ("test_kv_store", "CAS_VARIANTS"),
    "check_log_repair": ("test_replication", "REPAIR_VARIANTS"),
    "check_commit_rule": ("test_replication", "COMMIT_VARIANTS"),
}
"""Check name -> (test module in tests/exercises, name of its variant table)."""


def main(names: list[str]) -> None:
    sys.path[:0] = [str(TESTS / "exercises"), str(TESTS)]
    from variants import tally  # type: ignore[import-not-found]  # tests/exercises, on sys.path

    import distsys_edu.exercises as exercises

    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise SystemExit(f"unknown check {unknown[0]!r}: must be one of {', '.join(TABLES)}")
    figures = {}
    for name in names or list(TABLES):
        module, table = TABLES[name]
        variants = getattr(importlib.import_module(module), table)
        figures[name] = list(tally(getattr(exercises, name), variants))
    print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1:])
