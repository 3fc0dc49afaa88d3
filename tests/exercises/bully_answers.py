"""Plausible but wrong Bully nodes, each with one mistake a learner makes (lesson 04)."""

from __future__ import annotations

from distsys_edu import Context
from distsys_edu.exercises.solutions.bully import Bully
from distsys_edu.protocols.bully import AWAITING_ANSWER, AWAITING_COORDINATOR, Answer, Election
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


# -- one rule left out of the worked answer (the variant table of test_check_bully.py) -----


class _Steps(Bully):
    """The worked answer's start_election, its steps as methods a variant leaves out."""

    def start_election(self, ctx: Context) -> None:
        ctx.cancel(self.heartbeat_timer)
        ctx.cancel(self.election_timer)
        self.role, self.leader = CANDIDATE, None
        if self.win_at_once():
            self.become_coordinator(ctx)
            return
        for node in self.higher:
            ctx.addr(node).do_send(Election(self.name, self.id))
        self.set_phase()
        self.keep_timer(ctx.run_later(self.config.answer_timeout, self.answer_timed_out))

    def win_at_once(self):
        return not self.higher

    def set_phase(self):
        self.phase = AWAITING_ANSWER

    def keep_timer(self, timer):
        self.election_timer = timer


class AlwaysWaits(_Steps):
    """With nobody higher, still waits answer_timeout before it leads."""

    def win_at_once(self):
        return False


class NoPhase(_Steps):
    """Never sets self.phase: on_answer then ignores every Answer."""

    def set_phase(self):
        pass


class TimerNotKept(_Steps):
    """Starts the answer timer without keeping it: on_answer cannot cancel it."""

    def keep_timer(self, timer):
        pass


class TakesOverTwice(Bully):
    """Starts a new election on every Election, even while a candidate."""

    def on_election(self, msg: Election, ctx: Context) -> None:
        if msg.candidate_id < self.id:
            ctx.addr(msg.candidate).do_send(Answer(self.name, self.id))
            self.start_election(ctx)


class NoSuspects(Bully):
    """Wins on answer_timeout but does not suspect the silent higher nodes."""

    def answer_timed_out(self, ctx: Context) -> None:
        self.become_coordinator(ctx)


class PhaseKept(Bully):
    """On an Answer, starts the coordinator timer but keeps the phase AWAITING_ANSWER."""

    def on_answer(self, msg: Answer, ctx: Context) -> None:
        if self.role == CANDIDATE and self.phase == AWAITING_ANSWER:
            ctx.cancel(self.election_timer)
            self.election_timer = ctx.run_later(
                self.config.coordinator_timeout, self.coordinator_timed_out
            )


class NoCoordinatorTimeout(Bully):
    """On an Answer, stops the answer timer and waits for a Coordinator for ever."""

    def on_answer(self, msg: Answer, ctx: Context) -> None:
        if self.role == CANDIDATE and self.phase == AWAITING_ANSWER:
            ctx.cancel(self.election_timer)
            self.phase = AWAITING_COORDINATOR


# -- fresh wrong answers, written from lesson 04's text alone, as a learner would ----------


class FreshAnswersThenWins(Bully):
    """'An Answer means someone higher is alive', so it just gives up: role follower."""

    def on_answer(self, msg: Answer, ctx: Context) -> None:
        ctx.cancel(self.election_timer)
        self.role, self.phase = "follower", None


class FreshAsksAllPeers(Bully):
    """Sends Election to self.peers and lets the lower ones ignore it."""

    def start_election(self, ctx: Context) -> None:
        ctx.cancel(self.heartbeat_timer)
        ctx.cancel(self.election_timer)
        self.role, self.leader = CANDIDATE, None
        if not self.higher:
            self.become_coordinator(ctx)
            return
        for node in self.peers:
            ctx.addr(node).do_send(Election(self.name, self.id))
        self.phase = AWAITING_ANSWER
        self.election_timer = ctx.run_later(self.config.answer_timeout, self.answer_timed_out)


class FreshLeadsSilently(Bully):
    """'Nobody answered, so I am the coordinator': sets its role, tells nobody."""

    def answer_timed_out(self, ctx: Context) -> None:
        self.suspects.update(self.higher)
        self.role, self.leader, self.phase = LEADER, self.name, None
