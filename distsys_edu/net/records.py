"""A node process's identity, clock and records: its trace rows, counters and status file.

:class:`~.node.NetNode` runs the actor on top of this; nothing here runs actor code.
"""

from __future__ import annotations

import json
import os
import random
import sys
from typing import Any

from ..runtime.errors import invalid
from ..runtime.trace import encode_value
from .codec import REFUSALS, Refused
from .dropfilter import DropFilter
from .rundir import RunDir, cluster_clock, write_private

LOGGED_REFUSALS = 20
"""Refusals of one reason written to the log; later ones are only counted."""


class NodeRecords:
    """What one node process knows of itself and writes for others to read.

    Args:
        run: the run directory.
        name: this node's name.
        incarnation: how many times it was started before.
        parent: the pid whose death ends this process, or ``None``.

    Raises:
        InvalidArgument: ``name`` is not a node of the run's cluster.
    """

    def __init__(self, run: RunDir, name: str, incarnation: int, parent: int | None) -> None:
        self.run = run
        self.config = run.config()
        if name not in self.config.ports:
            raise invalid("node", name, f"must be one of {', '.join(self.config.nodes)}")
        self.name = name
        self.seed = self.config.seed
        self.incarnation = incarnation
        self.parent = parent
        self.dir_inode = run.path.stat().st_ino
        self.now = cluster_clock(self.config.start)
        self.lamport = 0
        self.annotations: dict[str, Any] = {}
        self.refused = dict.fromkeys(REFUSALS, 0)
        self.dropped = {"loss": 0, "partition": 0}
        self.filter = DropFilter(random.Random(f"{self.seed}/network/{name}/{incarnation}"))
        self.status = "up"
        self.dirty = True
        self.read_filter()
        self.trace_file = open(  # noqa: SIM115 (open for the process's life; line-buffered,
            # so a kill -9 loses no finished row)
            run.node_file(name, "trace.jsonl"),
            "a",
            buffering=1,
            encoding="utf-8",
        )

    def tick(self) -> None:
        """A callback begins: read the clock once for everything it does."""
        self.now = cluster_clock(self.config.start)

    def run_goes_on(self) -> bool:
        """Whether the run directory is still there and the parent (if any) alive."""
        try:
            same_dir = self.run.path.stat().st_ino == self.dir_inode
        except FileNotFoundError:
            return False
        return same_dir and (self.parent is None or os.getppid() == self.parent)

    def write_status(self) -> None:
        """Write what this node last published, and its counters, for ``net status``."""
        self.dirty = False
        status = {
            "name": self.name,
            "pid": os.getpid(),
            "incarnation": self.incarnation,
            "status": self.status,
            "annotations": encode_value(self.annotations),
            "refused": self.refused,
            "dropped": self.dropped,
            "filter_version": self.filter.version,
            "t": self.now,
        }
        write_private(self.run.node_file(self.name, "status.json"), json.dumps(status))

    # -- the trace and the counters ----------------------------------------------

    def record(self, kind: str, node: str | None = None, **fields: Any) -> int:
        """Write one trace row at ``self.now``; returns its Lamport time."""
        self.lamport += 1
        row = {"t": self.now, "lc": self.lamport, "kind": kind, "node": node or self.name}
        row.update((k, v) for k, v in fields.items() if v is not None)
        self.trace_file.write(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n")
        return self.lamport

    def _annotate(self, node: object, state: dict[str, Any]) -> None:
        """``ctx.annotate`` (World): update the published view and record it."""
        for key, value in state.items():
            if value is None:
                self.annotations.pop(key, None)
            else:
                self.annotations[key] = value
        self.record("annotate", data=encode_value(state))
        self.dirty = True

    def drop(self, mid: list[Any], src: str, dst: str, reason: str) -> None:
        """Record and count a message the drop filter takes."""
        self.dropped[reason] += 1
        self.dirty = True
        self.record("drop", node=src, peer=dst, mid=mid, reason=reason)

    def refuse(self, refusal: Refused) -> None:
        """Count a refused datagram, and log it (the first few of each reason)."""
        self.refused[refusal.reason] += 1
        self.dirty = True
        if self.refused[refusal.reason] <= LOGGED_REFUSALS:
            print(f"{self.name}: refused a datagram: {refusal}", file=sys.stderr, flush=True)

    def read_filter(self) -> None:
        """Adopt the cluster's current drop filter from the run's state, if it is newer
        (the launcher's control datagrams bring it at once; this catches one missed
        while the process was stopped)."""
        try:
            self.apply_filter(self.run.state().get("filter"))
        except Refused as refusal:
            self.refuse(refusal)

    def apply_filter(self, control: Any) -> None:
        """Adopt the launcher's drop filter (partitions and loss), if it is newer.

        Raises:
            Refused: ``malformed`` control data.
        """
        if self.filter.adopt(control):
            self.dirty = True
