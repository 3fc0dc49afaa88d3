"""``model-check PROTOCOL``: every interleaving of a small cluster, within bounds."""

from __future__ import annotations

import argparse
from typing import Any

from ..checks import model_check
from ..protocols.registry import protocol_choices
from . import args as checked
from .output import emit
from .snippet import HINT, add_snippet, print_snippet, wanted


def add_model_check(commands: Any) -> None:
    """``model-check PROTOCOL [--nodes N] [--max-depth D] [...] [--json]``."""
    mc = commands.add_parser("model-check", help="every interleaving, within bounds")
    mc.add_argument("protocol", metavar="PROTOCOL", help=f"one of {protocol_choices()}")
    mc.add_argument("--nodes", type=int, default=3)
    for bound in ("max-depth", "max-term"):
        mc.add_argument(f"--{bound}", type=int, default=None, metavar="N")
    for bound in ("max-lost", "max-duplicated", "max-crashes"):
        mc.add_argument(f"--{bound}", type=int, default=0, metavar="N")
    mc.add_argument(
        "--no-symmetry", action="store_true", help="count renamed states apart (always sound)"
    )
    mc.add_argument("--timers", choices=("durations", "any"), default="durations")
    mc.add_argument("--timeout", type=float, default=None, metavar="SECONDS")
    mc.add_argument("--seed", type=int, default=0)
    mc.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KNOB=VALUE",
        help="set a knob of the protocol's spec (as for run and explore)",
    )
    mc.add_argument("--json", action="store_true", help="one JSON object on stdout")
    add_snippet(mc)
    mc.set_defaults(handler=cmd_model_check)


def cmd_model_check(args: argparse.Namespace) -> int:
    """Print the summary and each violation's shortest path (``--json``: the result's
    ``to_dict()`` without its wall time, so the same command prints the same bytes)."""
    protocol = checked.protocol_name(args.protocol)
    result = model_check(
        protocol,
        checked.int_at_least("--nodes", args.nodes, 1),
        max_depth=args.max_depth,
        max_lost=args.max_lost,
        max_duplicated=args.max_duplicated,
        max_crashes=args.max_crashes,
        max_term=args.max_term,
        symmetry=not args.no_symmetry,
        timeout=args.timeout,
        progress=not (args.json or wanted(args)),
        timers=args.timers,
        seed=args.seed,
        options=checked.knob_settings(protocol, args.set),
    )
    if wanted(args):
        first = result.violations[0].plan if result.violations else None
        print_snippet(first, f"model-check {args.protocol}")
    elif args.json:
        data = result.to_dict()
        del data["wall_s"]
        emit(data)
    else:
        print(result.details())
        if result.violations:
            print(HINT)
    return 0
