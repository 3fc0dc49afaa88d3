"""Lesson 01's exercise: ping-pong with retries, over a network that loses messages.

The learner writes a :class:`Pinger` that gets :data:`PINGS` pongs from the node
``"ponger"`` (a :class:`Ponger`, given), resending each ``Ping`` until its ``Pong``
arrives. :func:`check_ping_pong` plays it through five seeded networks:

* ``reliable network``: no loss; the baseline.
* ``30% loss``: a third of the messages vanish; a Pinger that never resends gets stuck.
* ``slow network``: one second each way, longer than a retry interval, so a retried
  Ping is answered twice; a Pinger that counts every Pong counts some twice.
* ``duplicating network``: half of the messages arrive twice; the same trap.
* ``slow, jittery network``: 0.2 to 1.5 s each way: a late Pong of a retried Ping can
  come after the next Ping's Pong, so a Pinger that skips only a Pong repeating the
  one before counts it again.

In every scenario the Pinger must publish ``ctx.annotate(pongs=n)`` with n the
number of *different* Pongs received so far, reach ``pongs=PINGS``, and then stop
sending (a retry timer never cancelled keeps pinging for ever).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ..runtime import Actor, Constant, Context, Event, LinkConfig, Sim, Uniform
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register

PINGS = 5
"""How many different pongs the Pinger must get."""

RETRY_INTERVAL = 0.5
"""A good retry interval in seconds of virtual time (the check works with others too)."""

PINGER, PONGER = "pinger", "ponger"
"""The two nodes' names."""


@dataclass(frozen=True)
class Ping:
    """Ping number ``seq`` from the node ``sender``."""

    seq: int
    sender: str


@dataclass(frozen=True)
class Pong:
    """The answer to every ``Ping(seq, ...)`` (a retried Ping is answered again)."""

    seq: int


class Ponger(Actor):
    """Answers each Ping with a Pong of the same ``seq``, sent to the Ping's sender.

    The only other node is the pinger: a Ping that names another sender is not
    answered (the judge says which sender it named).
    """

    def on_ping(self, msg: Ping, ctx: Context) -> None:
        """Send ``Pong(msg.seq)`` back."""
        if msg.sender == PINGER:
            ctx.addr(msg.sender).do_send(Pong(msg.seq))


class Pinger(Actor):
    """Gets PINGS different pongs from the node "ponger", however many messages are lost.

    * Send ``Ping(seq, ctx.name)`` to ``ctx.addr("ponger")`` for seq = 1, 2, ...,
      PINGS; one at a time is simplest.
    * Resend a Ping every ``RETRY_INTERVAL`` seconds until its Pong arrives
      (``ctx.run_later`` or ``ctx.run_interval``).
    * Count each Pong once, even if it arrives twice, and publish the count:
      ``ctx.annotate(pongs=count)``.
    * Once all PINGS pongs are in, stop sending (``ctx.cancel(timer)``).
    """

    def started(self, ctx: Context) -> None:
        raise NotImplementedError("send the first Ping and start retrying")

    def on_pong(self, msg: Pong, ctx: Context) -> None:
        raise NotImplementedError("count the Pong once; send the next Ping")


def play(network: LinkConfig, seed: int, until: float, pinger_class: type) -> Sim:
    """Spawn the learner's Pinger and a Ponger on ``network``, run until ``until``."""
    sim = Sim(seed=seed, network=network)
    sim.spawn(PINGER, pinger_class)
    sim.spawn(PONGER, Ponger)
    sim.run(until=until)
    return sim


def judge(sim: Sim) -> Problem | None:
    """All PINGS pongs counted once each, then silence; else what went wrong first."""
    seen: set[int] = set()
    done_at: float | None = None
    pings: dict[int, list[Event]] = {}  # every Ping sent, by seq
    lost: dict[int, Event] = {}  # the last Ping or Pong of each seq that was dropped
    late_pings: list[Event] = []
    for e in sim.trace.events(("send", "deliver", "drop", "annotate")):
        if isinstance(e.msg, Ping) and e.kind == "send" and e.msg.sender != PINGER:
            return Problem(
                expected=f"Pings that name their sender, {PINGER!r}, so that the Pong comes back",
                happened=f"at t={e.t:g} the Pinger sent Ping({e.msg.seq}, {e.msg.sender!r})",
                hint="the Ponger answers the node a Ping names: send Ping(seq, ctx.name)",
                at=e.t,
            )
        if e.kind == "annotate" and e.node == PINGER and "pongs" in e.data:
            problem = _check_count(e, seen)
            if problem is not None:
                return problem
            if e.data["pongs"] == PINGS and done_at is None:
                done_at = e.t
        elif isinstance(e.msg, Ping) and e.kind == "send":
            (late_pings if done_at is not None else pings.setdefault(e.msg.seq, [])).append(e)
        elif isinstance(e.msg, (Ping, Pong)) and e.kind == "drop":
            lost[e.msg.seq] = e
        elif isinstance(e.msg, Pong) and e.kind == "deliver":
            seen.add(e.msg.seq)
    if done_at is None:
        return _stuck(sim, seen, pings, lost)
    extra = [e for e in late_pings if e.msg.seq > PINGS]
    if extra:
        return Problem(
            expected=f"Pings 1 to {PINGS}, then no more (all pongs were in at t={done_at:g})",
            happened=f"at t={extra[0].t:g} the Pinger sent Ping {extra[0].msg.seq}",
            hint=f"send Pings 1 to PINGS only: after Pong {PINGS}, send no next Ping",
            at=extra[0].t,
        )
    if late_pings:
        return Problem(
            expected=f"no more Pings once all {PINGS} pongs were in (t={done_at:g})",
            happened=f"the Pinger sent {len(late_pings)} more Pings after that, the first "
            f"at t={late_pings[0].t:g} and the last at t={late_pings[-1].t:g}",
            hint="cancel the retry timer when the last Pong arrives: keep what "
            "ctx.run_later / ctx.run_interval returns and call ctx.cancel(timer)",
            at=late_pings[0].t,
        )
    return None


def _check_count(e: Event, seen: set[int]) -> Problem | None:
    """The published count must be the number of different Pongs received so far."""
    count = e.data["pongs"]
    if isinstance(count, bool) or not isinstance(count, int):
        return Problem(
            expected="pongs published as a number: ctx.annotate(pongs=len(received))",
            happened=f"at t={e.t:g} the Pinger published pongs={count!r}",
            hint="publish how many different Pongs arrived, as an int",
            at=e.t,
        )
    if count > len(seen):
        return Problem(
            expected=f"pongs = the number of different Pongs received ({len(seen)} at "
            f"t={e.t:g}: {_seqs(seen)})",
            happened=f"at t={e.t:g} the Pinger published pongs={count}: it counted a Pong twice",
            hint="a retried Ping is answered twice, and a network can duplicate a message: "
            "remember which seq numbers arrived (a set) and count each one once",
            at=e.t,
        )
    return None


def _stuck(
    sim: Sim, seen: set[int], pings: dict[int, list[Event]], lost: dict[int, Event]
) -> Problem:
    """Why the Pinger never got all its pongs: the first seq that went unanswered."""
    expected = f"all {PINGS} pongs by t={sim.now:g}, published as pongs={PINGS}"
    published = sim.annotations(PINGER).get("pongs", 0)
    unanswered = [seq for seq in sorted(pings) if seq not in seen]
    if not unanswered:
        if len(seen) > published:
            return Problem(
                expected,
                f"Pongs {_seqs(seen)} arrived but the Pinger published pongs={published}",
                "publish the count with ctx.annotate(pongs=count) each time a new Pong arrives",
            )
        sent = "no Ping at all" if not pings else f"no Ping after Ping {max(pings)}"
        return Problem(
            expected,
            f"the Pinger sent {sent}",
            f"send Ping(seq, ctx.name) for seq = 1 to {PINGS}, the next when a Pong arrives",
        )
    seq = unanswered[0]
    sends = pings[seq]
    times = "once" if len(sends) == 1 else f"{len(sends)} times"
    happened = f"Ping {seq} was sent {times}, last at t={sends[-1].t:g}"
    at = sends[-1].t
    if seq in lost and sends[-1].t <= lost[seq].t:
        at = lost[seq].t
        what = "the Ping" if isinstance(lost[seq].msg, Ping) else "its Pong"
        happened += f"; {what} was lost at t={at:g}"
    happened += f", and Ping {seq} was never sent again"
    if len(sends) == 1:
        hint = (
            f"resend the Ping every {RETRY_INTERVAL:g} s or so until its Pong arrives: "
            "a timer (ctx.run_later or ctx.run_interval), cancelled when the Pong comes"
        )
    else:
        hint = "keep resending a Ping until its own Pong arrives, however many tries it takes"
    return Problem(expected, happened, hint, at=at)


def _seqs(seqs: set[int]) -> str:
    return ", ".join(map(str, sorted(seqs))) or "none"


def _scenario(name: str, network: LinkConfig, seed: int, until: float) -> Scenario:
    player: Callable[[type], Sim] = partial(play, network, seed, until)
    return Scenario(name, player, judge)


JITTERY = Uniform(0.2, 1.5)
"""Latency of the slow, jittery network: a retried Ping's late Pong can arrive after
the Pong of the next Ping, so the Pongs that repeat are not always the last one."""

EXERCISE = register(
    Exercise(
        "ping_pong",
        "Pinger",
        (
            _scenario("reliable network", LinkConfig(), seed=1, until=10.0),
            _scenario("30% loss", LinkConfig(loss=0.3), seed=2, until=60.0),
            _scenario("slow network", LinkConfig(latency=Constant(1.0)), seed=3, until=30.0),
            _scenario("duplicating network", LinkConfig(duplication=0.5), seed=4, until=20.0),
            _scenario("slow, jittery network", LinkConfig(latency=JITTERY), seed=5, until=40.0),
        ),
    )
)


def check_ping_pong(pinger_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check a Pinger: all pongs, each counted once, retries that stop (lesson 01).

    Args:
        pinger_class: the class you wrote (not an instance).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(pinger_class, strict=strict)
