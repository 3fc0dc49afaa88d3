"""Replicated-log scenarios built from disks: the situations of the paper's figures,
set up exactly (each server's term, vote and log put on its disk before the run),
then run with faults. Lesson 08 shows them; the Raft checks' tests run them on
correct and deliberately broken servers."""

from __future__ import annotations

from collections.abc import Sequence

from ..protocols.raftlog import Entry, RaftLogNode, spawn_cluster
from ..runtime import Sim

__all__ = ["FIGURE8_CRASH", "figure8", "put_on_disk", "stale_follower"]

FIGURE8_CRASH = 3.0
"""When, in :func:`figure8`, S1 crashes and S5 restarts (virtual seconds)."""


def put_on_disk(
    sim: Sim, name: str, term: int, terms: Sequence[int], voted_for: str | None = None
) -> None:
    """Give server ``name`` a disk: its current term, vote and a log of no-op entries
    of the given ``terms`` (before the Sim runs)."""
    disk = sim.storage(name)
    disk.update(current_term=term, voted_for=voted_for, log=[Entry(t) for t in terms])


def figure8(server: type[RaftLogNode] = RaftLogNode, seed: int = 0, until: float = 8.0) -> Sim:
    """Figure 8 of the paper, built with disks and faults (``noop=False``, as there),
    run to ``until`` (virtual seconds) with a full trace.

    Disks as in Figure 8 (b): S1 and S2 hold index 2 from term 2; S5 led term 3 and
    holds index 2 from term 3; S3 and S4 voted for S5. Then: S2 and S5 are down, so
    only S1 can win (S3 and S4 lack index 2); S1 replicates index 2 (term 2) to S3
    and S4: a majority holds it. At :data:`FIGURE8_CRASH` S1 crashes and S5 restarts:
    only S5 can win now (its last term, 3, beats theirs), and it overwrites index 2
    on S3 and S4.
    """
    sim = Sim(seed=seed, trace="full")
    spawn_cluster(sim, 5, noop=False, server=server)
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
    sim.run(until=FIGURE8_CRASH)
    sim.crash("n1")
    sim.restart("n5")
    sim.run(until=until)
    return sim


def stale_follower(server: type[RaftLogNode] = RaftLogNode, seed: int = 0) -> Sim:
    """Three servers: n1 and n2 hold ``1, 3, 3``; n3 holds ``1, 2`` (an entry of term
    2 that was never committed). Whoever leads must repair n3's log (run 3 s)."""
    sim = Sim(seed=seed, trace="full")
    spawn_cluster(sim, 3, server=server)
    put_on_disk(sim, "n1", 3, (1, 3, 3))
    put_on_disk(sim, "n2", 3, (1, 3, 3))
    put_on_disk(sim, "n3", 3, (1, 2))
    sim.run(until=3.0)
    return sim
