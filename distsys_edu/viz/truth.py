"""What is true, beside what nodes believe: the words under the cluster picture."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..runtime import Snapshot
from ..runtime.errors import invalid


def slow_key(snapshot: Snapshot, losses: Mapping[tuple[str, str], float], hidden: int) -> Any:
    """Everything the nodes, links, beliefs and caption are drawn from (compared with ==)."""
    views = [
        (
            n,
            v.status,
            v.annotations.get("role"),
            v.annotations.get("term"),
            v.annotations.get("leader"),
            v.annotations.get("suspects"),
        )
        for n, v in snapshot.nodes.items()
    ]
    return views, snapshot.blocked, snapshot.held, sorted(losses.items()), hidden


def real_leaders(snapshot: Snapshot) -> list[str]:
    """The nodes that are up and say they lead: who really leads, right now."""
    return [
        n
        for n, v in snapshot.nodes.items()
        if v.status == "up" and v.annotations.get("role") == "leader"
    ]


VERDICTS = {
    "up": "✗ (it is up)",
    "paused": "✗ (it is paused, not down)",
    "down": "✓",
    "stopped": "✓",
}
"""What a suspicion of a node in each status is: a paused process is alive (it will run
again, and its state is intact), so suspecting it is as wrong as suspecting one that is up;
a crashed (down) or stopped one has really failed."""


def verdict(status: str) -> str:
    """The mark of a suspicion of a node whose real status is ``status``.

    Raises:
        InvalidArgument: a status that is none of :data:`VERDICTS`.
    """
    if status not in VERDICTS:
        raise invalid("status", status, f"must be one of {', '.join(VERDICTS)}")
    return VERDICTS[status]


def _suspicions(snapshot: Snapshot, nodes: Sequence[str]) -> list[str]:
    """Each suspected node with who suspects it, marked right (it has failed) or wrong (it is
    alive): ``n1,n2→n5 ✗ (it is paused, not down)``."""
    by: dict[str, list[str]] = {}
    for name in nodes:
        view = snapshot.nodes.get(name)
        if view is None or view.status != "up":
            continue
        for other in view.annotations.get("suspects") or ():
            by.setdefault(other, []).append(name)
    words = []
    for other in sorted(by):
        real = snapshot.nodes.get(other)
        mark = "✗ (not in the cluster)" if real is None else verdict(real.status)
        words.append(f"{','.join(by[other])}→{other} {mark}")
    return words


def caption(snapshot: Snapshot, hidden: int, nodes: Sequence[str]) -> str:
    """The truth under the picture, what nodes suspect, and what is left out."""
    leaders = real_leaders(snapshot)
    if len(leaders) > 1:
        lead = f"SPLIT BRAIN: {' and '.join(leaders)} both lead"
    else:
        lead = f"leads: {leaders[0]}" if leaders else "leads: nobody"
    not_up = [f"{n} {v.status}" for n, v in snapshot.nodes.items() if v.status != "up"]
    lines = [f"Truth: {lead}; " + (", ".join(not_up) if not_up else "every node is up")]
    suspicions = _suspicions(snapshot, nodes)
    if suspicions:
        shown = suspicions[:8]
        more = f" (+{len(suspicions) - 8} more)" if len(suspicions) > 8 else ""
        lines.append("Suspects: " + "; ".join(shown) + more)
    left_out = [n for n in snapshot.nodes if n not in nodes]
    if hidden or left_out:
        parts = [f"{hidden} message(s) to or from outside the cluster"] if hidden else []
        parts += [f"nodes {', '.join(left_out)}"] if left_out else []
        lines.append("Not drawn: " + "; ".join(parts))
    return "\n".join(lines)
