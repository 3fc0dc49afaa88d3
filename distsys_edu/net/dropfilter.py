"""The drop filter: the launcher's partitions and message loss, applied by each node.

A real network cannot be told to cut a link, so each node drops what a cut link or the
loss probability would take: what it sends, before the datagram leaves, and what
arrives over a cut link. The launcher sends each new filter in an authenticated
control datagram (:class:`FilterPublisher`, for :meth:`~.launcher.Cluster.partition`
and the like); a node adopts a filter (:class:`DropFilter`) only if its version is
newer than the one it has.
"""

from __future__ import annotations

import random
import secrets
import socket
import time
from typing import Any

from .children import wait_until
from .codec import Refused
from .fields import fits
from .rundir import ClusterConfig, RunDir, cluster_clock, read_json
from .wire import CONTROL, is_count, seal

FILTER_TIMEOUT = 3.0
"""Seconds the launcher waits for every live node to adopt a new drop filter."""

RESEND = 0.1
"""Seconds between two sends of a filter to the nodes that have not adopted it yet."""


class DropFilter:
    """The links cut and the loss probability one node applies.

    Args:
        rng: draws the losses (seeded per node and incarnation by the caller).

    Attributes:
        version: of the filter adopted last (0: none yet).
        blocked: the directed links ``(src, dst)`` that are cut.
        loss: the probability that a message sent is lost.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.version = 0
        self.blocked: set[tuple[str, str]] = set()
        self.loss = 0.0

    def adopt(self, control: Any) -> bool:
        """Adopt the launcher's filter ``control`` if it is newer; return whether it was.

        Raises:
            Refused: ``malformed`` control data.
        """
        if control is None:
            return False
        if not (isinstance(control, dict) and control.keys() == {"version", "blocked", "loss"}):
            raise Refused("malformed", f"control data {control!r:.80}")
        version, blocked, loss = control["version"], control["blocked"], control["loss"]
        pairs = isinstance(blocked, list) and all(
            isinstance(link, list) and len(link) == 2 and all(isinstance(n, str) for n in link)
            for link in blocked
        )
        if not (is_count(version) and pairs and fits(loss, float) and 0 <= loss <= 1):
            raise Refused("malformed", f"control data {control!r:.80}")
        if version > self.version:
            self.version, self.blocked, self.loss = version, {(a, b) for a, b in blocked}, loss
            return True
        return False

    def outgoing(self, src: str, dst: str) -> str | None:
        """Why a message from ``src`` to ``dst`` is dropped as it is sent, or ``None``.

        ``"partition"`` if the link is cut, else ``"loss"`` with probability ``loss``
        (a draw of ``rng`` only when ``loss`` is not 0).
        """
        if (src, dst) in self.blocked:
            return "partition"
        if self.loss and self.rng.random() < self.loss:
            return "loss"
        return None


class FilterPublisher:
    """The launcher's side: tells live nodes a new filter, in control datagrams.

    Args:
        run: the run directory (its key authenticates each datagram; each node's
            status file says which filter it adopted).
        config: the cluster (where each node listens, and its clock).

    Attributes:
        boot: names this launcher's datagrams apart from another launcher's
            (a random number, as a launcher has no incarnation).
        seq: counts the control datagrams it sent.
    """

    def __init__(self, run: RunDir, config: ClusterConfig) -> None:
        self.run = run
        self.config = config
        self.boot = secrets.randbits(48)
        self.seq = 0

    def publish(self, control: dict[str, Any], nodes: list[str]) -> None:
        """Send ``control`` to each of ``nodes`` until each one says it adopted it.

        A node that has not published ``control``'s version in its status file gets
        it again every :data:`RESEND` real seconds.

        Raises:
            NetError: not every node adopted it within :data:`FILTER_TIMEOUT`.
        """
        key = self.run.key()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:

            def adopted() -> bool:
                waiting = [n for n in nodes if self.adopted_version(n) < control["version"]]
                for name in waiting:
                    sock.sendto(seal(key, self.header(name, control)), self.where(name))
                if waiting:
                    time.sleep(RESEND)
                return not waiting

            wait_until(adopted, FILTER_TIMEOUT, "every node to adopt the drop filter")

    def adopted_version(self, node: str) -> int:
        """The version of the filter ``node`` last said it adopted (0: none)."""
        status = read_json(self.run.node_file(node, "status.json"), {})
        version: int = status.get("filter_version", 0)
        return version

    def header(self, node: str, control: dict[str, Any]) -> dict[str, Any]:
        """The header of the next control datagram to ``node`` (see :mod:`.wire`)."""
        self.seq += 1
        return {
            "src": CONTROL,
            "dst": node,
            "boot": self.boot,
            "seq": self.seq,
            "sent": cluster_clock(self.config.start),
            "lc": 0,
            "control": control,
        }

    def where(self, node: str) -> tuple[str, int]:
        """The address ``node`` listens on."""
        return (self.config.host, self.config.ports[node])
