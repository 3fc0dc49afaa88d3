"""Deliberately broken replicating Raft servers, one rule removed each, and the
scenarios (disks and faults) that expose them; spawn functions for ``explore``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from distsys_edu.protocols.raft import PreVote, RequestVote
from distsys_edu.protocols.raftlog import Entry, RaftLogNode, spawn_cluster
from distsys_edu.runtime import Context, Sim


class CommitsOldTerms(RaftLogNode):
    """Commits any entry a majority holds, of whatever term (no Figure 8 restriction)."""

    def may_commit(self, ctx: Context, index: int) -> bool:
        return True


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


def spawn_commits_old_terms(sim: Sim, nodes: Any = 5, **options: Any) -> list[str]:
    """``raftlog`` with :class:`CommitsOldTerms` servers (for ``explore``)."""
    return spawn_cluster(sim, nodes, server=CommitsOldTerms, **options)


def put_on_disk(
    sim: Sim, name: str, term: int, terms: Sequence[int], voted_for: Any = None
) -> None:
    """Give server ``name`` a disk: its current term, vote and a log of no-op entries
    of the given ``terms`` (before the Sim runs)."""
    disk = sim.storage(name)
    disk.update(current_term=term, voted_for=voted_for, log=[Entry(t) for t in terms])


def figure8(server: type[RaftLogNode], seed: int = 0) -> Sim:
    """Figure 8 of the paper, built with disks and faults (``noop=False``, as there).

    Disks as in Figure 8 (b): S1 and S2 hold index 2 from term 2; S5 led term 3 and
    holds index 2 from term 3; S3 and S4 voted for S5. Then: S2 and S5 are down, so
    only S1 can win (S3 and S4 lack index 2); S1 replicates index 2 (term 2) to S3
    and S4: a majority holds it. At 3 s S1 crashes and S5 restarts: only S5 can win
    now (its last term, 3, beats theirs), and it overwrites index 2 on S3 and S4.
    """
    sim = Sim(seed=seed, trace="full")
    names = spawn_cluster(sim, 5, noop=False, server=server)
    for name, term, terms, vote in (
        ("n1", 2, (1, 2), "n1"),
        ("n2", 2, (1, 2), "n1"),
        ("n3", 3, (1,), "n5"),
        ("n4", 3, (1,), "n5"),
        ("n5", 3, (1, 3), "n5"),
    ):
        put_on_disk(sim, name, term, terms, vote)
    sim.crash("n2")
    sim.crash("n5")
    sim.run(until=3.0)
    sim.crash("n1")
    sim.restart("n5")
    sim.run(until=8.0)
    assert names == ["n1", "n2", "n3", "n4", "n5"]
    return sim


def stale_follower(server: type[RaftLogNode], seed: int = 0) -> Sim:
    """Three servers: n1 and n2 hold ``1, 3, 3``; n3 holds ``1, 2`` (an entry of term
    2 that was never committed). Whoever leads must repair n3's log."""
    sim = Sim(seed=seed, trace="full")
    spawn_cluster(sim, 3, server=server)
    put_on_disk(sim, "n1", 3, (1, 3, 3))
    put_on_disk(sim, "n2", 3, (1, 3, 3))
    put_on_disk(sim, "n3", 3, (1, 2))
    sim.run(until=3.0)
    return sim
