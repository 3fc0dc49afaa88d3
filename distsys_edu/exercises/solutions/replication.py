"""Worked answers to lesson 08's exercises (:mod:`distsys_edu.exercises.replication`)."""

from __future__ import annotations

from collections.abc import Sequence

from ...protocols.cluster import majority
from ...protocols.raft import AppendEntries
from ...protocols.raftlog import Entry, RaftLogNode
from ...runtime import Context


class LogFollower(RaftLogNode):
    """AppendEntries on a follower: the consistency check and conflict repair."""

    def consistent(self, ctx: Context, msg: AppendEntries) -> bool:
        index = msg.prev_log_index
        return index <= len(self.log(ctx)) and self.term_at(ctx, index) == msg.prev_log_term

    def store(self, ctx: Context, prev_log_index: int, entries: Sequence[Entry]) -> None:
        log = self.log(ctx)
        for offset, entry in enumerate(entries):
            index = prev_log_index + 1 + offset
            if index <= len(log) and log[index - 1].term != entry.term:
                del log[index - 1 :]  # a conflict: it and all that follow go
            if index > len(log):
                log.append(entry)


class CommitLeader(RaftLogNode):
    """The commit rule, with the Figure 8 restriction."""

    def advance_commit_index(self, ctx: Context) -> None:
        held = sorted([len(self.log(ctx)), *self.match_index.values()], reverse=True)
        n = held[majority(len(self.peers) + 1) - 1]  # the highest index a majority holds
        if n > self.commit_index and self.term_at(ctx, n) == self.current_term(ctx):
            self.commit_index = n
            self.apply_committed(ctx)
