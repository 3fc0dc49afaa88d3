"""Liveness over a trace: a leader known to every live node, soon after the last fault."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, overload

from ..runtime import Snapshot, Trace
from ..runtime.errors import invalid
from ..runtime.units import as_seconds
from .arguments import optional_seconds, trace_of
from .cluster_state import agreed_leader as _agreed_leader
from .cluster_state import end_time, instants, last_fault_time, snapshot_state
from .violation import Violation

__all__ = ["LeaderAgreement", "leader_known_by_all", "liveness"]


@dataclass(frozen=True)
class LeaderAgreement:
    """Every live node agreed on ``leader`` at time ``t``."""

    t: float
    leader: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return asdict(self)


@overload
def leader_known_by_all(source: Snapshot) -> str | None: ...


@overload
def leader_known_by_all(source: Trace, since: float = 0.0) -> LeaderAgreement | None: ...


def leader_known_by_all(
    source: Snapshot | Trace, since: float = 0.0
) -> str | LeaderAgreement | None:
    """When every live node agrees on one leader that is up and leads.

    Agreement means: at least one node is up; some up node ``L`` annotates
    ``role="leader"``; and every up node annotates ``leader=L`` (``L`` may leave
    its own ``leader`` out). Down, paused and stopped nodes are not asked.

    Args:
        source: a snapshot (is there agreement now?) or a full trace (when is
            there agreement first, at or after ``since``?).
        since: for a trace, the earliest time to consider; the state standing
            at ``since`` counts.

    Returns:
        For a snapshot, the leader's name or ``None``. For a trace, a
        :class:`LeaderAgreement` with the first such time and leader, or ``None``
        if it never happens.
    """
    if isinstance(source, Snapshot):
        return _agreed_leader(*snapshot_state(source))
    if not isinstance(source, Trace):
        raise invalid("source", source, "must be a Snapshot or a Trace")
    since = as_seconds("since", since)
    standing: str | None = None  # the agreement in force at ``since``
    for t, _, state in instants(source):
        if t <= since:
            standing = state.agreed_leader()
            continue
        if standing is not None:
            break
        leader = state.agreed_leader()
        if leader is not None:
            return LeaderAgreement(t, leader)
    return None if standing is None else LeaderAgreement(since, standing)


def liveness(trace: Trace, after: float | None = None, within: float = 3.0) -> list[Violation]:
    """After the last fault, a leader known to every live node appears soon.

    Args:
        trace: a full trace; run it at least until ``after + within``.
        after: when the last fault ended; default: the last fault in the trace
            (see :func:`~distsys_edu.checks.cluster_state.last_fault_time`), or 0.0
            if there was none.
        within: seconds allowed for :func:`leader_known_by_all` to hold (the
            default, 3 s, is ten of Raft's longest election timeouts).

    Returns:
        One violation if no agreement came by ``after + within``, else none.

    Raises:
        InvalidArgument: ``within`` not seconds >= 0.
    """
    trace = trace_of(trace)
    within = as_seconds("within", within)
    after = optional_seconds("after", after)
    if after is None:
        after = last_fault_time(trace) or 0.0
    agreement = leader_known_by_all(trace, since=after)
    if agreement is not None and agreement.t - after <= within:
        return []
    if agreement is None:
        detail = (
            f"no leader was known to every live node after t={after:.3f} "
            f"(the trace ends at t={end_time(trace):.3f})"
        )
    else:
        detail = (
            f"every live node knew {agreement.leader} as leader only "
            f"{agreement.t - after:.3f} s after t={after:.3f}, not within {within:g} s"
        )
    nodes = (agreement.leader,) if agreement is not None else ()
    return [Violation("liveness", after, nodes, detail)]
