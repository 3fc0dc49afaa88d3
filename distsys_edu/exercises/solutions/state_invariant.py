"""Worked answer to lesson 10's state invariant (:mod:`distsys_edu.exercises.state_invariant`)."""

from __future__ import annotations

from ...checks.model_state import ModelView


def same_term_leaders(view: ModelView) -> str | None:
    """Two nodes that are up and lead the same term in this state, in words; else ``None``.

    Only nodes that are up count (a crashed node's last annotations stay as they
    were), only ``role == "leader"`` leads, and leaders of different terms are
    allowed (a stale leader of an older term has not heard of the new one yet).
    """
    by_term: dict[object, list[str]] = {}
    for name in view.nodes:
        notes = view.annotations[name]
        if view.status[name] == "up" and notes.get("role") == "leader":
            by_term.setdefault(notes.get("term"), []).append(name)
    for term, leaders in by_term.items():
        if len(leaders) > 1:
            return f"{' and '.join(leaders)} both lead term {term}"
    return None
