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


# -- terms_with_two_leaders, one rule left out of the worked answer ------------------------


def _claims(trace, keep=lambda e: e.data.get("role") == "leader", need_term=True):
    leaders = {}
    for e in trace.events("annotate"):
        term = e.data.get("term")
        if keep(e) and (term is not None or not need_term):
            claimants = leaders.setdefault(term, [])
            if e.node not in claimants:
                claimants.append(e.node)
    return leaders


def includes_views_without_term(trace):
    """Counts leader views that publish no term, as a term None."""
    return {t: n for t, n in _claims(trace, need_term=False).items() if len(n) > 1}


def counts_candidates_as_leaders(trace):
    """Every node that published a role in a term counts, candidates and followers too."""
    claims = _claims(trace, keep=lambda e: e.data.get("role") in ("leader", "candidate"))
    return {t: n for t, n in claims.items() if len(n) > 1}


def every_term(trace):
    """Returns every term's leaders, the terms with one leader too."""
    return _claims(trace)


def sorted_leaders(trace):
    """Each crowded term's leaders sorted by name, not in the order they claimed it."""
    return {t: sorted(n) for t, n in _claims(trace).items() if len(n) > 1}


def fresh_second_claimant(trace):
    """Remembers each term's first leader; any other claimant is added to the term."""
    first, found = {}, {}
    for e in trace.events("annotate"):
        term = e.data.get("term")
        if e.data.get("role") != "leader" or term is None:
            continue
        if first.setdefault(term, e.node) != e.node:
            found.setdefault(term, [first[term]]).append(e.node)
    return found


# -- step_downs, one rule left out of the worked answer ------------------------------------


def sorted_by_node(trace):
    """The right step-downs, sorted by node instead of in the order they happened."""
    from distsys_edu.exercises.solutions.real_traces import step_downs

    return sorted(step_downs(trace))


def guesses_the_next_term(trace):
    """Reports the term it led plus one as the term it stepped down in."""
    leading, found = {}, []
    for e in trace.events(["annotate", "crash"]):
        if e.kind == "crash":
            leading.pop(e.node, None)
        elif e.data.get("role") == "leader":
            leading[e.node] = e.data["term"]
        elif "role" in e.data and e.node in leading:
            term = leading.pop(e.node)
            found.append((e.node, term, term + 1))
    return found


def fresh_follower_after_leader(trace):
    """A step-down is a 'follower' view right after a 'leader' one, crashes ignored."""
    last, found = {}, []
    for e in trace.events("annotate"):
        before = last.get(e.node)
        if before and before[0] == "leader" and e.data.get("role") == "follower":
            found.append((e.node, before[1], e.data["term"]))
        last[e.node] = (e.data.get("role"), e.data.get("term"))
    return found
