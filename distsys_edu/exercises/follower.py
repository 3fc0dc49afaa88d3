"""Lesson 02's exercise: make the blog's followers detect a dead leader.

The blog's :class:`~distsys_edu.protocols.blog.Follower` forgets its leader only when
``try_send`` fails, which a partition (or a crash on another machine) never causes.
The learner writes a :class:`WatchfulFollower` that suspects a leader whose heartbeats
stopped. :func:`check_follower_detector` runs it beside the blog's own ``Leader``, with
two followers: ``n2`` from the start and ``n3`` from t=0.25 (so a timer that counts from
start rather than from the last heartbeat shows itself), in four seeded scenarios:

* ``steady leader``: 1 ms links, 30 s; nobody may suspect the leader.
* ``jittery network``: latency anywhere from 1 ms to 0.5 s, 60 s; heartbeats arrive up
  to about 1.5 s apart, and still nobody may suspect the leader.
* ``leader cut off``: a partition isolates the leader at t=10.5; ``try_send`` cannot
  see it. Each follower must suspect the leader within :data:`DETECTION_LIMIT` of its
  last heartbeat.
* ``leader crashed``: the leader crashes at t=10.5; the same limit.

A follower suspects its leader the way the blog's does when a send fails:
``self.leader = None`` then ``self.publish(ctx)``, which publishes
``suspects=(leader,)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from ..protocols.blog import BlogConfig, Follower, Heartbeat, Leader, RegisterFollower
from ..runtime import Context, LinkConfig, Sim, Uniform
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register

LEADER, EARLY, LATE = "n1", "n2", "n3"
"""The leader, the follower spawned at t=0 and the one spawned at :data:`LATE_START`."""

LATE_START = 0.25
"""When ``n3`` starts: a quarter of a heartbeat interval after ``n2``. Out of step with
the leader's heartbeats, so that a follower which polls the time of the last heartbeat
once an interval sees the jittery network's late ones."""

DETECTION_LIMIT = 5.0
"""A follower must suspect a silent leader within this many seconds of the last
heartbeat it heard (five heartbeat intervals)."""

LOST_AT = 10.5
"""When the leader is cut off or crashes, in the scenarios where it does."""


class WatchfulFollower(Follower):
    """A blog follower that suspects its leader once the leader's heartbeats stop.

    The leader sends a ``Heartbeat`` every ``self.config.heartbeat_interval`` seconds.
    Suspect the leader when none arrived for a while: long enough that a late
    heartbeat is no reason, short enough to notice within DETECTION_LIMIT seconds. To
    suspect it, do what the blog's follower does when a send fails:
    ``self.leader = None`` and ``self.publish(ctx)``.
    """

    def started(self, ctx: Context) -> None:
        super().started(ctx)  # register with the leader, heartbeat it every interval
        raise NotImplementedError("start a timer that suspects a silent leader")

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        raise NotImplementedError("the leader is alive: what happens to the timer?")


def play(
    network: LinkConfig, faults: Sequence[str], seed: int, until: float, follower_class: type
) -> Sim:
    """The blog's leader ``n1``, the learner's followers ``n2`` (t=0) and ``n3`` (t=0.25)."""
    sim = Sim(seed=seed, network=network, faults=faults)
    config = BlogConfig()
    sim.spawn(LEADER, partial(Leader, config))
    sim.spawn(EARLY, partial(follower_class, LEADER, config))
    sim.run(until=LATE_START)
    sim.spawn(LATE, partial(follower_class, LEADER, config))
    sim.run(until=until)
    return sim


def judge(sim: Sim, lost_at: float | None) -> Problem | None:
    """No suspicion of a live leader; a lost one suspected within the limit."""
    beats = {f: _heartbeats(sim, f) for f in (EARLY, LATE)}
    suspected = {f: _first_suspicion(sim, f) for f in (EARLY, LATE)}
    false = [f for f in (EARLY, LATE) if _before(suspected[f], lost_at)]
    if false:
        return _false_suspicion(sim, false[0], beats, suspected)
    if lost_at is None:
        return None
    for follower in (EARLY, LATE):
        last = max((t for t in beats[follower] if t <= lost_at), default=0.0)
        deadline = last + DETECTION_LIMIT
        when = suspected[follower]
        if when is not None and when <= deadline:
            continue
        expected = (
            f"{follower} suspects the leader by t={deadline:g}, {DETECTION_LIMIT:g} s "
            f"after the last heartbeat it heard (t={last:g})"
        )
        if when is None:
            unsaid = _suspected_unsaid(sim, follower, last)
            if unsaid is not None:
                return Problem(expected, unsaid[0], unsaid[1], at=deadline)
            return Problem(
                expected,
                f"{follower} never suspected the leader (run until t={sim.now:g}), though "
                f"no heartbeat arrived after t={last:g}",
                "try_send cannot see a partition, nor a crash on another machine: "
                "suspect the leader when no Heartbeat came for a few heartbeat intervals",
                at=deadline,
            )
        return Problem(
            expected,
            f"{follower} suspected it only at t={when:g}, {when - last:g} s after its last "
            "heartbeat",
            f"a shorter timeout: a few heartbeat intervals, well under {DETECTION_LIMIT:g} s",
            at=deadline,
        )
    return None


def _suspected_unsaid(sim: Sim, follower: str, last: float) -> tuple[str, str] | None:
    """(happened, hint) if ``follower`` acted on the silence but did not publish it."""
    for e in sim.trace.events("annotate", node=follower, since=last):
        if LEADER not in (e.data.get("suspects") or ()):
            return (
                f"at t={e.t:g} {follower} published its view, still with "
                f"leader={e.data.get('leader')!r} and no suspects",
                "set self.leader = None before self.publish(ctx): publish() says what "
                "self.leader is at that moment",
            )
    interval = BlogConfig().heartbeat_interval
    sent = sent_times(sim, follower, LEADER, Heartbeat)
    if sent and sent[-1] > last and sent[-1] + 2 * interval < sim.now:
        return (
            f"{follower} stopped heartbeating the leader after t={sent[-1]:g} (so it "
            "dropped self.leader), but never published a suspicion",
            "after self.leader = None, call self.publish(ctx): that is what makes the "
            "suspicion known (suspects=(leader,))",
        )
    return None


def sent_times(sim: Sim, sender: str, receiver: str, kind: type) -> list[float]:
    """When ``sender`` sent ``receiver`` a message of type ``kind``."""
    return [
        e.t for e in sim.trace.events("send", node=sender, peer=receiver) if isinstance(e.msg, kind)
    ]


def _false_suspicion(
    sim: Sim, follower: str, beats: dict[str, list[float]], suspected: dict[str, float | None]
) -> Problem:
    """Why ``follower`` suspected a live leader: too short a timeout, or no reset."""
    when = suspected[follower]
    assert when is not None
    expected = "no suspicion while the leader is up and its heartbeats arrive"
    heard = [t for t in beats[follower] if t <= when]
    interval = BlogConfig().heartbeat_interval
    if not beats[follower]:
        registered = sent_times(sim, follower, LEADER, RegisterFollower)
        return Problem(
            expected,
            f"{follower} suspected the leader at t={when:g}, and no heartbeat ever reached "
            f"it{'' if registered else ': it never sent the leader a RegisterFollower'}",
            "keep super().started(ctx) in started: it registers with the leader, which "
            "then heartbeats this node",
            at=when,
        )
    if not heard:
        waited = when - (LATE_START if follower == LATE else 0.0)
        too_short = (
            "the timeout is shorter than the heartbeat interval: wait a few intervals"
            if waited < interval
            else "a heartbeat can come late: leave a margin of a few intervals"
        )
        return Problem(
            expected,
            f"{follower} suspected the leader at t={when:g}, {waited:g} s after it started and "
            f"before the first heartbeat arrived (at t={beats[follower][0]:g}; the leader "
            f"sends one every {interval:g} s)",
            f"{too_short}, e.g. 3 * self.config.heartbeat_interval",
            at=when,
        )
    early, late = suspected[EARLY], suspected[LATE]
    if (
        early is not None
        and late is not None
        and abs((late - early) - LATE_START) < 1e-9
        and all(any(t <= s for t in beats[f]) for f, s in ((EARLY, early), (LATE, late)))
    ):
        return Problem(
            expected,
            f"{EARLY} and {LATE} heard the same heartbeats, yet suspected the leader at "
            f"t={early:g} and t={late:g}: {LATE_START:g} s apart, exactly as they started",
            "the timer counts from start, not from the last heartbeat: in on_heartbeat, "
            "cancel it and start a new one (or note ctx.now and compare with it)",
            at=early,
        )
    gaps = [b - a for a, b in zip(beats[follower], beats[follower][1:], strict=False)]
    return Problem(
        expected,
        f"{follower} suspected the leader at t={when:g}, {when - heard[-1]:g} s after its "
        f"last heartbeat; on this network heartbeats arrived up to {max(gaps):g} s apart",
        "leave a margin for late heartbeats: a timeout of a few heartbeat intervals, "
        "e.g. 3 * self.config.heartbeat_interval",
        at=when,
    )


def _heartbeats(sim: Sim, follower: str) -> list[float]:
    """When the leader's heartbeats arrived at ``follower``."""
    return [
        e.t
        for e in sim.trace.events("deliver")
        if e.node == LEADER and e.peer == follower and isinstance(e.msg, Heartbeat)
    ]


def _first_suspicion(sim: Sim, follower: str) -> float | None:
    """When ``follower`` first published the leader among its suspects."""
    for e in sim.trace.events("annotate", node=follower):
        if LEADER in (e.data.get("suspects") or ()):
            return e.t
    return None


def _before(t: float | None, lost_at: float | None) -> bool:
    return t is not None and (lost_at is None or t < lost_at)


def _scenario(
    name: str, network: LinkConfig, faults: Sequence[str], seed: int, until: float
) -> Scenario:
    lost_at = LOST_AT if faults else None
    return Scenario(
        name, partial(play, network, tuple(faults), seed, until), partial(judge, lost_at=lost_at)
    )


EXERCISE = register(
    Exercise(
        "follower_detector",
        "WatchfulFollower",
        (
            _scenario("steady leader", LinkConfig(), (), seed=1, until=30.0),
            _scenario(
                "jittery network", LinkConfig(latency=Uniform(0.001, 0.5)), (), seed=2, until=60.0
            ),
            _scenario(
                "leader cut off", LinkConfig(), [f"{LOST_AT} partition n1|n2,n3"], 3, until=30.0
            ),
            _scenario("leader crashed", LinkConfig(), [f"{LOST_AT} crash n1"], 4, until=30.0),
        ),
    )
)


def check_follower_detector(follower_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check a follower that suspects a silent leader, beside the blog's Leader (lesson 02).

    Args:
        follower_class: the class you wrote (not an instance); it is made as
            ``follower_class(leader_name, config)``, like the blog's ``Follower``.
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(follower_class, strict=strict)
