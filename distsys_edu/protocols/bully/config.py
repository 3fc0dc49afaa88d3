"""Timing of a Bully cluster: the defaults, and their checks."""

from __future__ import annotations

from dataclasses import dataclass

from ...runtime.errors import invalid
from ..cluster import DetectorTiming
from ..memory import Footprint

HEARTBEAT_INTERVAL = 0.1
"""Seconds between two heartbeats of the coordinator."""

FAILURE_TIMEOUT = 0.35
"""Seconds of silence after which a follower suspects its coordinator (3.5 heartbeats:
two lost heartbeats in a row are tolerated)."""

ANSWER_TIMEOUT = 0.05
"""Seconds a candidate waits for any higher node's ``Answer`` before it wins: many
round trips of the default 1 ms links."""

COORDINATOR_TIMEOUT = 0.15
"""Seconds a candidate that got an ``Answer`` waits for a ``Coordinator`` (or a higher
node's heartbeat) before it starts again: longer than ``ANSWER_TIMEOUT`` plus the
answering node's own election, and longer than ``HEARTBEAT_INTERVAL``."""

FOOTPRINT = Footprint(per_node=8_000, per_pair=500)
"""Bytes a node, and per ``Election`` of the first election's burst (see :mod:`..memory`;
measured by ``benchmarks/cluster_memory.py``)."""


@dataclass(frozen=True)
class BullyConfig(DetectorTiming):
    """Timing of a Bully cluster, in seconds of virtual time.

    Args:
        heartbeat_interval: how often the coordinator sends ``Heartbeat``.
        failure_timeout: silence after which a follower suspects its coordinator.
        answer_timeout: how long a candidate waits for an ``Answer``.
        coordinator_timeout: how long a candidate that was answered waits for a
            ``Coordinator`` before starting again.
        check_interval: how often a follower asks its detector; ``None`` means half
            the heartbeat interval.

    Raises:
        InvalidArgument: a time that is not a finite number > 0, a heartbeat interval
            not shorter than ``failure_timeout`` or ``coordinator_timeout``.
    """

    heartbeat_interval: float = HEARTBEAT_INTERVAL
    failure_timeout: float = FAILURE_TIMEOUT
    answer_timeout: float = ANSWER_TIMEOUT
    coordinator_timeout: float = COORDINATOR_TIMEOUT
    check_interval: float | None = None

    def __post_init__(self) -> None:
        self._check_times(
            ["heartbeat_interval", "failure_timeout", "answer_timeout", "coordinator_timeout"]
        )
        for name in ("failure_timeout", "coordinator_timeout"):
            if not self.heartbeat_interval < getattr(self, name):
                raise invalid(
                    "heartbeat_interval",
                    self.heartbeat_interval,
                    f"must be shorter than {name} ({getattr(self, name)!r}), or a live "
                    "coordinator would be taken for dead",
                )
