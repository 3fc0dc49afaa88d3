"""``distsys-edu history check FILE``: is a history linearizable?

Exit status: 0 linearizable, 1 not linearizable, 2 bad input (an unreadable file or
line, an unknown model), 3 unknown (the time budget ran out first).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..checks import linearizable
from ..checks.models import MODELS
from .args import seconds
from .output import emit

EXIT_STATUS = {True: 0, False: 1, None: 3}
"""The exit status of each verdict (2, bad input, is the command line's own)."""


def add_history_commands(commands: Any) -> None:
    """``history check FILE --model register|kv [--timeout S] [--json] [--picture PNG]``.

    Args:
        commands: what ``add_subparsers`` returned (argparse keeps its class private).
    """
    history = commands.add_parser("history", help="check a history (ours or Jepsen's)")
    actions = history.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="is the history linearizable? (exit 0 yes, 1 no, 2 bad input, 3 unknown)",
        description="Check a history for linearizability: EDN maps one per line, "
        "jepsen.util log lines, or a distsys_edu trace (JSON lines) whose clients "
        "recorded their operations.",
    )
    check.add_argument("file", metavar="FILE", help="the history file")
    check.add_argument("--model", choices=MODELS, default="register", help="default: register")
    check.add_argument(
        "--timeout",
        type=seconds,
        default=None,
        metavar="S",
        help="a budget in wall-clock seconds (bare number: seconds; 500ms works too); "
        "when it runs out the verdict is unknown (exit 3)",
    )
    check.add_argument(
        "--picture", metavar="PNG", default=None, help="also draw the history (and where it fails)"
    )
    check.add_argument("--json", action="store_true", help="one JSON object on stdout")
    check.set_defaults(handler=cmd_history_check)


def cmd_history_check(args: argparse.Namespace) -> int:
    """Check ``args.file``; print the summary (or JSON); return the verdict's exit status."""
    result = linearizable(args.file, model=args.model, timeout=args.timeout)
    if args.picture:
        from ..viz.history_picture import history  # matplotlib only when a picture is asked

        history(result).savefig(args.picture, dpi=80)
    if args.json:
        emit(result.to_dict())
    else:
        print(result.summary())
    return EXIT_STATUS[result.linearizable]
