"""Lesson 03's first exercise: compute phi, the suspicion level of the phi accrual detector.

The learner writes a :class:`PhiDetector` (Hayashibara, Defago, Yared and Katayama, "The
phi accrual failure detector", SRDS 2004, section 3; seeded and floored as Akka does).
:func:`check_phi` puts it inside a monitor node of a seeded simulation: a sender
heartbeats every :data:`HEARTBEAT_INTERVAL` seconds, the monitor feeds each arrival to
``heartbeat(ctx.now)`` and asks ``phi(ctx.now)`` every :data:`ASK_EVERY` seconds. Every
answer is compared with the library's
:class:`~distsys_edu.protocols.detectors.PhiAccrualDetector` fed the same arrivals.
Four scenarios:

* ``never heard``: the sender is down from the start; phi must stay 0.0.
* ``steady heartbeats``: 1 ms links, so once the two guessed intervals leave the window
  every interval is the same: the spread is ~0 and only :data:`MIN_STD` keeps phi finite.
* ``jittery network``: latency from 1 to 60 ms, then the sender crashes: phi grows.
* ``sender slows down``: heartbeats every 0.1 s, then every 0.3 s; a window that keeps
  every old interval goes on expecting 0.1 s and suspects a live sender.

When an answer is wrong, the check recomputes phi the ways a plausible mistake would
(sample variance instead of the population's, no floor on the standard deviation, a
window that never drops old intervals or drops the newest, no guessed intervals, the
last heartbeat never noted, the natural logarithm, ``1 - erf`` for ``erfc``) and names
the mistake that matches. An exception is read the same way: an empty window after the
first heartbeat (no guesses), ``-log10(0)`` where phi is infinite (no ``math.inf``), a
zero spread (no ``MIN_STD``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..runtime import Actor, Constant, Context, LinkConfig, Sim, Uniform
from .phi_mistakes import FIRST_INTERVALS as FIRST_INTERVALS
from .phi_mistakes import HEARTBEAT_INTERVAL, MISTAKES, reference
from .phi_mistakes import MIN_STD as MIN_STD
from .phi_mistakes import WINDOW as WINDOW
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register

ASK_EVERY = 0.025
"""Seconds between two questions of the monitor to the detector."""

SENDER, MONITOR = "sender", "monitor"
"""The two nodes' names."""


class PhiDetector:
    """The phi accrual failure detector: how suspicious is the silence since the last
    heartbeat? (Hayashibara et al. 2004, section 3; Akka's choices.)

    * ``heartbeat(t)``: a heartbeat arrived at virtual time ``t``. On the first one the
      window starts with the two guesses ``FIRST_INTERVALS``; each later one adds the
      interval ``t - last`` to the window, which keeps only the ``WINDOW`` most recent
      intervals (drop the oldest).
    * ``phi(t)``: ``0.0`` if no heartbeat arrived yet. Otherwise take the mean and the
      standard deviation of the window (divide by the number of intervals, as for a
      whole population), raise the deviation to at least ``MIN_STD``, and return
      ``-log10(p_later)`` where ``p_later = 0.5 * math.erfc((t - last - mean) /
      (std * math.sqrt(2)))`` is the chance that a live sender's next heartbeat comes
      even later than now (``math.inf`` if ``p_later`` is 0).
    """

    def __init__(self) -> None:
        self.intervals: list[float] = []  # the window, oldest first
        self.last: float | None = None  # when the last heartbeat arrived

    def heartbeat(self, t: float) -> None:
        raise NotImplementedError("record the arrival: seed the window, or add an interval")

    def phi(self, t: float) -> float:
        raise NotImplementedError("compute phi from the window and the silence since last")


# -- the world: a sender, and a monitor that asks the learner's detector -------------


@dataclass(frozen=True)
class Ping:
    """A heartbeat from the sender to the monitor."""

    seq: int


class Sender(Actor):
    """Heartbeats the monitor every ``interval`` s, and every ``slow_interval`` s
    from ``slow_after`` on."""

    def __init__(self, slow_after: float | None = None, slow_interval: float = 0.3) -> None:
        self.slow_after = slow_after
        self.slow_interval = slow_interval
        self.seq = 0

    def started(self, ctx: Context) -> None:
        ctx.run_later(HEARTBEAT_INTERVAL, self.beat)

    def beat(self, ctx: Context) -> None:
        """Send one heartbeat and schedule the next."""
        self.seq += 1
        ctx.addr(MONITOR).do_send(Ping(self.seq))
        slow = self.slow_after is not None and ctx.now >= self.slow_after
        ctx.run_later(self.slow_interval if slow else HEARTBEAT_INTERVAL, self.beat)


class Monitor(Actor):
    """Feeds each heartbeat to the learner's detector and publishes ``phi`` every
    ``ASK_EVERY`` s; an exception other than ``NotImplementedError`` is published as
    ``phi_error`` (text) so that the judge can say what it means."""

    def __init__(self, detector_class: type) -> None:
        self.detector_class = detector_class

    def started(self, ctx: Context) -> None:
        self.detector = self.detector_class()
        ctx.run_interval(ASK_EVERY, self.ask)

    def on_ping(self, msg: Ping, ctx: Context) -> None:
        self._guarded(ctx, "heartbeat", self.detector.heartbeat, ctx.now)

    def ask(self, ctx: Context) -> None:
        """Publish phi now."""
        self._guarded(ctx, "phi", self.detector.phi, ctx.now)

    def _guarded(self, ctx: Context, what: str, call: Callable[[float], Any], t: float) -> None:
        try:
            value = call(t)
        except NotImplementedError:
            raise
        except Exception as exc:  # the judge turns it into specific feedback
            ctx.annotate(phi_error=f"{what}({t:g}) raised {type(exc).__name__}: {exc}")
            ctx.stop()
            return
        if what == "phi":
            ctx.annotate(phi=value)


def play(
    latency: float | tuple[float, float],
    sender_faults: Sequence[str],
    until: float,
    slow_after: float | None,
    seed: int,
    detector_class: type,
) -> Sim:
    """The sender and a monitor holding ``detector_class()``, run until ``until``."""
    model = Constant(latency) if isinstance(latency, float) else Uniform(*latency)
    sim = Sim(seed=seed, network=LinkConfig(latency=model), faults=sender_faults)
    sim.spawn(SENDER, partial(Sender, slow_after))
    sim.spawn(MONITOR, partial(Monitor, detector_class))
    sim.run(until=until)
    return sim


# -- the judge: the library's detector, and the plausible mistakes ------------------


def _answers(sim: Sim) -> Iterator[tuple[float, dict[str, Any], list[float], float]]:
    """Each answer the monitor published, in virtual time: ``(t, what it published,
    the arrivals heard by then, the library's phi at t after them)``."""
    detector = reference()
    arrivals: list[float] = []
    for e in sim.trace.events(("deliver", "annotate")):
        if e.kind == "deliver" and e.peer == MONITOR:
            detector.heartbeat(e.t)
            arrivals.append(e.t)
        elif e.kind == "annotate" and e.node == MONITOR:
            yield e.t, e.data, arrivals, detector.phi(e.t)


def judge(sim: Sim) -> Problem | None:
    """Every phi the monitor published equals the library's, within rounding."""
    for t, data, arrivals, want in _answers(sim):
        if "phi_error" in data:
            return _raised(data["phi_error"], arrivals, t)
        if "phi" in data:
            problem = _compare(data["phi"], want, arrivals, t)
            if problem is not None:
                return problem
    return None


def phi_series(sim: Sim) -> tuple[list[float], list[float | None], list[float]]:
    """``(times, learner, right)``: each virtual time the monitor asked, the learner's
    phi then (``None`` when it was not a number, or raised) and the library's."""
    times: list[float] = []
    learner: list[float | None] = []
    right: list[float] = []
    for t, data, _, want in _answers(sim):
        got = data.get("phi")
        times.append(t)
        learner.append(
            float(got) if isinstance(got, (int, float)) and not isinstance(got, bool) else None
        )
        right.append(want)
    return times, learner, right


def phi_picture(sim: Any, at: float | None) -> dict[str, Any]:
    """``draw`` and ``caption`` for a scenario's box: the learner's phi and the right one
    over the run's virtual time, against the threshold a default detector suspects at,
    with the moment it went wrong (a message timeline of two nodes would show nothing)."""
    if not isinstance(sim, Sim) or not sim.trace.full:
        return {}
    times, learner, right = phi_series(sim)
    threshold = reference().threshold

    def draw() -> bytes:
        from ..viz.phi_plot import phi_png  # matplotlib only once a box is shown

        return phi_png(times, learner, right, threshold=threshold, mark=at)

    when = "" if at is None else f" (it went wrong at t = {at:g} s)"
    return {"draw": draw, "caption": f"your phi and the right one over time{when}"}


def _same(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _compare(got: Any, want: float, arrivals: list[float], t: float) -> Problem | None:
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return Problem(
            "phi(t) returns a number",
            f"at t={t:g} phi returned {got!r}",
            "return a float: -log10(p_later)",
            at=t,
        )
    if _same(float(got), want):
        return None
    where = _situation(arrivals, t)
    expected = f"phi={want:.4g} at t={t:g} ({where})"
    if not arrivals:
        return Problem(
            expected,
            f"phi returned {got:.4g} for a node never heard from",
            "before the first heartbeat there is nothing to measure: return 0.0 (an "
            "unmonitored node counts as healthy, as in Akka)",
            at=t,
        )
    for mistake in MISTAKES:
        if _same(float(got), mistake.phi(arrivals, t)):
            return Problem(
                expected,
                f"phi returned {got:.4g}, which is what {mistake.name} gives",
                mistake.hint,
                at=t,
            )
    return Problem(
        expected,
        f"phi returned {got:.4g}",
        "mean and standard deviation (divided by n, at least MIN_STD) of the last WINDOW "
        "intervals, the two guesses included; then -log10(0.5 * erfc((t - last - mean) / "
        "(std * sqrt(2))))",
        at=t,
    )


def _raised(error: str, arrivals: list[float], t: float) -> Problem:
    expected = f"phi(t) returns a number ({_situation(arrivals, t)})"
    empty = ("ZeroDivisionError", "StatisticsError", "IndexError")
    if not arrivals:
        hint = "before the first heartbeat there is nothing to measure: return 0.0"
    elif len(arrivals) == 1 and any(name in error for name in empty):
        hint = (
            "after the first heartbeat the window holds no real interval yet: start it "
            "with the two FIRST_INTERVALS (then the mean and the spread are defined)"
        )
    elif "math domain error" in error and math.isinf(_reference_phi(arrivals, t)):
        hint = (
            "far past the mean, p_later rounds to 0 and -log10(0) is undefined: return "
            "math.inf when p_later is 0"
        )
    elif "ZeroDivisionError" in error or "math domain error" in error:
        hint = (
            "the spread of very regular intervals is 0 (or rounds below it): raise the "
            "standard deviation to at least MIN_STD before dividing by it"
        )
    else:
        hint = "replay the scenario and call the detector by hand to see the traceback"
    return Problem(expected, error, hint, at=t)


def _reference_phi(arrivals: list[float], t: float) -> float:
    """What the library's detector says at ``t`` after ``arrivals``."""
    detector = reference()
    for arrival in arrivals:
        detector.heartbeat(arrival)
    return detector.phi(t)


def _situation(arrivals: list[float], t: float) -> str:
    if not arrivals:
        return "no heartbeat heard yet"
    count = "1 heartbeat" if len(arrivals) == 1 else f"{len(arrivals)} heartbeats"
    return f"{count} heard, the last at t={arrivals[-1]:g}"


def _scenario(
    name: str,
    latency: float | tuple[float, float],
    faults: Sequence[str],
    until: float,
    seed: int,
    slow_after: float | None = None,
) -> Scenario:
    return Scenario(
        name,
        partial(play, latency, tuple(faults), until, slow_after, seed),
        judge,
        picture=phi_picture,
    )


EXERCISE = register(
    Exercise(
        "phi",
        "PhiDetector",
        (
            _scenario("never heard", 0.001, ["0 crash sender"], until=2.0, seed=1),
            _scenario("steady heartbeats", 0.001, [], until=3.0, seed=2),
            _scenario("jittery network", (0.001, 0.06), ["6 crash sender"], until=8.0, seed=3),
            _scenario("sender slows down", 0.001, [], until=8.0, seed=4, slow_after=2.0),
        ),
    )
)


def check_phi(detector_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check a phi accrual detector against the library's, in four simulations (lesson 03).

    Args:
        detector_class: the class you wrote (not an instance), made with no arguments.
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(detector_class, strict=strict)
