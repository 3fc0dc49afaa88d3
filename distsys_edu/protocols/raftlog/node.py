"""One Raft server that replicates a log (Figure 2, sections 5.3-5.4); the package
docstring says how it runs in virtual time."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from ...runtime import Context
from ...runtime.errors import invalid
from ..cluster import LEADER, majority
from ..raft import AppendEntries, AppendEntriesReply, RaftConfig, RaftNode
from .kv import KVStore
from .messages import ClientReply, ClientRequest, Entry

MAX_ENTRIES = 64
"""At most this many entries in one ``AppendEntries``: a follower far behind catches
up in batches."""


@dataclass(frozen=True)
class RaftLogConfig(RaftConfig):
    """A :class:`~..raft.RaftConfig` (timing, ``pre_vote``), plus:

    Args:
        noop: a new leader appends an entry with no command (thesis section 6.4), so
            that entries of earlier terms get committed without waiting for a client.
        max_entries: the most entries one ``AppendEntries`` carries (at least 1).
        sessions: the state machine remembers client sessions (exactly-once).

    Raises:
        InvalidArgument: as :class:`~..raft.RaftConfig`, or a ``max_entries`` that is
            not an int >= 1, or a ``noop`` or ``sessions`` that is not a bool.
    """

    noop: bool = True
    max_entries: int = MAX_ENTRIES
    sessions: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("noop", "sessions"):
            if not isinstance(getattr(self, name), bool):
                raise invalid(name, getattr(self, name), "must be True or False")
        if isinstance(self.max_entries, bool) or not isinstance(self.max_entries, int):
            raise invalid("max_entries", self.max_entries, "must be an int >= 1")
        if self.max_entries < 1:
            raise invalid("max_entries", self.max_entries, "must be an int >= 1")


class RaftLogNode(RaftNode):
    """A Raft server with the log: the election of :class:`~..raft.RaftNode`, plus
    replication, the commit rule and a :class:`~.kv.KVStore` applied in log order.

    Args:
        peers: the names of the other servers.
        config: timing and options.
    """

    config: RaftLogConfig

    def __init__(self, peers: Sequence[str], config: RaftLogConfig | None = None) -> None:
        super().__init__(peers, config or RaftLogConfig())
        # Volatile state on all servers (Figure 2)
        self.commit_index = 0  # highest log entry known to be committed
        self.last_applied = 0  # highest log entry applied to the state machine
        self.machine = KVStore(self.config.sessions)
        self.applied_digest = 0  # CRC-32 chain of the entries applied (State Machine Safety)
        # Volatile state on leaders, reinitialized after election (Figure 2)
        self.next_index: dict[str, int] = {}  # next log entry to send to each server
        self.match_index: dict[str, int] = {}  # highest entry known replicated on each
        self._runs: tuple[tuple[int, int], ...] | None = None  # cache of log_runs

    # -- persistent state (Figure 2): the log is on the disk, ctx.storage --------------

    @staticmethod
    def log(ctx: Context) -> list[Entry]:  # type: ignore[override]
        """log[]: the entries, first index 1, kept on the disk (``ctx.storage``) and
        changed in place: a restarted server finds it there."""
        entries: list[Entry] = ctx.storage.setdefault("log", [])
        return entries

    def last_log(self, ctx: Context) -> tuple[int, int]:
        """``(last_log_index, last_log_term)`` (section 5.4), ``(0, 0)`` when empty."""
        log = self.log(ctx)
        return len(log), (log[-1].term if log else 0)

    def term_at(self, ctx: Context, index: int) -> int:
        """The term of entry ``index`` (0 for index 0, before the first entry)."""
        return self.log(ctx)[index - 1].term if index > 0 else 0

    def store(self, ctx: Context, prev_log_index: int, entries: Sequence[Entry]) -> None:
        """AppendEntries receiver, steps 3-4: "if an existing entry conflicts with a
        new one (same index but different terms), delete the existing entry and all
        that follow it; append any new entries not already in the log". An entry
        that matches stays, so a late, reordered AppendEntries never shortens the log."""
        log = self.log(ctx)
        for offset, entry in enumerate(entries):
            index = prev_log_index + 1 + offset
            if index <= len(log) and log[index - 1].term != entry.term:
                del log[index - 1 :]
            if index > len(log):
                log.append(entry)

    # -- leaders ----------------------------------------------------------------------

    def become_leader(self, ctx: Context) -> None:
        """Upon election: next_index = leader's last log index + 1 and match_index = 0
        for each server (Figure 2); append the no-op if ``noop``; then heartbeats."""
        after = len(self.log(ctx)) + 1
        self.next_index = {peer: after for peer in self.peers}
        self.match_index = {peer: 0 for peer in self.peers}
        if self.config.noop:
            self.log(ctx).append(Entry(self.current_term(ctx)))
            self._runs = None
        super().become_leader(ctx)
        self.advance_commit_index(ctx)  # a cluster of one commits alone

    def send_heartbeats(self, ctx: Context) -> None:
        """Every heartbeat interval: AppendEntries to every server, carrying the
        entries it lacks (none: a heartbeat)."""
        for peer in self.peers:
            self.replicate(ctx, peer)

    def replicate(self, ctx: Context, peer: str) -> None:
        """If last log index >= next_index for a follower: send AppendEntries with log
        entries starting at next_index (Figure 2), at most ``max_entries``; then
        expect it to take them (next_index moves past them; a failure moves it back)."""
        log = self.log(ctx)
        prev_log_index = self.next_index[peer] - 1
        entries = tuple(log[prev_log_index : prev_log_index + self.config.max_entries])
        request = AppendEntries(
            self.current_term(ctx),
            ctx.name,
            prev_log_index,
            self.term_at(ctx, prev_log_index),
            entries,
            self.commit_index,
        )
        self.next_index[peer] = prev_log_index + len(entries) + 1
        ctx.addr(peer).do_send(request)

    def on_client_request(self, msg: ClientRequest, ctx: Context) -> None:
        """Leaders: if command received from client, append entry to local log, respond
        after entry applied to state machine (Figure 2); send it out at once. Others:
        say no, and name the leader they believe in."""
        if self.role != LEADER:
            ctx.addr(msg.client).do_send(ClientReply(msg.seq, False, None, self.leader, ctx.name))
            return
        self.log(ctx).append(Entry(self.current_term(ctx), msg))
        self._runs = None
        self.advance_commit_index(ctx)
        for peer in self.peers:
            self.replicate(ctx, peer)

    def on_append_entries_reply(self, msg: AppendEntriesReply, ctx: Context) -> None:
        """Leaders: if successful, update next_index and match_index for the follower;
        if AppendEntries fails because of log inconsistency, decrement next_index and
        retry (Figure 2), at once. The follower says from where: below the failed
        prev_log_index, and no further than its last entry."""
        super().on_append_entries_reply(msg, ctx)
        if self.role != LEADER or msg.term != self.current_term(ctx):
            return
        peer = msg.follower
        if msg.success:
            self.match_index[peer] = max(self.match_index[peer], msg.match_index)
            self.next_index[peer] = max(self.next_index[peer], self.match_index[peer] + 1)
            self.advance_commit_index(ctx)
            if self.next_index[peer] <= len(self.log(ctx)):
                self.replicate(ctx, peer)
        else:
            back = min(self.next_index[peer] - 1, msg.match_index + 1)
            self.next_index[peer] = max(self.match_index[peer] + 1, back, 1)
            self.replicate(ctx, peer)

    def advance_commit_index(self, ctx: Context) -> None:
        """Leaders: if there exists an N such that N > commit_index, a majority of
        match_index[i] >= N, and log[N].term == current_term: set commit_index = N
        (Figure 2, sections 5.3-5.4). N is the highest index held by a majority;
        terms never fall along a log, so if log[N] is of an older term, so is every
        entry below it."""
        held = sorted([len(self.log(ctx)), *self.match_index.values()], reverse=True)
        n = held[majority(len(self.peers) + 1) - 1]
        if n > self.commit_index and self.may_commit(ctx, n):
            self.commit_index = n
            self.apply_committed(ctx)

    def may_commit(self, ctx: Context, index: int) -> bool:
        """The Figure 8 restriction (section 5.4.2): "only log entries from the
        leader's current term are committed by counting replicas"."""
        return self.term_at(ctx, index) == self.current_term(ctx)

    # -- followers -----------------------------------------------------------------------

    def on_append_entries(self, msg: AppendEntries, ctx: Context) -> None:
        """AppendEntries receiver (Figure 2): 1. reply false if term < current_term;
        2. reply false if log doesn't contain an entry at prev_log_index whose term
        matches prev_log_term; 3-4. see :meth:`store`; 5. if leader_commit >
        commit_index, set commit_index = min(leader_commit, index of last new entry)."""
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)
        term = self.current_term(ctx)
        if msg.term < term:
            ctx.addr(msg.leader_id).do_send(AppendEntriesReply(term, False, ctx.name))
            return
        self.heard_leader_at = ctx.now
        self.become_follower(ctx, leader=msg.leader_id)
        if not self.consistent(ctx, msg):  # try again from before prev_log_index
            retry_after = min(len(self.log(ctx)), msg.prev_log_index - 1)
            ctx.addr(msg.leader_id).do_send(AppendEntriesReply(term, False, ctx.name, retry_after))
            return
        self.store(ctx, msg.prev_log_index, msg.entries)
        self._runs = None  # here, not in store: a subclass's store need not know the cache
        last_new = msg.prev_log_index + len(msg.entries)
        if msg.leader_commit > self.commit_index:
            self.commit_index = max(self.commit_index, min(msg.leader_commit, last_new))
            self.apply_committed(ctx)
        ctx.addr(msg.leader_id).do_send(AppendEntriesReply(term, True, ctx.name, last_new))

    def consistent(self, ctx: Context, msg: AppendEntries) -> bool:
        """The consistency check (section 5.3): the log has an entry at
        prev_log_index whose term is prev_log_term."""
        index = msg.prev_log_index
        return index <= len(self.log(ctx)) and self.term_at(ctx, index) == msg.prev_log_term

    # -- all servers: the state machine ---------------------------------------------------

    def apply_committed(self, ctx: Context) -> None:
        """If commit_index > last_applied: increment last_applied, apply
        log[last_applied] to state machine (Figure 2), in order. A leader answers
        the client of each command it applies."""
        log = self.log(ctx)
        while self.last_applied < self.commit_index:
            entry = log[self.last_applied]
            self.last_applied += 1
            self.applied_digest = zlib.crc32(repr(entry).encode(), self.applied_digest)
            if entry.command is None:
                continue
            result = self.machine.apply(entry.command)
            if self.role == LEADER:
                reply = ClientReply(entry.command.seq, True, result, ctx.name, ctx.name)
                ctx.addr(entry.command.client).do_send(reply)

    # -- what pictures and checks see -------------------------------------------------------

    def log_runs(self, ctx: Context) -> tuple[tuple[int, int], ...]:
        """The log's terms, run-length encoded: ``((term, count), ...)``."""
        if self._runs is None:
            terms = groupby(entry.term for entry in self.log(ctx))
            self._runs = tuple((term, len(list(same))) for term, same in terms)
        return self._runs

    def view(self, ctx: Context) -> dict[str, Any]:
        """The election's view, plus ``log`` (:meth:`log_runs`), ``commit_index`` and
        ``applied``: ``(last_applied, CRC-32 chain of the entries applied)``."""
        return {
            **super().view(ctx),
            "log": self.log_runs(ctx),
            "commit_index": self.commit_index,
            "applied": (self.last_applied, self.applied_digest),
        }
