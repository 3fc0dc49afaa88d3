"""Invariants over a full trace: what must always (or eventually) hold.

Each check reads only a :class:`~distsys_edu.runtime.Trace` (live or read back
from JSON lines) or a :class:`~distsys_edu.runtime.Snapshot`, never an actor's
fields, and reads them through the shared annotation keys of
:mod:`distsys_edu.protocols.cluster`: ``role``, ``term``, ``leader`` and
``suspects``. Each walks the trace once (see :mod:`.replay`).

A check returns a list of :class:`Violation` (empty when the invariant holds),
so that a lesson can print them and the explorer can shrink a schedule that
produces one.

Safety:

* :func:`one_leader_per_term`: never two leaders of one term (Raft's Election
  Safety), read after every event.
* :func:`one_leader_among_reachable`: never, for longer than a grace period in
  all within a window, two leaders that can talk to each other (split brain that
  outlives a partition).

Checks that measure how long something lasted measure up to the run's end: how
far the Sim was run (``trace.end``), not only its last event.

Failure detection:

* :func:`detection_times`, :func:`completeness`: how soon each live node
  suspects a crashed one, and whether it ever does.
* :func:`false_suspicions`: suspicions of nodes that were up.

Liveness:

* :func:`leader_known_by_all`, :func:`liveness`: when every live node agrees on
  one leader that is up and leads, and whether that happens soon enough after
  the last fault.
"""

from __future__ import annotations

from .detection import Detection, Suspicion, completeness, detection_times, false_suspicions
from .liveness import LeaderAgreement, leader_known_by_all, liveness
from .safety import (
    DEFAULT_GRACE,
    DEFAULT_WINDOW,
    one_leader_among_reachable,
    one_leader_per_term,
)
from .violation import Violation

__all__ = [
    "DEFAULT_GRACE",
    "DEFAULT_WINDOW",
    "Detection",
    "LeaderAgreement",
    "Suspicion",
    "Violation",
    "completeness",
    "detection_times",
    "false_suspicions",
    "leader_known_by_all",
    "liveness",
    "one_leader_among_reachable",
    "one_leader_per_term",
]
