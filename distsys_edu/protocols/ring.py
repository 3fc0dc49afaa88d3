"""Ring election (Chang & Roberts, "An improved algorithm for decentralized
extrema-finding in circular configurations of processes", CACM 22(5), 1979).

The nodes form a logical ring in name order (``n1 -> n2 -> ... -> nN -> n1``):
every election message goes to the clockwise successor. Each node has a unique id,
assigned by ``order``:

* ``"ascending"``: ``n1`` has id 1, ``n2`` id 2...: ids increase along the direction
  messages travel;
* ``"descending"``: ``n1`` has id N, ..., ``nN`` id 1;
* ``"random"``: a permutation drawn from ``random.Random(f"{sim.seed}/ring/ids")``,
  so it is the same for the same seed in any process.

The election (the paper's rules, with a *participant* flag per node):

* An **initiator** becomes a participant and sends ``Election(own id)``.
* On ``Election(j)``: if ``j > own``, forward it (and become a participant); if
  ``j < own`` and not a participant, send ``Election(own)`` instead and become one;
  if ``j < own`` and already a participant, swallow it (its own, larger id is
  already on its way); if ``j == own``, the id went all the way round unbeaten: this
  node is the **leader**.
* The leader sends ``Elected(own id)`` round the ring; each node records the leader,
  stops being a participant and forwards it; it stops when it returns to the leader.

Message counts (constant latency, no faults; tested exactly in
``tests/protocols/test_ring.py`` and ``tests/experiments/test_election_messages.py``). Every
election ends with exactly ``N`` Elected messages (one circulation). Election
messages: the maximum's id always travels all ``N`` hops; the others die early.

* **Every node initiates, ascending order (best)**: each ``Election(i)``, ``i < N``,
  reaches ``i + 1``, a participant with a larger id, and is swallowed after 1 hop;
  ``Election(N)`` goes round: ``(N - 1) + N = 2N - 1``.
* **Every node initiates, descending order (worst)**: ``Election(k)`` starts at
  ``n(N+1-k)`` and passes ever smaller ids until it wraps to ``n1``, the maximum:
  ``k`` hops, so ``1 + 2 + ... + N = N(N+1)/2``.
* **One initiator that is the maximum**: ``N`` Elections (2N messages in all).
* **One initiator, ascending order, the lowest id** (``n1``; it is the maximum's
  successor, the textbook's worst single initiator): ``Election(1)`` reaches ``n2``,
  a non-participant with a larger id, which sends ``Election(2)``, and so on: ``N - 1``
  one-hop messages up to ``nN``, whose id then goes round: ``2N - 1`` Elections, ``3N - 1``
  in all, the "3N - 1 sequential messages" of the textbook worst case.
* **One initiator, descending order, the lowest id** (``nN``): its successor is the
  maximum: ``1 + N`` Elections.

Recovery, kept simple (the paper assumes no failures):

* The leader sends ``Heartbeat(leader_id)`` straight to every other node every
  ``heartbeat_interval`` (not round the ring: the ring is for the election). A
  follower watches its leader with a :class:`~.detectors.FixedTimeoutDetector`
  checked every ``check_interval``; after ``failure_timeout`` of silence it starts a
  new election. A node that follows nobody and is not in an election adopts the
  sender of a heartbeat (so a restarted node rejoins quietly), or starts an election
  if no heartbeat comes within ``failure_timeout``.
* **Ring repair uses** ``try_send``: a node sends to its successor with
  ``try_send``; on :class:`~distsys_edu.runtime.SendError` (the successor is down)
  it tries the next one, and so on round the ring (alone, it sends to itself). We
  chose the in-process oracle over acknowledgements and timeouts to keep the
  lesson on the election itself; a real network gives no such signal, and a
  partition does not raise, so a message lost there stalls the election until the
  timeout below. If a skipped (down) node is the one whose id an ``Election`` or
  ``Elected`` carries, the message is swallowed: otherwise the id of a crashed node
  would go round for ever, since nobody could recognise it as their own.
* A participant that sees no ``Elected`` within ``election_timeout`` of becoming one
  sends ``Election(own)`` again (it stays a participant). This restarts an election
  that stalled (a message lost to a partition, or swallowed as above). Under a
  lasting partition no side can complete the ring, so there is no leader: safe,
  but not live. The timeout must exceed the time of an election, about ``3N``
  message delays.

Chang-Roberts elects the largest id *among the nodes that take part*: a node that
restarts later does not depose the leader. Like Bully it has no terms: a leader that
was paused for long, then resumes, still believes it leads.

Each node publishes ``SPEC.view``: ``role`` (``"candidate"`` while a participant), ``leader``,
``suspects`` (the leader its detector gave up on, until the election ends), ``participant``, ``id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..runtime import Context, SendError, Sim, Timer
from ..runtime.errors import invalid
from .cluster import (
    CANDIDATE,
    FOLLOWER,
    LEADER,
    DetectorTiming,
    Membership,
    assign_ids,
    check_ids,
    choose_initiators,
    node_names,
)
from .cluster import ORDERS as ORDERS  # re-exported: the ways ids are laid out
from .detectors import FixedTimeoutDetector
from .memory import Footprint, check_cluster_fits
from .published import PublishingActor
from .spec import Knob, ProtocolSpec

HEARTBEAT_INTERVAL = 0.1
"""Seconds between two heartbeats of the leader."""

FAILURE_TIMEOUT = 0.35
"""Seconds of silence after which a follower suspects its leader (3.5 heartbeats)."""

ELECTION_TIMEOUT = 1.0
"""Seconds a participant waits for ``Elected`` before sending its id again; with 1 ms
links this covers rings of a few hundred nodes (an election takes ``3N`` hops at most)."""

FOOTPRINT = Footprint(per_node=8_000)
"""Bytes a node (see :mod:`.memory`; measured by ``benchmarks/cluster_memory.py``)."""


@dataclass(frozen=True)
class RingConfig(DetectorTiming):
    """Timing of a ring cluster, in seconds of virtual time.

    Args:
        heartbeat_interval: how often the leader sends ``Heartbeat``.
        failure_timeout: silence after which a follower suspects its leader.
        election_timeout: how long a participant waits for ``Elected``.
        check_interval: how often a follower asks its detector; ``None`` means half
            the heartbeat interval.

    Raises:
        InvalidArgument: a time that is not a finite number > 0, or a heartbeat
            interval not shorter than ``failure_timeout``.
    """

    heartbeat_interval: float = HEARTBEAT_INTERVAL
    failure_timeout: float = FAILURE_TIMEOUT
    election_timeout: float = ELECTION_TIMEOUT
    check_interval: float | None = None

    def __post_init__(self) -> None:
        self._check_times(["heartbeat_interval", "failure_timeout", "election_timeout"])
        if not self.heartbeat_interval < self.failure_timeout:
            raise invalid(
                "heartbeat_interval",
                self.heartbeat_interval,
                f"must be shorter than failure_timeout ({self.failure_timeout!r})",
            )


@dataclass(frozen=True)
class Election:
    """The largest id seen so far on this message's way round the ring."""

    candidate_id: int


@dataclass(frozen=True)
class Elected:
    """The election is over: ``leader_id`` leads. Goes once round the ring."""

    leader_id: int


@dataclass(frozen=True)
class Heartbeat:
    """The leader with ``leader_id`` is alive (sent straight to every node)."""

    leader_id: int


class RingNode(PublishingActor):
    """One node of a Chang-Roberts ring.

    Args:
        name: this node's name.
        ring: every node in ring order (each sends to the next, the last to the
            first) with its id, shared by the whole ring.
        config: timing.
        initiate: start an election when first started.
    """

    TIMERS = ("check_leader", "election_stalled", "send_heartbeats")

    def __init__(
        self,
        name: str,
        ring: Membership,
        config: RingConfig | None = None,
        initiate: bool = False,
    ) -> None:
        self.name = name
        self.ids = ring.ids
        self.names_by_id = ring.name_of
        self.id = self.ids[name]
        self.successors = ring.successors(name)  # clockwise, self excluded
        self.peers = ring.peers(name)
        self.config = config or RingConfig()
        self.initiate = initiate
        self.role = FOLLOWER
        self.leader: str | None = None
        self.suspects: tuple[str, ...] = ()
        self.detector = FixedTimeoutDetector(self.config.failure_timeout)
        self.election_timer: Timer | None = None
        self.heartbeat_timer: Timer | None = None

    def started(self, ctx: Context) -> None:
        """Watch for a leader; start an election if this node is an initiator."""
        ctx.run_interval(self.config.check, self.check_leader)
        if self.initiate and ctx.incarnation == 0:
            self.start_election(ctx)
        else:
            self.become_follower(ctx, leader=None)

    @property
    def participant(self) -> bool:
        """Whether this node takes part in an election (it is then a candidate)."""
        return self.role == CANDIDATE

    # -- the ring ------------------------------------------------------------

    def pass_on(self, ctx: Context, msg: Election | Elected, subject: int) -> None:
        """Send ``msg`` to the first live successor (``try_send`` skips down nodes).

        ``subject`` is the id the message carries: if the node with that id is found
        down, the message is swallowed, since nobody else would ever stop it.
        """
        for node in self.successors:
            try:
                ctx.addr(node).try_send(msg)
                return
            except SendError:
                if self.ids[node] == subject:
                    return
        ctx.address.do_send(msg)  # alone in the ring: a self-send is always delivered

    # -- roles ---------------------------------------------------------------

    def become_follower(self, ctx: Context, leader: str | None) -> None:
        """Follow ``leader`` (or nobody yet), trusting it for ``failure_timeout`` from now."""
        ctx.cancel(self.heartbeat_timer)
        ctx.cancel(self.election_timer)
        self.role, self.leader = FOLLOWER, leader
        self.suspects = ()  # an election is over, or none was held: no suspicion stands
        self.detector = FixedTimeoutDetector(self.config.failure_timeout, start=ctx.now)

    def become_participant(self, ctx: Context) -> None:
        """Take part in an election: no leader now, and a timer in case it stalls."""
        if self.participant:
            return
        ctx.cancel(self.heartbeat_timer)
        self.role, self.leader = CANDIDATE, None
        self.election_timer = ctx.run_later(self.config.election_timeout, self.election_stalled)

    def start_election(self, ctx: Context) -> None:
        """Initiate: become a participant and send this node's id clockwise."""
        self.become_participant(ctx)
        self.pass_on(ctx, Election(self.id), self.id)

    def election_stalled(self, ctx: Context) -> None:
        """No ``Elected`` came in time: send this node's id round again."""
        self.election_timer = ctx.run_later(self.config.election_timeout, self.election_stalled)
        self.pass_on(ctx, Election(self.id), self.id)

    def become_leader(self, ctx: Context) -> None:
        """This node's id came back unbeaten: lead, and heartbeat to everyone."""
        ctx.cancel(self.election_timer)
        ctx.cancel(self.heartbeat_timer)
        self.role, self.leader = LEADER, self.name
        self.suspects = ()
        self.heartbeat_timer = ctx.run_interval(
            self.config.heartbeat_interval, self.send_heartbeats
        )

    def send_heartbeats(self, ctx: Context) -> None:
        """Tell every other node that this leader is alive."""
        heartbeat = Heartbeat(self.id)
        for node in self.peers:
            ctx.addr(node).do_send(heartbeat)

    def check_leader(self, ctx: Context) -> None:
        """A follower whose detector gave up starts an election.

        It gives up on a leader silent for ``failure_timeout``, or, following nobody,
        after waiting that long for one.
        """
        if self.role == FOLLOWER and self.detector.suspect(ctx.now):
            self.suspects = () if self.leader is None else (self.leader,)
            self.start_election(ctx)

    # -- what pictures and checks see (not part of the algorithm) ----------------

    def view(self, ctx: Context) -> dict[str, Any]:
        """``role``, ``leader``, ``suspects``, ``participant`` and ``id``."""
        return {
            "role": self.role,
            "leader": self.leader,
            "suspects": self.suspects,
            "participant": self.participant,
            "id": self.id,
        }

    # -- handlers --------------------------------------------------------------

    def on_election(self, msg: Election, ctx: Context) -> None:
        """Chang-Roberts: forward a larger id, replace a smaller one once, win with our own."""
        j = msg.candidate_id
        if j > self.id:
            self.become_participant(ctx)
            self.pass_on(ctx, msg, j)
        elif j < self.id:
            if not self.participant:
                self.become_participant(ctx)
                self.pass_on(ctx, Election(self.id), self.id)
            # else: swallow it; our own larger id is already on its way
        else:
            self.become_leader(ctx)
            self.pass_on(ctx, Elected(self.id), self.id)

    def on_elected(self, msg: Elected, ctx: Context) -> None:
        """Record the leader and pass the news on; it stops back at the leader."""
        if msg.leader_id == self.id:
            if self.role != LEADER:  # announced before this node restarted: lead anyway
                self.become_leader(ctx)
            return
        leader = self.names_by_id[msg.leader_id]
        self.become_follower(ctx, leader=leader)
        self.pass_on(ctx, msg, msg.leader_id)

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        """Feed the detector with our leader's heartbeat; adopt a leader if we have none."""
        leader = self.names_by_id[msg.leader_id]
        if self.role == FOLLOWER and self.leader == leader:
            self.detector.heartbeat(ctx.now)
        elif self.role == FOLLOWER and self.leader is None:
            self.become_follower(ctx, leader=leader)


def spawn_cluster(
    sim: Sim,
    nodes: int | Sequence[str] = 5,
    *,
    order: str = "ascending",
    ids: Sequence[int] | None = None,
    initiator: str | Sequence[str] | None = "all",
    heartbeat_interval: float = HEARTBEAT_INTERVAL,
    failure_timeout: float = FAILURE_TIMEOUT,
    election_timeout: float = ELECTION_TIMEOUT,
    check_interval: float | None = None,
) -> list[str]:
    """Spawn a Chang-Roberts ring and return its node names, in ring order.

    Args:
        sim: the world to spawn into.
        nodes: a count (names ``n1``... in that ring order) or a list of names in
            ring order.
        order: how ids ``1..N`` are laid out: ``"ascending"`` along the direction
            messages travel, ``"descending"``, or ``"random"`` (seeded by the Sim's seed).
        ids: explicit ids in ring order (any distinct ints); overrides ``order``.
        initiator: who starts an election at time 0: ``"all"`` (default), the
            ``"lowest"`` or ``"highest"`` id, a list of names, or ``None`` (nobody: the
            detectors start one after ``failure_timeout`` without a leader).
        heartbeat_interval, failure_timeout, election_timeout: seconds, as the
            knobs of :data:`SPEC` say (the longest wait for ``Elected`` is the last).
        check_interval: seconds between detector checks (default: heartbeat / 2).

    Raises:
        InvalidArgument: bad nodes, order, ids, initiator or times (the message says
            which).
    """
    names = node_names(nodes)
    ring_ids = assign_ids(len(names), order, sim.seed)  # also checks ``order``
    id_of = dict(zip(names, ring_ids, strict=True)) if ids is None else check_ids(names, ids)
    config = RingConfig(heartbeat_interval, failure_timeout, election_timeout, check_interval)
    starters = choose_initiators(initiator, names, id_of, group="ring")
    check_cluster_fits("ring", len(names), FOOTPRINT)
    ring = Membership(names, id_of)
    for name in names:
        sim.spawn(name, partial(RingNode, name, ring, config, name in starters))
    return names


SPEC = ProtocolSpec(
    name="ring",
    description="ring election (Chang-Roberts 1979)",
    spawn=spawn_cluster,
    actors=(RingNode,),
    messages=(Election, Elected, Heartbeat),
    config=RingConfig,
    knobs=(
        Knob.seconds(
            "heartbeat_interval", HEARTBEAT_INTERVAL, 1.0, "between the leader's heartbeats"
        ),
        Knob.seconds("failure_timeout", FAILURE_TIMEOUT, 5.0, "silence before a leader is suspect"),
        Knob.seconds(
            "election_timeout", ELECTION_TIMEOUT, 10.0, "the longest an election may take"
        ),
    ),
    invariants=("one_leader_among_reachable",),
    view=("role", "leader", "suspects", "participant", "id"),
    not_symmetric="ring election compares names",
)
