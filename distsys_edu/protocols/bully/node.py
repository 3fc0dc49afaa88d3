"""One node of a Bully cluster: the election, and the heartbeats that start it again."""

from __future__ import annotations

from typing import Any

from ...runtime import Context, Timer
from ..cluster import CANDIDATE, FOLLOWER, LEADER, Membership
from ..detectors import FixedTimeoutDetector
from ..published import PublishingActor
from .config import BullyConfig
from .messages import Answer, BullyMessage, Coordinator, Election, Heartbeat

AWAITING_ANSWER, AWAITING_COORDINATOR = "awaiting answer", "awaiting coordinator"


class BullyNode(PublishingActor):
    """One node of a Bully cluster.

    Args:
        name: this node's name.
        members: every node with its id, this node's included (higher id wins),
            shared by the whole cluster.
        config: timing.
        initiate: start an election when first started (a restarted node always does).
    """

    TIMERS = ("check_coordinator", "answer_timed_out", "coordinator_timed_out", "send_heartbeats")

    def __init__(
        self,
        name: str,
        members: Membership,
        config: BullyConfig | None = None,
        initiate: bool = False,
    ) -> None:
        self.name = name
        self.id = members.ids[name]
        self.config = config or BullyConfig()
        self.initiate = initiate
        self.higher = members.higher(name)  # lowest first
        self.lower = members.lower(name)
        self.peers = members.peers(name)
        self.role = FOLLOWER
        self.leader: str | None = None
        self.phase: str | None = None  # while a candidate: what it waits for
        self.suspects: set[str] = set()  # nodes this one concluded have crashed
        self.detector = FixedTimeoutDetector(self.config.failure_timeout)
        self.election_timer: Timer | None = None
        self.heartbeat_timer: Timer | None = None

    def started(self, ctx: Context) -> None:
        """Watch the coordinator; hold an election if told to, or if recovering."""
        ctx.run_interval(self.config.check, self.check_coordinator)
        if self.initiate or ctx.incarnation > 0:
            self.start_election(ctx)
        else:
            self.become_follower(ctx, leader=None)

    # -- roles ---------------------------------------------------------------

    def become_follower(self, ctx: Context, leader: str | None) -> None:
        """Follow ``leader`` (or nobody yet), trusting it for ``failure_timeout`` from now."""
        ctx.cancel(self.heartbeat_timer)
        ctx.cancel(self.election_timer)
        self.role, self.leader, self.phase = FOLLOWER, leader, None
        self.detector = FixedTimeoutDetector(self.config.failure_timeout, start=ctx.now)

    def start_election(self, ctx: Context) -> None:
        """Ask every higher node; with nobody to ask, win at once."""
        ctx.cancel(self.heartbeat_timer)
        ctx.cancel(self.election_timer)
        self.role, self.leader = CANDIDATE, None
        if not self.higher:
            self.become_coordinator(ctx)
            return
        election = Election(self.name, self.id)
        for node in self.higher:
            ctx.addr(node).do_send(election)
        self.phase = AWAITING_ANSWER
        self.election_timer = ctx.run_later(self.config.answer_timeout, self.answer_timed_out)

    def answer_timed_out(self, ctx: Context) -> None:
        """No higher node answered: they are presumed crashed, so this node wins."""
        self.suspects.update(self.higher)
        self.become_coordinator(ctx)

    def coordinator_timed_out(self, ctx: Context) -> None:
        """A higher node answered but never announced itself: try again."""
        self.start_election(ctx)

    def become_coordinator(self, ctx: Context) -> None:
        """Announce victory to every lower node, then heartbeat to everyone."""
        ctx.cancel(self.election_timer)
        self.role, self.leader, self.phase = LEADER, self.name, None
        announcement = Coordinator(self.name, self.id)
        for node in self.lower:
            ctx.addr(node).do_send(announcement)
        self.heartbeat_timer = ctx.run_interval(
            self.config.heartbeat_interval, self.send_heartbeats
        )

    def send_heartbeats(self, ctx: Context) -> None:
        """Tell every other node that this coordinator is alive."""
        heartbeat = Heartbeat(self.name, self.id)
        for node in self.peers:
            ctx.addr(node).do_send(heartbeat)

    def check_coordinator(self, ctx: Context) -> None:
        """Hold an election if this node follows and its detector gave up.

        It gives up on a coordinator silent for ``failure_timeout``, or, following
        nobody, after waiting that long for one.
        """
        if self.role == FOLLOWER and self.detector.suspect(ctx.now):
            if self.leader is not None:
                self.suspects.add(self.leader)
            self.start_election(ctx)

    # -- what pictures and checks see (not part of the algorithm) ----------------

    def heard(self, msg: BullyMessage, ctx: Context) -> None:
        """A message from a node this one believed crashed proves it alive."""
        self.suspects.discard(msg.sender)

    def view(self, ctx: Context) -> dict[str, Any]:
        """``role``, ``leader``, ``suspects`` (sorted) and ``id``."""
        return {
            "role": self.role,
            "leader": self.leader,
            "suspects": tuple(sorted(self.suspects)),
            "id": self.id,
        }

    # -- handlers --------------------------------------------------------------

    def on_election(self, msg: Election, ctx: Context) -> None:
        """Answer a lower candidate; take the election over unless one is under way."""
        if msg.candidate_id >= self.id:
            return  # only lower nodes send us Elections; ignore anything else
        ctx.addr(msg.candidate).do_send(Answer(self.name, self.id))
        if self.role in (CANDIDATE, LEADER):
            return  # already in an election, or won one: our coordinator is alive
        if self.leader is not None and self.detector.is_available(ctx.now):
            return  # our (higher) coordinator got the Election too and will answer it
        self.start_election(ctx)

    def on_answer(self, msg: Answer, ctx: Context) -> None:
        """A higher node took over: wait for its ``Coordinator``."""
        if self.role == CANDIDATE and self.phase == AWAITING_ANSWER:
            ctx.cancel(self.election_timer)
            self.phase = AWAITING_COORDINATOR
            self.election_timer = ctx.run_later(
                self.config.coordinator_timeout, self.coordinator_timed_out
            )

    def on_coordinator(self, msg: Coordinator, ctx: Context) -> None:
        """Adopt the announced coordinator (only lower nodes are told, so it is higher)."""
        self.become_follower(ctx, leader=msg.leader)

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        """Feed the detector; adopt a higher coordinator if waiting; bully a lower one."""
        if self.role == FOLLOWER and msg.leader == self.leader:
            self.detector.heartbeat(ctx.now)
            return
        if self.role == CANDIDATE and msg.leader_id > self.id:
            self.become_follower(ctx, leader=msg.leader)
        elif self.role == FOLLOWER and self.leader is None:
            if msg.leader_id > self.id:
                self.become_follower(ctx, leader=msg.leader)
            else:
                self.start_election(ctx)
        # Otherwise: a coordinator, or a follower of another coordinator, ignores it.
        # Nothing here tells two coordinators apart: that is the split brain.
