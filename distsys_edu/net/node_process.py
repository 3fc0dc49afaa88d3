"""The entry point of one node process (``python -m distsys_edu.net``), which the
launcher starts with a bound UDP socket."""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import os
import signal
import socket
import sys

from .node import NetNode
from .rundir import RunDir

PR_SET_PDEATHSIG = 1


def tie_to_parent() -> None:
    """Ask Linux to send SIGTERM when the parent dies (elsewhere: polling only)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def main(argv: list[str] | None = None) -> int:
    """Entry point of a node process (``python -m distsys_edu.net``)."""
    parser = argparse.ArgumentParser(prog="python -m distsys_edu.net")
    parser.add_argument("run_dir")
    parser.add_argument("name")
    parser.add_argument("--fd", type=int, required=True, help="the bound UDP socket")
    parser.add_argument("--incarnation", type=int, default=0)
    parser.add_argument("--listening-since", type=float, required=True)
    parser.add_argument("--parent", type=int, help="end when this process ends")
    args = parser.parse_args(argv)
    os.umask(0o077)  # every file the node writes is its owner's alone
    if args.parent is not None:
        tie_to_parent()
        if os.getppid() != args.parent:  # it ended before the tie was made
            return 0
    run = RunDir(args.run_dir)
    if run.key_file.stat().st_mode & 0o077:
        print(f"{run.key_file} must be readable by its owner only", file=sys.stderr)
        return 2
    sock = socket.socket(fileno=args.fd)
    node = NetNode(run, args.name, args.incarnation, args.listening_since, args.parent)
    return asyncio.run(node.serve(sock))
