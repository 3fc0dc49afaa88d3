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
* With ``pre_vote=True`` (off by default): when the timer fires, a follower first
  sends ``PreVote`` for ``current_term + 1`` and stands only once a majority would
  grant it (:meth:`RaftNode.start_pre_vote`, Ongaro's thesis section 9.6). Servers
  cut off in a minority then keep their term, so they cannot depose the majority's
  leader when the partition heals, as they do without it (lesson 05 shows both).

``current_term`` and ``voted_for`` are kept in ``ctx.storage`` (the server's disk),
as Figure 2 requires: a server that restarts must not vote twice in one term.

Where this departs from the paper, and why:

* **No replication.** This is the election of section 5.2 only, with the election
  restriction of section 5.4.1 (:meth:`RaftNode.log_is_current`): a server's log
  (the terms of its entries, on its disk) is empty unless a test or a lesson puts
  one there, and nothing appends to it.
* **RPCs are messages.** A request and its result are two messages; a result says
  who sends it (``voter``, ``follower``), which an RPC's caller would know.
* **Pre-Vote's liveness check.** A server refuses a pre-vote while it has heard from
  a leader within the lowest election timeout (thesis section 4.2.3 pairs the two);
  the term a pre-vote asks about is the candidate's next one.
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

from ...runtime import Sim
from ..cluster import node_names, spawn_peers
from ..memory import Footprint, check_cluster_fits
from ..spec import Knob, ProtocolSpec
from .messages import (
    AppendEntries,
    AppendEntriesReply,
    PreVote,
    PreVoteReply,
    RaftMessage,
    RequestVote,
    RequestVoteReply,
)
from .node import ELECTION_TIMEOUT, RaftConfig, RaftNode

__all__ = [
    "ELECTION_TIMEOUT",
    "FOOTPRINT",
    "AppendEntries",
    "AppendEntriesReply",
    "PreVote",
    "PreVoteReply",
    "RaftConfig",
    "RaftMessage",
    "RaftNode",
    "RequestVote",
    "RequestVoteReply",
    "spawn_cluster",
]

FOOTPRINT = Footprint(per_node=7_000)
"""Bytes a node (see :mod:`..memory`; measured by ``benchmarks/cluster_memory.py``)."""


def spawn_cluster(
    sim: Sim,
    nodes: int | Sequence[str] = 5,
    *,
    election_timeout: tuple[float, float] = ELECTION_TIMEOUT,
    heartbeat_interval: float | None = None,
    pre_vote: bool = False,
) -> list[str]:
    """Spawn a Raft-style cluster and return its node names.

    Args:
        sim: the world to spawn into.
        nodes: a count (names ``n1``...) or a list of names.
        election_timeout: ``(low, high)`` seconds.
        heartbeat_interval: seconds; default half the lowest timeout.
        pre_vote: ask for pre-votes before standing (see :class:`RaftConfig`).
    """
    names = node_names(nodes)
    config = RaftConfig(election_timeout, heartbeat_interval, pre_vote)
    check_cluster_fits("raft", len(names), FOOTPRINT)
    spawn_peers(sim, names, RaftNode, config)
    return names


SPEC = ProtocolSpec(
    name="raft",
    description="Raft-style election: terms, one vote per term, randomized timeouts",
    spawn=spawn_cluster,
    actors=(RaftNode,),
    messages=(
        RequestVote,
        RequestVoteReply,
        AppendEntries,
        AppendEntriesReply,
        PreVote,
        PreVoteReply,
    ),
    config=RaftConfig,
    knobs=(
        Knob.seconds(
            "election_timeout",
            ELECTION_TIMEOUT,
            3.0,
            "(low, high) seconds: each election timer is drawn uniformly from it",
        ),
    ),
    invariants=("one_leader_per_term",),
    view=("role", "term", "leader", "voted_for", "suspects"),
)
"""Raft's election, declared once (see :class:`~.spec.ProtocolSpec`)."""
