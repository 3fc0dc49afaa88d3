"""The trace writer: where the Sim counts and records every event.

Every event the Sim produces is counted here (``trace="counts"`` keeps only the
tallies) and, with ``trace="full"``, written as one row of the trace at the
scheduler's ``now``. Two hot places write the same row inline, for speed, from
this writer's ``full``, ``add_row`` and ``add_object``: a send on the plain
network (``Transport.send``) and a delivery in the loop (``Engine._loop``).
``tests/runtime/test_transport.py`` and ``test_step_matches_run.py`` check that
the inline rows equal the ones written here.
"""

from __future__ import annotations

import math
from typing import Any

from .node import Envelope, Node
from .scheduler import Scheduler
from .trace import DROP, DROP_REASONS, K, Trace


class TraceWriter:
    """Counts and records events into one ``Trace``, at the scheduler's clock.

    Args:
        trace: the trace to write (its level decides whether rows are kept).
        scheduler: whose ``now`` stamps each row.

    Attributes:
        trace: that trace.
        full: whether rows are kept (``trace="full"``).
        kind_counts, sent_by_type: the trace's tallies, counted in place.
        add_row, add_object: the trace's appenders (``Trace.appenders``).
    """

    __slots__ = (
        "_scheduler",
        "add_object",
        "add_row",
        "full",
        "kind_counts",
        "sent_by_type",
        "trace",
    )

    def __init__(self, trace: Trace, scheduler: Scheduler) -> None:
        self.trace = trace
        self._scheduler = scheduler
        self.full = trace.full
        self.kind_counts = trace.kind_counts
        self.sent_by_type = trace.sent_by_type
        self.add_row, self.add_object = trace.appenders()

    def event(
        self, kind: str, node: Node | None = None, peer: Node | None = None, data: Any = None
    ) -> None:
        """Count and record a non-message event (``"crash"``, ``"timer"``...) at ``now``."""
        code = K[kind]
        self.kind_counts[code] += 1
        if self.full:
            node_index = -1 if node is None else node.index
            peer_index = -1 if peer is None else peer.index
            self.trace.record(self._scheduler.now, code, node_index, peer_index, -1, math.nan, data)

    def message(self, kind: int, env: Envelope, due: float) -> None:
        """Record a message event at ``now`` (full trace only; the caller counts it)."""
        if self.full:
            msg_id, src, dst, msg, _ = env
            self.trace.record(self._scheduler.now, kind, src.index, dst.index, msg_id, due, msg)

    def drop(self, env: Envelope, reason: str) -> None:
        """Count and record that ``env`` will never arrive, and why (``DROP_REASONS``)."""
        why = DROP_REASONS.index(reason)
        self.trace.drop_counts[why] += 1
        self.kind_counts[DROP] += 1
        self.message(DROP, env, why)  # a drop is due nowhere: ROW keeps the reason there
