"""Plausible but wrong Bully nodes, each with one mistake a learner makes (lesson 04)."""

from __future__ import annotations

from distsys_edu import Context
from distsys_edu.exercises.solutions.bully import Bully
from distsys_edu.protocols.bully import Answer, Election
from distsys_edu.protocols.cluster import CANDIDATE, LEADER


class Impatient(Bully):
    """Sends its Elections, then declares itself leader without waiting for answers."""

    def start_election(self, ctx: Context) -> None:
        super().start_election(ctx)
        if self.role != LEADER:
            self.become_coordinator(ctx)


class AsksEveryone(Bully):
    """Sends Election to every other node, lower ones included."""

    def start_election(self, ctx: Context) -> None:
        super().start_election(ctx)
        if self.role == CANDIDATE:
            for node in self.lower:
                ctx.addr(node).do_send(Election(self.name, self.id))


class NeverAnswers(Bully):
    """Takes the election over but never answers the lower candidate."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id < self.id and self.role not in (CANDIDATE, LEADER):
            self.start_election(ctx)


class AnswersOnly(Bully):
    """Answers a lower candidate but never takes the election over."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id < self.id:
            ctx.addr(msg.candidate).do_send(Answer(self.name, self.id))


class NeverTakesOver(Bully):
    """When nobody higher answers, starts the election again instead of leading."""

    def answer_timed_out(self, ctx: Context) -> None:
        self.start_election(ctx)


class IgnoresAnswers(Bully):
    """Does nothing on an Answer: it wins when answer_timeout ends anyway."""

    def on_answer(self, msg: Answer, ctx: Context) -> None:
        pass
