"""The Bully election (Garcia-Molina, "Elections in a Distributed Computing System",
IEEE Transactions on Computers C-31(1), 1982), with heartbeat failure detection.

In Garcia-Molina's terms: node ``i`` keeps its state ``S(i).s`` (here ``role``: a
``candidate`` is in the paper's *Election* state, a ``leader`` or ``follower`` is
*Normal*) and its coordinator ``S(i).c`` (here ``leader``). The paper's messages are
folded, as in the textbooks (Coulouris et al., section 15.3), into three:
``Election`` asks the higher nodes "are you there?" (the paper's *AreYouThere*) and
leaves the election to them (its *Halt*); ``Answer`` is their reply; ``Coordinator``
is the winner's *NewCoordinator*. Where this departs from the paper: there is no
*Reorganization* state and no *Ready* message (no application state to hand over),
and a follower checks on its coordinator with heartbeats and a failure detector
rather than by asking *AreYouNormal*.

Every node has a unique integer id (by default the number in its name: ``n3`` has
id 3). The highest live id should lead: a higher node "bullies" lower ones out of
the way.

How it runs, in virtual time:

* The coordinator sends ``Heartbeat`` to every other node every
  ``heartbeat_interval``. A follower feeds each heartbeat of *its* coordinator to a
  :class:`~distsys_edu.protocols.detectors.FixedTimeoutDetector` and asks it every
  ``check_interval`` whether the coordinator is still trusted; after
  ``failure_timeout`` of silence it suspects the coordinator and starts an election.
* **Starting an election**: send ``Election`` to every node with a higher id. A node
  with no higher id, or one that hears no ``Answer`` within ``answer_timeout``,
  becomes coordinator and sends ``Coordinator`` to every lower node (the higher ones
  did not answer: they are presumed crashed).
* **On Answer** (the paper's "OK"): a higher node is alive and takes over. Wait
  ``coordinator_timeout`` for a ``Coordinator``; if none comes, start again.
* **On Election from a lower id**: reply ``Answer``, then start an election of one's
  own, unless already in one (see the careful point below).
* **On Coordinator**: adopt the sender as coordinator.
* **Recovery**: a node that (re)starts after a crash holds an election at once, as
  the paper prescribes. If its id is higher than the current coordinator's, it wins
  and takes over: this is the "bullying". At time 0, ``spawn_cluster``'s
  ``initiator`` says who starts (by default every node, as if all had just
  recovered); the others wait for a coordinator, and their detector starts an
  election if none shows up within ``failure_timeout``.

Two careful points, where the paper leaves room and we chose:

* A ``Heartbeat`` is a standing ``Coordinator`` announcement. A candidate (or a node
  that follows nobody) adopts the sender of a heartbeat whose id is higher than its
  own; a node that follows nobody and hears a *lower* node's heartbeat holds an
  election (it bullies). A node that follows a coordinator listens to that
  coordinator's heartbeats only.
* A follower whose own detector still trusts its (higher) coordinator answers a
  lower node's ``Election`` but starts no election itself: the coordinator also
  received that Election and answers it, and its heartbeats end the sender's wait.
  The paper's rule, "start one unless already in one", would let an Election sent
  just before its sender learned the coordinator set off a second, useless round.
  With this rule the counts below hold whatever the order of arrival.

Message counts (constant latency, no faults, all ``N`` nodes alive, one initiator;
tested exactly in ``tests/protocols/test_bully.py``):

* **Best case, the highest node initiates**: it has nobody to ask, so it wins at
  once: ``N - 1`` Coordinator messages, 0 Election, 0 Answer.
* **Worst case, the lowest node initiates**: it sends ``N - 1`` Elections; each of
  the ``N - 1`` nodes above it answers and, not yet in an election, starts one, and
  node ``i`` (counting from the bottom, ``i = 1..N``) sends ``N - i`` Elections. So
  ``Election = (N-1) + (N-2) + ... + 0 = N(N-1)/2``; every Election reaches a live
  node and is answered exactly once, so ``Answer = N(N-1)/2``; only the highest node
  finds nobody above it and sends ``N - 1`` Coordinators. Total
  ``N(N-1) + N - 1 = N^2 - 1``.
* **Every node initiates at once** (the default start): every node sends to all
  above it, so the same ``N(N-1)/2 + N(N-1)/2 + (N - 1) = N^2 - 1``.

Textbooks (Coulouris et al., *Distributed Systems*, section 15.3) count ``N``
processes *including the crashed coordinator*: with the highest one dead, the
second highest "can immediately elect itself and send N - 2 coordinator messages",
and when the lowest detects the failure the cost is O(N^2). Our node does not
know the coordinator is dead, so the second highest first sends one ``Election``
to it and waits ``answer_timeout``: 1 Election + ``N - 2`` Coordinators. When the
lowest initiates: ``Election = N(N-1)/2`` (``N - 1`` of them lost at the dead node),
``Answer = (N-1)(N-2)/2``, ``Coordinator = N - 2``. Both are tested too.

The flaw the course shows: **Bully assumes a synchronous, reliable network**, in
which a node that does not answer within a known time has crashed. There are no
terms or epochs, so nothing tells two coordinators apart. Cut the network in two:
each side misses the other's answers, concludes the other side crashed, and elects
its own coordinator. Heal the network: nothing in the algorithm makes either step
down. Followers listen only to their own coordinator's heartbeats, and no one
suspects anyone, so no election runs: two coordinators persist among nodes that can
all reach each other (split brain). A long pause of the coordinator does the same, and
so does a lost ``Answer`` or a run of lost heartbeats, with no partition at all.
Raft's terms (:mod:`distsys_edu.protocols.raft`) are the fix.

What each node publishes is computed in one place, :meth:`BullyNode.view`, apart from
the algorithm (see :mod:`distsys_edu.protocols.published`): ``role``, ``leader``,
``suspects`` (the sorted tuple of nodes it believes crashed: a coordinator its
detector gave up on, higher nodes that did not answer; a node leaves it when heard
from) and ``id``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import partial

from ...runtime import Sim
from ...runtime.errors import invalid
from ..cluster import Membership, check_ids, choose_initiators, node_names
from ..memory import check_cluster_fits
from ..spec import Knob, ProtocolSpec
from .config import (
    ANSWER_TIMEOUT,
    COORDINATOR_TIMEOUT,
    FAILURE_TIMEOUT,
    FOOTPRINT,
    HEARTBEAT_INTERVAL,
    BullyConfig,
)
from .messages import Answer, BullyMessage, Coordinator, Election, Heartbeat
from .node import AWAITING_ANSWER, AWAITING_COORDINATOR, BullyNode

__all__ = [
    "ANSWER_TIMEOUT",
    "AWAITING_ANSWER",
    "AWAITING_COORDINATOR",
    "COORDINATOR_TIMEOUT",
    "FAILURE_TIMEOUT",
    "FOOTPRINT",
    "HEARTBEAT_INTERVAL",
    "Answer",
    "BullyConfig",
    "BullyMessage",
    "BullyNode",
    "Coordinator",
    "Election",
    "Heartbeat",
    "default_ids",
    "first_election_burst",
    "spawn_cluster",
]


def first_election_burst(members: Membership, starters: set[str]) -> int:
    """How many ``Election`` messages the first election sends within a few delays.

    Each starter asks every higher node; if the highest node does not start, the
    answered nodes (or, with no starter, every detector at once) start elections
    too, ``N(N-1)/2`` in all.
    """
    size = len(members)
    if members.by_id[-1] not in starters:
        return size * (size - 1) // 2
    return sum(len(members.higher(name)) for name in starters)


def default_ids(names: Sequence[str]) -> dict[str, int]:
    """Each node's id is the number at the end of its name (``n12`` -> 12).

    Raises:
        InvalidArgument: a name that does not end in a number, or two names that end
            in the same one: give ``ids`` explicitly then.
    """
    ids: dict[str, int] = {}
    for name in names:
        match = re.search(r"(\d+)$", name)
        if match is None:
            raise invalid("ids", None, f"must be given: node name {name!r} ends in no number")
        ids[name] = int(match.group(1))
    if len(set(ids.values())) != len(ids):
        raise invalid("ids", None, f"must be given: names {list(names)!r} share a number")
    return ids


def spawn_cluster(
    sim: Sim,
    nodes: int | Sequence[str] = 5,
    *,
    ids: Sequence[int] | Mapping[str, int] | None = None,
    initiator: str | Sequence[str] | None = "all",
    heartbeat_interval: float = HEARTBEAT_INTERVAL,
    failure_timeout: float = FAILURE_TIMEOUT,
    answer_timeout: float = ANSWER_TIMEOUT,
    coordinator_timeout: float = COORDINATOR_TIMEOUT,
    check_interval: float | None = None,
) -> list[str]:
    """Spawn a Bully cluster and return its node names.

    With the defaults every node holds an election at time 0, as a node does when it
    recovers, so the highest node wins within one message delay and keeps leading.

    Args:
        sim: the world to spawn into.
        nodes: a count (names ``n1``...) or a list of names.
        ids: each node's id, a list in node order or a dict by name; default: the
            number at the end of each name.
        initiator: who starts an election at time 0: ``"all"`` (default), the
            ``"lowest"`` or ``"highest"`` id, a list of names, or ``None`` (nobody:
            the detectors start one after ``failure_timeout`` without a coordinator).
        heartbeat_interval: seconds between the coordinator's heartbeats.
        failure_timeout: seconds of silence before a follower suspects it.
        answer_timeout: seconds a candidate waits for an ``Answer``.
        coordinator_timeout: seconds an answered candidate waits for a ``Coordinator``.
        check_interval: seconds between detector checks; default half the heartbeat
            interval.

    Raises:
        InvalidArgument: bad nodes, ids, initiator or times (the message says which).
    """
    names = node_names(nodes)
    id_of = default_ids(names) if ids is None else check_ids(names, ids)
    config = BullyConfig(
        heartbeat_interval, failure_timeout, answer_timeout, coordinator_timeout, check_interval
    )
    starters = choose_initiators(initiator, names, id_of)
    members = Membership(names, id_of)
    check_cluster_fits("bully", len(names), FOOTPRINT, first_election_burst(members, starters))
    for name in names:
        sim.spawn(name, partial(BullyNode, name, members, config, name in starters))
    return names


SPEC = ProtocolSpec(
    name="bully",
    description="Bully election (Garcia-Molina 1982) with heartbeat failure detection",
    spawn=spawn_cluster,
    actors=(BullyNode,),
    messages=(Election, Answer, Coordinator, Heartbeat),
    config=BullyConfig,
    knobs=(
        Knob.seconds(
            "heartbeat_interval",
            HEARTBEAT_INTERVAL,
            1.0,
            "seconds between the coordinator's heartbeats",
        ),
        Knob.seconds(
            "failure_timeout",
            FAILURE_TIMEOUT,
            5.0,
            "seconds of silence before a node suspects the coordinator",
        ),
        Knob.seconds(
            "answer_timeout",
            ANSWER_TIMEOUT,
            1.0,
            "seconds a candidate waits for an Answer from a higher node",
        ),
        Knob.seconds(
            "coordinator_timeout",
            COORDINATOR_TIMEOUT,
            2.0,
            "seconds to wait for the Coordinator after an Answer",
        ),
    ),
    invariants=("one_leader_among_reachable",),
    view=("role", "leader", "suspects", "id"),
    not_symmetric="Bully elects the node with the highest name",
)
"""Bully, declared once (see :class:`~.spec.ProtocolSpec`)."""
