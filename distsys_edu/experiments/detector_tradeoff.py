"""The failure detector's dilemma, measured: detect crashes fast, or suspect rarely.

A monitored process sends a heartbeat every ``interval`` seconds. The network
delays each one (a latency model), loses some (``loss``), and the process itself
sometimes freezes (a GC pause: pauses start as a Poisson process with mean gap
``pause_every`` seconds and last a time drawn uniformly from ``pause``). After
``duration`` seconds of life it crashes for real.

For each threshold (a timeout in seconds, or a phi level) one detector of the
chosen kind (:mod:`distsys_edu.protocols.detectors`) is fed the heartbeat arrival
times, in order, and we measure:

* **detection time**: from the crash until the detector suspects the process for
  good (after the last heartbeat that was still in flight at the crash);
* **false suspicions** (mistakes): how many times it suspected the process while
  it was alive, and how long those mistakes lasted.

Every threshold sees the same heartbeat arrivals in a run (common random numbers),
so the curves compare detectors, not luck. Run ``r`` draws everything from
``random.Random(f"detector_tradeoff/{seed}/{r}")``.

The sender mirrors the runtime's timers: ticks are due on a fixed grid
(``k * interval``); a paused process sends nothing, then sends one heartbeat when it
resumes (an interval timer that missed ticks runs once on resume) and goes on with
the grid. This module does not run a ``Sim``: generating arrival times directly is
the same model and about a hundred times faster, which long sweeps need.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from typing import Any

from ..jobs import run_indexed
from ..protocols.detectors import (
    AdaptiveTimeoutDetector,
    FailureDetector,
    FixedTimeoutDetector,
    PhiAccrualDetector,
)
from ..runtime.errors import InvalidArgument, check_probability, invalid
from ..runtime.network import Latency, Uniform
from .data import json_safe, percentile
from .heartbeats import heartbeat_arrivals
from .params import check_count, check_duration, check_positive, check_seed, seconds_pair

__all__ = [
    "DETECTOR_KINDS",
    "DetectorTradeoffResult",
    "TradeoffRuns",
    "default_thresholds",
    "detector_tradeoff",
    "heartbeat_arrivals",
]

DETECTOR_KINDS = ("fixed", "adaptive", "phi")
"""``fixed``: :class:`FixedTimeoutDetector` (threshold = timeout, seconds);
``adaptive``: :class:`AdaptiveTimeoutDetector` (threshold = initial timeout, seconds);
``phi``: :class:`PhiAccrualDetector` (threshold = phi)."""

TIMEOUT_MULTIPLES = (1.5, 2.0, 3.0, 5.0, 7.5, 10.0, 15.0, 20.0)
"""Default timeouts, as multiples of the heartbeat interval."""

PHI_THRESHOLDS = (0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 16.0)
"""Default phi thresholds (Akka and Cassandra use 8)."""

_BISECTION_STEPS = 60  # halvings of the bracket when finding when phi crosses the threshold


def default_thresholds(kind: str, interval: float) -> tuple[float, ...]:
    """The thresholds swept when none are given: timeouts for ``fixed``/``adaptive``
    (multiples of ``interval``), phi levels for ``phi``."""
    _check_kind(kind)
    if kind == "phi":
        return PHI_THRESHOLDS
    return tuple(m * interval for m in TIMEOUT_MULTIPLES)


@dataclass
class DetectorTradeoffResult:
    """One row per threshold, plus the settings that produced them (plain data).

    Each row holds ``threshold``, ``mean_detection_ms``, ``median_detection_ms``,
    ``p99_detection_ms``, ``max_detection_ms``, ``false_suspicions`` (total over the
    runs), ``false_suspicions_per_run``, ``false_suspicions_per_hour`` (of the
    process's life), ``mean_mistake_ms`` (how long a false suspicion lasted) and
    ``mistake_time_share`` (the share of its life the process was wrongly suspected).
    """

    kind: str
    interval_s: float
    latency: str
    loss: float
    pause_every_s: float | None
    pause_s: tuple[float, float]
    duration_s: float
    runs: int
    seed: int
    options: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN becomes ``None``)."""
        data = asdict(self)
        data["pause_s"] = list(self.pause_s)
        return json_safe(data)


@dataclass(frozen=True)
class TradeoffRuns:
    """The runs of one sweep, as workers run them: ``task(r)`` feeds run ``r``'s
    heartbeat arrivals to a detector at every threshold.

    ``task(r)`` is ``(crash_at, [(detection, false suspicions, their time) per
    threshold])``; see :mod:`distsys_edu.jobs.parallel`.
    """

    kind: str
    levels: tuple[float, ...]
    options: tuple[tuple[str, Any], ...]
    interval: float
    latency: Latency
    loss: float
    pause_every: float | None
    pause: tuple[float, float]
    duration: float
    seed: int

    def __call__(self, index: int) -> tuple[float, list[tuple[float, int, float]]]:
        rng = random.Random(f"detector_tradeoff/{self.seed}/{index}")
        crash_at = self.duration + rng.uniform(0.0, self.interval)  # between two ticks
        arrivals = heartbeat_arrivals(
            rng,
            interval=self.interval,
            latency=self.latency,
            loss=self.loss,
            pause_every=self.pause_every,
            pause=self.pause,
            crash_at=crash_at,
        )
        options = dict(self.options)
        fed = [_feed(_make(self.kind, level, options), arrivals, crash_at) for level in self.levels]
        return crash_at, fed

    def describe(self, index: int) -> tuple[str, str]:
        """Run ``index`` named (its generator is seeded from the sweep's seed and it)."""
        return f"detector-tradeoff run {index} (seed {self.seed})", ""


def detector_tradeoff(  # long: its docstring explains 15 arguments; the body is 45 lines
    kind: str = "fixed",
    thresholds: Sequence[float] | None = None,
    *,
    interval: float = 0.1,
    latency: Sequence[float] | Latency = (0.005, 0.050),
    loss: float = 0.01,
    pause_every: float | None = 60.0,
    pause: Sequence[float] = (0.1, 1.0),
    duration: float = 600.0,
    runs: int = 10,
    seed: int = 0,
    options: Mapping[str, Any] | None = None,
    progress: bool = True,
    jobs: int = 1,
    executor: Executor | None = None,
) -> DetectorTradeoffResult:
    """Sweep a detector's threshold: detection time of a real crash vs. false suspicions.

    Args:
        kind: one of :data:`DETECTOR_KINDS`.
        thresholds: timeouts in seconds (``fixed``, ``adaptive``: the initial
            timeout) or phi levels (``phi``); default :func:`default_thresholds`.
        interval: seconds between heartbeats.
        latency: ``(low, high)`` seconds, uniform, or a runtime latency distribution
            (``Constant``, ``Uniform``, ``LogNormal``).
        loss: probability that a heartbeat is lost.
        pause_every: mean seconds between GC pauses of the monitored process;
            ``None`` or 0 for none.
        pause: ``(low, high)`` seconds a pause lasts.
        duration: seconds the process lives before it crashes, per run (plus a
            uniformly random part of one interval, so that the crash falls at any
            moment between two ticks).
        runs: independent runs (each with its own heartbeat arrivals).
        seed: the sweep's seed.
        options: extra detector arguments. ``adaptive``: ``increment`` (default
            ``interval / 2``), ``max_timeout``. ``phi``: ``max_samples``,
            ``min_std`` (default ``interval / 10``), ``acceptable_pause``,
            ``first_heartbeat_estimate`` (default ``interval``), ``cdf``.
        progress: show a tqdm progress bar on stderr.
        jobs: worker processes; 1 (the default) runs here, 0 uses every core. The
            result is the same whatever ``jobs`` is.
        executor: a :class:`concurrent.futures.Executor` of your own to run on
            instead, such as a Dask ``Client.get_executor()`` (``jobs`` stays 1).

    Returns:
        A :class:`DetectorTradeoffResult` with one row per threshold, in the order
        given.

    Raises:
        InvalidArgument: a parameter outside what is allowed.
    """
    _check_kind(kind)
    interval = check_duration("interval", interval)
    if pause_every is not None and pause_every != 0:
        pause_every = check_duration("pause_every", pause_every)
    levels = default_thresholds(kind, interval) if thresholds is None else tuple(thresholds)
    if not levels:
        raise invalid("thresholds", thresholds, "must hold at least one threshold")
    for level in levels:
        check_positive("thresholds", level)
    opts = _options(kind, interval, options)
    _make(kind, levels[0], opts)  # let the detector reject bad options before the sweep
    task = TradeoffRuns(
        kind=kind,
        levels=levels,
        options=tuple(opts.items()),
        interval=interval,
        latency=_latency(latency),
        loss=check_probability("loss", loss),
        pause_every=pause_every or None,
        pause=seconds_pair("pause", pause),
        duration=check_duration("duration", duration),
        seed=check_seed(seed),
    )
    fed = run_indexed(
        task,
        check_count("runs", runs),
        jobs=jobs,
        executor=executor,
        describe=task.describe,
        desc=f"detector-tradeoff {kind}",
        progress=progress,
    )
    return DetectorTradeoffResult(
        kind=kind,
        interval_s=interval,
        latency=repr(task.latency),
        loss=task.loss,
        pause_every_s=task.pause_every,
        pause_s=task.pause,
        duration_s=task.duration,
        runs=runs,
        seed=seed,
        options=dict(opts),
        rows=_rows(levels, fed),
    )


def _rows(
    levels: Sequence[float], fed: list[tuple[float, list[tuple[float, int, float]]]]
) -> list[dict[str, Any]]:
    """One row of figures per threshold, from every run's ``(crash_at, fed)``."""
    life_s = sum(crash_at for crash_at, _ in fed)  # seconds the process was alive
    runs = len(fed)
    rows = []
    for i, level in enumerate(levels):
        ordered = sorted(per_level[i][0] for _, per_level in fed)
        mistakes = sum(per_level[i][1] for _, per_level in fed)
        mistake_time = sum(per_level[i][2] for _, per_level in fed)
        rows.append(
            {
                "threshold": level,
                "mean_detection_ms": statistics.fmean(ordered) * 1e3,
                "median_detection_ms": statistics.median(ordered) * 1e3,
                "p99_detection_ms": percentile(ordered, 0.99) * 1e3,
                "max_detection_ms": ordered[-1] * 1e3,
                "false_suspicions": mistakes,
                "false_suspicions_per_run": mistakes / runs,
                "false_suspicions_per_hour": mistakes / (life_s / 3600.0),
                "mean_mistake_ms": (mistake_time / mistakes * 1e3) if mistakes else 0.0,
                "mistake_time_share": mistake_time / life_s,
            }
        )
    return rows


def _feed(
    detector: FailureDetector, arrivals: list[float], crash_at: float
) -> tuple[float, int, float]:
    """Feed ``arrivals``; return (detection time, false suspicions, their total time)."""
    wrong, wrong_time = 0, 0.0
    suspect, heartbeat = detector.suspect, detector.heartbeat
    for t in arrivals:
        if suspect(t):  # it was suspected at some moment before this heartbeat
            onset = _onset(detector)
            if onset < crash_at:
                wrong += 1
                wrong_time += min(t, crash_at) - onset
        heartbeat(t)
    onset = _onset(detector)
    if onset < crash_at:  # suspected before the crash, and rightly ever after
        wrong += 1
        wrong_time += crash_at - onset
    return max(onset, crash_at) - crash_at, wrong, wrong_time


def _onset(detector: FailureDetector) -> float:
    """When the detector starts to suspect, if no heartbeat arrives from now on."""
    if isinstance(detector, (FixedTimeoutDetector, AdaptiveTimeoutDetector)):
        return detector.deadline
    assert isinstance(detector, PhiAccrualDetector)
    last = detector.last_heartbeat
    if last is None:
        return math.inf  # phi is 0 before the first heartbeat: never suspects
    low, span = last, 1e-3
    high = last + span
    while not detector.suspect(high):  # bracket the crossing (phi grows with silence)
        low, span = high, span * 2
        high = last + span
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if detector.suspect(middle):
            high = middle
        else:
            low = middle
    return high


def _make(kind: str, level: float, options: Mapping[str, Any]) -> FailureDetector:
    try:
        if kind == "fixed":
            return FixedTimeoutDetector(timeout=level)
        if kind == "adaptive":
            return AdaptiveTimeoutDetector(initial_timeout=level, **options)
        return PhiAccrualDetector(threshold=level, **options)
    except TypeError as exc:  # an option the detector does not take
        raise invalid(
            "options", dict(options), f"must be arguments of the {kind} detector ({exc})"
        ) from None
    except ValueError as exc:
        if isinstance(exc, InvalidArgument):
            raise
        raise InvalidArgument(str(exc)) from None


def _options(kind: str, interval: float, options: Mapping[str, Any] | None) -> dict[str, Any]:
    given = dict(options or {})
    if kind == "fixed":
        if given:
            raise invalid("options", given, "must be empty for the fixed detector")
        return {}
    if kind == "adaptive":
        return {"increment": interval / 2, **given}
    return {"first_heartbeat_estimate": interval, "min_std": interval / 10, **given}


def _check_kind(kind: Any) -> None:
    if kind not in DETECTOR_KINDS:
        raise invalid("kind", kind, f"must be one of {', '.join(DETECTOR_KINDS)}")


def _latency(value: Any) -> Latency:
    if isinstance(value, Latency):
        return value
    low, high = seconds_pair("latency", value)
    return Uniform(low, high)
