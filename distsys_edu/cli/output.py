"""What the commands print that more than one of them needs: JSON, and who leads."""

from __future__ import annotations

import json
from typing import Any

from ..runtime import Sim
from ..runtime.trace import encode_value


def emit(data: dict[str, Any]) -> None:
    """Print ``data`` (plain JSON data) as exactly one line of JSON on stdout.

    Raises:
        ValueError: ``data`` holds a NaN or an infinity, which JSON cannot say (a bug:
            results give ``None`` for what is not known).
    """
    print(json.dumps(data, allow_nan=False))


def final_state(sim: Sim) -> dict[str, Any]:
    """``views``: each node's status and published view; ``leaders``: the live nodes
    whose role is leader.

    Each published value is encoded as the trace encodes it
    (:func:`~distsys_edu.runtime.trace.encode_value`), so the state is plain JSON data.
    """
    views = {}
    for name in sim.nodes:
        published = sim.annotations(name)
        views[name] = {
            "status": sim.status(name),
            **{k: encode_value(v) for k, v in published.items()},
        }
    leaders = [n for n, v in views.items() if v.get("role") == "leader" and v["status"] == "up"]
    return {"views": views, "leaders": leaders}


def outcome(state: dict[str, Any]) -> str:
    """One sentence on who leads, from :func:`final_state`'s ``state``."""
    views = state["views"]
    live = [n for n, v in views.items() if v["status"] == "up"]
    leaders = state["leaders"]
    followed = {views[n].get("leader") for n in live}
    if len(leaders) == 1 and followed == {leaders[0]}:
        term = views[leaders[0]].get("term")
        in_term = f" (term {term})" if term is not None else ""
        if len(live) == 1:
            return f"{leaders[0]} leads{in_term}, the only live node."
        return f"{leaders[0]} leads{in_term}, and all {len(live)} live nodes know it."
    if not leaders:
        lost = sorted(n for n in live if views[n].get("leader") is None)
        verb = "follows" if len(lost) == 1 else "follow"
        who = f"; {', '.join(lost)} {verb} nobody" if lost else ""
        return f"no live node leads{who}."
    named = ", ".join(f"{n}->{views[n].get('leader')}" for n in live)
    return f"leaders: {', '.join(leaders)}; each node's leader: {named}."
