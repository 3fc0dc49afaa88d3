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


# -- one condition of Figure 2 left out of the worked answer (test_fixed_protocol.py) ------


def _answer(msg, ctx, granted):
    term = FixedRaftNode.current_term(ctx)
    ctx.addr(msg.candidate_id).do_send(RequestVoteReply(term, granted, ctx.name))


class _Receiver(FixedRaftNode):
    """The worked answer, its conditions as methods that a variant leaves out one by one."""

    def on_request_vote(self, msg: RequestVote, ctx: Context) -> None:
        self.adopt(msg, ctx)
        granted = self.grants(msg, ctx)
        if granted:
            self.store(msg, ctx)
            self.reset_election_timer(ctx)
        self.reply(msg, ctx, granted)

    def adopt(self, msg, ctx):
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)

    def grants(self, msg, ctx):
        return (
            msg.term == self.current_term(ctx)
            and self.voted_for(ctx) in (None, msg.candidate_id)
            and self.log_is_current(msg, ctx)
        )

    def store(self, msg, ctx):
        ctx.storage["voted_for"] = msg.candidate_id

    def reply(self, msg, ctx, granted):
        _answer(msg, ctx, granted)


class NoStepDown(_Receiver):
    """A request of a higher term is not adopted: nobody is ever granted a vote."""

    def adopt(self, msg, ctx):
        pass


class TermByHand(_Receiver):
    """Adopts a higher term by hand, keeping the old term's vote."""

    def adopt(self, msg, ctx):
        ctx.storage["current_term"] = max(msg.term, self.current_term(ctx))


class GrantsOlderTerms(_Receiver):
    """Drops `msg.term == current_term`: a request of an older term may be granted."""

    def grants(self, msg, ctx):
        return self.voted_for(ctx) in (None, msg.candidate_id) and self.log_is_current(msg, ctx)


class RepliesWithRequestTerm(_Receiver):
    """Answers with the request's term."""

    def reply(self, msg, ctx, granted):
        ctx.addr(msg.candidate_id).do_send(RequestVoteReply(msg.term, granted, ctx.name))


class SilentRefusal(_Receiver):
    """Answers only when it grants."""

    def reply(self, msg, ctx, granted):
        if granted:
            _answer(msg, ctx, granted)


class ChecksButNeverStores(_Receiver):
    """Checks voted_for but never stores it."""

    def store(self, msg, ctx):
        pass


class RefusesRepeatedRequest(_Receiver):
    """Grants only when voted_for is None: the same candidate asking again is refused."""

    def grants(self, msg, ctx):
        return super().grants(msg, ctx) and self.voted_for(ctx) is None


class IgnoresTheLog(_Receiver):
    """Drops the log condition (section 5.4.1)."""

    def grants(self, msg, ctx):
        return msg.term == self.current_term(ctx) and self.voted_for(ctx) in (
            None,
            msg.candidate_id,
        )


class KeepsTheTimer(_Receiver):
    """Grants without restarting its election timer."""

    def reset_election_timer(self, ctx):
        if self.election_timer is None or not self.election_timer.active:
            super().reset_election_timer(ctx)


# -- fresh wrong fixes, written from lesson 06's text alone, as a learner would -------------


class FreshVotedForOnly(BrokenRaftNode):
    """'The missing line is voted_for': checks it, and only that, dropping the term test."""

    def on_request_vote(self, msg: RequestVote, ctx: Context) -> None:
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)
        granted = self.voted_for(ctx) in (None, msg.candidate_id)
        if granted:
            ctx.storage["voted_for"] = msg.candidate_id
            self.reset_election_timer(ctx)
        _answer(msg, ctx, granted)


class FreshRemembersInMemory(BrokenRaftNode):
    """Keeps its vote in an attribute, not on the disk: step_down never clears it."""

    my_vote = None

    def on_request_vote(self, msg: RequestVote, ctx: Context) -> None:
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)
        granted = (
            msg.term == self.current_term(ctx)
            and self.my_vote in (None, msg.candidate_id)
            and self.log_is_current(msg, ctx)
        )
        if granted:
            self.my_vote = msg.candidate_id
            self.reset_election_timer(ctx)
        _answer(msg, ctx, granted)


class FreshStepsDownOnEqualTerm(FixedRaftNode):
    """'If term >= currentTerm, become a follower': a candidate of its own term deposes it."""

    def on_request_vote(self, msg: RequestVote, ctx: Context) -> None:
        if msg.term >= self.current_term(ctx):
            self.step_down(ctx, msg.term)
        super().on_request_vote(msg, ctx)
