"""Lesson 02's second exercise: a standby that takes over when the leader's machine dies.

A supervisor restarts an actor that *raised*, on the same machine; it can do nothing
when the machine itself is gone (crashed, or cut off by the network). Then another
node must take over: failover. The learner writes a :class:`Standby`, a blog
follower that watches the leader's heartbeats (as in the first exercise) and, when
they stop, takes over: it publishes ``role="leader"`` and ``leader=`` its own name,
and heartbeats the other followers every heartbeat interval, so that they follow it.

:func:`check_failover` runs the blog's ``Leader`` ``n1`` under a
:class:`~distsys_edu.runtime.Supervisor`, the learner's Standby ``n2`` and a
:class:`LoyalFollower` ``n3`` (given: a blog follower that follows whoever sends it
heartbeats), in three seeded scenarios:

* ``steady leader``: latency 1 ms to 0.5 s, 40 s; the leader never fails, so the
  Standby must never take over.
* ``leader crashed``: n1's machine crashes at t=10.5; its supervisor goes down with
  it. n2 must lead within :data:`TAKEOVER_LIMIT` of its last heartbeat from n1, then
  heartbeat n3, and n3 must follow n2.
* ``leader cut off``: a partition isolates n1 at t=10.5; ``try_send`` cannot see it,
  so a Standby that waits for a failed send never takes over. The same limits.
  (n1 goes on leading its side alone: with no terms, that is the blog's split brain.)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from ..protocols.blog import BlogConfig, Follower, Heartbeat, Leader, RegisterFollower
from ..protocols.cluster import LEADER as LEADER_ROLE
from ..runtime import Context, LinkConfig, Sim, Supervisor, Uniform
from .follower import sent_times
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register

LEADER, STANDBY, OTHER = "n1", "n2", "n3"
"""The blog's leader, the learner's Standby and the follower that must follow it."""

LOST_AT = 10.5
"""When the leader's machine crashes or is cut off, in the scenarios where it is."""

TAKEOVER_LIMIT = 5.0
"""The Standby must lead within this many seconds of the last heartbeat it heard."""

FOLLOW_LIMIT = 2.0
"""After the Standby takes over, n3 must follow it within this many seconds, and the
Standby must send n3 a heartbeat at least this often."""


class LoyalFollower(Follower):
    """A blog follower that follows whoever sends it heartbeats (given, not to write).

    When a Heartbeat comes from a node that is not its leader, it takes that node as
    its leader and publishes it: so a Standby that heartbeats it is followed.
    """

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        """Note the time; switch to the sender if it is not the leader followed now."""
        super().on_heartbeat(msg, ctx)
        if self.leader is None or self.leader.name != msg.sender:
            self.leader = ctx.addr(msg.sender)
            self.publish(ctx)


class Standby(Follower):
    """A blog follower that takes over as leader when the leader's heartbeats stop.

    Made as ``Standby(leader, config, others)``: ``others`` are the names of the
    other followers.

    * Watch the leader's heartbeats as in the first exercise: a timer of a few
      heartbeat intervals, started afresh by each heartbeat.
    * When it fires, take over: stop following (``self.leader = None``), publish
      ``ctx.annotate(role="leader", leader=ctx.name)``, and send
      ``Heartbeat(ctx.name)`` to each of ``self.others`` every
      ``self.config.heartbeat_interval`` seconds.
    * Careful: the blog's ``publish()`` says ``role="follower"``; a leader must not
      call it (or override it).
    """

    def __init__(self, leader: str, config: BlogConfig, others: Sequence[str]) -> None:
        super().__init__(leader, config)
        self.others = tuple(others)

    def started(self, ctx: Context) -> None:
        super().started(ctx)  # register with the leader, heartbeat it every interval
        raise NotImplementedError("start a timer that notices a silent leader")

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        raise NotImplementedError("the leader is alive: what happens to the timer?")

    def take_over(self, ctx: Context) -> None:
        raise NotImplementedError("lead: publish it, and heartbeat the other followers")


def play(network: LinkConfig, faults: Sequence[str], seed: int, until: float, standby: type) -> Sim:
    """The blog's leader (supervised), the learner's Standby and a LoyalFollower."""
    sim = Sim(seed=seed, network=network, faults=faults)
    config = BlogConfig()
    sim.spawn(LEADER, partial(Leader, config), supervisor=Supervisor())
    sim.spawn(STANDBY, partial(standby, LEADER, config, (OTHER,)))
    sim.spawn(OTHER, partial(LoyalFollower, LEADER, config))
    sim.run(until=until)
    return sim


def judge(sim: Sim, lost_at: float | None) -> Problem | None:
    """No takeover while the leader is reachable; a prompt one, followed, once it is not."""
    took_over = _first(sim, STANDBY, "role", LEADER_ROLE)
    if took_over is not None and (lost_at is None or took_over < lost_at):
        return _false_takeover(sim, took_over)
    if lost_at is None:
        return None
    last = max((t for t in _heartbeats(sim, LEADER, STANDBY) if t <= lost_at), default=0.0)
    deadline = last + TAKEOVER_LIMIT
    if took_over is None or took_over > deadline:
        return _no_takeover(sim, took_over, last, deadline)
    return _not_followed(sim, took_over) or _not_leading(sim, took_over)


def _false_takeover(sim: Sim, took_over: float) -> Problem:
    """Why n2 took over from a live leader: never registered, a timer never started
    afresh, or too short a timeout."""
    expected = "no takeover while the leader is up and its heartbeats arrive"
    beats = [t for t in _heartbeats(sim, LEADER, STANDBY) if t <= took_over]
    if not beats and not sent_times(sim, STANDBY, LEADER, RegisterFollower):
        return Problem(
            expected,
            f"n2 took over at t={took_over:g}; it never sent n1 a RegisterFollower, "
            "so n1 never heartbeated it",
            "keep super().started(ctx) in started: it registers with the leader, "
            "which then heartbeats this node",
            at=took_over,
        )
    interval = BlogConfig().heartbeat_interval
    if beats and took_over - beats[-1] < interval:
        return Problem(
            expected,
            f"n2 took over at t={took_over:g}, only {took_over - beats[-1]:.3g} s after "
            f"n1's last heartbeat (t={beats[-1]:g}), less than one interval",
            "the silence must be counted from the last heartbeat: in on_heartbeat cancel "
            "the timer and start a new one (a timer never cancelled still fires), unless "
            "your timeout is shorter than one heartbeat interval: then wait a few",
            at=took_over,
        )
    heard = (
        f"n1's last heartbeat had arrived at t={beats[-1]:g}"
        if beats
        else "no heartbeat from n1 had arrived yet"
    )
    return Problem(
        expected,
        f"n2 took over at t={took_over:g} though n1 was up and reachable ({heard}; "
        "here they come up to about 1.5 s apart)",
        "take over only after a few heartbeat intervals of silence, e.g. "
        "3 * self.config.heartbeat_interval, counted from the last heartbeat",
        at=took_over,
    )


def _not_leading(sim: Sim, took_over: float) -> Problem | None:
    """Once n2 took over it publishes itself as leader, and only that, and follows nobody."""
    for e in sim.trace.events("annotate", node=STANDBY, since=took_over):
        if e.data.get("role", LEADER_ROLE) != LEADER_ROLE:
            return Problem(
                f"n2, leading since t={took_over:g}, goes on publishing role='leader'",
                f"at t={e.t:g} n2 published role={e.data['role']!r}, leader="
                f"{e.data.get('leader')!r}",
                "the blog's publish() says role='follower': once leading, do not call "
                "it, or override publish() to say 'leader'",
                at=e.t,
            )
        if e.data.get("leader", STANDBY) != STANDBY:
            return Problem(
                f"n2, leading since t={took_over:g}, publishes leader='n2'",
                f"at t={e.t:g} n2 published role='leader' with leader={e.data['leader']!r}",
                "publish who leads, yourself: ctx.annotate(role='leader', leader=ctx.name)",
                at=e.t,
            )
    grace = took_over + BlogConfig().heartbeat_interval
    still = [t for t in sent_times(sim, STANDBY, LEADER, Heartbeat) if t > grace]
    if still:
        return Problem(
            f"n2, leading since t={took_over:g}, follows nobody",
            f"n2 sent n1 {len(still)} more Heartbeats as a follower, from t={still[0]:g}",
            "stop following when you take over: self.leader = None (the blog's tick "
            "heartbeats self.leader while there is one)",
            at=still[0],
        )
    return None


def _no_takeover(sim: Sim, took_over: float | None, last: float, deadline: float) -> Problem:
    """Why n2 did not lead in time: it never noticed, noticed but did not lead, or was slow."""
    expected = (
        f"n2 leads (role='leader') by t={deadline:g}, {TAKEOVER_LIMIT:g} s after the last "
        f"heartbeat it heard from n1 (t={last:g})"
    )
    if took_over is not None:
        return Problem(
            expected,
            f"n2 took over only at t={took_over:g}, {took_over - last:g} s after that heartbeat",
            f"a shorter timeout: a few heartbeat intervals, well under {TAKEOVER_LIMIT:g} s",
            at=deadline,
        )
    leads = [t for t in sent_times(sim, STANDBY, OTHER, Heartbeat) if t <= deadline]
    if leads:
        return Problem(
            expected,
            f"n2 heartbeats n3 since t={leads[0]:g}, but never published role='leader'",
            "publish that you lead when you take over: ctx.annotate(role='leader', "
            "leader=ctx.name)",
            at=leads[0],
        )
    noticed = _first(sim, STANDBY, "leader", None)
    if noticed is not None:
        role = sim.annotations(STANDBY).get("role")
        return Problem(
            expected,
            f"n2 stopped following n1 at t={noticed:g} but never took over (it still "
            f"publishes role={role!r}): nobody leads the cluster now",
            "a supervisor cannot restart a dead machine: another node must take over. "
            "Either take_over never ran (only a failed try_send made n2 forget n1: take "
            "over from a timer that each heartbeat starts afresh), or it ran without "
            "leading: publish ctx.annotate(role='leader', leader=ctx.name) and keep it "
            "so (the blog's publish() says 'follower')",
            at=deadline,
        )
    return Problem(
        expected,
        f"n2 never noticed that n1 was gone (run until t={sim.now:g}), though no heartbeat "
        f"came after t={last:g}",
        "try_send cannot see a partition: take over when no Heartbeat came for a few "
        "heartbeat intervals, with a timer that each heartbeat starts afresh (counted "
        "from the last heartbeat), not a check made once",
        at=deadline,
    )


def _not_followed(sim: Sim, took_over: float) -> Problem | None:
    """After n2 took over, n3 follows it and n2 heartbeats n3 at least every FOLLOW_LIMIT."""
    sent = [t for t in sent_times(sim, STANDBY, OTHER, Heartbeat) if t >= took_over]
    if not sent:
        return Problem(
            f"n2, leading since t={took_over:g}, heartbeats n3",
            "n2 sent n3 no Heartbeat after taking over, so n3 never followed it",
            "a leader heartbeats its followers: send Heartbeat(ctx.name) to each of "
            "self.others every self.config.heartbeat_interval (ctx.run_interval)",
            at=took_over,
        )
    silences = [b - a for a, b in zip([took_over, *sent], [*sent, sim.now], strict=True)]
    if max(silences) > FOLLOW_LIMIT:
        at = took_over + sum(silences[: silences.index(max(silences))])
        return Problem(
            f"n2, leading since t={took_over:g}, heartbeats n3 at least every {FOLLOW_LIMIT:g} s",
            f"n2 sent n3 {len(sent)} heartbeat{'s' if len(sent) > 1 else ''}, then "
            f"nothing from t={at:g} to t={at + max(silences):g}",
            "heartbeat every interval, not once: a heartbeat can be lost, and silence "
            "is how followers notice a dead leader",
            at=at,
        )
    followed = _first(sim, OTHER, "leader", STANDBY)
    if followed is None or followed > took_over + FOLLOW_LIMIT:
        return Problem(
            f"n3 follows n2 by t={took_over + FOLLOW_LIMIT:g}",
            f"n3 still follows {sim.annotations(OTHER).get('leader')!r}",
            "send Heartbeat(ctx.name): n3 follows the node named in the heartbeats it gets",
            at=took_over + FOLLOW_LIMIT,
        )
    return None


def _first(sim: Sim, node: str, key: str, value: object) -> float | None:
    """When ``node`` first published ``key=value``."""
    for e in sim.trace.events("annotate", node=node):
        if key in e.data and e.data[key] == value:
            return e.t
    return None


def _heartbeats(sim: Sim, sender: str, receiver: str) -> list[float]:
    """When ``sender``'s heartbeats arrived at ``receiver``."""
    return [
        e.t
        for e in sim.trace.events("deliver", node=sender, peer=receiver)
        if isinstance(e.msg, Heartbeat)
    ]


def _scenario(
    name: str, network: LinkConfig, faults: Sequence[str], seed: int, until: float
) -> Scenario:
    lost_at = LOST_AT if faults else None
    return Scenario(
        name, partial(play, network, tuple(faults), seed, until), partial(judge, lost_at=lost_at)
    )


EXERCISE = register(
    Exercise(
        "failover",
        "Standby",
        (
            _scenario("steady leader", LinkConfig(latency=Uniform(0.001, 0.5)), (), 1, 40.0),
            _scenario("leader crashed", LinkConfig(), [f"{LOST_AT} crash n1"], 2, 30.0),
            _scenario("leader cut off", LinkConfig(), [f"{LOST_AT} partition n1|n2,n3"], 3, 30.0),
        ),
    )
)


def check_failover(standby_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check a Standby that takes over from a dead leader, beside the blog's (lesson 02).

    Args:
        standby_class: the class you wrote (not an instance); it is made as
            ``standby_class(leader_name, config, others)``.
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(standby_class, strict=strict)
