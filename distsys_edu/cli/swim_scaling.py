"""``experiment swim-scaling``: SWIM's load and detection time by group size, as a table
or JSON (:func:`~distsys_edu.experiments.swim_scaling.swim_scaling`)."""

from __future__ import annotations

import argparse
import json

from ..experiments.swim_scaling import LIMIT_E, swim_scaling
from ..protocols.swim import PING_TARGETS, RANDOM
from ..runtime.errors import invalid


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``distsys-edu experiment swim-scaling``."""
    parser.add_argument(
        "--nodes", default="10,100,1000", metavar="N,N,...", help="group sizes, comma-separated"
    )
    parser.add_argument("--runs", type=int, default=20, help="crashes measured per group size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--ping-targets",
        default=RANDOM,
        choices=PING_TARGETS,
        help="random (the paper's analysis, default) or round-robin (its final protocol)",
    )
    parser.add_argument(
        "--max-periods", type=int, default=100, help="periods after the crash before giving up"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")


def run_command(args: argparse.Namespace) -> int:
    """``experiment swim-scaling``: a table, or one JSON object with ``--json``.

    Raises:
        InvalidArgument: bad options (the command line prints it as one line).
    """
    try:
        sizes = [int(part) for part in args.nodes.split(",")]
    except ValueError:
        raise invalid("--nodes", args.nodes, "must be ints separated by commas") from None
    result = swim_scaling(
        sizes,
        runs=args.runs,
        seed=args.seed,
        ping_targets=args.ping_targets,
        max_periods=args.max_periods,
        progress=not args.json,
    )
    data = result.to_dict()
    if args.json:
        print(json.dumps(data))
        return 0
    print(
        f"SWIM, {result.ping_targets} ping targets, {result.runs} crashes a size, "
        f"seed {result.seed}; in protocol periods of {result.protocol_period_s:g} s"
    )
    print("   nodes | first detection (paper) | every member knows | messages/member/period")
    for row in data["rows"]:
        ci = row["mean_first_detection_periods_ci95"]
        first = row["mean_first_detection_periods"]
        everyone = row["mean_all_know_periods"]
        print(
            f"{row['nodes']:>8} | {_shown(first)} ± {_shown(ci, 2)} "
            f"({row['expected_first_detection_periods']:.2f}) | {_shown(everyone, 1):>18} | "
            f"{row['messages_per_member_per_period']:.3f}"
        )
    print(f"the paper's limit of the first detection: e/(e-1) = {LIMIT_E:.3f} periods")
    return 0


def _shown(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"
