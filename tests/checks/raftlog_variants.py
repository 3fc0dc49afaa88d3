"""Deliberately broken replicating Raft servers, one rule removed each (the one of
Figure 8, :class:`CommitsOldTerms`, is the library's); spawn functions
for ``explore``; the scenarios that expose them live in
:mod:`distsys_edu.experiments.log_scenarios` (re-exported here)."""

from __future__ import annotations

from typing import Any

from distsys_edu.experiments.log_scenarios import figure8, put_on_disk, stale_follower
from distsys_edu.protocols.raft import PreVote, RequestVote
from distsys_edu.protocols.raftlog import RaftLogNode, spawn_cluster
from distsys_edu.protocols.raftlog.old_terms import CommitsOldTerms, spawn_commits_old_terms
from distsys_edu.runtime import Context, Sim

__all__ = [
    "CommitsOldTerms",
    "SkipsConsistencyCheck",
    "VotesForStaleLogs",
    "figure8",
    "put_on_disk",
    "spawn_commits_old_terms",
    "spawn_votes_for_stale_logs",
    "stale_follower",
]


class SkipsConsistencyCheck(RaftLogNode):
    """Accepts entries after prev_log_index without comparing prev_log_term."""

    def consistent(self, ctx: Context, msg: Any) -> bool:
        return msg.prev_log_index <= len(self.log(ctx))


class VotesForStaleLogs(RaftLogNode):
    """Grants votes without the election restriction (section 5.4.1)."""

    def log_is_current(self, request: RequestVote | PreVote, ctx: Context) -> bool:
        return True


def spawn_votes_for_stale_logs(sim: Sim, nodes: Any = 5, **options: Any) -> list[str]:
    """``raftlog`` with :class:`VotesForStaleLogs` servers (for ``explore``)."""
    return spawn_cluster(sim, nodes, server=VotesForStaleLogs, **options)
