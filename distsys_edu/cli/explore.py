"""``explore PROTOCOL``: many seeded runs with random faults, checked by invariants."""

from __future__ import annotations

import argparse

from ..checks import FaultMix, explore
from . import args as checked
from .output import emit
from .snippet import HINT, print_snippet, wanted

TARGETS = ("random", "leader")
"""``--target``: faults strike random servers, or the leader (``FaultMix(target="leader")``)."""


def cmd_explore(args: argparse.Namespace) -> int:
    """``explore PROTOCOL``: many seeded runs with random faults, checked by invariants.

    Prints :meth:`ExploreResult.summary` (``--all``: every counterexample too).
    ``--target leader`` aims the default fault mix at whoever leads when each fault
    fires (see :mod:`distsys_edu.checks.nemesis`).
    The JSON is :meth:`ExploreResult.to_dict` with one change: ``violations`` lists
    the counterexamples (each with ``invariant``, ``seed``, ``schedule``, the shrunk
    ``minimal`` schedule and a ``replay`` program), and the per-invariant counts move
    to ``violation_counts``. It holds no timings, so the same command prints the
    same bytes.
    """
    protocol = checked.protocol_name(args.protocol)
    result = explore(
        protocol,
        runs=checked.int_at_least("--runs", args.runs, 1),
        seed=args.seed,
        nodes=checked.int_at_least("--nodes", args.nodes, 1),
        max_shrink=checked.int_at_least("--max-shrink", args.max_shrink, 0),
        progress=not (args.json or wanted(args)),
        jobs=checked.int_at_least("--jobs", args.jobs, 0),
        options=checked.knob_settings(protocol, args.set),
        faults=FaultMix(target=None if args.target == "random" else args.target),
    )
    data = result.to_dict()
    data["violation_counts"] = data.pop("violations")
    data["violations"] = data.pop("counterexamples")
    if wanted(args):
        shortest = result.shortest()
        print_snippet(None if shortest is None else shortest.step_plan(), f"explore {protocol}")
        return 0
    if args.json:
        emit(data)
        return 0
    print(result.summary())
    if result.counterexamples:
        print(HINT)
    if args.all and result.counterexamples:
        print()
        print(result.details())
    return 0
