"""The blog's design, as written: an Actix leader-follower cluster with heartbeats.

The course starts from a well-known style of blog post: "a leader-follower system
with heartbeats built on an actor framework (Rust's Actix)". This module is that
design translated faithfully, flaws included, so that a learner can run it and
watch it break. Nothing here is a fix; the fixes come in later modules (the
failure detectors of :mod:`.detectors`, elections, and the terms of :mod:`.raft`).

The design, in the blog's words and Actix's types:

* A ``Leader`` actor keeps ``followers: Vec<Addr<Follower>>``. A follower joins
  by sending ``RegisterFollower(addr)``, its own address, once, when it starts.
* Every second (``ctx.run_interval(Duration::from_secs(1), ..)``) the leader sends
  ``Heartbeat`` to each follower with ``follower.try_send(Heartbeat).unwrap()``.
* Every second each ``Follower`` sends ``Heartbeat`` to its ``leader:
  Option<Addr<Leader>>``; when ``try_send`` fails it sets ``leader = None`` (the
  leader "has failed") and sends no more.
* "The leader detects its own failure through the followers' heartbeats." We read
  this in the most literal way the code allows: the leader notes when it last
  heard a heartbeat from each follower and, at each tick, if it has heard from
  none of them for :data:`SELF_FAILURE_TIMEOUT`, it "considers itself failed". The
  blog says no more than that, so that is all it does: it publishes
  ``considers_itself_failed=True`` and puts itself among its ``suspects``, and
  keeps broadcasting; when a heartbeat arrives again the belief goes away.

Its flaws, each of which a test or a lesson shows:

1. **The leader is asked to detect its own failure.** A crashed leader runs no
   code, so it can never notice that it crashed. The check can only fire while the
   leader is *fine* and its followers are unreachable (a partition, loss, a pause
   of every follower): it detects the wrong thing, and tells nobody. (Crashing
   every follower cannot trigger it either: flaw 4 kills the leader first.)
2. **Nothing elects a new leader.** When followers decide the leader is gone they
   set ``leader = None`` and stay leaderless for ever. A restarted leader has an
   empty follower list (nothing is kept on disk) and nobody registers again.
3. **No terms, so split brain is possible.** Nothing numbers a leadership. If
   anyone adds a second ``Leader`` (by hand, or as a naive "election"), followers
   and leaders cannot tell the current leader from a stale one.
4. **A failed send panics.** ``try_send(..).unwrap()`` panics when a follower is
   gone, and a panicking actor dies. Here the ``SendError`` escapes the leader's
   timer, the runtime records it in ``sim.failures`` and crashes the leader: one
   crashed follower takes the leader down, and with it the whole cluster (the
   remaining followers' next ``try_send`` fails and they forget the leader). The
   broadcast also stops half-way: followers after the dead one miss that beat.
5. **``try_send`` is an oracle a real network lacks.** In one process, Actix can
   tell at once that an actor has stopped. Across a network nobody can: a
   partitioned or paused leader looks alive to ``try_send`` (the message is just
   lost or queued), so followers keep "following" a leader they cannot reach, and
   a crash on another machine gives no error at all.
6. **Heartbeats every second, but no timeout is stated.** Heartbeats are sent but
   nobody waits for them with a deadline (followers rely on flaw 5 instead). The
   leader's self-failure timeout is ours: :data:`SELF_FAILURE_TIMEOUT`, three
   missed beats, because the blog gives none.
7. **Registration is sent once and never retried.** A ``RegisterFollower`` lost
   on the network, or sent while the leader is down, leaves that follower sending
   heartbeats to a leader that never sends any back.

Each node publishes (see :mod:`.cluster`) ``role`` (``"leader"`` or
``"follower"``), ``leader`` (the leader's name, or ``None`` once forgotten) and
``suspects``: a follower suspects the leader it forgot; the leader suspects
*itself* while it considers itself failed. The leader also publishes
``followers`` (the names registered, in order) and ``considers_itself_failed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..runtime import Actor, Addr, Context, SendError, Sim
from .cluster import FOLLOWER, LEADER, check_times, node_names
from .memory import Footprint, check_cluster_fits
from .spec import Knob, ProtocolSpec

HEARTBEAT_INTERVAL = 1.0
"""Seconds between two heartbeats, both ways (the blog's ``Duration::from_secs(1)``)."""

SELF_FAILURE_TIMEOUT = 3.0
"""Seconds without any follower's heartbeat after which the leader considers itself
failed. The blog states no timeout; three missed heartbeats is our choice."""

FOOTPRINT = Footprint(per_node=6_000)
"""Bytes a node (see :mod:`.memory`; measured by ``benchmarks/cluster_memory.py``)."""


@dataclass(frozen=True)
class BlogConfig:
    """Timing of the blog's cluster, in seconds of virtual time.

    Args:
        heartbeat_interval: how often the leader and each follower send a heartbeat.
        self_failure_timeout: silence from every follower after which the leader
            considers itself failed.

    Raises:
        InvalidArgument: a time that is not a finite number > 0.
    """

    heartbeat_interval: float = HEARTBEAT_INTERVAL
    self_failure_timeout: float = SELF_FAILURE_TIMEOUT

    def __post_init__(self) -> None:
        check_times(self, ["heartbeat_interval", "self_failure_timeout"])


@dataclass(frozen=True)
class RegisterFollower:
    """A follower joins: it sends its own address (Actix: ``RegisterFollower(Addr<Follower>)``)."""

    addr: Addr


@dataclass(frozen=True)
class Heartbeat:
    """A heartbeat ("I am alive"): leader to each follower, and each follower to the leader.

    The blog's ``Heartbeat`` is a unit struct; ``sender`` is added so that the
    leader can tell whose heartbeat it heard (an Actix handler cannot see who sent
    a message).
    """

    sender: str


class Leader(Actor):
    """The blog's leader: broadcasts heartbeats and watches for its "own failure".

    Args:
        config: heartbeat and self-failure timing.
    """

    def __init__(self, config: BlogConfig | None = None) -> None:
        self.config = config or BlogConfig()
        self.followers: list[Addr] = []
        self.last_heartbeat: dict[str, float] = {}
        self.started_at = 0.0
        self.considers_itself_failed = False

    def started(self, ctx: Context) -> None:
        """Start the one-second heartbeat interval."""
        self.started_at = ctx.now
        self.publish(ctx)
        ctx.run_interval(self.config.heartbeat_interval, self.tick)

    def tick(self, ctx: Context) -> None:
        """Every interval: check for "its own failure", then broadcast."""
        self.check_own_failure(ctx)
        self.broadcast(ctx)

    def check_own_failure(self, ctx: Context) -> None:
        """Consider itself failed if no follower's heartbeat came within the timeout.

        Silence is counted from the latest heartbeat of any follower, or from when
        the leader started if none came yet. This only ever runs on a leader that is
        up: a crashed leader runs no code (flaw 1).
        """
        last_heard = max(self.last_heartbeat.values(), default=self.started_at)
        failed = ctx.now - last_heard > self.config.self_failure_timeout
        if failed != self.considers_itself_failed:
            self.considers_itself_failed = failed
            self.publish(ctx)

    def broadcast(self, ctx: Context) -> None:
        """``follower.try_send(Heartbeat).unwrap()`` for each follower, in registration order.

        There is deliberately no error handling: a ``SendError`` (the follower is
        down) escapes this timer, and the runtime records it and crashes the leader,
        as a panic would kill the Actix actor (flaw 4).
        """
        heartbeat = Heartbeat(ctx.name)
        for follower in self.followers:
            follower.try_send(heartbeat)

    def on_register_follower(self, msg: RegisterFollower, ctx: Context) -> None:
        """``self.followers.push(msg.addr)``."""
        self.followers.append(msg.addr)
        self.publish(ctx)

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        """A follower is alive: note when; a heartbeat also ends the "own failure" belief."""
        self.last_heartbeat[msg.sender] = ctx.now
        if self.considers_itself_failed:
            self.considers_itself_failed = False
            self.publish(ctx)

    def publish(self, ctx: Context) -> None:
        """Annotate this node's view for pictures and checks."""
        ctx.annotate(
            role=LEADER,
            leader=ctx.name,
            suspects=(ctx.name,) if self.considers_itself_failed else (),
            followers=tuple(f.name for f in self.followers),
            considers_itself_failed=self.considers_itself_failed,
        )


class Follower(Actor):
    """The blog's follower: registers once, then heartbeats the leader until a send fails.

    Args:
        leader: the name of the leader to register with.
        config: heartbeat timing.
    """

    def __init__(self, leader: str, config: BlogConfig | None = None) -> None:
        self.leader_name = leader
        self.config = config or BlogConfig()
        self.leader: Addr | None = None
        self.last_heartbeat: float | None = None

    def started(self, ctx: Context) -> None:
        """Register with the leader (once, never retried) and start heartbeating."""
        self.leader = ctx.addr(self.leader_name)
        self.leader.do_send(RegisterFollower(ctx.address))
        self.publish(ctx)
        ctx.run_interval(self.config.heartbeat_interval, self.tick)

    def tick(self, ctx: Context) -> None:
        """``if let Some(leader) = &self.leader``: try to send; on error forget the leader."""
        if self.leader is None:
            return
        try:
            self.leader.try_send(Heartbeat(ctx.name))
        except SendError:
            self.leader = None  # "the leader has failed"; nobody elects another (flaw 2)
            self.publish(ctx)

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        """The leader is alive. The blog only logs it; we note the time."""
        self.last_heartbeat = ctx.now

    def publish(self, ctx: Context) -> None:
        """Annotate this node's view for pictures and checks."""
        ctx.annotate(
            role=FOLLOWER,
            leader=None if self.leader is None else self.leader.name,
            suspects=() if self.leader is not None else (self.leader_name,),
        )


def spawn_cluster(
    sim: Sim,
    nodes: int | Sequence[str] = 3,
    *,
    heartbeat_interval: float = HEARTBEAT_INTERVAL,
    self_failure_timeout: float = SELF_FAILURE_TIMEOUT,
) -> list[str]:
    """Spawn the blog's cluster: the first name runs the ``Leader``, the others a ``Follower``.

    Args:
        sim: the world to spawn into.
        nodes: a count (names ``n1``...) or a list of names.
        heartbeat_interval: seconds between heartbeats.
        self_failure_timeout: seconds of silence after which the leader considers
            itself failed.

    Returns:
        The node names, leader first.

    Raises:
        InvalidArgument: no nodes, repeated names, or a bad time.
    """
    names = node_names(nodes)
    config = BlogConfig(heartbeat_interval, self_failure_timeout)
    check_cluster_fits("blog", len(names), FOOTPRINT)
    leader, *followers = names
    sim.spawn(leader, lambda: Leader(config))
    for name in followers:
        sim.spawn(name, lambda: Follower(leader, config))
    return names


SPEC = ProtocolSpec(
    name="blog",
    description="the blog's Actix leader-follower design, as written (flaws included)",
    spawn=spawn_cluster,
    actors=(Leader, Follower),
    messages=(Heartbeat, RegisterFollower),
    config=BlogConfig,
    knobs=(
        Knob.seconds("heartbeat_interval", HEARTBEAT_INTERVAL, 5.0, "seconds between heartbeats"),
        Knob.seconds(
            "self_failure_timeout",
            SELF_FAILURE_TIMEOUT,
            20.0,
            "seconds of silence after which the leader considers itself failed",
        ),
    ),
    invariants=("one_leader_among_reachable", ("liveness", {"within": 3.0})),
    view=("role", "leader", "suspects", "followers", "considers_itself_failed"),
    not_symmetric="the blog's design names its first node leader",
)
"""The blog's design, declared once (see :class:`~.spec.ProtocolSpec`)."""
