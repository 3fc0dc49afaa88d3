"""Lesson 03's second exercise: pick a phi threshold for a target mistake rate.

The learner measures the trade-off of the phi accrual detector on the lesson's network
(:data:`NETWORK`: a heartbeat every 0.1 s, 5 to 50 ms of latency, 1% loss, a short GC
pause every five minutes or so) with
:func:`~distsys_edu.experiments.detector_tradeoff`, then writes a :class:`ChosenPhi`:
a :class:`~distsys_edu.protocols.detectors.PhiAccrualDetector` with the threshold they
chose. :func:`check_threshold` measures that threshold again, on runs the learner has
not seen (other seeds), after a first scenario that checks its settings:

* ``its settings``: fed the same heartbeats, it computes the phi of a detector built
  with ``**PHI_OPTIONS`` (forgetting them, or adding others, fails here);
* ``a quiet day``: at most :data:`TARGET_MISTAKES_PER_HOUR` false suspicions per hour
  of a live process (too low a threshold fails here);
* ``a real crash``: the crash detected within :data:`DETECTION_BUDGET_MS` on average
  (too high a threshold fails here).

Only thresholds in a narrow band pass both: that band is the point of the exercise.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

from ..experiments.detector_tradeoff import DetectorTradeoffResult, detector_tradeoff
from ..protocols.detectors import PhiAccrualDetector
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register

NETWORK: dict[str, Any] = {
    "interval": 0.1,
    "latency": (0.005, 0.050),
    "loss": 0.01,
    "pause_every": 300.0,
    "pause": (0.05, 0.3),
    "duration": 900.0,
}
"""The lesson's network and process, as arguments of ``detector_tradeoff``: a heartbeat
every 0.1 s, latency uniform in 5-50 ms, 1% of heartbeats lost, a GC pause of 50-300 ms
about every 300 s, 900 s of life before the crash (per run)."""

PHI_OPTIONS: dict[str, Any] = {"first_heartbeat_estimate": 0.1, "min_std": 0.01}
"""The detector's other settings (what ``detector_tradeoff`` uses for a 0.1 s interval)."""

TARGET_MISTAKES_PER_HOUR = 25.0
"""At most this many false suspicions per hour of a live process."""

DETECTION_BUDGET_MS = 250.0
"""A crash must be detected within this many milliseconds, on average."""

RUNS = 8
"""Runs of :data:`NETWORK` per scenario (two hours of life in all)."""


class ChosenPhi(PhiAccrualDetector):
    """A phi accrual detector for the lesson's network, with the threshold you chose.

    Measure first (``detector_tradeoff("phi", [...], **NETWORK, options=PHI_OPTIONS)``),
    then pick a threshold with at most TARGET_MISTAKES_PER_HOUR false suspicions per
    hour and a mean detection time within DETECTION_BUDGET_MS. Write::

        super().__init__(threshold=..., **PHI_OPTIONS)
    """

    def __init__(self) -> None:
        raise NotImplementedError(
            "pick a threshold: super().__init__(threshold=..., **PHI_OPTIONS)"
        )


PROBE_ARRIVALS = (0.0, 0.1, 0.21, 0.3, 0.38, *(0.5 + 0.1 * k for k in range(1010)))
"""Heartbeat arrivals the settings scenario feeds a detector: a jittery start (phi
after the first one depends on ``first_heartbeat_estimate``, and a short window shows),
then 1010 regular ones, enough to fill the longest window with intervals whose spread
is 0, so that phi depends on ``min_std``. Seconds of virtual time."""

PROBE_SILENCES = (0.05, 0.12, 0.15, 0.2)
"""After each arrival, phi is asked this many seconds later."""


def phi_readings(detector: PhiAccrualDetector) -> list[float]:
    """Phi of ``detector`` along :data:`PROBE_ARRIVALS` (a fresh detector is fed)."""
    readings: list[float] = []
    for arrival in PROBE_ARRIVALS:
        detector.heartbeat(arrival)
        readings.extend(detector.phi(arrival + silence) for silence in PROBE_SILENCES)
    return readings


def play_settings(detector_class: type) -> Any:
    """Make the learner's detector (the settings scenario reads it; no simulation)."""
    return detector_class()


def judge_settings(detector: Any) -> Problem | None:
    """A PhiAccrualDetector that computes phi as one built with ``**PHI_OPTIONS`` does."""
    expected = "a PhiAccrualDetector built with super().__init__(threshold=..., **PHI_OPTIONS)"
    if not isinstance(detector, PhiAccrualDetector):
        return Problem(
            expected,
            f"ChosenPhi() is a {type(detector).__name__}, not a PhiAccrualDetector",
            "subclass PhiAccrualDetector and call super().__init__(threshold=..., **PHI_OPTIONS)",
        )
    threshold = detector.threshold
    got = phi_readings(detector)
    if _close(got, phi_readings(PhiAccrualDetector(threshold=threshold, **PHI_OPTIONS))):
        return None
    defaults = _close(got, phi_readings(PhiAccrualDetector(threshold=threshold)))
    return Problem(
        expected,
        f"fed the same heartbeats, it computes another phi than threshold={threshold:g} "
        "with PHI_OPTIONS"
        + (" (the detector's default settings: no options given)" if defaults else ""),
        "pass the lesson's settings, all of them and no others: "
        "super().__init__(threshold=..., **PHI_OPTIONS) (the check measures the "
        "threshold with PHI_OPTIONS, so other settings would not be what it measured)",
    )


def _close(a: list[float], b: list[float]) -> bool:
    return all(x == y or math.isclose(x, y, rel_tol=1e-9) for x, y in zip(a, b, strict=True))


def play(seed: int, detector_class: type) -> DetectorTradeoffResult:
    """Measure the threshold of ``detector_class()`` on :data:`NETWORK`, seeded."""
    detector = detector_class()
    if not isinstance(detector, PhiAccrualDetector):
        raise TypeError(
            f"{detector_class.__name__}() is a {type(detector).__name__}, not a "
            "PhiAccrualDetector: subclass PhiAccrualDetector"
        )
    return detector_tradeoff(
        "phi",
        [detector.threshold],
        **NETWORK,
        runs=RUNS,
        seed=seed,
        options=PHI_OPTIONS,
        progress=False,
    )


def judge_mistakes(result: DetectorTradeoffResult) -> Problem | None:
    """At most the target rate of false suspicions."""
    row = result.rows[0]
    rate = row["false_suspicions_per_hour"]
    if rate <= TARGET_MISTAKES_PER_HOUR:
        return None
    return Problem(
        f"at most {TARGET_MISTAKES_PER_HOUR:g} false suspicions per hour",
        f"threshold {row['threshold']:g} suspected a live process {row['false_suspicions']} "
        f"times in {RUNS} runs: {rate:.1f} per hour",
        "raise the threshold: a lost heartbeat or a GC pause makes phi climb, and a low "
        "threshold takes every one of them for a crash",
    )


def judge_detection(result: DetectorTradeoffResult) -> Problem | None:
    """A crash detected within the budget, on average."""
    row = result.rows[0]
    mean = row["mean_detection_ms"]
    if mean <= DETECTION_BUDGET_MS:
        return None
    return Problem(
        f"a crash detected within {DETECTION_BUDGET_MS:g} ms on average",
        f"threshold {row['threshold']:g} took {mean:.0f} ms on average (the slowest of "
        f"{RUNS} crashes {row['max_detection_ms']:.0f} ms)",
        "lower the threshold: each step of phi waits a little longer after the last "
        "heartbeat before it suspects",
    )


EXERCISE = register(
    Exercise(
        "phi_threshold",
        "ChosenPhi",
        (
            Scenario("its settings", play_settings, judge_settings, returns="detector"),
            Scenario("a quiet day", partial(play, 2026), judge_mistakes, returns="result"),
            Scenario("a real crash", partial(play, 2027), judge_detection, returns="result"),
        ),
    )
)


def check_threshold(detector_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Measure the phi threshold you chose, on runs you have not seen (lesson 03).

    Args:
        detector_class: your ``ChosenPhi`` class (not an instance), made with no
            arguments; a :class:`PhiAccrualDetector`.
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(detector_class, strict=strict)
