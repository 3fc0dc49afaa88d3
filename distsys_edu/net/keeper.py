"""The keeper: one small process per cluster that ends every node when the cluster ends.

``python -m distsys_edu.cli.processes keeper RUN_DIR [--owner PID]``, started by
:meth:`~.launcher.Cluster.up` (see :func:`~.children.start_keeper`). About ten times
a second it reads the nodes' pids from the run's state, and it ends them (SIGCONT and
SIGTERM, then SIGKILL; see :func:`~.children.stop_processes`) when

* the run directory is removed (or replaced by another one), or
* the process ``owner`` that owns a tied cluster (a notebook's kernel, ``net up
  --wait``) has died.

A node ends on its own in both cases, but a node stopped with SIGSTOP cannot notice
anything, nor handle the SIGTERM the kernel sends it when its parent dies; and a node
restarted by another command (``net restart``) is not the owner's child at all. The
keeper is never paused, so no node outlives its cluster. ``Cluster.down`` ends the
keeper with the nodes. Only processes whose command line names the run directory
are signalled (:func:`~.children.runs_in`): a pid reused by another program is safe.
"""

from __future__ import annotations

import os
import signal
import time

from .children import pid_alive, runs_in, stop_processes
from .rundir import RunDir, read_json

KEEP_EVERY = 0.1
"""Seconds between two looks at the run directory and the owner."""


def keep(run_dir: str, owner: int | None, ready: int | None) -> int:
    """Keep the cluster of ``run_dir`` until it ends; then end its nodes.

    Args:
        run_dir: the run directory.
        owner: end the nodes when this process ends (``None``: only when the
            directory goes).
        ready: a pipe's write end, closed after the first look.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is the launcher's
    run = RunDir(run_dir)
    inode = run.path.stat().st_ino
    pids: set[int] = set()
    while True:
        try:
            here = run.path.stat().st_ino == inode
        except FileNotFoundError:
            here = False
        if here:  # the last pids known are the ones to end if the directory goes
            pids = set(read_json(run.state_file, {}).get("pids", {}).values())
        if ready is not None:  # the launcher waits for this first look
            os.close(ready)
            ready = None
        if not here or (owner is not None and not pid_alive(owner)):
            stop_processes(pid for pid in pids if runs_in(run, pid))
            return 0
        time.sleep(KEEP_EVERY)
