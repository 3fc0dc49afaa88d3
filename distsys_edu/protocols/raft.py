"""Raft-style leader election (Ongaro & Ousterhout, USENIX ATC 2014, section 5.2).

What it fixes in the blog's design: a *term* numbers every leadership, each node
votes at most once per term, and a leader needs a majority, so two leaders can
never share a term; anyone who sees a higher term steps down, so a stale leader
cut off by a partition gives way once it hears from the rest.

Read it beside Figure 2 of the paper ("Raft consensus algorithm, condensed"): the
names are Figure 2's in snake_case (``current_term``, ``voted_for``,
``candidate_id``, ``vote_granted``, ``leader_id``...), and each method's docstring
quotes the rule it carries out, with its section. How it runs, in virtual time:

* Every server starts as a follower with an election timer drawn uniformly from
  ``election_timeout`` (say 150-300 ms) using its own ``ctx.rng``. The timer is
  the failure detector: hearing from the current leader restarts it.
* When the timer fires, the server becomes a candidate: it increments
  ``current_term``, votes for itself, draws a new timeout (in case the vote
  splits) and sends ``RequestVote`` to every other server.
* A server grants its vote if the request's term is current and ``voted_for`` is
  empty or the candidate. The answer is a ``RequestVoteReply``.
* A candidate with votes from a majority becomes leader and sends
  ``AppendEntries`` (empty: a heartbeat) to every server at once and then every
  ``heartbeat_interval``.
* Every higher term goes through one :meth:`RaftNode.step_down` (as in RaftScope):
  adopt the term, forget the vote, become a follower. A candidate that hears
  ``AppendEntries`` from a leader of its own term also becomes a follower.

``current_term`` and ``voted_for`` are kept in ``ctx.storage`` (the server's disk),
as Figure 2 requires: a server that restarts must not vote twice in one term.

Where this departs from the paper, and why:

* **No replication.** This is the election of section 5.2 only, with the election
  restriction of section 5.4.1 (:meth:`RaftNode.log_is_current`): a server's log
  (the terms of its entries, on its disk) is empty unless a test or a lesson puts
  one there, and nothing appends to it.
* **RPCs are messages.** A request and its result are two messages; a result says
  who sends it (``voter``, ``follower``), which an RPC's caller would know.
* **Timers, not a clock.** The election timeout is a ``ctx.run_later`` timer,
  cancelled and drawn anew each time Figure 2 says the timeout restarts.

What each server publishes for pictures and checks is computed in one place,
:meth:`RaftNode.view`, apart from the algorithm (see :mod:`.published`): ``role``,
``term`` (its ``current_term``), ``leader``, ``voted_for`` and ``suspects`` (the
leader whose silence made it stand for election, until a message from that node
proves it alive). When its election timer fires is not published: every heartbeat
moves it, and a picture of a live Sim reads it from ``Sim.pending_timers()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..runtime import Context, Sim, Timer
from ..runtime.errors import check_time, invalid
from .cluster import CANDIDATE, FOLLOWER, LEADER, Membership, Names, majority, node_names
from .memory import Footprint, check_cluster_fits
from .published import PublishingActor

ELECTION_TIMEOUT = (0.150, 0.300)
"""The paper's suggested range of election timeouts, in seconds."""

FOOTPRINT = Footprint(per_node=7_000)
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


# -- RPCs, as messages (Figure 2's arguments and results, in snake_case) ------------
#
# A Raft RPC is a request and its result; here each is a message of its own. A result
# carries one field Figure 2 does not have (``voter``, ``follower``): the caller of an
# RPC knows whom it asked, but a message has to say who answers.


@dataclass(frozen=True)
class RequestVote:
    """RequestVote RPC arguments (Figure 2): invoked by candidates to gather votes."""

    term: int  # candidate's term
    candidate_id: str  # candidate requesting vote
    last_log_index: int = 0  # index of candidate's last log entry (section 5.4)
    last_log_term: int = 0  # term of candidate's last log entry (section 5.4)

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.candidate_id


@dataclass(frozen=True)
class RequestVoteReply:
    """RequestVote RPC results (Figure 2)."""

    term: int  # current_term, for candidate to update itself
    vote_granted: bool  # true means candidate received vote
    voter: str  # who answers (not in Figure 2: see above)

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.voter


@dataclass(frozen=True)
class AppendEntries:
    """AppendEntries RPC arguments (Figure 2): invoked by the leader to replicate log
    entries (section 5.3); with no ``entries`` it is a heartbeat (section 5.2)."""

    term: int  # leader's term
    leader_id: str  # so follower can redirect clients
    prev_log_index: int = 0  # index of log entry immediately preceding new ones
    prev_log_term: int = 0  # term of prev_log_index entry
    entries: tuple[Any, ...] = ()  # log entries to store (empty for heartbeat)
    leader_commit: int = 0  # leader's commit_index

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.leader_id


@dataclass(frozen=True)
class AppendEntriesReply:
    """AppendEntries RPC results (Figure 2)."""

    term: int  # current_term, for leader to update itself
    success: bool  # true if follower contained entry matching prev_log_index/term
    follower: str  # who answers (not in Figure 2: see above)

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.follower


RaftMessage = RequestVote | RequestVoteReply | AppendEntries | AppendEntriesReply


class RaftNode(PublishingActor):
    """One server of a Raft cluster, election only (Figure 2 without the log).

    Args:
        peers: the names of the other servers (a shared :class:`~.cluster.Names`
            view, or any sequence, which is copied).
        config: election and heartbeat timing.
    """

    TIMERS = ("start_election", "send_heartbeats")

    def __init__(self, peers: Sequence[str], config: RaftConfig | None = None) -> None:
        self.peers = peers if isinstance(peers, Names) else tuple(peers)
        self.config = config or RaftConfig()
        self.role = FOLLOWER  # Figure 2's "state": follower, candidate or leader
        self.leader: str | None = None  # the leader_id of the last valid AppendEntries
        self.votes_granted: set[str] = set()  # while a candidate: who voted for it
        self.election_timer: Timer | None = None
        self.heartbeat_timer: Timer | None = None
        self.suspects: tuple[str, ...] = ()  # for the pictures only: see ``view``

    # -- persistent state on all servers (Figure 2): kept in ctx.storage, the disk --

    @staticmethod
    def current_term(ctx: Context) -> int:
        """Latest term this server has seen (initialized to 0, increases monotonically)."""
        return int(ctx.storage.get("current_term", 0))

    @staticmethod
    def voted_for(ctx: Context) -> str | None:
        """``candidate_id`` that received this server's vote in its current term, or ``None``."""
        return ctx.storage.get("voted_for")

    @staticmethod
    def log(ctx: Context) -> tuple[int, ...]:
        """log[]: here only the term of each entry (Figure 2's entries also hold a
        command). Empty unless given on the disk: this module replicates nothing yet."""
        return tuple(ctx.storage.get("log", ()))

    def started(self, ctx: Context) -> None:
        """Servers begin as followers (section 5.2), of nobody yet."""
        self.become_follower(ctx, leader=None)

    # -- rules for servers (Figure 2) --------------------------------------------------

    def step_down(self, ctx: Context, term: int) -> None:
        """All servers: if an RPC request or response contains term T > current_term,
        set current_term = T, convert to follower (section 5.1). ``voted_for`` is for
        the current term, so it starts empty.

        The election timer keeps running: Figure 2 restarts it only on AppendEntries
        from the current leader or on granting a vote. A leader, which has none,
        starts one (as RaftScope's ``stepDown`` does).
        """
        ctx.storage.update(current_term=term, voted_for=None)
        ctx.cancel(self.heartbeat_timer)
        self.role, self.leader = FOLLOWER, None
        if self.election_timer is None or not self.election_timer.active:
            self.reset_election_timer(ctx)

    def become_follower(self, ctx: Context, leader: str | None) -> None:
        """Followers respond to candidates and leaders; an election timeout starts from now."""
        ctx.cancel(self.heartbeat_timer)
        self.role, self.leader = FOLLOWER, leader
        self.reset_election_timer(ctx)

    def reset_election_timer(self, ctx: Context) -> None:
        """Draw a new election timeout, at random from ``election_timeout`` (section
        5.2), and restart the timer."""
        ctx.cancel(self.election_timer)
        low, high = self.config.election_timeout
        self.election_timer = ctx.run_later(ctx.rng.uniform(low, high), self.start_election)

    def start_election(self, ctx: Context) -> None:
        """Followers: if the election timeout elapses, convert to candidate. Candidates:
        on conversion to candidate, or when the election timeout elapses, start an
        election: increment current_term, vote for self, reset the election timer, send
        RequestVote RPCs to all other servers (Figure 2)."""
        term = self.current_term(ctx) + 1
        ctx.storage.update(current_term=term, voted_for=ctx.name)
        self.role, self.leader, self.votes_granted = CANDIDATE, None, {ctx.name}
        self.reset_election_timer(ctx)
        log = self.log(ctx)
        request = RequestVote(term, ctx.name, len(log), log[-1] if log else 0)
        for peer in self.peers:
            ctx.addr(peer).do_send(request)
        self.count_votes(ctx)

    def count_votes(self, ctx: Context) -> None:
        """Candidates: if votes received from a majority of servers, become leader."""
        if len(self.votes_granted) >= majority(len(self.peers) + 1):
            self.become_leader(ctx)

    def become_leader(self, ctx: Context) -> None:
        """Leaders: upon election, send initial empty AppendEntries RPCs (heartbeat) to
        each server; repeat during idle periods to prevent election timeouts (section 5.2)."""
        ctx.cancel(self.election_timer)
        self.role, self.leader = LEADER, ctx.name
        self.send_heartbeats(ctx)
        self.heartbeat_timer = ctx.run_interval(self.config.heartbeat, self.send_heartbeats)

    def send_heartbeats(self, ctx: Context) -> None:
        """Send an empty AppendEntries to every other server."""
        heartbeat = AppendEntries(self.current_term(ctx), ctx.name)
        for peer in self.peers:
            ctx.addr(peer).do_send(heartbeat)

    def log_is_current(self, request: RequestVote, ctx: Context) -> bool:
        """The election restriction (section 5.4.1): is the candidate's log at least as
        up-to-date as ours? The log whose last entry has the later term is more
        up-to-date; with the same last term, the longer log is."""
        log = self.log(ctx)
        ours = (log[-1] if log else 0, len(log))
        return (request.last_log_term, request.last_log_index) >= ours

    # -- RPC receivers (Figure 2) ------------------------------------------------------

    def on_request_vote(self, msg: RequestVote, ctx: Context) -> None:
        """RequestVote receiver: 1. reply false if term < current_term (section 5.1);
        2. if voted_for is null or candidate_id, and the candidate's log is at least
        as up-to-date as the receiver's log, grant vote (sections 5.2, 5.4)."""
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)
        current_term = self.current_term(ctx)
        vote_granted = (
            msg.term == current_term
            and self.voted_for(ctx) in (None, msg.candidate_id)
            and self.log_is_current(msg, ctx)
        )
        if vote_granted:
            ctx.storage["voted_for"] = msg.candidate_id
            self.reset_election_timer(ctx)  # Followers: granting a vote restarts the timer
        reply = RequestVoteReply(current_term, vote_granted, ctx.name)
        ctx.addr(msg.candidate_id).do_send(reply)

    def on_request_vote_reply(self, msg: RequestVoteReply, ctx: Context) -> None:
        """Candidates: count a vote granted in the current term."""
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)
        if self.role == CANDIDATE and msg.vote_granted and msg.term == self.current_term(ctx):
            self.votes_granted.add(msg.voter)
            self.count_votes(ctx)

    def on_append_entries(self, msg: AppendEntries, ctx: Context) -> None:
        """AppendEntries receiver: 1. reply false if term < current_term (section 5.1).
        Otherwise it comes from the current leader: follow it (Candidates: if
        AppendEntries RPC received from new leader, convert to follower), which
        restarts the election timer (Followers)."""
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)
        current_term = self.current_term(ctx)
        success = msg.term == current_term
        if success:
            self.become_follower(ctx, leader=msg.leader_id)
        ctx.addr(msg.leader_id).do_send(AppendEntriesReply(current_term, success, ctx.name))

    def on_append_entries_reply(self, msg: AppendEntriesReply, ctx: Context) -> None:
        """Leaders: a reply may carry a higher term; then this leader steps down."""
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)

    # -- what pictures and checks see (not part of the algorithm) ----------------------

    def heard(self, msg: RaftMessage, ctx: Context) -> None:
        """A message from a suspect proves it alive: stop suspecting it."""
        if msg.sender in self.suspects:
            self.suspects = tuple(s for s in self.suspects if s != msg.sender)

    def view(self, ctx: Context) -> dict[str, Any]:
        """``role``, ``term``, ``leader``, ``voted_for`` and ``suspects``; unchanged by
        a heartbeat, so a follower publishes nothing while its leader stays.

        ``suspects`` is the leader whose silence started this node's latest election,
        until a message from it arrives: the leader it last published, if its term has
        since gone up as a candidate.
        """
        term = self.current_term(ctx)
        before = self.published
        stood = self.role == CANDIDATE and term > before.get("term", term)
        if stood and before.get("leader") not in (None, ctx.name):
            self.suspects = (before["leader"],)
        return {
            "role": self.role,
            "term": term,
            "leader": self.leader,
            "voted_for": self.voted_for(ctx),
            "suspects": self.suspects,
        }


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
