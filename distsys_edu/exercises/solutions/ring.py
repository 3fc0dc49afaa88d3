"""A worked answer to lesson 04's second exercise (:mod:`distsys_edu.exercises.ring`)."""

from __future__ import annotations

from ...protocols.ring import Elected, RingNode
from ...protocols.ring import Election as RingElection
from ...runtime import Context


class Ring(RingNode):
    """Chang and Roberts (1979): only the largest id survives a full circle."""

    def on_election(self, msg: RingElection, ctx: Context) -> None:
        if msg.candidate_id > self.id:
            self.become_participant(ctx)
            self.pass_on(ctx, msg, msg.candidate_id)  # it beats us: let it travel on
        elif msg.candidate_id < self.id:
            if not self.participant:
                self.become_participant(ctx)
                self.pass_on(ctx, RingElection(self.id), self.id)  # ours beats it
            # else: swallow it, our larger id is already on its way
        else:
            self.become_leader(ctx)  # our id came back unbeaten
            self.pass_on(ctx, Elected(self.id), self.id)
