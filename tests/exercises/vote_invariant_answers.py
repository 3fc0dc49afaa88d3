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
