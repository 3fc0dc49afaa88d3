"""The node processes the launcher starts: starting one, telling whether it lives, waiting.

A node process gets its UDP socket already bound (:func:`bind`), so two clusters never
collide on a port and a restarted node listens on its old one.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from ..runtime import SimError
from ..runtime.errors import invalid
from .rundir import RunDir, cluster_clock

PROCESSES = "distsys_edu.cli.processes"
"""The module a node process and the keeper run as (``python -m``): the command line
parses their arguments, then calls :func:`.node_process.run_node` or :func:`.keeper.keep`."""

POLL = 0.02
"""Seconds between two looks at a process or a file while waiting."""

READY_TIMEOUT = 60.0
"""Seconds a new process (a node, the keeper) has to say that it started."""

STOP_TIMEOUT = 3.0
"""Seconds a node has to end after SIGTERM before it gets SIGKILL."""

CHILDREN: dict[int, subprocess.Popen[bytes]] = {}
"""The node processes this process started, by pid (to reap them when they end)."""


class NetError(SimError):
    """A launcher command that cannot be done (a live cluster already in the directory...)."""


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a child of ours that ended is reaped, not counted)."""
    child = CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process has that pid now
        return False
    return not is_zombie(pid)


def ended(pid: int) -> bool:
    """Whether process ``pid`` no longer runs."""
    return not pid_alive(pid)


def is_zombie(pid: int) -> bool:
    """On Linux, whether ``pid`` has ended but not been reaped by its parent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def runs_in(run: RunDir, pid: int) -> bool:
    """Whether process ``pid`` is one of ``run``'s (its command line names the run
    directory), so that a pid reused by another program is never signalled. Where
    there is no ``/proc``, whether it lives."""
    if not Path("/proc/self").exists():  # pragma: no cover - not Linux
        return pid_alive(pid)
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return os.fsencode(str(run.path)) in command and pid_alive(pid)


def stop_processes(pids: Iterable[int], grace: float = STOP_TIMEOUT) -> None:
    """End processes: SIGCONT (a stopped process must run to handle anything) and
    SIGTERM, then SIGKILL for those still there after ``grace`` seconds."""
    live = [pid for pid in pids if pid_alive(pid)]
    for pid in live:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for pid in live:
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(POLL)
        if pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            wait_until(partial(ended, pid), grace, f"pid {pid} to end")


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds.

    Raises:
        NetError: it did not hold within ``timeout`` seconds (names ``what``).
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise NetError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(POLL)


def start_node(
    run: RunDir, cluster_start: float, name: str, sock: socket.socket, incarnation: int
) -> None:
    """Start node ``name``'s process on ``sock`` (which is then closed here), and note
    its pid and incarnation in the run's state.

    The node belongs to the cluster, not to the command that started it: only a node
    started by the process that owns a tied cluster is tied to this process (the
    kernel ends it when this process dies); any other one runs in a session of its
    own, and the cluster's keeper (:func:`start_keeper`) ends it with the cluster.

    Args:
        run: the run directory.
        cluster_start: the cluster's start on the monotonic clock (its time 0).
        name: the node.
        sock: its bound UDP socket, handed to the process.
        incarnation: how many times it was started before.
    """
    state = run.state()
    status = run.node_file(name, "status.json")
    status.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        PROCESSES,
        "node",
        str(run.path),
        name,
        "--fd",
        str(sock.fileno()),
        "--incarnation",
        str(incarnation),
        "--listening-since",
        repr(cluster_clock(cluster_start)),
    ]
    ours = state["tied"] and state.get("owner") == os.getpid()
    if ours:
        command += ["--parent", str(os.getpid())]
    try:
        pid = spawn(command, run.node_file(name, "log"), tied=ours, pass_fds=(sock.fileno(),))
    finally:
        sock.close()
    with run.edit_state() as state:
        state["pids"][name] = pid
        state["incarnations"][name] = incarnation


def start_keeper(run: RunDir) -> Callable[[], None]:
    """Start the cluster's keeper (:func:`.keeper.keep`), note its pid.

    It ends every node, paused ones too, when the run directory goes or (for a tied
    cluster) when the process that owns the cluster dies; see :mod:`.keeper`.

    Returns:
        A function that waits until the keeper has read the run's state once (it
        closes a pipe then): from that moment it knows the nodes to end.
    """
    state = run.state()
    read_end, write_end = os.pipe()
    command = [sys.executable, "-m", PROCESSES, "keeper", str(run.path)]
    command += ["--ready", str(write_end)]
    owner = state.get("owner")
    if state["tied"] and owner is not None:
        command += ["--owner", str(owner)]
    tied = state["tied"] and owner == os.getpid()
    try:
        pid = spawn(command, run.path / "keeper.log", tied=tied, pass_fds=(write_end,))
    finally:
        os.close(write_end)
    with run.edit_state() as state:
        state["keeper"] = pid

    def wait_ready() -> None:
        try:
            wait_until(
                lambda: bool(select.select([read_end], [], [], 0)[0]),
                READY_TIMEOUT,
                "the cluster's keeper to start",
            )
        finally:
            os.close(read_end)

    return wait_ready


def spawn(command: list[str], log_path: Path, *, tied: bool, pass_fds: tuple[int, ...] = ()) -> int:
    """Start ``command`` with its output in ``log_path``; return its pid.

    ``tied``: in this process's session (Ctrl-C in its terminal reaches it);
    otherwise in a session of its own, so that it outlives this process.
    """
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        process = subprocess.Popen(
            command,
            pass_fds=pass_fds,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=not tied,
        )
    finally:
        os.close(log)
    CHILDREN[process.pid] = process
    return process.pid


def bind(host: str, port: int, retry: float = 0.0) -> socket.socket:
    """A UDP socket bound to ``(host, port)``, trying again for ``retry`` seconds."""
    deadline = time.monotonic() + retry
    while True:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind((host, port))
            return sock
        except OSError as exc:
            sock.close()
            if time.monotonic() > deadline:
                raise invalid("host", host, f"must be an address to listen on ({exc})") from None
            time.sleep(POLL)
