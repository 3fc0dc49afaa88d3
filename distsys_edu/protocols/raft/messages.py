"""Raft's RPCs as messages (Figure 2's arguments and results, in snake_case), and
Pre-Vote's (Ongaro's thesis, section 9.6).

A Raft RPC is a request and its result; here each is a message of its own. A result
carries one field Figure 2 does not have (``voter``, ``follower``): the caller of an
RPC knows whom it asked, but a message has to say who answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
    match_index: int = 0  # not in Figure 2: the last index known to match (on success),
    # else where to try next: below the failed prev_log_index, at most the follower's
    # last index (a form of section 5.3's optimization)

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.follower


@dataclass(frozen=True)
class PreVote:
    """Pre-Vote request (thesis section 9.6): "would you vote for me in ``term``?",
    sent before a candidate increments its own term. Nobody changes state on it."""

    term: int  # the term the candidate would stand in: its current_term + 1
    candidate_id: str  # candidate asking
    last_log_index: int = 0  # as in RequestVote: for the election restriction
    last_log_term: int = 0

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.candidate_id


@dataclass(frozen=True)
class PreVoteReply:
    """Pre-Vote result: whether the voter would grant its vote in ``term``."""

    term: int  # the term asked about (the request's), so a late answer is told apart
    vote_granted: bool  # true means the voter would vote for the candidate
    voter: str  # who answers

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.voter


RaftMessage = (
    RequestVote | RequestVoteReply | AppendEntries | AppendEntriesReply | PreVote | PreVoteReply
)
