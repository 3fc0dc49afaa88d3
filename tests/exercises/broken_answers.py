"""Plausible but wrong fixes of lesson 06's broken Raft, one mistake each."""

from __future__ import annotations

from distsys_edu import Context
from distsys_edu.exercises.broken import BrokenRaftNode
from distsys_edu.exercises.solutions.broken import FixedRaftNode
from distsys_edu.protocols.raft import RequestVote, RequestVoteReply


class Unchanged(BrokenRaftNode):
    """The broken node as it came."""


class NeverVotes(BrokenRaftNode):
    """Safe by refusing every vote: nobody is ever elected."""

    def on_request_vote(self, msg: RequestVote, ctx: Context) -> None:
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)
        ctx.addr(msg.candidate_id).do_send(
            RequestVoteReply(self.current_term(ctx), False, ctx.name)
        )


class SelfAppointed(FixedRaftNode):
    """Fixes the vote, but a candidate leads at once, without waiting for votes."""

    def count_votes(self, ctx: Context) -> None:
        self.become_leader(ctx)
