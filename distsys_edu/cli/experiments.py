"""``experiment ...``: the parameter sweeps, as a table or JSON."""

from __future__ import annotations

import argparse

from ..checks.words import counted
from ..experiments.detector_tradeoff import detector_tradeoff
from ..experiments.election_messages import election_messages
from ..experiments.election_time import election_time
from ..runtime.errors import check_probability, invalid
from . import args as checked
from .output import emit


def cmd_election_time(args: argparse.Namespace) -> int:
    """``experiment election-time``: Figure 16, measured."""
    timeout = checked.range_ms("--timeout", args.timeout, positive=True)
    latency = checked.range_ms("--latency", args.latency, positive=False)
    heartbeat = None
    if args.heartbeat is not None:
        heartbeat = checked.finite("--heartbeat", args.heartbeat, positive=True) / 1e3
        if heartbeat >= timeout[0]:
            raise invalid(
                "--heartbeat",
                args.heartbeat,
                f"must be shorter than the lowest election timeout ({timeout[0] * 1e3:g} ms)",
            )
    result = election_time(
        nodes=checked.int_at_least("--nodes", args.nodes, 1),
        timeout=timeout,
        latency=latency,
        heartbeat=heartbeat,
        trials=checked.int_at_least("--trials", args.trials, 1),
        jobs=checked.int_at_least("--jobs", args.jobs, 0),
        seed=args.seed,
        protocol=checked.protocol_name(args.protocol),
        progress=not args.json,
        max_election_time=checked.finite("--give-up", args.give_up, positive=True),
    )
    data = result.to_dict()
    if not args.distribution:
        data.pop("times_ms")
    if args.json:
        emit(data)
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
    nodes = checked.int_at_least("--nodes", args.nodes, 1)
    counts = election_messages(
        args.protocol, nodes, order=args.order, initiator=args.initiator, seed=args.seed
    )
    if args.json:
        emit(dict(counts))
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
    interval = checked.finite("--interval", args.interval, positive=True) / 1e3
    result = detector_tradeoff(
        args.kind,
        thresholds,
        interval=interval,
        latency=checked.range_ms("--latency", args.latency, positive=False),
        loss=check_probability("--loss", args.loss),
        pause_every=checked.finite("--pause-every", args.pause_every) or None,
        pause=checked.range_ms("--pause", args.pause, positive=False),
        duration=checked.finite("--duration", args.duration, positive=True),
        runs=checked.int_at_least("--runs", args.runs, 1),
        seed=args.seed,
        progress=not args.json,
        jobs=checked.int_at_least("--jobs", args.jobs, 0),
    )
    data = result.to_dict()
    if args.json:
        emit(data)
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
