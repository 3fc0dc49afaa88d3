"""The plumbing of lesson 05's first exercise: its messages and :class:`ElectionNode`.

:class:`ElectionNode` is a small leader election that does the plumbing: an election
timer drawn at random from ``config.election_timeout``; when it fires, the node starts a
new term, votes for itself and sends :class:`VoteRequest` to every peer; a leader sends
:class:`Heartbeat` every ``config.heartbeat_interval``. The rules that decide (whom to
vote for, when to lead, whom to follow) are the learner's, in
:class:`~distsys_edu.exercises.terms.TermsNode`; this module keeps them apart so that
the check's rule-by-rule probes (:mod:`.terms_rules`) and its cluster scenarios
(:mod:`.terms`) share them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..protocols.cluster import CANDIDATE, FOLLOWER, LEADER
from ..protocols.published import PublishingActor
from ..protocols.raft import RaftConfig
from ..runtime import Context, Timer

__all__ = ["ElectionNode", "Heartbeat", "VoteReply", "VoteRequest"]


@dataclass(frozen=True)
class VoteRequest:
    """A candidate asks for a vote in its term."""

    term: int
    candidate: str


@dataclass(frozen=True)
class VoteReply:
    """A vote, or a refusal, in the voter's current term."""

    term: int
    voter: str
    granted: bool


@dataclass(frozen=True)
class Heartbeat:
    """The leader of ``term`` is alive."""

    term: int
    leader: str


class ElectionNode(PublishingActor):
    """A leader election without its rules: the timers and messages, no decisions.

    Args:
        peers: the names of the other nodes.
        config: election timeout range and heartbeat interval.

    Attributes:
        term: the latest term this node has seen (0 at first).
        voted_for: whom it voted for in ``term`` (``None``: nobody yet).
        role: ``"follower"``, ``"candidate"`` or ``"leader"``.
        leader: whom it follows (``None``: nobody).
        votes: while a candidate, who granted it a vote in ``term`` (itself first).
        cluster_size: how many nodes there are, this one included.
    """

    TIMERS = ("start_election", "send_heartbeats")

    def __init__(self, peers: Sequence[str], config: RaftConfig | None = None) -> None:
        self.peers = tuple(peers)
        self.config = config or RaftConfig()
        self.cluster_size = len(self.peers) + 1
        self.term = 0
        self.voted_for: str | None = None
        self.role = FOLLOWER
        self.leader: str | None = None
        self.votes: set[str] = set()
        self.election_timer: Timer | None = None
        self.heartbeat_timer: Timer | None = None

    def started(self, ctx: Context) -> None:
        """Begin as a follower of nobody, with an election timer running."""
        self.restart_election_timer(ctx)

    def restart_election_timer(self, ctx: Context) -> None:
        """Draw a timeout at random from ``config.election_timeout``; start it from now."""
        ctx.cancel(self.election_timer)
        low, high = self.config.election_timeout
        self.election_timer = ctx.run_later(ctx.rng.uniform(low, high), self.start_election)

    def start_election(self, ctx: Context) -> None:
        """The timer fired: a new term, a vote for itself, a request to every peer."""
        self.term += 1
        self.voted_for, self.votes = ctx.name, {ctx.name}
        self.role, self.leader = CANDIDATE, None
        self.restart_election_timer(ctx)  # in case the vote splits
        for peer in self.peers:
            ctx.addr(peer).do_send(VoteRequest(self.term, ctx.name))

    def become_leader(self, ctx: Context) -> None:
        """Lead ``term``: heartbeat every peer now and every ``heartbeat_interval``."""
        ctx.cancel(self.election_timer)
        self.role, self.leader = LEADER, ctx.name
        self.send_heartbeats(ctx)
        self.heartbeat_timer = ctx.run_interval(self.config.heartbeat, self.send_heartbeats)

    def send_heartbeats(self, ctx: Context) -> None:
        """Tell every peer that the leader of ``term`` is alive."""
        for peer in self.peers:
            ctx.addr(peer).do_send(Heartbeat(self.term, ctx.name))

    def step_down(self, ctx: Context, term: int) -> None:
        """Adopt a newer ``term``: no vote cast in it yet, a follower of nobody."""
        self.term, self.voted_for = term, None
        ctx.cancel(self.heartbeat_timer)
        self.role, self.leader = FOLLOWER, None
        if self.election_timer is None or not self.election_timer.active:
            self.restart_election_timer(ctx)

    def follow(self, ctx: Context, leader: str) -> None:
        """Follow ``leader`` of the current term; its heartbeat restarts the timer."""
        ctx.cancel(self.heartbeat_timer)
        self.role, self.leader = FOLLOWER, leader
        self.restart_election_timer(ctx)

    def view(self, ctx: Context) -> dict[str, Any]:
        """``role``, ``term``, ``leader`` and ``voted_for``, for pictures and checks."""
        return {
            "role": self.role,
            "term": self.term,
            "leader": self.leader,
            "voted_for": self.voted_for,
        }
