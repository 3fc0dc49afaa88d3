"""Worked answers to lesson 07's exercises (:mod:`distsys_edu.exercises.real_traces`)."""

from __future__ import annotations

from ...runtime import Trace


def step_downs(trace: Trace) -> list[tuple[str | None, int, int]]:
    """Every time a leader stepped down, in the order it happened.

    Walk the annotations, remembering the term each node leads now. A view with
    another role from a node that was leading is a step-down; a crash makes the
    node forget what it led (its next view comes from a fresh process).
    """
    leading: dict[str | None, int] = {}  # node -> the term it leads
    found = []
    for e in trace.events(["annotate", "crash"]):
        if e.kind == "crash":
            leading.pop(e.node, None)
        elif e.data.get("role") == "leader":
            leading[e.node] = e.data["term"]
        elif "role" in e.data and e.node in leading:
            found.append((e.node, leading.pop(e.node), e.data["term"]))
    return found


def terms_with_two_leaders(trace: Trace) -> dict[int, list[str | None]]:
    """The terms that had more than one leader, over the whole trace.

    Every claim counts, from the first event to the last: a term's leaders are
    collected once each, in the order they claimed it.
    """
    leaders: dict[int, list[str | None]] = {}  # term -> its leaders so far
    for e in trace.events("annotate"):
        term = e.data.get("term")
        if e.data.get("role") == "leader" and term is not None:
            claimants = leaders.setdefault(term, [])
            if e.node not in claimants:
                claimants.append(e.node)
    return {term: nodes for term, nodes in leaders.items() if len(nodes) > 1}
