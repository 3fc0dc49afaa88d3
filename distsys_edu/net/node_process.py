"""What one node process runs: the launcher starts it with a bound UDP socket, as
``python -m distsys_edu.cli.processes node ...`` (the command line parses the arguments)."""

from __future__ import annotations

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


def run_node(
    run_dir: str,
    name: str,
    fd: int,
    incarnation: int,
    listening_since: float,
    parent: int | None,
) -> int:
    """Serve node ``name`` of the run in ``run_dir`` on the bound UDP socket ``fd`` until
    it is told to stop; ``parent``: end when that process ends. Returns the exit status."""
    os.umask(0o077)  # every file the node writes is its owner's alone
    if parent is not None:
        tie_to_parent()
        if os.getppid() != parent:  # it ended before the tie was made
            return 0
    run = RunDir(run_dir)
    if run.key_file.stat().st_mode & 0o077:
        print(f"{run.key_file} must be readable by its owner only", file=sys.stderr)
        return 2
    sock = socket.socket(fileno=fd)
    node = NetNode(run, name, incarnation, listening_since, parent)
    return asyncio.run(node.serve(sock))
