"""Plausible but wrong trace readers, each with one mistake a learner makes (lesson 07)."""

from __future__ import annotations


def counts_crashes(trace):
    """A leader's next non-leader view is a step-down, even after a crash and restart."""
    leading, found = {}, []
    for e in trace.events("annotate"):
        if e.data.get("role") == "leader":
            leading[e.node] = e.data["term"]
        elif e.node in leading:
            found.append((e.node, leading.pop(e.node), e.data["term"]))
    return found


def term_led_twice(trace):
    """Reports the term the node led where the term it stepped down in belongs."""
    leading, found = {}, []
    for e in trace.events(["annotate", "crash"]):
        if e.kind == "crash":
            leading.pop(e.node, None)
        elif e.data.get("role") == "leader":
            leading[e.node] = e.data["term"]
        elif e.node in leading:
            term = leading.pop(e.node)
            found.append((e.node, term, term))
    return found


def counts_candidates(trace):
    """Any node that becomes a follower again after another role 'stepped down'."""
    role, term, found = {}, {}, []
    for e in trace.events(["annotate", "crash"]):
        if e.kind == "crash":
            role.pop(e.node, None)
            continue
        before = role.get(e.node)
        if e.data["role"] == "follower" and before not in (None, "follower"):
            found.append((e.node, term[e.node], e.data["term"]))
        role[e.node], term[e.node] = e.data["role"], e.data["term"]
    return found


def first_only(trace):
    """Stops at the first step-down."""
    leading = {}
    for e in trace.events(["annotate", "crash"]):
        if e.kind == "crash":
            leading.pop(e.node, None)
        elif e.data.get("role") == "leader":
            leading[e.node] = e.data["term"]
        elif e.node in leading:
            return [(e.node, leading[e.node], e.data["term"])]
    return []


def at_the_same_moment(trace):
    """Two leaders of one term only when both lead at once (after some event)."""
    views, found = {}, {}
    for e in trace.events("annotate"):
        views[e.node] = (e.data.get("role"), e.data.get("term"))
        by_term = {}
        for node, (role, term) in views.items():
            if role == "leader":
                by_term.setdefault(term, []).append(node)
        found.update({t: nodes for t, nodes in by_term.items() if len(nodes) > 1})
    return found


def end_only(trace):
    """Looks at each node's last view only."""
    last = {e.node: e.data for e in trace.events("annotate")}
    by_term = {}
    for node, view in last.items():
        if view.get("role") == "leader":
            by_term.setdefault(view["term"], []).append(node)
    return {t: nodes for t, nodes in by_term.items() if len(nodes) > 1}


def counts_repeats(trace):
    """Appends a leader each time it announces itself."""
    by_term = {}
    for e in trace.events("annotate"):
        if e.data.get("role") == "leader":
            by_term.setdefault(e.data["term"], []).append(e.node)
    return {t: nodes for t, nodes in by_term.items() if len(nodes) > 1}
