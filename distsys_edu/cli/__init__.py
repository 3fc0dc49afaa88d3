"""The terminal face of distsys_edu: ``distsys-edu`` or ``python -m distsys_edu``.

Commands::

    distsys-edu demo                      the blog's design, then the fixed (Raft) one
    distsys-edu run PROTOCOL [...]        one seeded run with a fault schedule
    distsys-edu experiment election-time  Figure 16 of the Raft paper, measured
    distsys-edu experiment messages       messages an election costs (Bully, ring)
    distsys-edu experiment detector-tradeoff
                                          detection time vs. false suspicions
    distsys-edu experiment swim-scaling   SWIM's detection and load vs. group size
    distsys-edu explore PROTOCOL          many seeds and fault schedules, checked:
                                          a summary (--all: every counterexample)
    distsys-edu model-check PROTOCOL      every interleaving within bounds (--max-depth,
                                          --max-term, --max-lost...), shortest paths
    distsys-edu grade NOTEBOOK...         run submitted notebooks, grade their exercises
    distsys-edu export nbgrader|otter LESSON... --out DIR
                                          lessons as nbgrader / Otter source notebooks
    distsys-edu net up PROTOCOL [...]     the same protocol as real processes (net --help)
    distsys-edu history check FILE        is a history (ours or Jepsen's) linearizable?
    distsys-edu --version

Conventions: a bare number on the command line is seconds for ``--until`` and fault
lines (``--fault "2.5 crash n1"``), milliseconds for latencies, timeouts and heartbeats;
every duration also takes an explicit unit (``500ms``, ``0.25s``, ``250us``).
``--json`` prints exactly one JSON object on stdout and turns progress bars off;
progress bars only ever go to stderr. ``run --trace FILE`` also writes the trace as JSON
lines. Bad input (any of the project's own errors: ``InvalidArgument``,
``FaultScheduleError``, ``UnknownNode``..., or a usage error) gives one line on stderr
(``distsys-edu: error: ...``) and exit status 2, never a traceback. Anything else is a
bug, ours or a protocol's: it propagates with its traceback (exit status 1).

The package: :mod:`.parser` builds the parser; :mod:`.args` checks arguments;
:mod:`.runs` (``run``, ``demo``), :mod:`.experiments`, :mod:`.explore` and
:mod:`.history` are the commands; :mod:`.output` prints what more than one of them needs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..runtime import SimError
from .parser import PROG, UsageError, build_parser

__all__ = ["EXIT_USAGE", "PROG", "build_parser", "main"]

EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for bad input).

    Args:
        argv: the arguments after the program name (default ``sys.argv[1:]``).

    Raises:
        Exception: anything but the project's own errors (``SimError`` and its
            subclasses) and usage errors, which are bad input: a bug, with its traceback.
    """
    try:
        args = build_parser().parse_args(argv)
        status: int = args.handler(args)
    except (UsageError, SimError) as exc:
        print(f"{PROG}: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    return status


def one_line(exc: BaseException) -> str:
    """``exc``'s message on one line (its type's name if it has none)."""
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())
