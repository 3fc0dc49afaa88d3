"""Raft-style leader election (Ongaro & Ousterhout, USENIX ATC 2014, section 5.2).

What it fixes in the blog's design: a *term* numbers every leadership, each node
votes at most once per term, and a leader needs a majority, so two leaders can
never share a term; anyone who sees a higher term steps down, so a stale leader
cut off by a partition gives way once it hears from the rest.

How it runs, in virtual time:

* Every node starts as a follower with an election timer drawn uniformly from
  ``election_timeout`` (say 150-300 ms) using its own ``ctx.rng``. The timer is
  the failure detector: hearing from a leader restarts it.
* When the timer fires, the node becomes a candidate: it increments its term,
  votes for itself, sends ``RequestVote`` to every peer and draws a new timeout
  (in case the vote splits).
* A node grants its vote if the request's term is current and it has not voted
  for someone else in that term. Votes come back as ``Vote`` messages.
* A candidate with a majority becomes leader and sends ``AppendEntries`` (empty:
  a heartbeat) to every peer at once and then every ``heartbeat_interval``.
* Any message with a higher term makes the receiver adopt that term and become a
  follower; a candidate that hears from a leader of its own term also steps down.

The current term and the vote are kept in ``ctx.storage`` (the node's disk), as
Raft requires: a node that restarts must not vote twice in one term. There is no
log yet, but the messages carry Raft's log fields and :meth:`RaftNode.log_is_current`
is where the election restriction (section 5.4.1) goes when replication comes.

Each node publishes ``role``, ``term``, ``leader``, ``voted_for``, ``suspects``
(the leader whose silence made it stand for election, until a message from that
node proves it alive) and ``election_deadline`` (when its election timer fires, or
``None`` for a leader).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..runtime import Actor, Context, Sim, Timer
from ..runtime.errors import check_time, invalid
from .cluster import CANDIDATE, FOLLOWER, LEADER, Membership, Names, majority, node_names
from .memory import Footprint, check_cluster_fits

ELECTION_TIMEOUT = (0.150, 0.300)
"""The paper's suggested range of election timeouts, in seconds."""

FOOTPRINT = Footprint(per_node=6_500)
"""Bytes a node (see :mod:`.memory`; measured by ``benchmarks/cluster_memory.py``)."""


@dataclass(frozen=True)
class RaftConfig:
    """Timing of a Raft-style cluster, in seconds of virtual time.

    Args:
        election_timeout: ``(low, high)``: each timeout is drawn uniformly from it.
        heartbeat_interval: how often a leader sends ``AppendEntries``; ``None``
            means half the lowest election timeout.

    Raises:
        InvalidArgument: a negative or NaN time, ``low > high``, or a heartbeat
            interval not shorter than the lowest timeout.
    """

    election_timeout: tuple[float, float] = ELECTION_TIMEOUT
    heartbeat_interval: float | None = None

    def __post_init__(self) -> None:
        try:
            low, high = self.election_timeout
        except (TypeError, ValueError):
            raise invalid(
                "election_timeout", self.election_timeout, "must be (low, high)"
            ) from None
        check_time("election_timeout low", low, positive=True)
        check_time("election_timeout high", high, positive=True)
        if low > high:
            raise invalid("election_timeout", self.election_timeout, "must have low <= high")
        object.__setattr__(self, "election_timeout", (float(low), float(high)))
        if self.heartbeat_interval is None:
            object.__setattr__(self, "heartbeat_interval", low / 2)
        interval = check_time("heartbeat_interval", self.heartbeat_interval, positive=True)
        if interval >= low:
            raise invalid(
                "heartbeat_interval",
                interval,
                f"must be shorter than the lowest election timeout ({low!r})",
            )

    @property
    def heartbeat(self) -> float:
        """The heartbeat interval in seconds (never ``None`` after construction)."""
        assert self.heartbeat_interval is not None
        return self.heartbeat_interval


@dataclass(frozen=True)
class RequestVote:
    """A candidate asks for a vote in ``term``."""

    term: int
    candidate: str
    last_log_index: int = 0
    last_log_term: int = 0


@dataclass(frozen=True)
class Vote:
    """The answer to ``RequestVote``: ``granted`` or not, in the voter's ``term``."""

    term: int
    voter: str
    granted: bool


@dataclass(frozen=True)
class AppendEntries:
    """From the leader of ``term``; with no ``entries`` it is a heartbeat."""

    term: int
    leader: str
    prev_log_index: int = 0
    prev_log_term: int = 0
    entries: tuple[Any, ...] = ()
    leader_commit: int = 0


@dataclass(frozen=True)
class AppendEntriesReply:
    """A follower's answer to ``AppendEntries``; ``success`` is false for a stale term."""

    term: int
    follower: str
    success: bool


class RaftNode(Actor):
    """One node of a Raft-style cluster (election only).

    Args:
        peers: the names of the other nodes (a shared :class:`~.cluster.Names` view, or
            any sequence, which is copied).
        config: election and heartbeat timing.
    """

    def __init__(self, peers: Sequence[str], config: RaftConfig | None = None) -> None:
        self.peers = peers if isinstance(peers, Names) else tuple(peers)
        self.config = config or RaftConfig()
        self.role = FOLLOWER
        self.leader: str | None = None
        self.votes: set[str] = set()
        self.suspects: tuple[str, ...] = ()  # the leader it gave up waiting for, if any
        self.election_timer: Timer | None = None
        self.heartbeat_timer: Timer | None = None

    # -- persistent state (survives a crash, like a disk) --------------------

    @staticmethod
    def term(ctx: Context) -> int:
        """The latest term this node has seen."""
        return int(ctx.storage.get("term", 0))

    @staticmethod
    def voted_for(ctx: Context) -> str | None:
        """Whom this node voted for in its current term."""
        return ctx.storage.get("voted_for")

    def started(self, ctx: Context) -> None:
        """Begin as a follower of nobody, with an election timer running."""
        self.become_follower(ctx, leader=None)

    # -- roles ---------------------------------------------------------------

    def become_follower(self, ctx: Context, leader: str | None) -> None:
        """Follow ``leader`` (or nobody yet) and wait for it with a fresh election timer."""
        ctx.cancel(self.heartbeat_timer)
        self.role, self.leader = FOLLOWER, leader
        self.reset_election_timer(ctx)

    def start_election(self, ctx: Context) -> None:
        """Election timeout: stand as candidate in the next term."""
        term = self.term(ctx) + 1
        ctx.storage.update(term=term, voted_for=ctx.name)
        if self.leader is not None and self.leader != ctx.name:
            self.suspects = (self.leader,)  # its silence is why this election starts
        self.role, self.leader, self.votes = CANDIDATE, None, {ctx.name}
        self.reset_election_timer(ctx)
        for peer in self.peers:
            ctx.addr(peer).do_send(RequestVote(term, ctx.name))
        self.count_votes(ctx)

    def count_votes(self, ctx: Context) -> None:
        """Become leader once a majority of the whole cluster voted for this node."""
        if len(self.votes) >= majority(len(self.peers) + 1):
            self.become_leader(ctx)

    def become_leader(self, ctx: Context) -> None:
        """Lead: stop the election timer and assert leadership with heartbeats."""
        ctx.cancel(self.election_timer)
        self.role, self.leader = LEADER, ctx.name
        self.publish(ctx, election_deadline=None)
        self.send_heartbeats(ctx)
        self.heartbeat_timer = ctx.run_interval(self.config.heartbeat, self.send_heartbeats)

    def send_heartbeats(self, ctx: Context) -> None:
        """Send an empty ``AppendEntries`` to every peer."""
        heartbeat = AppendEntries(self.term(ctx), ctx.name)
        for peer in self.peers:
            ctx.addr(peer).do_send(heartbeat)

    def reset_election_timer(self, ctx: Context) -> None:
        """Draw a new election timeout and (re)start the timer."""
        ctx.cancel(self.election_timer)
        low, high = self.config.election_timeout
        timeout = ctx.rng.uniform(low, high)
        self.election_timer = ctx.run_later(timeout, self.start_election)
        self.publish(ctx, election_deadline=ctx.now + timeout)

    def publish(self, ctx: Context, **extra: Any) -> None:
        """Annotate this node's view for pictures and checks."""
        ctx.annotate(
            role=self.role,
            term=self.term(ctx),
            leader=self.leader,
            voted_for=self.voted_for(ctx),
            suspects=self.suspects,
            **extra,
        )

    def observe_term(self, ctx: Context, term: int) -> None:
        """A higher term means this node is out of date: adopt it and follow."""
        if term > self.term(ctx):
            ctx.storage.update(term=term, voted_for=None)
            self.become_follower(ctx, leader=None)

    # -- handlers --------------------------------------------------------------

    def heard_from(self, ctx: Context, name: str) -> None:
        """A message from ``name`` proves it alive: stop suspecting it."""
        if name in self.suspects:
            self.suspects = tuple(s for s in self.suspects if s != name)
            self.publish(ctx)

    def log_is_current(self, request: RequestVote) -> bool:
        """The election restriction: always true until the node has a log."""
        return True

    def on_request_vote(self, msg: RequestVote, ctx: Context) -> None:
        """Grant at most one vote per term, to a candidate whose term is current."""
        self.heard_from(ctx, msg.candidate)
        self.observe_term(ctx, msg.term)
        term = self.term(ctx)
        granted = (
            msg.term == term
            and self.voted_for(ctx) in (None, msg.candidate)
            and self.log_is_current(msg)
        )
        if granted:
            ctx.storage["voted_for"] = msg.candidate
            self.reset_election_timer(ctx)
        ctx.addr(msg.candidate).do_send(Vote(term, ctx.name, granted))

    def on_vote(self, msg: Vote, ctx: Context) -> None:
        """Count a granted vote of this node's current term."""
        self.heard_from(ctx, msg.voter)
        self.observe_term(ctx, msg.term)
        if self.role == CANDIDATE and msg.granted and msg.term == self.term(ctx):
            self.votes.add(msg.voter)
            self.count_votes(ctx)

    def on_append_entries(self, msg: AppendEntries, ctx: Context) -> None:
        """Hear from a leader: follow it if its term is current, else tell it it is stale."""
        self.heard_from(ctx, msg.leader)
        self.observe_term(ctx, msg.term)
        term = self.term(ctx)
        if msg.term == term:
            self.become_follower(ctx, leader=msg.leader)
        ctx.addr(msg.leader).do_send(AppendEntriesReply(term, ctx.name, msg.term == term))

    def on_append_entries_reply(self, msg: AppendEntriesReply, ctx: Context) -> None:
        """A reply may reveal a higher term: then this leader steps down."""
        self.heard_from(ctx, msg.follower)
        self.observe_term(ctx, msg.term)


def spawn_cluster(
    sim: Sim,
    nodes: int | Sequence[str] = 5,
    *,
    election_timeout: tuple[float, float] = ELECTION_TIMEOUT,
    heartbeat_interval: float | None = None,
) -> list[str]:
    """Spawn a Raft-style cluster and return its node names.

    Args:
        sim: the world to spawn into.
        nodes: a count (names ``n1``...) or a list of names.
        election_timeout: ``(low, high)`` seconds.
        heartbeat_interval: seconds; default half the lowest timeout.
    """
    names = node_names(nodes)
    config = RaftConfig(election_timeout, heartbeat_interval)
    check_cluster_fits("raft", len(names), FOOTPRINT)
    members = Membership(names)
    for name in names:
        sim.spawn(name, partial(RaftNode, members.peers(name), config))
    return names
