"""``run`` and ``demo``: seeded runs of a protocol, told as a timeline or as JSON."""

from __future__ import annotations

import argparse
from typing import Any

from ..checks.words import counted
from ..jobs.progress import slow_work
from ..protocols.registry import PROTOCOLS, get_protocol, spawn
from ..runtime import Fault, LinkConfig, Sim, Trace, Uniform
from ..runtime.errors import check_probability, invalid
from ..viz.text import render, timeline
from . import args as checked
from .output import emit, final_state, outcome


def cmd_run(args: argparse.Namespace) -> int:
    """``run PROTOCOL``: one seeded run with faults; a timeline or JSON."""
    protocol = checked.protocol_name(args.protocol)
    options = checked.knob_settings(protocol, args.set)
    nodes = checked.int_at_least("--nodes", args.nodes, 1)
    until = checked.finite("--until", args.until, positive=True)
    loss = check_probability("--loss", args.loss)
    sim = Sim(seed=args.seed, network=checked.network(args.latency, loss))
    show = not args.json
    with slow_work("spawning", lambda: f"{len(sim.nodes):,} of {nodes:,} nodes", enabled=show):
        names = spawn(sim, protocol, nodes, **options)
    faults = checked.faults(args.fault, names)
    with slow_work("checking the faults on a scratch cluster", enabled=show):
        checked.try_faults(protocol, nodes, faults)
    sim.schedule(faults)
    with slow_work("running", lambda: f"{sim.now:g} of {until:g} s of virtual time", enabled=show):
        sim.run(until=until)
    with slow_work("summing up", enabled=show):
        summarize(sim, args, protocol, names, until, faults)
    return 0


def summarize(
    sim: Sim,
    args: argparse.Namespace,
    protocol: str,
    names: list[str],
    until: float,
    faults: list[Fault],
) -> None:
    """What ``run`` prints once the run is over: the trace file, then a timeline or JSON."""
    if args.trace is not None:
        write_trace(sim.trace, args.trace)
    result = {
        "protocol": protocol,
        "nodes": names,
        "seed": args.seed,
        "until": until,
        "faults": [str(f) for f in faults],
        "faults_after_until": [str(f) for f in faults if f.at > until],
        **final_state(sim),
        "counts": sim.trace.counts(),
        "sent": sim.sent,
        "delivered": sim.delivered,
        "dropped": sim.dropped,
        "in_flight": sim.in_flight,
        "digest": sim.trace.digest(),
        "trace_file": args.trace,
        "failures": [
            {k: getattr(f, k) for k in ("t", "node", "during", "what", "error", "outcome")}
            for f in sim.failures
        ],
    }
    if args.json:
        emit(result)
    else:
        print_run(sim, result)


def print_run(sim: Sim, result: dict[str, Any]) -> None:
    """The text form of ``run``: the timeline, then who leads and what the messages did."""
    protocol, until, nodes = result["protocol"], result["until"], len(result["nodes"])
    print(f"{protocol}: {PROTOCOLS[protocol]}")
    print(f"{counted(nodes, 'node')}, seed {result['seed']}, {until:g} s of virtual time")
    for line in render(timeline(sim.trace)):
        print(line)
    print(f"at {until:g} s: {outcome(result)}")
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
    if result["faults_after_until"]:
        print(f"not applied (after --until): {'; '.join(result['faults_after_until'])}")
    print(f"digest: {result['digest']}")
    if result["trace_file"] is not None:
        print(f"trace: {counted(len(sim.trace), 'event')} written to {result['trace_file']}")


def write_trace(trace: Trace, path: str) -> None:
    """Write ``trace`` to ``path`` as JSON lines, or say in one line why it cannot be.

    Raises:
        InvalidArgument: the file cannot be written (naming ``--trace`` and the path).
    """
    try:
        trace.to_jsonl(path)
    except OSError as exc:
        raise invalid("--trace", path, f"cannot be written: {exc.strerror or exc}") from None


DEMO_CRASH_AT = 3.5
DEMO_UNTIL = 7.0
DEMO_LATENCY = (0.005, 0.010)

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


def demo_run(protocol: str, nodes: int, seed: int) -> tuple[Sim, str | None]:
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


def cmd_demo(args: argparse.Namespace) -> int:
    """``demo``: the blog's design, then Raft, each losing its leader."""
    nodes = checked.int_at_least("--nodes", args.nodes, 2)
    designs = []
    for protocol in ("blog", "raft"):
        sim, victim = demo_run(protocol, nodes, args.seed)
        entries = timeline(sim.trace)
        state = final_state(sim)
        said = outcome(state)
        designs.append(
            {
                "protocol": protocol,
                "crashed": victim,
                "crash_at": DEMO_CRASH_AT,
                "until": DEMO_UNTIL,
                "timeline": [e.to_dict() for e in entries],
                "outcome": said,
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
            print(f"At {DEMO_UNTIL:g} s: {said}")
            print()
    if args.json:
        emit({"seed": args.seed, "nodes": nodes, "designs": designs})
    else:
        print(
            "The blog's followers notice the crash (try_send fails) but nobody takes over; "
            "Raft's terms and votes elect a new leader within a few hundred milliseconds."
        )
    return 0
