"""A worked answer to lesson 04's first exercise (:mod:`distsys_edu.exercises.bully`)."""

from __future__ import annotations

from ...protocols.bully import AWAITING_ANSWER, AWAITING_COORDINATOR, Answer, BullyNode, Election
from ...protocols.cluster import CANDIDATE, LEADER
from ...runtime import Context


class Bully(BullyNode):
    """The textbook's Bully election (Garcia-Molina 1982; Coulouris et al. 15.3).

    Ask only the higher nodes: any of them alive outranks us. Silence from all of them
    within answer_timeout means they crashed, so we lead. An Answer means a higher node
    took over; we wait for its Coordinator (or try again when coordinator_timeout ends).
    """

    def start_election(self, ctx: Context) -> None:
        ctx.cancel(self.heartbeat_timer)
        ctx.cancel(self.election_timer)
        self.role, self.leader = CANDIDATE, None
        if not self.higher:
            self.become_coordinator(ctx)  # nobody can outrank us
            return
        for node in self.higher:
            ctx.addr(node).do_send(Election(self.name, self.id))
        self.phase = AWAITING_ANSWER
        self.election_timer = ctx.run_later(self.config.answer_timeout, self.answer_timed_out)

    def answer_timed_out(self, ctx: Context) -> None:
        self.suspects.update(self.higher)  # silent: presumed crashed
        self.become_coordinator(ctx)

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id >= self.id:
            return  # only lower nodes should ask us
        ctx.addr(msg.candidate).do_send(Answer(self.name, self.id))
        if self.role not in (CANDIDATE, LEADER):
            self.start_election(ctx)  # take over: we outrank the candidate

    def on_answer(self, msg: Answer, ctx: Context) -> None:
        if self.role == CANDIDATE and self.phase == AWAITING_ANSWER:
            ctx.cancel(self.election_timer)
            self.phase = AWAITING_COORDINATOR
            self.election_timer = ctx.run_later(
                self.config.coordinator_timeout, self.coordinator_timed_out
            )
