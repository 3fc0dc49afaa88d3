"""A worked answer to lesson 06's exercise (:mod:`distsys_edu.exercises.broken`)."""

from __future__ import annotations

from ...protocols.raft import RequestVote, RequestVoteReply
from ...runtime import Context
from ..broken import BrokenRaftNode


class FixedRaftNode(BrokenRaftNode):
    """The RequestVote receiver with Figure 2's second condition back: one vote a term."""

    def on_request_vote(self, msg: RequestVote, ctx: Context) -> None:
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)
        current_term = self.current_term(ctx)
        vote_granted = (
            msg.term == current_term
            and self.voted_for(ctx) in (None, msg.candidate_id)  # the missing condition
            and self.log_is_current(msg, ctx)
        )
        if vote_granted:
            ctx.storage["voted_for"] = msg.candidate_id
            self.reset_election_timer(ctx)
        ctx.addr(msg.candidate_id).do_send(RequestVoteReply(current_term, vote_granted, ctx.name))
