"""A worked answer to lesson 05's first exercise (:mod:`distsys_edu.exercises.terms`)."""

from __future__ import annotations

from ...protocols.cluster import CANDIDATE
from ...runtime import Context
from ..terms import ElectionNode, Heartbeat, VoteReply, VoteRequest


class TermsNode(ElectionNode):
    """Terms and majority votes: every term has at most one leader (Raft, section 5.2)."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        granted = msg.term == self.term and self.voted_for in (None, msg.candidate)
        if granted:
            self.voted_for = msg.candidate
            self.restart_election_timer(ctx)
        ctx.addr(msg.candidate).do_send(VoteReply(self.term, ctx.name, granted))

    def on_vote_reply(self, msg: VoteReply, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        elif self.role == CANDIDATE and msg.term == self.term and msg.granted:
            self.votes.add(msg.voter)
            if len(self.votes) > self.cluster_size // 2:  # more than half
                self.become_leader(ctx)

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        if msg.term == self.term:
            self.follow(ctx, msg.leader)
