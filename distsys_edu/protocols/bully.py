"""The Bully election (Garcia-Molina, "Elections in a Distributed Computing System",
IEEE Transactions on Computers C-31(1), 1982), with heartbeat failure detection.

Every node has a unique integer id (by default the number in its name: ``n3`` has
id 3). The highest live id should lead: a higher node "bullies" lower ones out of
the way.

How it runs, in virtual time:

* The coordinator sends ``Heartbeat`` to every other node every
  ``heartbeat_interval``. A follower feeds each heartbeat of *its* coordinator to a
  :class:`~.detectors.FixedTimeoutDetector` and asks it every ``check_interval``
  whether the coordinator is still trusted; after ``failure_timeout`` of silence it
  suspects the coordinator and starts an election.
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
Raft's terms (:mod:`.raft`) are the fix.

Each node publishes ``role``, ``leader``, ``suspects`` (the sorted tuple of nodes it
believes crashed: a coordinator its detector gave up on, higher nodes that did not
answer; a node leaves it when heard from) and ``id``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from ..runtime import Actor, Context, Sim, Timer
from ..runtime.errors import invalid
from .cluster import (
    CANDIDATE,
    FOLLOWER,
    LEADER,
    DetectorTiming,
    Membership,
    check_ids,
    choose_initiators,
    node_names,
)
from .detectors import FixedTimeoutDetector
from .memory import Footprint, check_cluster_fits

HEARTBEAT_INTERVAL = 0.1
"""Seconds between two heartbeats of the coordinator."""

FAILURE_TIMEOUT = 0.35
"""Seconds of silence after which a follower suspects its coordinator (3.5 heartbeats:
two lost heartbeats in a row are tolerated)."""

ANSWER_TIMEOUT = 0.05
"""Seconds a candidate waits for any higher node's ``Answer`` before it wins: many
round trips of the default 1 ms links."""

COORDINATOR_TIMEOUT = 0.15
"""Seconds a candidate that got an ``Answer`` waits for a ``Coordinator`` (or a higher
node's heartbeat) before it starts again: longer than ``ANSWER_TIMEOUT`` plus the
answering node's own election, and longer than ``HEARTBEAT_INTERVAL``."""

FOOTPRINT = Footprint(per_node=7_500, per_pair=500)
"""Bytes a node, and per ``Election`` of the first election's burst (see :mod:`.memory`;
measured by ``benchmarks/cluster_memory.py``)."""


@dataclass(frozen=True)
class BullyConfig(DetectorTiming):
    """Timing of a Bully cluster, in seconds of virtual time.

    Args:
        heartbeat_interval: how often the coordinator sends ``Heartbeat``.
        failure_timeout: silence after which a follower suspects its coordinator.
        answer_timeout: how long a candidate waits for an ``Answer``.
        coordinator_timeout: how long a candidate that was answered waits for a
            ``Coordinator`` before starting again.
        check_interval: how often a follower asks its detector; ``None`` means half
            the heartbeat interval.

    Raises:
        InvalidArgument: a time that is not a finite number > 0, a heartbeat interval
            not shorter than ``failure_timeout`` or ``coordinator_timeout``.
    """

    heartbeat_interval: float = HEARTBEAT_INTERVAL
    failure_timeout: float = FAILURE_TIMEOUT
    answer_timeout: float = ANSWER_TIMEOUT
    coordinator_timeout: float = COORDINATOR_TIMEOUT
    check_interval: float | None = None

    def __post_init__(self) -> None:
        self._check_times(
            ["heartbeat_interval", "failure_timeout", "answer_timeout", "coordinator_timeout"]
        )
        for name in ("failure_timeout", "coordinator_timeout"):
            if not self.heartbeat_interval < getattr(self, name):
                raise invalid(
                    "heartbeat_interval",
                    self.heartbeat_interval,
                    f"must be shorter than {name} ({getattr(self, name)!r}), or a live "
                    "coordinator would be taken for dead",
                )


@dataclass(frozen=True)
class Election:
    """``candidate`` (with ``candidate_id``) asks every higher node: is anyone above me alive?"""

    candidate: str
    candidate_id: int


@dataclass(frozen=True)
class Answer:
    """The paper's "OK": ``responder`` is alive, higher, and takes the election over."""

    responder: str
    responder_id: int


@dataclass(frozen=True)
class Coordinator:
    """The winner ``leader`` announces itself to every lower node."""

    leader: str
    leader_id: int


@dataclass(frozen=True)
class Heartbeat:
    """The coordinator ``leader`` is still alive (and still coordinator)."""

    leader: str
    leader_id: int


AWAITING_ANSWER, AWAITING_COORDINATOR = "awaiting answer", "awaiting coordinator"


class BullyNode(Actor):
    """One node of a Bully cluster.

    Args:
        name: this node's name.
        members: every node with its id, this node's included (higher id wins),
            shared by the whole cluster.
        config: timing.
        initiate: start an election when first started (a restarted node always does).
    """

    def __init__(
        self,
        name: str,
        members: Membership,
        config: BullyConfig | None = None,
        initiate: bool = False,
    ) -> None:
        self.name = name
        self.id = members.ids[name]
        self.config = config or BullyConfig()
        self.initiate = initiate
        self.higher = members.higher(name)  # lowest first
        self.lower = members.lower(name)
        self.peers = members.peers(name)
        self.role = FOLLOWER
        self.leader: str | None = None
        self.phase: str | None = None  # while a candidate: what it waits for
        self.suspects: set[str] = set()
        self.detector = FixedTimeoutDetector(self.config.failure_timeout)
        self.election_timer: Timer | None = None
        self.heartbeat_timer: Timer | None = None

    def started(self, ctx: Context) -> None:
        """Watch the coordinator; hold an election if told to, or if recovering."""
        ctx.run_interval(self.config.check, self.check_coordinator)
        if self.initiate or ctx.incarnation > 0:
            self.start_election(ctx)
        else:
            self.become_follower(ctx, leader=None)

    # -- roles ---------------------------------------------------------------

    def become_follower(self, ctx: Context, leader: str | None) -> None:
        """Follow ``leader`` (or nobody yet), trusting it for ``failure_timeout`` from now."""
        ctx.cancel(self.heartbeat_timer)
        ctx.cancel(self.election_timer)
        self.role, self.leader, self.phase = FOLLOWER, leader, None
        self.detector = FixedTimeoutDetector(self.config.failure_timeout, start=ctx.now)
        self.publish(ctx)

    def start_election(self, ctx: Context) -> None:
        """Ask every higher node; with nobody to ask, win at once."""
        ctx.cancel(self.heartbeat_timer)
        ctx.cancel(self.election_timer)
        self.role, self.leader = CANDIDATE, None
        if not self.higher:
            self.become_coordinator(ctx)
            return
        election = Election(self.name, self.id)
        for node in self.higher:
            ctx.addr(node).do_send(election)
        self.phase = AWAITING_ANSWER
        self.election_timer = ctx.run_later(self.config.answer_timeout, self.answer_timed_out)
        self.publish(ctx)

    def answer_timed_out(self, ctx: Context) -> None:
        """No higher node answered: they are presumed crashed, so this node wins."""
        self.suspects.update(self.higher)
        self.become_coordinator(ctx)

    def coordinator_timed_out(self, ctx: Context) -> None:
        """A higher node answered but never announced itself: try again."""
        self.start_election(ctx)

    def become_coordinator(self, ctx: Context) -> None:
        """Announce victory to every lower node, then heartbeat to everyone."""
        ctx.cancel(self.election_timer)
        self.role, self.leader, self.phase = LEADER, self.name, None
        announcement = Coordinator(self.name, self.id)
        for node in self.lower:
            ctx.addr(node).do_send(announcement)
        self.heartbeat_timer = ctx.run_interval(
            self.config.heartbeat_interval, self.send_heartbeats
        )
        self.publish(ctx)

    def send_heartbeats(self, ctx: Context) -> None:
        """Tell every other node that this coordinator is alive."""
        heartbeat = Heartbeat(self.name, self.id)
        for node in self.peers:
            ctx.addr(node).do_send(heartbeat)

    def check_coordinator(self, ctx: Context) -> None:
        """Hold an election if this node follows and its detector gave up.

        It gives up on a coordinator silent for ``failure_timeout``, or, following
        nobody, after waiting that long for one.
        """
        if self.role == FOLLOWER and self.detector.suspect(ctx.now):
            if self.leader is not None:
                self.suspects.add(self.leader)
            self.start_election(ctx)

    def publish(self, ctx: Context) -> None:
        """Annotate this node's view for pictures and checks."""
        ctx.annotate(
            role=self.role,
            leader=self.leader,
            suspects=tuple(sorted(self.suspects)),
            id=self.id,
        )

    def heard_from(self, ctx: Context, node: str) -> None:
        """``node`` is alive after all: stop suspecting it."""
        if node in self.suspects:
            self.suspects.discard(node)
            self.publish(ctx)

    # -- handlers --------------------------------------------------------------

    def on_election(self, msg: Election, ctx: Context) -> None:
        """Answer a lower candidate; take the election over unless one is under way."""
        if msg.candidate_id >= self.id:
            return  # only lower nodes send us Elections; ignore anything else
        self.heard_from(ctx, msg.candidate)
        ctx.addr(msg.candidate).do_send(Answer(self.name, self.id))
        if self.role in (CANDIDATE, LEADER):
            return  # already in an election, or won one: our coordinator is alive
        if self.leader is not None and self.detector.is_available(ctx.now):
            return  # our (higher) coordinator got the Election too and will answer it
        self.start_election(ctx)

    def on_answer(self, msg: Answer, ctx: Context) -> None:
        """A higher node took over: wait for its ``Coordinator``."""
        self.heard_from(ctx, msg.responder)
        if self.role == CANDIDATE and self.phase == AWAITING_ANSWER:
            ctx.cancel(self.election_timer)
            self.phase = AWAITING_COORDINATOR
            self.election_timer = ctx.run_later(
                self.config.coordinator_timeout, self.coordinator_timed_out
            )
            self.publish(ctx)

    def on_coordinator(self, msg: Coordinator, ctx: Context) -> None:
        """Adopt the announced coordinator (only lower nodes are told, so it is higher)."""
        self.suspects.discard(msg.leader)
        self.become_follower(ctx, leader=msg.leader)

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        """Feed the detector; adopt a higher coordinator if waiting; bully a lower one."""
        if self.role == FOLLOWER and msg.leader == self.leader:
            self.detector.heartbeat(ctx.now)
            return
        self.heard_from(ctx, msg.leader)
        if self.role == CANDIDATE and msg.leader_id > self.id:
            self.become_follower(ctx, leader=msg.leader)
        elif self.role == FOLLOWER and self.leader is None:
            if msg.leader_id > self.id:
                self.become_follower(ctx, leader=msg.leader)
            else:
                self.start_election(ctx)
        # Otherwise: a coordinator, or a follower of another coordinator, ignores it.
        # Nothing here tells two coordinators apart: that is the split brain.


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
