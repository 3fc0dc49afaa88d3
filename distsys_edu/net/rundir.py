"""The run directory: everything a cluster of real processes shares, owner-only.

::

    DIR/                   mode 0700
      .distsys-net-run     the mark that says the directory is ours (see .claim)
      lock                 held by the launcher while it starts a cluster (flock)
      state.lock           held while a command changes state.json (flock)
      keeper.log           what the cluster's keeper said (see .keeper)
      cluster.json         protocol, options, node names and ports, host, start, seed
      key                  the cluster's HMAC key (32 random bytes, hex), mode 0600
      state.json           pids, incarnations, paused nodes, the drop filter
      control.jsonl        what the launcher did (kill, pause, partition...), as trace rows
      nodes/NAME.status.json   what the node last published, its counters
      nodes/NAME.storage.json  its ctx.storage
      nodes/NAME.trace.jsonl   its trace rows, with Lamport clocks
      nodes/NAME.log           its stderr

Every file is written whole to a temporary file and renamed (except the
append-only ``.jsonl`` files, written a line at a time).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DIR = ".distsys-net"
"""The run directory when none is given (in the current directory)."""

LOOPBACK = "127.0.0.1"


def cluster_clock(start: float) -> float:
    """Seconds since the cluster started, on this machine's monotonic clock.

    The monotonic clock is shared by every process of one machine, so every
    node's times are on one time line.
    """
    return time.monotonic() - start


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only, atomically."""
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(temporary, path)


def read_json(path: Path, default: Any = None) -> Any:
    """The JSON in ``path``, or ``default`` if it does not exist (yet)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def append_line(path: Path, row: dict[str, Any]) -> None:
    """Append one JSON line to ``path`` (created owner-only)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n")


@dataclass
class ClusterConfig:
    """What every node of one cluster is told at start-up (``cluster.json``).

    Attributes:
        protocol: a name from the protocol registry.
        nodes: node names, in spawn order.
        ports: each node's UDP port on ``host``.
        options: keyword arguments for the protocol's ``spawn_cluster``.
        host: the address every node listens on (127.0.0.1 unless asked otherwise).
        start: the launcher's monotonic clock when the cluster started.
        seed: seeds each node's ``ctx.rng`` (timing still varies from run to run).
        clients: the nodes (also in ``nodes``) that the protocol spawned as clients
            of the others (raftlog's ``clients`` option); fault commands spare them.
        module: the module that declares the protocol's spec; a node process
            imports it when it does not know the protocol (one registered with
            ``register`` in the launching process).
        module_path: the ``sys.path`` entry ``module`` is found under (``""``: any).
    """

    protocol: str
    nodes: list[str]
    ports: dict[str, int]
    options: dict[str, Any] = field(default_factory=dict)
    host: str = LOOPBACK
    start: float = 0.0
    seed: int = 0
    clients: list[str] = field(default_factory=list)
    module: str = ""
    module_path: str = ""

    @property
    def servers(self) -> list[str]:
        """The nodes that are not clients: what fault commands may strike."""
        return [n for n in self.nodes if n not in self.clients]


class RunDir:
    """The paths of one run directory.

    Args:
        path: the directory.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).resolve()
        self.cluster_file = self.path / "cluster.json"
        self.key_file = self.path / "key"
        self.state_file = self.path / "state.json"
        self.control_log = self.path / "control.jsonl"
        self.nodes_dir = self.path / "nodes"

    def node_file(self, name: str, what: str) -> Path:
        """``nodes/NAME.WHAT``: ``status.json``, ``storage.json``, ``trace.jsonl`` or ``log``."""
        return self.nodes_dir / f"{name}.{what}"

    def config(self) -> ClusterConfig:
        """The cluster's configuration."""
        return ClusterConfig(**read_json(self.cluster_file))

    def key(self) -> bytes:
        """The cluster's HMAC key."""
        return bytes.fromhex(self.key_file.read_text().strip())

    def state(self) -> dict[str, Any]:
        """The launcher's state: pids, incarnations, paused nodes, the drop filter."""
        state: dict[str, Any] = read_json(self.state_file, {})
        return state

    def save_state(self, state: dict[str, Any]) -> None:
        """Replace the launcher's state (see :meth:`edit_state` to change it)."""
        write_private(self.state_file, json.dumps(state, sort_keys=True))

    @contextmanager
    def edit_state(self) -> Iterator[dict[str, Any]]:
        """Read the launcher's state, let the block change it, and save it, while
        holding a lock (``flock`` on ``state.lock``): two commands at once (``net
        restart`` and ``net partition`` from two terminals) never lose each other's
        change, such as a restarted node's pid."""
        fd = os.open(self.path / "state.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            state = self.state()
            yield state
            self.save_state(state)
        finally:
            os.close(fd)
