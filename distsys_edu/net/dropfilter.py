"""A node's drop filter: the launcher's partitions and message loss, applied by the node.

A real network cannot be told to cut a link, so each node drops what a cut link or the
loss probability would take: what it sends, before the datagram leaves, and what
arrives over a cut link. The launcher sends each new filter in an authenticated
control datagram (see :meth:`~.launcher.Cluster.partition`); a node adopts a filter
only if its version is newer than the one it has.
"""

from __future__ import annotations

import random
from typing import Any

from .codec import Refused


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
        try:
            version, blocked, loss = control["version"], control["blocked"], control["loss"]
            links = {(str(a), str(b)) for a, b in blocked}
            loss = float(loss)
        except (KeyError, TypeError, ValueError) as exc:
            raise Refused("malformed", f"control data {control!r:.80}: {exc}") from None
        if isinstance(version, int) and version > self.version:
            self.version, self.blocked, self.loss = version, links, loss
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
