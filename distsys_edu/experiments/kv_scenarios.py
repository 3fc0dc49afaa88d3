"""Lesson 09's worlds: the key-value service under two faults that show what its
clients can see. Each returns the Sim after its run (a full trace), seeded.

* :func:`slow_client_link`: 3 servers, 2 clients; from 1.5 s, messages from ``c1``
  to the leader take 0.5 s of virtual time instead of a few milliseconds. ``c1``
  retries after 0.2 s by way of another server, which sends it back to the
  leader: the leader gets each of ``c1``'s requests twice, the second after
  ``c1`` had its answer. With ``sessions=False`` the copy is applied again.
* :func:`leader_cut_off`: 5 servers, 2 clients and a reader that only reads
  (:func:`~distsys_edu.protocols.raftlog.stale_reads.spawn_with_readers`); at 2 s
  the leader is cut off from the other four servers (clients reach everyone).
"""

from __future__ import annotations

from ..protocols.raftlog import RaftLogNode, Workload, spawn_cluster
from ..protocols.raftlog.stale_reads import spawn_with_readers
from ..runtime import Sim

KEY_X = Workload(keys=("x",), ops=("get", "put", "cas"))
"""Both worlds' clients: one key, ``get``, ``put`` and ``cas`` at random."""

SLOW_FROM, SLOW_LATENCY, SLOW_UNTIL = 1.5, 0.5, 3.0
""":func:`slow_client_link`: the link slows at 1.5 s, to 0.5 s a message; the run ends at 3 s."""

CUT_AT, CUT_UNTIL = 2.0, 5.0
""":func:`leader_cut_off`: the leader is cut off at 2 s; the run ends at 5 s."""


def leader_of(sim: Sim, names: list[str]) -> str:
    """The one server that says it leads now."""
    (leader,) = [n for n in names if sim.annotations(n).get("role") == "leader"]
    return leader


def slow_client_link(sessions: bool, seed: int = 4) -> Sim:
    """The key-value service while ``c1``'s link to the leader is slow (see above)."""
    sim = Sim(seed=seed, trace="full")
    names = spawn_cluster(sim, 3, clients=2, workload=KEY_X, sessions=sessions)
    sim.run(until=SLOW_FROM)
    sim.set_link("c1", leader_of(sim, names), latency=SLOW_LATENCY)
    sim.run(until=SLOW_UNTIL)
    return sim


def leader_cut_off(server: type[RaftLogNode] = RaftLogNode, seed: int = 3) -> Sim:
    """The key-value service, with ``server`` servers, whose leader is cut off (see above)."""
    sim = Sim(seed=seed, trace="full")
    names = spawn_with_readers(sim, 5, clients=2, workload=KEY_X, server=server)
    sim.run(until=CUT_AT)
    leader = leader_of(sim, names)
    sim.partition([leader], [n for n in names if n != leader])
    sim.run(until=CUT_UNTIL)
    return sim
