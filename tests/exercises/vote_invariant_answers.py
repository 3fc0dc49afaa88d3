"""Plausible but wrong vote invariants, each with one mistake a learner makes (lesson 06)."""

from __future__ import annotations

from distsys_edu.protocols.raft import RequestVoteReply


def _grants(trace):
    return [
        (e.msg.term, e.msg.voter, e.peer)
        for e in trace.events("send")
        if isinstance(e.msg, RequestVoteReply) and e.msg.vote_granted
    ]


def counts_repeats(trace):
    """Any second grant in a term is a double vote, even to the same candidate."""
    seen, found = set(), []
    for term, voter, _ in _grants(trace):
        if (term, voter) in seen and (term, voter) not in found:
            found.append((term, voter))
        seen.add((term, voter))
    return found


def ignores_term(trace):
    """A voter that ever chose two candidates voted twice, whatever the terms."""
    chosen, found = {}, []
    for term, voter, candidate in _grants(trace):
        if chosen.setdefault(voter, candidate) != candidate and (term, voter) not in found:
            found.append((term, voter))
    return found


def end_only(trace):
    """Looks only at each voter's last term, as its state shows at the end."""
    last = {}
    for term, voter, candidate in _grants(trace):
        if term > last.get(voter, (0, set()))[0]:
            last[voter] = (term, set())
        last[voter][1].add(candidate)
    return [(term, voter) for voter, (term, chose) in last.items() if len(chose) > 1]


# -- one rule left out of the worked answer (the variant table of test_vote_invariant.py) --


def _walk(trace, kind="send", candidate=lambda e: e.peer, granted_only=True, once=True):
    """The worked answer's walk, each of its choices a parameter a variant changes."""
    voted_for, found = {}, []
    for e in trace.events(kind):
        if isinstance(e.msg, RequestVoteReply) and (e.msg.vote_granted or not granted_only):
            key = (e.msg.term, e.msg.voter)
            first = voted_for.setdefault(key, candidate(e))
            if first != candidate(e) and (key not in found or not once):
                found.append(key)
    return found


def reads_deliveries(trace):
    """Reads `deliver` events: a granted vote lost on the way is missed."""
    return _walk(trace, kind="deliver")


def reads_the_sender(trace):
    """Takes e.node (the voter itself) for the candidate."""
    return _walk(trace, candidate=lambda e: e.node)


def counts_refusals(trace):
    """Counts every RequestVoteReply, refusals too."""
    return _walk(trace, granted_only=False)


def reports_each_extra_vote(trace):
    """Reports a pair again at every further vote to another candidate."""
    return _walk(trace, once=False)


def sorted_pairs(trace):
    """Right pairs, sorted instead of in the order of the second vote."""
    return sorted(_walk(trace))


# -- fresh wrong answers, written from lesson 06's text alone, as a learner would ----------


def fresh_sets_per_term(trace):
    """A set of candidates per (term, voter), reported at the end, in dict order."""
    chosen = {}
    for e in trace.events("send"):
        if isinstance(e.msg, RequestVoteReply) and e.msg.vote_granted:
            chosen.setdefault((e.msg.term, e.msg.voter), set()).add(e.peer)
    return [key for key, candidates in chosen.items() if len(candidates) > 1]


def fresh_from_annotations(trace):
    """Reads each node's published voted_for: a change within one term is a double vote."""
    last, found = {}, []
    for e in trace.events("annotate"):
        term, vote = e.data.get("term"), e.data.get("voted_for")
        if vote is None:
            continue
        before = last.get(e.node)
        if before and before[0] == term and before[1] != vote and (term, e.node) not in found:
            found.append((term, e.node))
        last[e.node] = (term, vote)
    return found
