"""Plausible but wrong ring nodes, each with one mistake a learner makes (lesson 04)."""

from __future__ import annotations

from distsys_edu import Context
from distsys_edu.exercises.solutions.ring import Ring
from distsys_edu.protocols.ring import Election


class ForwardsOwnId(Ring):
    """Passes its own id on where it should forward the larger one: the wrong id."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id > self.id:
            self.become_participant(ctx)
            self.pass_on(ctx, Election(self.id), self.id)
        else:
            super().on_election(msg, ctx)


class ForwardsSmaller(Ring):
    """Passes a smaller id on instead of replacing it with its own."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id < self.id and not self.participant:
            self.become_participant(ctx)
            self.pass_on(ctx, msg, msg.candidate_id)
        else:
            super().on_election(msg, ctx)


class NeverSwallows(Ring):
    """Sends its own id again for every smaller one, participant or not."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id < self.id:
            self.become_participant(ctx)
            self.pass_on(ctx, Election(self.id), self.id)
        else:
            super().on_election(msg, ctx)
