"""One Raft server (election only) and its timing; the package docstring says how it runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...runtime import Context, Timer
from ...runtime.errors import check_time, invalid
from ..cluster import CANDIDATE, FOLLOWER, LEADER, Names, majority
from ..published import PublishingActor
from .messages import (
    AppendEntries,
    AppendEntriesReply,
    PreVote,
    PreVoteReply,
    RaftMessage,
    RequestVote,
    RequestVoteReply,
)

ELECTION_TIMEOUT = (0.150, 0.300)
"""The paper's suggested range of election timeouts, in seconds."""


@dataclass(frozen=True)
class RaftConfig:
    """Timing of a Raft-style cluster, in seconds of virtual time.

    Args:
        election_timeout: ``(low, high)``: each timeout is drawn uniformly from it.
        heartbeat_interval: how often a leader sends ``AppendEntries``; ``None``
            means half the lowest election timeout.
        pre_vote: ask for pre-votes before standing (Ongaro's thesis, section 9.6;
            off by default, as in the paper's Figure 2).

    Raises:
        InvalidArgument: a negative or NaN time, ``low > high``, a heartbeat
            interval not shorter than the lowest timeout, or a ``pre_vote`` that is
            not a bool.
    """

    election_timeout: tuple[float, float] = ELECTION_TIMEOUT
    heartbeat_interval: float | None = None
    pre_vote: bool = False

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
        if not isinstance(self.pre_vote, bool):
            raise invalid("pre_vote", self.pre_vote, "must be True or False")

    @property
    def heartbeat(self) -> float:
        """The heartbeat interval in seconds (never ``None`` after construction)."""
        assert self.heartbeat_interval is not None
        return self.heartbeat_interval


class RaftNode(PublishingActor):
    """One server of a Raft cluster, election only (Figure 2 without the log).

    Args:
        peers: the names of the other servers (a shared :class:`~.cluster.Names`
            view, or any sequence, which is copied).
        config: election and heartbeat timing.
    """

    TIMERS = ("start_election", "start_pre_vote", "send_heartbeats")

    def __init__(self, peers: Sequence[str], config: RaftConfig | None = None) -> None:
        self.peers = peers if isinstance(peers, Names) else tuple(peers)
        self.config = config or RaftConfig()
        self.role = FOLLOWER  # Figure 2's "state": follower, candidate or leader
        self.leader: str | None = None  # the leader_id of the last valid AppendEntries
        self.votes_granted: set[str] = set()  # while a candidate: who voted for it
        self.election_timer: Timer | None = None
        self.heartbeat_timer: Timer | None = None
        self.suspects: tuple[str, ...] = ()  # for the pictures only: see ``view``
        self.pre_votes: set[str] | None = None  # while asking for pre-votes: who granted
        self.heard_leader_at: float | None = None  # last AppendEntries of a current leader

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
    def log(ctx: Context) -> tuple[Any, ...]:
        """log[]: here only the term of each entry (Figure 2's entries also hold a
        command). Empty unless given on the disk: this module replicates nothing
        (:mod:`..raftlog` does, with whole entries)."""
        return tuple(ctx.storage.get("log", ()))

    def last_log(self, ctx: Context) -> tuple[int, int]:
        """``(last_log_index, last_log_term)``: the index and term of the last entry
        of ``log`` (``(0, 0)`` when it is empty), what a candidate sends (section 5.4)."""
        log = self.log(ctx)
        return len(log), (log[-1] if log else 0)

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
        self.role, self.leader, self.pre_votes = FOLLOWER, None, None
        if self.election_timer is None or not self.election_timer.active:
            self.reset_election_timer(ctx)

    def become_follower(self, ctx: Context, leader: str | None) -> None:
        """Followers respond to candidates and leaders; an election timeout starts from now."""
        ctx.cancel(self.heartbeat_timer)
        self.role, self.leader, self.pre_votes = FOLLOWER, leader, None
        self.reset_election_timer(ctx)

    def reset_election_timer(self, ctx: Context) -> None:
        """Draw a new election timeout, at random from ``election_timeout`` (section
        5.2), and restart the timer. When it fires: a pre-vote if ``pre_vote`` is on,
        else an election."""
        ctx.cancel(self.election_timer)
        low, high = self.config.election_timeout
        fire = self.start_pre_vote if self.config.pre_vote else self.start_election
        self.election_timer = ctx.run_later(ctx.rng.uniform(low, high), fire)

    def start_pre_vote(self, ctx: Context) -> None:
        """Pre-Vote (thesis section 9.6): "a candidate would first ask other servers
        whether its log was up-to-date enough to get their vote. Only if the candidate
        believed it could get votes from a majority of the cluster would it increment
        its term and start a normal election." It stays a follower meanwhile, its
        term unchanged; the timer restarts, so a pre-vote without a majority is
        tried again one timeout later."""
        self.pre_votes = {ctx.name}
        self.reset_election_timer(ctx)
        request = PreVote(self.current_term(ctx) + 1, ctx.name, *self.last_log(ctx))
        for peer in self.peers:
            ctx.addr(peer).do_send(request)
        self.count_pre_votes(ctx)

    def count_pre_votes(self, ctx: Context) -> None:
        """With pre-votes from a majority of servers, start a real election."""
        if self.pre_votes is not None and len(self.pre_votes) >= majority(len(self.peers) + 1):
            self.pre_votes = None
            self.start_election(ctx)

    def start_election(self, ctx: Context) -> None:
        """Followers: if the election timeout elapses, convert to candidate. Candidates:
        on conversion to candidate, or when the election timeout elapses, start an
        election: increment current_term, vote for self, reset the election timer, send
        RequestVote RPCs to all other servers (Figure 2)."""
        term = self.current_term(ctx) + 1
        ctx.storage.update(current_term=term, voted_for=ctx.name)
        self.role, self.leader, self.votes_granted = CANDIDATE, None, {ctx.name}
        self.reset_election_timer(ctx)
        request = RequestVote(term, ctx.name, *self.last_log(ctx))
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

    def log_is_current(self, request: RequestVote | PreVote, ctx: Context) -> bool:
        """The election restriction (section 5.4.1): is the candidate's log at least as
        up-to-date as ours? The log whose last entry has the later term is more
        up-to-date; with the same last term, the longer log is."""
        index, term = self.last_log(ctx)
        return (request.last_log_term, request.last_log_index) >= (term, index)

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
            self.heard_leader_at = ctx.now
            self.become_follower(ctx, leader=msg.leader_id)
        ctx.addr(msg.leader_id).do_send(AppendEntriesReply(current_term, success, ctx.name))

    def on_append_entries_reply(self, msg: AppendEntriesReply, ctx: Context) -> None:
        """Leaders: a reply may carry a higher term; then this leader steps down."""
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)

    def on_pre_vote(self, msg: PreVote, ctx: Context) -> None:
        """Pre-Vote receiver: would grant if the term asked about is later than ours,
        the candidate's log is at least as up-to-date (section 5.4.1), and we have not
        heard from a current leader within the lowest election timeout (the check of
        thesis section 4.2.3, without which one server cut off from the leader alone
        would still get its pre-votes and depose it). Changes nothing here: no term,
        no vote, no timer."""
        heard = self.heard_leader_at
        leader_alive = self.role == LEADER or (
            heard is not None and ctx.now - heard < self.config.election_timeout[0]
        )
        would_grant = (
            msg.term > self.current_term(ctx) and not leader_alive and self.log_is_current(msg, ctx)
        )
        ctx.addr(msg.candidate_id).do_send(PreVoteReply(msg.term, would_grant, ctx.name))

    def on_pre_vote_reply(self, msg: PreVoteReply, ctx: Context) -> None:
        """Count a pre-vote granted for the term we would stand in now."""
        asked = msg.term == self.current_term(ctx) + 1
        if self.pre_votes is not None and msg.vote_granted and asked:
            self.pre_votes.add(msg.voter)
            self.count_pre_votes(ctx)

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
