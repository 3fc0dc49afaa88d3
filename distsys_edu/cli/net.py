"""``distsys-edu net ...``: the launcher on the command line.

::

    distsys-edu net up raft --nodes 5 [--dir DIR] [--options JSON] [--wait]
    distsys-edu net status [--json]
    distsys-edu net kill n3          SIGKILL        net pause n3 / net resume n3
    distsys-edu net restart n3       a fresh process (ctx.storage survives)
    distsys-edu net partition "n1,n2|n3,n4,n5"      net heal      net loss 0.1
    distsys-edu net trace [--out FILE]              net down

Every command takes ``--dir`` (default ``.distsys-net``). Bad input raises the
library's errors, which the main command line prints as one line with exit
status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from ..net.launcher import Cluster
from ..net.rundir import DEFAULT_DIR, LOOPBACK
from ..protocols.registry import protocol_choices
from ..runtime.errors import invalid
from . import args as checked


def add_net_commands(commands: Any) -> None:
    """Add the ``net`` command group to the main parser's subcommands."""
    net = commands.add_parser("net", help="the same protocols as real processes over UDP")
    group = net.add_subparsers(dest="net_command", metavar="NET_COMMAND", required=True)

    def command(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = group.add_parser(name, help=help_text)
        parser.add_argument("--dir", default=DEFAULT_DIR, help=f"run directory ({DEFAULT_DIR})")
        parser.set_defaults(handler=handler)
        return parser

    up = command("up", "start the nodes in the background", cmd_up)
    up.add_argument("protocol", metavar="PROTOCOL", help=f"one of {protocol_choices()}")
    up.add_argument("--nodes", type=int, default=5, help="cluster size (default 5)")
    up.add_argument("--options", default="{}", metavar="JSON", help="spawn_cluster options")
    up.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KNOB=VALUE",
        help="set a knob of the protocol's spec (as for run and explore), after --options",
    )
    up.add_argument("--host", default=LOOPBACK, help="address to listen on (default loopback)")
    up.add_argument("--seed", type=int, help="seeds each node's ctx.rng (default random)")
    up.add_argument("--wait", action="store_true", help="stay until Ctrl-C, then net down")
    status = command("status", "each node's pid, liveness, role, term and leader", cmd_status)
    status.add_argument("--json", action="store_true", help="one JSON object on stdout")
    for name, help_text in (
        ("kill", "SIGKILL a node"),
        ("pause", "SIGSTOP a node"),
        ("resume", "SIGCONT a paused node"),
        ("restart", "kill a node if it runs, then start it afresh"),
    ):
        command(name, help_text, cmd_node).add_argument("node", metavar="NODE")
    partition = command("partition", "cut the links between two groups", cmd_partition)
    partition.add_argument("groups", metavar="A,B|C,D")
    command("heal", "end every partition", cmd_heal)
    loss = command("loss", "drop each message with probability P", cmd_loss)
    loss.add_argument("probability", type=float, metavar="P")
    trace = command("trace", "the merged trace, as JSON lines", cmd_trace)
    trace.add_argument("--out", metavar="FILE", help="write it here (default stdout)")
    command("down", "end every node", cmd_down)


def cmd_up(args: argparse.Namespace) -> int:
    """``net up``."""
    try:
        options = json.loads(args.options)
    except json.JSONDecodeError:
        options = None
    if not isinstance(options, dict):
        raise invalid("--options", args.options, "must be a JSON object of spawn_cluster options")
    options.update(checked.knob_settings(args.protocol, args.set))
    cluster = Cluster.up(
        args.protocol,
        args.nodes,
        args.dir,
        options=options,
        host=args.host,
        seed=args.seed,
        tied=args.wait,
    )
    pids = " ".join(f"{name}={pid}" for name, pid in cluster.pids().items())
    print(f"started {args.protocol} in {cluster.run.path}: {pids}")
    if args.wait:
        try:
            while any(s.alive for s in cluster.status()):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            cluster.down()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """``net status``."""
    statuses = Cluster(args.dir).status()
    if args.json:
        print(json.dumps({"dir": args.dir, "nodes": [s.to_dict() for s in statuses]}))
        return 0
    print(f"{'node':<8}{'pid':>8}  {'state':<8}{'role':<10}{'term':>5}  leader")
    for s in statuses:
        term = "-" if s.term is None else s.term
        print(
            f"{s.name:<8}{s.pid or '-':>8}  {s.state:<8}{s.role or '-':<10}{term:>5}  "
            f"{s.leader or '-'}"
        )
    return 0


def cmd_node(args: argparse.Namespace) -> int:
    """``net kill/pause/resume/restart NODE``."""
    cluster = Cluster(args.dir)
    getattr(cluster, args.net_command)(args.node)
    return 0


def cmd_partition(args: argparse.Namespace) -> int:
    """``net partition A,B|C,D``."""
    Cluster(args.dir).partition(args.groups)
    return 0


def cmd_heal(args: argparse.Namespace) -> int:
    """``net heal``."""
    Cluster(args.dir).heal()
    return 0


def cmd_loss(args: argparse.Namespace) -> int:
    """``net loss P``."""
    Cluster(args.dir).loss(args.probability)
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    """``net trace``.

    Raises:
        InvalidArgument: ``--out`` cannot be written (the main command line
            prints it as one line, exit status 2).
    """
    trace = Cluster(args.dir).trace()
    if args.out is None:
        trace.to_jsonl(sys.stdout)
        return 0
    try:
        trace.to_jsonl(args.out)
    except OSError as exc:
        raise invalid("--out", args.out, f"cannot be written: {exc.strerror or exc}") from None
    print(f"wrote {len(trace)} events to {args.out}")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    """``net down``."""
    Cluster(args.dir).down()
    return 0
