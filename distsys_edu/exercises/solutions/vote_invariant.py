"""Worked answer to lesson 06's vote invariant (:mod:`distsys_edu.exercises.vote_invariant`)."""

from __future__ import annotations

from ...protocols.raft import RequestVoteReply
from ...runtime import Trace


def votes_twice(trace: Trace) -> list[tuple[int, str]]:
    """The (term, voter) pairs where a voter granted its vote to two candidates.

    Walk every granted ``RequestVoteReply`` the trace sent, remembering, for each
    (term, voter), the candidate it first voted for; a grant to another candidate in
    the same term breaks the invariant. Each pair is reported once, in the order of
    the second vote.
    """
    voted_for: dict[tuple[int, str], str | None] = {}
    found: list[tuple[int, str]] = []
    for e in trace.events("send"):
        if isinstance(e.msg, RequestVoteReply) and e.msg.vote_granted:
            key = (e.msg.term, e.msg.voter)
            first = voted_for.setdefault(key, e.peer)
            if first != e.peer and key not in found:
                found.append(key)
    return found
