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
    distsys-edu grade NOTEBOOK...         run submitted notebooks, grade their exercises
    distsys-edu net up PROTOCOL [...]     the same protocol as real processes (net --help)
    distsys-edu --version

Conventions: a bare number on the command line is seconds for ``--until`` and fault
lines (``--fault "2.5 crash n1"``), milliseconds for latencies, timeouts and heartbeats;
every duration also takes an explicit unit (``500ms``, ``0.25s``, ``250us``).
``--json`` prints exactly one JSON object on stdout and turns progress bars off;
progress bars only ever go to stderr. ``run --trace FILE`` also writes the trace as JSON
lines. Bad input gives one line on stderr
(``distsys-edu: error: ...``) and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from . import __version__
from .checks import explore
from .checks.words import counted
from .exercises import grade as grading
from .experiments.detector_tradeoff import DETECTOR_KINDS, detector_tradeoff
from .experiments.election_time import election_time
from .experiments.messages import ELECTION_MESSAGE_TYPES, INITIATORS, ORDERS, election_messages
from .experiments.swim_scaling import add_arguments as add_swim_scaling_arguments
from .experiments.swim_scaling import run_command as cmd_swim_scaling
from .net.cli import add_net_commands
from .protocols.registry import PROTOCOLS, get_protocol
from .runtime import Constant, Fault, LinkConfig, Sim, SimError, Trace, Uniform
from .runtime.errors import InvalidArgument, check_probability, check_time, invalid
from .runtime.faults import ACTIONS
from .runtime.units import LATENCY_PLAUSIBLE_BELOW, has_unit, read_duration, warn_no_unit
from .viz.text import render, timeline

PROG = "distsys-edu"
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input on the command line: one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
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


# --------------------------------------------------------------------------- parsing helpers


PLAUSIBLE_SECONDS = {"--latency": (0.0, LATENCY_PLAUSIBLE_BELOW), "--timeout": (1e-3, math.inf)}
"""Where a bare number of ms is believable, per option (seconds); outside it, a warning."""


def _range_ms(option: str, text: str, *, positive: bool) -> tuple[float, float]:
    """``"150:300"`` (or ``"150"``) milliseconds -> ``(0.150, 0.300)`` seconds.

    Each bound may carry its own unit (``"0.15s:300ms"``); a bare number is ms,
    and one implausible for ``option`` (a latency of a second or more, a timeout
    under a millisecond) gets an ``ImplausibleUnitWarning``.
    """
    bound = "> 0" if positive else ">= 0"
    parts = text.split(":")
    try:
        values = [read_duration(p, unit="ms") for p in parts]
    except ValueError:
        values = []
    if len(values) not in (1, 2) or not all(
        math.isfinite(v) and (v > 0 if positive else v >= 0) for v in values
    ):
        raise invalid(
            option, text, f"must be LOW:HIGH milliseconds (or with units, 5ms:0.1s), {bound}"
        )
    low, high = values[0], values[-1]
    if low > high:
        raise invalid(option, text, f"must have LOW <= HIGH, but {low:g} s > {high:g} s")
    least, most = PLAUSIBLE_SECONDS.get(option, (0.0, math.inf))
    if any(not has_unit(p) and not least <= v < most for p, v in zip(parts, values, strict=True)):
        warn_no_unit(
            option,
            text,
            ":".join(p if has_unit(p) else p + "ms" for p in parts),
            ":".join(p if has_unit(p) else p + "s" for p in parts),
            f"that is unusual for {option[2:]}",
        )
    return low, high


def _seconds(text: str) -> float:
    """An argparse type: a duration, ``"500ms"`` or ``"2.5"`` (bare: seconds), as seconds."""
    try:
        return check_time("value", read_duration(text))
    except (ValueError, InvalidArgument):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration >= 0 such as 10, 2.5s or 500ms (a bare number is seconds)"
        ) from None


def _milliseconds(text: str) -> float:
    """An argparse type: a duration, ``"100"`` (bare: ms) or ``"0.1s"``, as milliseconds."""
    try:
        return check_time("value", read_duration(text, unit="ms")) * 1e3
    except (ValueError, InvalidArgument):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration >= 0 such as 100, 100ms or 0.1s (a bare number is ms)"
        ) from None


def _int_at_least(option: str, value: int, least: int) -> int:
    if value < least:
        raise invalid(option, value, f"must be an integer >= {least}")
    return value


def _finite(option: str, value: float, *, positive: bool = False) -> float:
    if not (math.isfinite(value) and (value > 0 if positive else value >= 0)):
        raise invalid(option, value, f"must be a finite number {'>' if positive else '>='} 0")
    return value


def _protocol(name: str) -> str:
    get_protocol(name)  # raises a clear InvalidArgument for an unknown name
    return name


def _faults(lines: Sequence[str], names: Sequence[str]) -> list[Fault]:
    """Parse ``--fault`` lines and check every node they name exists."""
    faults = []
    known = set(names)
    for line in lines:
        words = line.split()
        if len(words) >= 2 and words[1] not in ACTIONS:
            raise invalid(
                "--fault",
                line,
                f"has an unknown action {words[1]!r}: use one of {', '.join(ACTIONS)}",
            )
        try:
            fault = Fault.parse(line)
        except InvalidArgument as exc:
            raise InvalidArgument(f"--fault={line!r} is not allowed: {exc}") from None
        kinds = [k.rstrip("?") for k in ACTIONS[fault.action]]
        named: list[str] = []
        for kind, arg in zip(kinds, fault.args, strict=False):
            if kind == "node":
                named.append(arg)
            elif kind == "groups":
                named.extend(n for group in arg for n in group)
        for node in named:
            if node not in known:
                raise invalid(
                    "--fault", line, f"names {node!r}, not a node (nodes: {', '.join(names)})"
                )
        faults.append(fault)
    return faults


def _try_faults(protocol: str, nodes: int, faults: Sequence[Fault]) -> None:
    """Apply ``faults`` in time order to a scratch cluster, so that a fault that cannot
    be applied (``1 hold n1 n1``) is an error now, not in the middle of the run."""
    scratch = Sim(trace="counts")
    get_protocol(protocol)(scratch, nodes)
    for fault in sorted(faults, key=lambda f: f.at):
        scratch.apply(fault)


def _network(latency: str | None, loss: float) -> LinkConfig:
    if latency is None:
        return LinkConfig(loss=loss)
    low, high = _range_ms("--latency", latency, positive=False)
    return LinkConfig(latency=Constant(low) if low == high else Uniform(low, high), loss=loss)


def final_state(sim: Sim) -> dict[str, Any]:
    """``views``: each node's status and published view; ``leaders``: the live nodes
    whose role is leader."""
    views = {}
    for name in sim.nodes:
        views[name] = {"status": sim.status(name), **_jsonable(sim.annotations(name))}
    leaders = [n for n, v in views.items() if v.get("role") == "leader" and v["status"] == "up"]
    return {"views": views, "leaders": leaders}


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_jsonable(v) for v in value)
    return repr(value)


def _outcome(state: dict[str, Any]) -> str:
    """One sentence on who leads, from :func:`final_state`'s ``state``."""
    views = state["views"]
    live = [n for n, v in views.items() if v["status"] == "up"]
    leaders = state["leaders"]
    followed = {views[n].get("leader") for n in live}
    if len(leaders) == 1 and followed == {leaders[0]}:
        term = views[leaders[0]].get("term")
        in_term = f" (term {term})" if term is not None else ""
        if len(live) == 1:
            return f"{leaders[0]} leads{in_term}, the only live node."
        return f"{leaders[0]} leads{in_term}, and all {len(live)} live nodes know it."
    if not leaders:
        lost = sorted(n for n in live if views[n].get("leader") is None)
        verb = "follows" if len(lost) == 1 else "follow"
        who = f"; {', '.join(lost)} {verb} nobody" if lost else ""
        return f"no live node leads{who}."
    named = ", ".join(f"{n}->{views[n].get('leader')}" for n in live)
    return f"leaders: {', '.join(leaders)}; each node's leader: {named}."


# --------------------------------------------------------------------------- commands


def _emit(data: dict[str, Any]) -> None:
    print(json.dumps(_jsonable(data), sort_keys=False))


def cmd_run(args: argparse.Namespace) -> int:
    """``run PROTOCOL``: one seeded run with faults; a timeline or JSON."""
    protocol = _protocol(args.protocol)
    nodes = _int_at_least("--nodes", args.nodes, 1)
    until = _finite("--until", args.until, positive=True)
    loss = check_probability("--loss", args.loss)
    sim = Sim(seed=args.seed, network=_network(args.latency, loss))
    names = get_protocol(protocol)(sim, nodes)
    faults = _faults(args.fault, names)
    _try_faults(protocol, nodes, faults)
    late = [str(f) for f in faults if f.at > until]
    sim.schedule(faults)
    sim.run(until=until)
    if args.trace is not None:
        _write_trace(sim.trace, args.trace)
    state = final_state(sim)
    result = {
        "protocol": protocol,
        "nodes": names,
        "seed": args.seed,
        "until": until,
        "faults": [str(f) for f in faults],
        "faults_after_until": late,
        **state,
        "counts": sim.trace.counts(),
        "sent": sim.sent,
        "delivered": sim.delivered,
        "dropped": sim.dropped,
        "in_flight": sim.in_flight,
        "digest": sim.trace.digest(),
        "trace_file": args.trace,
        "failures": [
            {
                "t": f.t,
                "node": f.node,
                "during": f.during,
                "what": f.what,
                "error": f.error,
                "outcome": f.outcome,
            }
            for f in sim.failures
        ],
    }
    if args.json:
        _emit(result)
        return 0
    print(f"{protocol}: {PROTOCOLS[protocol]}")
    print(f"{counted(len(names), 'node')}, seed {args.seed}, {until:g} s of virtual time")
    for line in render(timeline(sim.trace)):
        print(line)
    print(f"at {until:g} s: {_outcome(state)}")
    reasons = ", ".join(f"{n} {why}" for why, n in result["counts"]["drops"].items())
    print(
        f"messages: {sim.sent} sent, {sim.delivered} delivered, {sim.dropped} dropped"
        f"{f' ({reasons})' if reasons else ''}, {sim.in_flight} in flight"
    )
    for failure in result["failures"]:
        print(
            f"failure at {failure['t']:.3f}s on {failure['node']}: {failure['error']} "
            f"-> {failure['outcome']}"
        )
    if late:
        print(f"not applied (after --until): {'; '.join(late)}")
    print(f"digest: {result['digest']}")
    if args.trace is not None:
        print(f"trace: {counted(len(sim.trace), 'event')} written to {args.trace}")
    return 0


def _write_trace(trace: Trace, path: str) -> None:
    """Write ``trace`` to ``path`` as JSON lines, or say in one line why it cannot be."""
    try:
        trace.to_jsonl(path)
    except OSError as exc:
        raise invalid("--trace", path, f"cannot be written: {exc.strerror or exc}") from None


DEMO_CRASH_AT = 3.5
DEMO_UNTIL = 7.0
DEMO_LATENCY = (0.005, 0.010)


def _demo_run(protocol: str, nodes: int, seed: int) -> tuple[Sim, str | None]:
    """Run ``protocol``, crash whoever leads at DEMO_CRASH_AT, run on to DEMO_UNTIL."""
    sim = Sim(seed=seed, network=LinkConfig(latency=Uniform(*DEMO_LATENCY)))
    get_protocol(protocol)(sim, nodes)
    sim.run(until=DEMO_CRASH_AT)
    leaders = [n for n in sim.nodes if sim.annotations(n).get("role") == "leader"]
    victim = leaders[0] if leaders else None
    if victim is not None:
        sim.crash(victim)
    sim.run(until=DEMO_UNTIL)
    return sim, victim


DEMO_STORY = {
    "blog": (
        "1. The blog's design",
        "A fixed leader sends heartbeats; followers use try_send to notice it is gone. "
        "Nothing elects a new leader.",
    ),
    "raft": (
        "2. The fixed design (Raft-style election)",
        "Followers time out after a random 150-300 ms of silence, stand for election in a "
        "new term, and a majority of votes makes a leader.",
    ),
}


def cmd_demo(args: argparse.Namespace) -> int:
    """``demo``: the blog's design, then Raft, each losing its leader."""
    nodes = _int_at_least("--nodes", args.nodes, 2)
    designs = []
    for protocol in ("blog", "raft"):
        sim, victim = _demo_run(protocol, nodes, args.seed)
        entries = timeline(sim.trace)
        state = final_state(sim)
        outcome = _outcome(state)
        designs.append(
            {
                "protocol": protocol,
                "crashed": victim,
                "crash_at": DEMO_CRASH_AT,
                "until": DEMO_UNTIL,
                "timeline": [e.to_dict() for e in entries],
                "outcome": outcome,
                **state,
            }
        )
        if not args.json:
            title, story = DEMO_STORY[protocol]
            print(f"== {title}: {counted(nodes, 'node')}, latency 5-10 ms, seed {args.seed} ==")
            print(story)
            print(f"The leader ({victim}) is crashed at {DEMO_CRASH_AT:g} s.")
            for line in render(entries):
                print("  " + line)
            print(f"At {DEMO_UNTIL:g} s: {outcome}")
            print()
    if args.json:
        _emit({"seed": args.seed, "nodes": nodes, "designs": designs})
    else:
        print(
            "The blog's followers notice the crash (try_send fails) but nobody takes over; "
            "Raft's terms and votes elect a new leader within a few hundred milliseconds."
        )
    return 0


def cmd_election_time(args: argparse.Namespace) -> int:
    """``experiment election-time``: Figure 16, measured."""
    timeout = _range_ms("--timeout", args.timeout, positive=True)
    latency = _range_ms("--latency", args.latency, positive=False)
    heartbeat = None
    if args.heartbeat is not None:
        heartbeat = _finite("--heartbeat", args.heartbeat, positive=True) / 1e3
        if heartbeat >= timeout[0]:
            raise invalid(
                "--heartbeat",
                args.heartbeat,
                f"must be shorter than the lowest election timeout ({timeout[0] * 1e3:g} ms)",
            )
    result = election_time(
        nodes=_int_at_least("--nodes", args.nodes, 1),
        timeout=timeout,
        latency=latency,
        heartbeat=heartbeat,
        trials=_int_at_least("--trials", args.trials, 1),
        seed=args.seed,
        protocol=_protocol(args.protocol),
        progress=not args.json,
        max_election_time=_finite("--give-up", args.give_up, positive=True),
    )
    data = result.to_dict()
    if not args.distribution:
        data.pop("times_ms")
    if args.json:
        _emit(data)
        return 0
    low, high = data["timeout_ms"]
    print(
        f"{result.protocol}, {counted(result.nodes, 'node')}, "
        f"election timeout {low:g}-{high:g} ms, "
        f"latency {data['latency_ms'][0]:g}-{data['latency_ms'][1]:g} ms, "
        f"heartbeat {result.heartbeat_ms:g} ms, {counted(result.trials, 'trial')}, "
        f"seed {result.seed}"
    )
    print("time from the leader's crash until a new leader is known to every live node:")
    for key in ("mean_ms", "median_ms", "p99_ms", "max_ms", "min_ms"):
        value = data[key]
        shown = f"{value:.1f} ms" if value is not None else "unknown (unfinished trials)"
        print(f"  {key[:-3]:>7}: {shown}")
    if result.unfinished and data["mean_finished_ms"] is not None:
        print(f"  mean of the finished trials: {data['mean_finished_ms']:.1f} ms")
    rate = data["split_vote_rate"]
    print(f"  split votes (first term elects nobody): {'-' if rate is None else f'{rate:.1%}'}")
    terms = data["mean_terms"]
    print(f"  terms per election: {'-' if terms is None else f'{terms:.2f}'} on average")
    if result.unfinished:
        print(
            f"  unfinished: {counted(result.unfinished, 'trial')} elected nobody within "
            f"{result.max_election_time_s:g} s"
        )
    return 0


def cmd_messages(args: argparse.Namespace) -> int:
    """``experiment messages``: messages one election costs, by type."""
    nodes = _int_at_least("--nodes", args.nodes, 1)
    counts = election_messages(
        args.protocol, nodes, order=args.order, initiator=args.initiator, seed=args.seed
    )
    if args.json:
        _emit(dict(counts))
        return 0
    print(
        f"{args.protocol}, {counted(nodes, 'node')}, ids {args.order}, initiator {args.initiator}:"
    )
    for key, value in counts.items():
        if key != "total":
            print(f"  {key:>12}: {value}")
    print(f"  {'total':>12}: {counts['total']}")
    return 0


def cmd_detector(args: argparse.Namespace) -> int:
    """``experiment detector-tradeoff``: detection time vs. false suspicions."""
    thresholds = None
    if args.thresholds:
        try:
            thresholds = [float(x) for x in args.thresholds.split(",")]
        except ValueError:
            raise invalid(
                "--thresholds", args.thresholds, "must be numbers separated by commas"
            ) from None
        if args.kind != "phi":
            thresholds = [x / 1e3 for x in thresholds]  # timeouts are given in ms
    interval = _finite("--interval", args.interval, positive=True) / 1e3
    result = detector_tradeoff(
        args.kind,
        thresholds,
        interval=interval,
        latency=_range_ms("--latency", args.latency, positive=False),
        loss=check_probability("--loss", args.loss),
        pause_every=_finite("--pause-every", args.pause_every) or None,
        pause=_range_ms("--pause", args.pause, positive=False),
        duration=_finite("--duration", args.duration, positive=True),
        runs=_int_at_least("--runs", args.runs, 1),
        seed=args.seed,
        progress=not args.json,
    )
    data = result.to_dict()
    if args.json:
        _emit(data)
        return 0
    unit = "phi" if args.kind == "phi" else "timeout ms"
    print(
        f"{args.kind} detector, heartbeat every {interval * 1e3:g} ms, {result.latency}, "
        f"loss {result.loss:g}, {counted(result.runs, 'run')} of {result.duration_s:g} s"
    )
    print(f"{unit:>10} | detect mean ms | detect max ms | false/hour | mistake mean ms")
    for row in data["rows"]:
        level = row["threshold"] if args.kind == "phi" else row["threshold"] * 1e3
        print(
            f"{level:>10g} | {row['mean_detection_ms']:>14.1f} | {row['max_detection_ms']:>13.1f}"
            f" | {row['false_suspicions_per_hour']:>10.1f} | {row['mean_mistake_ms']:>15.1f}"
        )
    return 0


def cmd_explore(args: argparse.Namespace) -> int:
    """``explore PROTOCOL``: many seeded runs with random faults, checked by invariants.

    Prints :meth:`ExploreResult.summary` (``--all``: every counterexample too).
    The JSON is :meth:`ExploreResult.to_dict` with one change: ``violations`` lists
    the counterexamples (each with ``invariant``, ``seed``, ``schedule``, the shrunk
    ``minimal`` schedule and a ``replay`` program), and the per-invariant counts move
    to ``violation_counts``. It holds no timings, so the same command prints the
    same bytes.
    """
    protocol = _protocol(args.protocol)
    result = explore(
        protocol,
        runs=_int_at_least("--runs", args.runs, 1),
        seed=args.seed,
        nodes=_int_at_least("--nodes", args.nodes, 1),
        max_shrink=_int_at_least("--max-shrink", args.max_shrink, 0),
        progress=not args.json,
    )
    data = result.to_dict()
    data["violation_counts"] = data.pop("violations")
    data["violations"] = data.pop("counterexamples")
    if args.json:
        _emit(data)
        return 0
    print(result.summary())
    if args.all and result.counterexamples:
        print()
        print(result.details())
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    """``grade NOTEBOOK...``: run submitted notebooks, print each one's exercise results."""
    return grading.run(args)


# --------------------------------------------------------------------------- the parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = _Parser(
        prog=PROG,
        description="Run, break and fix a fault-tolerant leader-follower cluster "
        "on a deterministic simulated network.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser("demo", help="the blog's design, then the fixed (Raft) design")
    demo.add_argument("--nodes", type=int, default=5, help="cluster size (default 5)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--json", action="store_true", help="one JSON object on stdout")
    demo.set_defaults(handler=cmd_demo)

    run = commands.add_parser("run", help="one seeded run of a protocol, with faults")
    run.add_argument("protocol", metavar="PROTOCOL", help=f"one of {', '.join(PROTOCOLS)}")
    run.add_argument("--nodes", type=int, default=5, help="cluster size (default 5)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument(
        "--until", type=_seconds, default=10.0, help="virtual seconds, or 500ms... (default 10)"
    )
    run.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="LINE",
        help='a fault line, e.g. "2.5 crash n1", "4 partition n1,n2|n3,n4,n5", "8 heal", '
        '"1 latency 5ms:10ms" (a bare number is seconds here; repeat the option)',
    )
    run.add_argument("--loss", type=float, default=0.0, help="message loss probability")
    run.add_argument(
        "--latency", metavar="LO:HI", help="one-way latency, ms or with a unit (default 1ms)"
    )
    run.add_argument(
        "--trace",
        metavar="FILE",
        help="write the whole trace to FILE as JSON lines (read it back with Trace.from_jsonl)",
    )
    run.add_argument("--json", action="store_true", help="one JSON object on stdout")
    run.set_defaults(handler=cmd_run)

    experiment = commands.add_parser("experiment", help="parameter sweeps")
    experiments = experiment.add_subparsers(dest="experiment", metavar="EXPERIMENT", required=True)

    et = experiments.add_parser(
        "election-time", help="time to elect a new leader after a crash (Raft Figure 16)"
    )
    et.add_argument("--protocol", default="raft")
    et.add_argument("--nodes", type=int, default=5)
    et.add_argument("--timeout", default="150:300", metavar="LO:HI", help="election timeout, ms")
    et.add_argument("--latency", default="5:10", metavar="LO:HI", help="one-way latency, ms")
    et.add_argument(
        "--heartbeat",
        type=_milliseconds,
        metavar="MS",
        help="heartbeat interval, ms (default: half the lowest timeout)",
    )
    et.add_argument("--trials", type=int, default=1000)
    et.add_argument("--seed", type=int, default=0)
    et.add_argument(
        "--give-up",
        type=_seconds,
        default=60.0,
        metavar="S",
        help="virtual seconds after the crash before a trial gives up (default 60)",
    )
    et.add_argument("--distribution", action="store_true", help="include every trial's time")
    et.add_argument("--json", action="store_true", help="one JSON object on stdout")
    et.set_defaults(handler=cmd_election_time)

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
    ms.add_argument("--json", action="store_true", help="one JSON object on stdout")
    ms.set_defaults(handler=cmd_messages)

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
        "--interval", type=_milliseconds, default=100.0, metavar="MS", help="heartbeat, ms"
    )
    dt.add_argument("--latency", default="5:50", metavar="LO:HI", help="one-way latency, ms")
    dt.add_argument("--loss", type=float, default=0.01)
    dt.add_argument(
        "--pause-every",
        type=_seconds,
        default=60.0,
        metavar="S",
        help="mean seconds between GC pauses (0: none)",
    )
    dt.add_argument("--pause", default="100:1000", metavar="LO:HI", help="pause length, ms")
    dt.add_argument(
        "--duration",
        type=_seconds,
        default=600.0,
        metavar="S",
        help="seconds alive before the crash, per run",
    )
    dt.add_argument("--runs", type=int, default=10)
    dt.add_argument("--seed", type=int, default=0)
    dt.add_argument("--json", action="store_true", help="one JSON object on stdout")
    dt.set_defaults(handler=cmd_detector)

    sw = experiments.add_parser("swim-scaling", help="SWIM: detection and load vs. group size")
    add_swim_scaling_arguments(sw)
    sw.set_defaults(handler=cmd_swim_scaling)

    ex = commands.add_parser("explore", help="many seeds and fault schedules, checked")
    ex.add_argument("protocol", metavar="PROTOCOL", help=f"one of {', '.join(PROTOCOLS)}")
    ex.add_argument("--runs", type=int, default=100)
    ex.add_argument("--nodes", type=int, default=5)
    ex.add_argument("--seed", type=int, default=0)
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
    ex.add_argument("--json", action="store_true", help="one JSON object on stdout")
    ex.set_defaults(handler=cmd_explore)

    gr = commands.add_parser("grade", help="run submitted notebooks, table of exercise results")
    grading.add_arguments(gr)
    gr.set_defaults(handler=cmd_grade)
    add_net_commands(commands)
    return parser


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for bad input).

    Args:
        argv: the arguments after the program name (default ``sys.argv[1:]``).
    """
    try:
        args = build_parser().parse_args(argv)
        status: int = args.handler(args)
    except (UsageError, SimError, ValueError) as exc:
        # Bad input, ours or the library's (InvalidArgument, FaultScheduleError,
        # UnknownNode...): one line, no traceback.
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    return status
