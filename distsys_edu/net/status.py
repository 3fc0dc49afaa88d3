"""What ``net status`` shows of each node, read from the run directory."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..runtime.trace import encode_value
from .children import pid_alive
from .rundir import RunDir, read_json


@dataclass(frozen=True)
class NodeStatus:
    """One node as ``net status`` shows it.

    Attributes:
        name: the node's name.
        pid: its process id (of its latest start).
        alive: whether that process is running (paused counts as alive).
        state: ``"up"``, ``"paused"``, ``"down"`` or ``"stopped"``.
        role, term, leader: as it last published them (``None`` if never).
        refused: datagrams it refused, by reason.
        dropped: messages its drop filter took, by reason.
    """

    name: str
    pid: int | None
    alive: bool
    state: str
    role: str | None
    term: Any
    leader: str | None
    refused: dict[str, int]
    dropped: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        data: dict[str, Any] = encode_value(asdict(self))
        return data


def node_statuses(run: RunDir, nodes: list[str]) -> list[NodeStatus]:
    """Each of ``nodes``: pid, whether it lives, and what it last published."""
    state = run.state()
    found = []
    for name in nodes:
        pid = state["pids"].get(name)
        alive = pid is not None and pid_alive(pid)
        published = read_json(run.node_file(name, "status.json"), {})
        notes = published.get("annotations", {})
        if alive:
            current = "paused" if name in state["paused"] else "up"
        else:
            current = "stopped" if published.get("status") == "stopped" else "down"
        found.append(
            NodeStatus(
                name=name,
                pid=pid,
                alive=alive,
                state=current,
                role=notes.get("role"),
                term=notes.get("term"),
                leader=notes.get("leader"),
                refused=published.get("refused", {}),
                dropped=published.get("dropped", {}),
            )
        )
    return found


def agreed_leader_above_term(
    statuses: list[NodeStatus], among: set[str], above_term: int
) -> tuple[str, int] | None:
    """The leader the nodes ``among`` agree on, and its term, if they do.

    Agreement: exactly one of those nodes that is up says it leads, in a term
    above ``above_term``, and every other one that is up names it as its leader.
    Paused and dead nodes are left out, as they cannot answer. Unlike
    :func:`distsys_edu.checks.cluster_state.agreed_leader` (every up node of a simulated
    cluster names one leader, in any term), this asks only ``among`` for a leader
    newer than ``above_term``, and reads what real nodes last published.
    """
    up = [s for s in statuses if s.state == "up" and s.name in among]
    leaders = [s for s in up if s.role == "leader"]
    if len(leaders) != 1 or leaders[0].term is None or leaders[0].term <= above_term:
        return None
    leader = leaders[0]
    if any(s.leader != leader.name for s in up if s is not leader):
        return None
    return leader.name, leader.term
