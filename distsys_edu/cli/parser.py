"""The argument parser: every command, its options, and the function that runs it.

Each command's parser sets ``handler``, the function that takes the parsed arguments
and returns the exit status.
"""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from .. import __version__
from ..experiments.detector_tradeoff import DETECTOR_KINDS
from ..experiments.election_messages import ELECTION_MESSAGE_TYPES, INITIATORS, ORDERS
from ..protocols.registry import protocol_choices
from . import export as exporting
from . import grade as grading
from .args import milliseconds, seconds
from .experiments import cmd_detector, cmd_election_time, cmd_messages
from .explore import TARGETS, cmd_explore
from .history import add_history_commands
from .model_check import add_model_check
from .net import add_net_commands
from .runs import cmd_demo, cmd_run
from .snippet import add_snippet
from .swim_scaling import add_arguments as add_swim_scaling_arguments
from .swim_scaling import run_command as cmd_swim_scaling

PROG = "distsys-edu"

Commands = Any
"""What ``add_subparsers`` returns (argparse keeps its class private)."""


class UsageError(Exception):
    """Bad input on the command line: one line on stderr, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage dump), for ``main`` to print.

    A value that starts with a minus and a digit (``--latency -1:5``) is read as the
    option's value, so that it gets the option's own error rather than argparse's
    "expected one argument" (argparse takes only plain negative numbers so).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = Parser(
        prog=PROG,
        description="Run, break and fix a fault-tolerant leader-follower cluster "
        "on a deterministic simulated network.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_demo(commands)
    add_run(commands)
    experiment = commands.add_parser("experiment", help="parameter sweeps")
    experiments = experiment.add_subparsers(dest="experiment", metavar="EXPERIMENT", required=True)
    add_election_time(experiments)
    add_messages(experiments)
    add_detector_tradeoff(experiments)
    add_swim_scaling(experiments)
    add_explore(commands)
    add_model_check(commands)
    grade = commands.add_parser("grade", help="run submitted notebooks, table of exercise results")
    grading.add_arguments(grade)
    grade.set_defaults(handler=grading.run)
    export = commands.add_parser(
        "export", help="lessons as nbgrader or Otter-Grader source notebooks"
    )
    exporting.add_arguments(export)
    export.set_defaults(handler=exporting.run)
    add_net_commands(commands)
    add_history_commands(commands)
    return parser


def add_json(parser: argparse.ArgumentParser) -> None:
    """The ``--json`` flag every command has."""
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")


def add_jobs(parser: argparse.ArgumentParser) -> None:
    """``--jobs N``: worker processes for a sweep (0: every usable core)."""
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="worker processes (0: all cores)"
    )


def add_knobs(parser: argparse.ArgumentParser) -> None:
    """``--set KNOB=VALUE``: one of the protocol's knobs, as its spec declares them."""
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KNOB=VALUE",
        help="set a knob of the protocol's spec (repeat it), e.g. election_timeout=0.1:0.2; "
        "a bare number is in the knob's unit (seconds), or give one (300ms)",
    )


def add_demo(commands: Commands) -> None:
    """``demo``."""
    demo = commands.add_parser("demo", help="the blog's design, then the fixed (Raft) design")
    demo.add_argument("--nodes", type=int, default=5, help="cluster size (default 5)")
    demo.add_argument("--seed", type=int, default=0)
    add_json(demo)
    demo.set_defaults(handler=cmd_demo)


def add_run(commands: Commands) -> None:
    """``run PROTOCOL``."""
    run = commands.add_parser("run", help="one seeded run of a protocol, with faults")
    run.add_argument("protocol", metavar="PROTOCOL", help=f"one of {protocol_choices()}")
    run.add_argument("--nodes", type=int, default=5, help="cluster size (default 5)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument(
        "--until", type=seconds, default=10.0, help="virtual seconds, or 500ms... (default 10)"
    )
    run.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="LINE",
        help='a fault line, e.g. "2.5 crash n1", "4 partition n1,n2|n3,n4,n5", "8 heal", '
        '"1 latency 5ms:10ms" (a bare number is seconds here; repeat the option)',
    )
    add_knobs(run)
    run.add_argument("--loss", type=float, default=0.0, help="message loss probability")
    run.add_argument(
        "--latency", metavar="LO:HI", help="one-way latency, ms or with a unit (default 1ms)"
    )
    run.add_argument(
        "--trace",
        metavar="FILE",
        help="write the whole trace to FILE as JSON lines (read it back with Trace.from_jsonl)",
    )
    add_json(run)
    run.set_defaults(handler=cmd_run)


def add_election_time(experiments: Commands) -> None:
    """``experiment election-time``."""
    et = experiments.add_parser(
        "election-time", help="time to elect a new leader after a crash (Raft Figure 16)"
    )
    et.add_argument("--protocol", default="raft")
    et.add_argument("--nodes", type=int, default=5)
    et.add_argument("--timeout", default="150:300", metavar="LO:HI", help="election timeout, ms")
    et.add_argument("--latency", default="5:10", metavar="LO:HI", help="one-way latency, ms")
    et.add_argument(
        "--heartbeat",
        type=milliseconds,
        metavar="MS",
        help="heartbeat interval, ms (default: half the lowest timeout)",
    )
    et.add_argument("--trials", type=int, default=1000)
    et.add_argument("--seed", type=int, default=0)
    et.add_argument(
        "--give-up",
        type=seconds,
        default=60.0,
        metavar="S",
        help="virtual seconds after the crash before a trial gives up (default 60)",
    )
    et.add_argument("--distribution", action="store_true", help="include every trial's time")
    add_jobs(et)
    add_json(et)
    et.set_defaults(handler=cmd_election_time)


def add_messages(experiments: Commands) -> None:
    """``experiment messages``."""
    ms = experiments.add_parser("messages", help="messages one election costs, by type")
    ms.add_argument("--protocol", required=True, choices=tuple(ELECTION_MESSAGE_TYPES))
    ms.add_argument("--nodes", type=int, default=5)
    ms.add_argument(
        "--order",
        default="ascending",
        choices=ORDERS,
        help="how ids are laid out (ring order / node order)",
    )
    ms.add_argument("--initiator", default="all", choices=INITIATORS)
    ms.add_argument("--seed", type=int, default=0)
    add_json(ms)
    ms.set_defaults(handler=cmd_messages)


def add_swim_scaling(experiments: Commands) -> None:
    """``experiment swim-scaling``."""
    sw = experiments.add_parser(
        "swim-scaling", help="SWIM's time to first detection and load against group size"
    )
    add_swim_scaling_arguments(sw)
    sw.set_defaults(handler=cmd_swim_scaling)


def add_detector_tradeoff(experiments: Commands) -> None:
    """``experiment detector-tradeoff``."""
    dt = experiments.add_parser(
        "detector-tradeoff", help="failure detectors: detection time vs. false suspicions"
    )
    dt.add_argument("--kind", default="fixed", choices=DETECTOR_KINDS)
    dt.add_argument(
        "--thresholds",
        metavar="A,B,...",
        help="timeouts in ms (fixed, adaptive) or phi levels (phi)",
    )
    dt.add_argument(
        "--interval", type=milliseconds, default=100.0, metavar="MS", help="heartbeat, ms"
    )
    dt.add_argument("--latency", default="5:50", metavar="LO:HI", help="one-way latency, ms")
    dt.add_argument("--loss", type=float, default=0.01)
    dt.add_argument(
        "--pause-every",
        type=seconds,
        default=60.0,
        metavar="S",
        help="mean seconds between GC pauses (0: none)",
    )
    dt.add_argument("--pause", default="100:1000", metavar="LO:HI", help="pause length, ms")
    dt.add_argument(
        "--duration",
        type=seconds,
        default=600.0,
        metavar="S",
        help="seconds alive before the crash, per run",
    )
    dt.add_argument("--runs", type=int, default=10)
    dt.add_argument("--seed", type=int, default=0)
    add_jobs(dt)
    add_json(dt)
    dt.set_defaults(handler=cmd_detector)


def add_explore(commands: Commands) -> None:
    """``explore PROTOCOL``."""
    ex = commands.add_parser("explore", help="many seeds and fault schedules, checked")
    ex.add_argument("protocol", metavar="PROTOCOL", help=f"one of {protocol_choices()}")
    ex.add_argument("--runs", type=int, default=100)
    ex.add_argument("--nodes", type=int, default=5)
    ex.add_argument("--seed", type=int, default=0)
    ex.add_argument(
        "--target",
        choices=TARGETS,
        default="random",
        help="whom crashes, pauses and partitions strike: random servers (default), or "
        "whoever leads when each one fires (crash @leader, partition @leader|@others...)",
    )
    add_knobs(ex)
    add_jobs(ex)
    ex.add_argument(
        "--max-shrink",
        type=int,
        default=3,
        metavar="N",
        help="shrink the first N counterexamples of each invariant (default 3)",
    )
    ex.add_argument(
        "--all",
        "--verbose",
        action="store_true",
        help="after the summary, every counterexample with its schedule",
    )
    add_json(ex)
    add_snippet(ex)
    ex.set_defaults(handler=cmd_explore)
