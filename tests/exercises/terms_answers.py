"""Plausible but wrong answers to lesson 05's terms exercise, one mistake each."""

from __future__ import annotations

from distsys_edu import Context
from distsys_edu.exercises.solutions.terms import TermsNode
from distsys_edu.exercises.terms import Heartbeat, VoteReply, VoteRequest
from distsys_edu.protocols.cluster import CANDIDATE


class HalfIsEnough(TermsNode):
    """Leads with half the votes: right for 5 nodes, wrong for 4."""

    def on_vote_reply(self, msg: VoteReply, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        elif self.role == CANDIDATE and msg.term == self.term and msg.granted:
            self.votes.add(msg.voter)
            if len(self.votes) >= self.cluster_size / 2:
                self.become_leader(ctx)


class VotesTwice(TermsNode):
    """Grants every request of its current term, whoever it voted for before."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        granted = msg.term == self.term
        if granted:
            self.voted_for = msg.candidate
            self.restart_election_timer(ctx)
        ctx.addr(msg.candidate).do_send(VoteReply(self.term, ctx.name, granted))


class NeverStepsDown(TermsNode):
    """A leader ignores every message: it never hears of a higher term."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        if self.role != "leader":
            super().on_vote_request(msg, ctx)

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        if self.role != "leader":
            super().on_heartbeat(msg, ctx)


class NeverLeads(TermsNode):
    """Wants every vote: safe, but elects nobody."""

    def on_vote_reply(self, msg: VoteReply, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        elif self.role == CANDIDATE and msg.term == self.term and msg.granted:
            self.votes.add(msg.voter)
            if len(self.votes) > self.cluster_size:
                self.become_leader(ctx)
