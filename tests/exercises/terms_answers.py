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


# -- one rule left out of the worked answer (the variant table of test_terms.py) -----------


def _reply(node, ctx, msg, granted):
    ctx.addr(msg.candidate).do_send(VoteReply(node.term, ctx.name, granted))


class RequestNoStepDown(TermsNode):
    """A VoteRequest of a higher term is not adopted: the node stays in its old term."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        granted = msg.term == self.term and self.voted_for in (None, msg.candidate)
        if granted:
            self.voted_for = msg.candidate
            self.restart_election_timer(ctx)
        _reply(self, ctx, msg, granted)


class RequestAdoptsTermKeepsVote(TermsNode):
    """Adopts a higher term from a VoteRequest by hand, keeping the old term's vote."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        self.term = max(self.term, msg.term)
        super().on_vote_request(msg, ctx)


class GrantsOlderTerms(TermsNode):
    """Grants a request of an older term (Figure 2: reply false if term < currentTerm)."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        granted = msg.term <= self.term and self.voted_for in (None, msg.candidate)
        if granted:
            self.voted_for = msg.candidate
            self.restart_election_timer(ctx)
        _reply(self, ctx, msg, granted)


class RepliesWithRequestTerm(TermsNode):
    """Answers with the request's term instead of its own."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        granted = msg.term == self.term and self.voted_for in (None, msg.candidate)
        if granted:
            self.voted_for = msg.candidate
            self.restart_election_timer(ctx)
        ctx.addr(msg.candidate).do_send(VoteReply(msg.term, ctx.name, granted))


class SilentRefusal(TermsNode):
    """Answers only when it grants."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        if msg.term == self.term and self.voted_for in (None, msg.candidate):
            self.voted_for = msg.candidate
            self.restart_election_timer(ctx)
            _reply(self, ctx, msg, True)


class ChecksButNeverStores(TermsNode):
    """Checks self.voted_for but never sets it."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        granted = msg.term == self.term and self.voted_for in (None, msg.candidate)
        if granted:
            self.restart_election_timer(ctx)
        _reply(self, ctx, msg, granted)


class RefusesRepeatedRequest(TermsNode):
    """Grants only when voted_for is None: the same candidate asking again is refused."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        granted = msg.term == self.term and self.voted_for is None
        if granted:
            self.voted_for = msg.candidate
            self.restart_election_timer(ctx)
        _reply(self, ctx, msg, granted)


class CountsRefusals(TermsNode):
    """Counts every reply of its term, granted or not."""

    def on_vote_reply(self, msg: VoteReply, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        elif self.role == CANDIDATE and msg.term == self.term:
            self.votes.add(msg.voter)
            if len(self.votes) > self.cluster_size // 2:
                self.become_leader(ctx)


class CountsOlderTerms(TermsNode):
    """Counts a granted vote from a reply of an older term."""

    def on_vote_reply(self, msg: VoteReply, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        elif self.role == CANDIDATE and msg.granted:
            self.votes.add(msg.voter)
            if len(self.votes) > self.cluster_size // 2:
                self.become_leader(ctx)


class ReplyNoStepDown(TermsNode):
    """A VoteReply of a higher term is ignored."""

    def on_vote_reply(self, msg: VoteReply, ctx: Context) -> None:
        if msg.term == self.term:
            super().on_vote_reply(msg, ctx)


class CountsWhenLeader(TermsNode):
    """Counts votes whatever its role: a late vote makes a leader lead again."""

    def on_vote_reply(self, msg: VoteReply, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        elif msg.term == self.term and msg.granted:
            self.votes.add(msg.voter)
            if len(self.votes) > self.cluster_size // 2:
                self.become_leader(ctx)


class HalfOfFiveRoundedDown(TermsNode):
    """Leads with cluster_size // 2 votes: 2 of 5, 2 of 4."""

    def on_vote_reply(self, msg: VoteReply, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        elif self.role == CANDIDATE and msg.term == self.term and msg.granted:
            self.votes.add(msg.voter)
            if len(self.votes) >= self.cluster_size // 2:
                self.become_leader(ctx)


class NeverFollows(TermsNode):
    """Steps down on a higher term but never follows a heartbeat."""

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)


class FollowsOlderTerms(TermsNode):
    """Follows a heartbeat of an older term."""

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
        self.follow(ctx, msg.leader)


class HeartbeatAdoptsTermKeepsVote(TermsNode):
    """Adopts a higher term from a heartbeat without stepping down: the old vote is kept."""

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        if msg.term >= self.term:
            self.term = msg.term
            self.follow(ctx, msg.leader)


# -- fresh wrong answers, written from lesson 05's text alone, as a learner would ----------


class FreshTrustsEveryone(TermsNode):
    """'Grant a vote to whoever asks first': checks voted_for, never the term."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        granted = self.voted_for in (None, msg.candidate)
        if granted:
            self.voted_for = msg.candidate
        _reply(self, ctx, msg, granted)


class FreshCountsAllReplies(TermsNode):
    """Counts the replies, checks the term, but adds the voter before looking at granted."""

    def on_vote_reply(self, msg: VoteReply, ctx: Context) -> None:
        if msg.term > self.term:
            self.step_down(ctx, msg.term)
            return
        if msg.term == self.term:
            self.votes.add(msg.voter)
        if self.role == CANDIDATE and msg.granted and len(self.votes) * 2 > self.cluster_size:
            self.become_leader(ctx)


class FreshHeartbeatAnyTerm(TermsNode):
    """Follows any heartbeat that is not older, adopting its term by hand."""

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        if msg.term >= self.term:
            self.term = msg.term
            self.role, self.leader = "follower", msg.leader
            self.restart_election_timer(ctx)


class FreshStepsDownOnEqualTerm(TermsNode):
    """'A term at least as high as mine: step down', so a request of its own term clears
    the vote and deposes a leader."""

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        if msg.term >= self.term:
            self.step_down(ctx, msg.term)
        super().on_vote_request(msg, ctx)
