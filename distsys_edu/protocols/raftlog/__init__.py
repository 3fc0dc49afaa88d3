"""Raft log replication and a key-value store on it (Ongaro & Ousterhout 2014,
sections 5.3-5.4 and Figure 2; Ongaro's thesis, sections 6.3-6.4).

The election is :mod:`..raft`'s, inherited, not copied: :class:`RaftLogNode` is a
:class:`~..raft.RaftNode` that adds the log. Read it beside Figure 2; the names are
Figure 2's in snake_case (``log``, ``commit_index``, ``last_applied``,
``next_index``, ``match_index``, ``prev_log_index``, ``prev_log_term``,
``entries``, ``leader_commit``). How it runs, in virtual time:

* A client sends a :class:`ClientRequest` to the server it believes leads. A
  follower answers "not the leader" and names the one it follows. The leader
  appends an :class:`Entry` (its term, the request as command) to its log and at
  once sends ``AppendEntries`` to every follower, with the entries from that
  follower's ``next_index`` on (at most ``max_entries``), the index and term of the
  entry before them, and its ``commit_index``. Every heartbeat interval it does the
  same (with no entries when a follower has them all: a heartbeat).
* A follower accepts only if its log holds an entry at ``prev_log_index`` with
  term ``prev_log_term`` (the consistency check); then it deletes any entry that
  conflicts with a new one and everything after it, and appends the new ones.
  Otherwise it refuses and says how long its log is; the leader moves
  ``next_index`` back and retries at once, until the logs meet (conflict repair).
* The leader counts replicas (``match_index``): the highest index stored on a
  majority is committed, but only if its entry is of the leader's own term (the
  Figure 8 restriction); earlier entries are committed with it. A new leader
  appends a no-op entry of its term (``noop=True``) so that happens without a client.
* Every server applies committed entries in log order to its :class:`KVStore`;
  the leader answers each client when it applies its command. Reads (``get``) are
  log entries too, so a deposed leader can never answer one from stale state.
* A server votes only for a candidate whose log is at least as up-to-date as its own
  (the election restriction, inherited): so every leader holds every committed entry.
* The log, ``current_term`` and ``voted_for`` are on the server's disk
  (``ctx.storage``); ``commit_index``, ``last_applied`` and the store are in memory
  and rebuilt after a restart, as the commit index advances again.

Clients (:class:`KVClient`) are actors in the same Sim; they retry and find the
leader, and record their history in the trace (see :mod:`.client`).

What each server publishes (:meth:`RaftLogNode.view`): the election's ``role``,
``term``, ``leader``, ``voted_for``, ``suspects``; ``log``, the terms of its entries
run-length encoded (``((term, count), ...)``); ``commit_index``; ``applied``,
``(last_applied, CRC-32 chain of the applied entries)``. The checks of
:mod:`distsys_edu.checks.raftlog` read these. docs/replicated-log.md has the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from ...runtime import Sim
from ...runtime.errors import invalid
from ..cluster import node_names, spawn_peers
from ..history import HISTORY_KEY
from ..memory import Footprint, check_cluster_fits
from ..raft import ELECTION_TIMEOUT
from ..raft import SPEC as RAFT
from ..spec import ProtocolSpec
from .client import KVClient, Workload, as_workload
from .kv import KVStore
from .messages import OPS, ClientReply, ClientRequest, Entry
from .node import MAX_ENTRIES, RaftLogConfig, RaftLogNode

__all__ = [
    "FOOTPRINT",
    "HISTORY_KEY",
    "MAX_ENTRIES",
    "OPS",
    "ClientReply",
    "ClientRequest",
    "Entry",
    "KVClient",
    "KVStore",
    "RaftLogConfig",
    "RaftLogNode",
    "Workload",
    "spawn_clients",
    "spawn_cluster",
]

FOOTPRINT = Footprint(per_node=9_000)
"""Bytes a node with an empty log (an estimate: the election's 7,000 plus the store)."""


def spawn_cluster(
    sim: Sim,
    nodes: int | Sequence[str] = 5,
    *,
    election_timeout: tuple[float, float] = ELECTION_TIMEOUT,
    heartbeat_interval: float | None = None,
    pre_vote: bool = False,
    noop: bool = True,
    max_entries: int = MAX_ENTRIES,
    sessions: bool = True,
    clients: int = 0,
    workload: Workload | dict[str, Any] | None = None,
    server: type[RaftLogNode] = RaftLogNode,
) -> list[str]:
    """Spawn a replicating Raft cluster (and ``clients`` clients); return the servers' names.

    Args:
        sim: the world to spawn into.
        nodes: a count (names ``n1``...) or a list of names.
        election_timeout, heartbeat_interval, pre_vote: as :func:`..raft.spawn_cluster`.
        noop, max_entries, sessions: see :class:`RaftLogConfig`.
        clients: how many :class:`KVClient` to spawn too (see :func:`spawn_clients`);
            they are not in the returned list, so fault schedules drawn for the
            returned names strike servers only.
        workload: what each client asks (default :class:`Workload()`), or a dict of
            its fields (how a real cluster's JSON options give it).
        server: the server class: :class:`RaftLogNode`, or a variant of it (a
            learner's, or a deliberately broken one in the tests).

    Raises:
        InvalidArgument: a ``server`` that is not a subclass of :class:`RaftLogNode`.
    """
    if not (isinstance(server, type) and issubclass(server, RaftLogNode)):
        raise invalid("server", server, "must be RaftLogNode or a subclass of it")
    names = node_names(nodes)
    config = RaftLogConfig(
        election_timeout, heartbeat_interval, pre_vote, noop, max_entries, sessions
    )
    check_cluster_fits("raftlog", len(names), FOOTPRINT)
    spawn_peers(sim, names, server, config)
    spawn_clients(sim, names, clients, workload)
    return names


def spawn_clients(
    sim: Sim,
    servers: Sequence[str],
    clients: int,
    workload: Workload | dict[str, Any] | None = None,
) -> list[str]:
    """Spawn ``clients`` clients ``c1``, ``c2``... of ``servers``; return their names.

    Raises:
        InvalidArgument: ``clients`` not an int >= 0, or a bad ``workload``.
    """
    if isinstance(clients, bool) or not isinstance(clients, int) or clients < 0:
        raise invalid("clients", clients, "must be an int >= 0")
    names = node_names(clients, prefix="c") if clients else []
    asks = as_workload(workload)
    for name in names:
        sim.spawn(name, partial(KVClient, servers, asks))
    return names


SPEC = ProtocolSpec(
    name="raftlog",
    description="Raft log replication with a key-value store (Figure 2, sections 5.3-5.4)",
    spawn=spawn_cluster,
    actors=(RaftLogNode, KVClient),
    messages=(*RAFT.messages, ClientRequest, ClientReply, Entry),
    config=RaftLogConfig,
    knobs=RAFT.knobs,
    invariants=(
        "one_leader_per_term",
        "log_matching",
        "leader_completeness",
        "state_machine_safety",
        "committed_never_lost",
    ),
    view=(*RAFT.view, "log", "commit_index", "applied", HISTORY_KEY),  # clients: history
    aliases=("kv",),  # the service its clients see: ``net up kv``
)
"""Raft's log replication, declared once: raft's messages and knobs, and its own."""
