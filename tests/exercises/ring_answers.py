"""Plausible but wrong ring nodes, each with one mistake a learner makes (lesson 04)."""

from __future__ import annotations

from distsys_edu import Context
from distsys_edu.exercises.solutions.ring import Ring
from distsys_edu.protocols.ring import Elected, Election


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


# -- one case left out of the worked answer (the variant table of test_check_ring.py) ------


class LargerNoParticipant(Ring):
    """Forwards a larger id without becoming a participant."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id > self.id:
            self.pass_on(ctx, msg, msg.candidate_id)
        else:
            super().on_election(msg, ctx)


class SmallerNoParticipant(Ring):
    """Sends its own id in place of a smaller one without becoming a participant."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id < self.id:
            if not self.participant:
                self.pass_on(ctx, Election(self.id), self.id)
        else:
            super().on_election(msg, ctx)


class WinsSilently(Ring):
    """Leads when its own id comes back but never sends Elected round the ring."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id == self.id:
            self.become_leader(ctx)
        else:
            super().on_election(msg, ctx)


class AnnouncesWithoutLeading(Ring):
    """Sends Elected when its own id comes back, but never calls become_leader."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id == self.id:
            self.pass_on(ctx, Elected(self.id), self.id)
        else:
            super().on_election(msg, ctx)


# -- fresh wrong answers, written from lesson 04's text alone, as a learner would ----------


class FreshMaxOfBoth(Ring):
    """'Pass on the larger of the two ids', every time, participant or not."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id == self.id:
            self.become_leader(ctx)
            self.pass_on(ctx, Elected(self.id), self.id)
            return
        self.become_participant(ctx)
        best = max(msg.candidate_id, self.id)
        self.pass_on(ctx, Election(best), best)


class FreshForwardsEverything(Ring):
    """Forwards every id it does not own, unchanged: the largest still wins, eventually."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id == self.id:
            self.become_leader(ctx)
            self.pass_on(ctx, Elected(self.id), self.id)
        else:
            self.become_participant(ctx)
            self.pass_on(ctx, msg, msg.candidate_id)
