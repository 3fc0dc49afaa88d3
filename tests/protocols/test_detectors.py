"""Tests for distsys_edu.protocols.detectors.

Expected phi values are computed here, independently of the module, from the published
formulas: mean and population standard deviation of the window with ``statistics``,
the normal tail with ``math.erfc`` (and ``statistics.NormalDist`` where it is accurate),
and Akka's logistic approximation written out exactly as Akka writes it.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from distsys_edu.protocols.detectors import (
    AdaptiveTimeoutDetector,
    FailureDetector,
    FixedTimeoutDetector,
    PhiAccrualDetector,
)

NAN = float("nan")
INF = float("inf")

# --------------------------------------------------------------------------- helpers


def akka_window(estimate: float, intervals: Sequence[float], max_samples: int) -> list[float]:
    """The window Akka would hold: two seeds (estimate -/+ estimate/4), then the intervals."""
    seeds = [estimate - estimate / 4, estimate + estimate / 4]
    return (seeds + list(intervals))[-max_samples:]


def published_phi(
    window: Sequence[float], delta: float, *, min_std: float, pause: float, cdf: str
) -> float:
    """Phi by the published formulas, for a delay ``delta`` since the last heartbeat."""
    mean = statistics.fmean(window) + pause
    std = max(statistics.pstdev(window), min_std)
    if cdf == "normal":
        tail = 0.5 * math.erfc((delta - mean) / (std * math.sqrt(2)))
        return math.inf if tail == 0.0 else -math.log10(tail)
    # Akka, PhiAccrualDetector.phi(timeDiff, mean, stdDeviation), as written there.
    y = (delta - mean) / std
    e = math.exp(-y * (1.5976 + 0.070566 * y * y))
    if delta > mean:
        return -math.log10(e / (1.0 + e))
    return -math.log10(1.0 - 1.0 / (1.0 + e))


def fed_phi_detector(intervals: Sequence[float], **params: object) -> PhiAccrualDetector:
    """A phi detector that heard a heartbeat at 0 and then one after each interval."""
    detector = PhiAccrualDetector(**params)  # type: ignore[arg-type]
    t = 0.0
    detector.heartbeat(t)
    for interval in intervals:
        t += interval
        detector.heartbeat(t)
    return detector


def rejects(name: str, value: object) -> AbstractContextManager[pytest.ExceptionInfo[ValueError]]:
    """Expect the module's ValueError naming the parameter and the value given."""
    return pytest.raises(ValueError, match=re.escape(f"{name}={value!r} is not allowed: must be"))


intervals_strategy = st.lists(st.floats(0.0, 10.0), max_size=40)
cdf_strategy = st.sampled_from(["normal", "logistic"])


# --------------------------------------------------------------------------- the protocol


def test_every_detector_satisfies_the_protocol() -> None:
    detectors: list[FailureDetector] = [
        FixedTimeoutDetector(1.0),
        AdaptiveTimeoutDetector(1.0, 0.5),
        PhiAccrualDetector(),
    ]
    for detector in detectors:
        assert isinstance(detector, FailureDetector)


def test_a_structural_lookalike_satisfies_the_protocol() -> None:
    class AlwaysTrusting:
        def heartbeat(self, t: float) -> None:
            pass

        def is_available(self, t: float) -> bool:
            return True

        def suspect(self, t: float) -> bool:
            return False

    assert isinstance(AlwaysTrusting(), FailureDetector)


# --------------------------------------------------------------------------- fixed timeout


def test_fixed_timeout_boundary_before_any_heartbeat_counts_from_start() -> None:
    detector = FixedTimeoutDetector(timeout=1.0, start=10.0)
    assert detector.last_heartbeat is None
    assert detector.deadline == 11.0
    assert detector.is_available(11.0)  # exactly `timeout` of silence: still trusted
    assert detector.suspect(math.nextafter(11.0, INF))


def test_fixed_timeout_boundary_after_a_heartbeat() -> None:
    detector = FixedTimeoutDetector(timeout=0.5)
    detector.heartbeat(1.0)
    assert detector.last_heartbeat == 1.0
    assert detector.is_available(1.5)
    assert not detector.suspect(1.5)
    assert detector.suspect(math.nextafter(1.5, INF))
    assert not detector.is_available(2.0)
    detector.heartbeat(2.0)  # the same process comes back: trusted again
    assert detector.is_available(2.5)
    assert detector.timeout == 0.5  # a fixed detector never learns


@given(
    timeout=st.floats(0.01, 100.0),
    heard=st.floats(0.0, 1000.0),
    silence=st.floats(0.0, 200.0),
)
def test_fixed_timeout_suspects_exactly_when_silence_exceeds_timeout(
    timeout: float, heard: float, silence: float
) -> None:
    detector = FixedTimeoutDetector(timeout)
    detector.heartbeat(heard)
    t = heard + silence
    assert detector.suspect(t) == (t - heard > timeout)
    assert detector.suspect(t) != detector.is_available(t)


# --------------------------------------------------------------------------- adaptive timeout


def test_adaptive_timeout_grows_after_a_false_suspicion_only() -> None:
    detector = AdaptiveTimeoutDetector(initial_timeout=1.0, increment=0.5)
    detector.heartbeat(0.5)  # on time
    detector.heartbeat(1.5)  # a gap of exactly the timeout is not a mistake
    assert (detector.false_suspicions, detector.timeout) == (0, 1.0)
    assert detector.suspect(3.0)
    detector.heartbeat(3.0)  # it was suspected, yet alive: a false suspicion
    assert (detector.false_suspicions, detector.timeout) == (1, 1.5)
    assert detector.is_available(4.5)  # the gap that fooled it before no longer does
    assert detector.deadline == 4.5


def test_adaptive_first_heartbeat_after_start_plus_timeout_is_a_false_suspicion() -> None:
    detector = AdaptiveTimeoutDetector(initial_timeout=1.0, increment=1.0, start=5.0)
    detector.heartbeat(7.0)
    assert (detector.false_suspicions, detector.timeout) == (1, 2.0)


def test_adaptive_timeout_makes_exactly_ceil_gap_over_increment_mistakes() -> None:
    # Gaps of 2.2 against timeouts 1.0, 1.5, 2.0 are three mistakes; then 2.5 > 2.2.
    detector = AdaptiveTimeoutDetector(initial_timeout=1.0, increment=0.5)
    for k in range(1, 20):
        detector.heartbeat(2.2 * k)
    assert detector.false_suspicions == math.ceil((2.2 - 1.0) / 0.5) == 3
    assert detector.timeout == 2.5


def test_adaptive_timeout_stops_at_max_timeout_and_then_keeps_erring() -> None:
    detector = AdaptiveTimeoutDetector(initial_timeout=1.0, increment=0.5, max_timeout=1.75)
    for k in range(1, 11):
        detector.heartbeat(2.0 * k)
    assert detector.timeout == 1.75
    assert detector.false_suspicions == 10  # a cap below the real delay: never perfect


@given(
    initial_timeout=st.floats(0.01, 5.0),
    increment=st.floats(0.01, 2.0),
    before_gst=st.lists(st.floats(0.0, 50.0), max_size=20),
    bound=st.floats(0.0, 20.0),
    after_gst=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=200),
)
def test_adaptive_timeout_is_eventually_perfect_once_delays_are_bounded(
    initial_timeout: float,
    increment: float,
    before_gst: list[float],
    bound: float,
    after_gst: list[float],
) -> None:
    """Arbitrary gaps before GST; after it every gap is at most ``bound``."""
    detector = AdaptiveTimeoutDetector(initial_timeout, increment)
    t = 0.0
    for gap in before_gst:
        t += gap
        detector.heartbeat(t)
    timeout_at_gst = detector.timeout
    mistakes_at_gst = detector.false_suspicions

    # Each mistake needs a gap > timeout and adds `increment`, so there are at most
    # ceil((bound - timeout_at_gst) / increment) of them. floor(ratio) + 1 is that number,
    # one more when the ratio is whole, and the 1e-6 absorbs rounding in the timeout sums.
    ratio = (bound - timeout_at_gst) / increment
    allowed = 0 if bound <= timeout_at_gst else math.floor(ratio + 1e-6) + 1

    # Any bounded gaps, then `allowed + 1` worst-case gaps of exactly `bound`.
    gaps = [fraction * bound for fraction in after_gst] + [bound] * (allowed + 1)
    mistakes = 0
    for gap in gaps:
        arrival = t + gap
        assume(arrival - t <= bound)  # rounding may push a sum a hair past the bound
        mistakes += detector.suspect(arrival)
        detector.heartbeat(arrival)
        t = arrival

    assert mistakes <= allowed
    assert detector.false_suspicions == mistakes_at_gst + mistakes
    # From now on it never wrongs a live process: no bounded gap is suspected.
    assert detector.timeout >= bound
    probe = t + bound
    assume(probe - t <= bound)
    assert not detector.suspect(probe)


# --------------------------------------------------------------------------- phi accrual


def test_phi_is_zero_before_the_first_heartbeat() -> None:
    detector = PhiAccrualDetector()
    assert detector.last_heartbeat is None
    assert detector.phi(0.0) == 0.0
    assert detector.phi(1e9) == 0.0
    assert detector.is_available(1e9)


@pytest.mark.parametrize("cdf", ["normal", "logistic"])
def test_first_heartbeat_seeds_the_window_like_akka(cdf: str) -> None:
    detector = PhiAccrualDetector(first_heartbeat_estimate=2.0, cdf=cdf)  # type: ignore[arg-type]
    detector.heartbeat(3.0)
    assert detector.intervals == (1.5, 2.5)
    for delta in (0.0, 1.0, 2.0, 2.5, 4.0):
        expected = published_phi([1.5, 2.5], delta, min_std=0.1, pause=0.0, cdf=cdf)
        assert detector.phi(3.0 + delta) == pytest.approx(expected, rel=1e-12)


def test_seeds_stay_in_the_window_until_pushed_out() -> None:
    detector = fed_phi_detector([1.0, 1.0, 1.0], max_samples=4)
    assert detector.intervals == (1.25, 1.0, 1.0, 1.0)


def test_a_window_of_one_keeps_the_upper_seed_then_the_last_interval() -> None:
    detector = PhiAccrualDetector(max_samples=1)
    detector.heartbeat(0.0)
    assert detector.intervals == (1.25,)
    detector.heartbeat(0.7)
    assert detector.intervals == pytest.approx((0.7,))


# Hand-checked values. Seeds only (estimate 1.0): mean 1.0, standard deviation 0.25.
# Normal: at the mean 1 - F = 1/2, phi = log10 2; one and two deviations late, the
# textbook tail probabilities Q(1) = 0.158655 and Q(2) = 0.022750 give phi 0.79955 and
# 1.64302. Logistic: y = 1 gives log10(1 + e^1.668166) = log10(6.3024) = 0.79951, and
# y = 2 gives log10(1 + e^3.759728) = log10(43.93) = 1.64283.
@pytest.mark.parametrize(
    ("cdf", "delta", "expected"),
    [
        ("normal", 1.0, math.log10(2)),
        ("normal", 1.25, 0.79955),
        ("normal", 1.5, 1.64302),
        ("logistic", 1.0, math.log10(2)),
        ("logistic", 1.25, 0.79951),
        ("logistic", 1.5, 1.64283),
    ],
)
def test_phi_hand_checked_values(cdf: str, delta: float, expected: float) -> None:
    detector = PhiAccrualDetector(cdf=cdf)  # type: ignore[arg-type]
    detector.heartbeat(0.0)
    assert detector.phi(delta) == pytest.approx(expected, abs=5e-5)


def test_acceptable_pause_is_added_to_the_mean() -> None:
    detector = PhiAccrualDetector(acceptable_pause=3.0)
    detector.heartbeat(0.0)
    assert detector.phi(4.0) == pytest.approx(math.log10(2), rel=1e-12)


def test_std_is_floored_at_min_std() -> None:
    detector = fed_phi_detector([1.0] * 20, max_samples=10, min_std=0.5)
    assert statistics.pstdev(detector.intervals) == 0.0
    expected = -math.log10(0.5 * math.erfc(1.0 / math.sqrt(2)))  # one floored std late
    assert detector.phi(20.0 + 1.5) == pytest.approx(expected, rel=1e-12)


@given(
    intervals=intervals_strategy,
    estimate=st.floats(0.01, 10.0),
    max_samples=st.integers(1, 50),
    min_std=st.floats(0.001, 5.0),
    pause=st.floats(0.0, 5.0),
    z=st.floats(-15.0, 15.0),
    cdf=cdf_strategy,
)
def test_phi_equals_the_published_formula(
    intervals: list[float],
    estimate: float,
    max_samples: int,
    min_std: float,
    pause: float,
    z: float,
    cdf: str,
) -> None:
    detector = fed_phi_detector(
        intervals,
        max_samples=max_samples,
        min_std=min_std,
        acceptable_pause=pause,
        first_heartbeat_estimate=estimate,
        cdf=cdf,
    )
    window = akka_window(estimate, intervals, max_samples)
    assert detector.intervals == pytest.approx(window, rel=1e-9, abs=1e-9)
    mean = statistics.fmean(window) + pause
    std = max(statistics.pstdev(window), min_std)
    last = detector.last_heartbeat
    assert last is not None
    t = last + max(mean + z * std, 0.0)
    delta = t - last
    expected = published_phi(window, delta, min_std=min_std, pause=pause, cdf=cdf)
    assert detector.phi(t) == pytest.approx(expected, rel=1e-6, abs=1e-9)
    if cdf == "normal" and abs((delta - mean) / std) < 6:
        late = 1 - statistics.NormalDist(mean, std).cdf(delta)
        assert detector.phi(t) == pytest.approx(-math.log10(late), rel=1e-6, abs=1e-9)


@given(
    intervals=intervals_strategy,
    min_std=st.floats(0.001, 5.0),
    pause=st.floats(0.0, 5.0),
    elapsed=st.lists(st.floats(0.0, 1000.0), min_size=2, max_size=2),
    cdf=cdf_strategy,
)
def test_phi_grows_with_the_time_since_the_last_heartbeat(
    intervals: list[float], min_std: float, pause: float, elapsed: list[float], cdf: str
) -> None:
    detector = fed_phi_detector(intervals, min_std=min_std, acceptable_pause=pause, cdf=cdf)
    last = detector.last_heartbeat
    assert last is not None
    earlier, later = sorted(elapsed)
    assert 0.0 <= detector.phi(last + earlier) <= detector.phi(last + later)


def test_phi_strictly_grows_over_a_grid() -> None:
    for cdf in ("normal", "logistic"):
        detector = fed_phi_detector([1.0, 1.2, 0.8, 1.1], cdf=cdf)
        last = detector.last_heartbeat
        assert last is not None
        values = [detector.phi(last + step / 10) for step in range(60)]
        assert all(a < b for a, b in itertools.pairwise(values)), cdf


def test_window_drops_the_oldest_samples_at_max_samples() -> None:
    intervals = [0.5 + k / 10 for k in range(10)]  # 0.5, 0.6, ..., 1.4: all distinct
    detector = fed_phi_detector(intervals, max_samples=5)
    assert detector.intervals == pytest.approx(intervals[-5:])
    last = detector.last_heartbeat
    assert last is not None
    kept = published_phi(intervals[-5:], 2.0, min_std=0.1, pause=0.0, cdf="normal")
    everything = published_phi([0.75, 1.25, *intervals], 2.0, min_std=0.1, pause=0.0, cdf="normal")
    assert detector.phi(last + 2.0) == pytest.approx(kept, rel=1e-9)
    assert detector.phi(last + 2.0) != pytest.approx(everything, rel=1e-3)


@given(
    intervals=intervals_strategy,
    threshold=st.floats(0.1, 50.0),
    elapsed=st.floats(0.0, 100.0),
    cdf=cdf_strategy,
)
def test_available_exactly_while_phi_is_below_threshold(
    intervals: list[float], threshold: float, elapsed: float, cdf: str
) -> None:
    detector = fed_phi_detector(intervals, threshold=threshold, cdf=cdf)
    last = detector.last_heartbeat
    assert last is not None
    t = last + elapsed
    assert detector.is_available(t) == (detector.phi(t) < threshold)
    assert detector.suspect(t) != detector.is_available(t)


def test_phi_equal_to_the_threshold_is_suspected() -> None:
    probe = PhiAccrualDetector()
    probe.heartbeat(0.0)
    at_mean = probe.phi(1.0)  # log10 2, from the seeds
    detector = PhiAccrualDetector(threshold=at_mean)
    detector.heartbeat(0.0)
    assert detector.suspect(1.0)
    assert detector.is_available(0.99)


def test_phi_far_in_the_tail_is_infinite_for_normal_and_finite_for_logistic() -> None:
    normal = fed_phi_detector([1.0] * 5, min_std=0.01)
    logistic = fed_phi_detector([1.0] * 5, min_std=0.01, cdf="logistic")
    assert normal.phi(5.0 + 1000.0) == math.inf
    assert normal.suspect(5.0 + 1000.0)
    far = logistic.phi(5.0 + 1000.0)
    assert math.isfinite(far) and far > 1e6
    assert logistic.suspect(5.0 + 1000.0)


def test_phi_far_before_the_mean_is_zero_without_overflow() -> None:
    for cdf in ("normal", "logistic"):
        # Window [1000, 1000]: std 0, floored at 1e-9, so asking right at a heartbeat is
        # 1e12 deviations early, where Akka's exp(-y * ...) would overflow.
        detector = fed_phi_detector([1000.0] * 3, max_samples=2, min_std=1e-9, cdf=cdf)
        assert detector.intervals == (1000.0, 1000.0)
        assert detector.phi(3000.0) == pytest.approx(0.0, abs=1e-12)


# --------------------------------------------------------------------------- bad input


def test_error_message_reads_as_documented() -> None:
    with pytest.raises(ValueError) as caught:
        PhiAccrualDetector(threshold=-1.0)
    assert str(caught.value) == "threshold=-1.0 is not allowed: must be a finite number > 0"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("threshold", 0.0),
        ("threshold", -1.0),
        ("threshold", NAN),
        ("threshold", INF),
        ("threshold", "8"),
        ("threshold", True),
        ("max_samples", 0),
        ("max_samples", -3),
        ("max_samples", 2.0),
        ("max_samples", True),
        ("max_samples", NAN),
        ("min_std", 0.0),
        ("min_std", -0.1),
        ("min_std", NAN),
        ("acceptable_pause", -0.5),
        ("acceptable_pause", NAN),
        ("acceptable_pause", INF),
        ("first_heartbeat_estimate", 0.0),
        ("first_heartbeat_estimate", -1.0),
        ("first_heartbeat_estimate", NAN),
        ("cdf", "gaussian"),
        ("cdf", "Normal"),
        ("cdf", None),
    ],
)
def test_phi_detector_rejects_bad_parameters(name: str, value: object) -> None:
    with rejects(name, value):
        PhiAccrualDetector(**{name: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "value"),
    [("timeout", 0.0), ("timeout", -1.0), ("timeout", NAN), ("timeout", INF)],
)
def test_fixed_detector_rejects_bad_timeout(name: str, value: object) -> None:
    with rejects(name, value):
        FixedTimeoutDetector(**{name: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [NAN, INF, "0"])
def test_timeout_detectors_reject_bad_start(value: object) -> None:
    with rejects("start", value):
        FixedTimeoutDetector(1.0, start=value)  # type: ignore[arg-type]
    with rejects("start", value):
        AdaptiveTimeoutDetector(1.0, 0.5, start=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("initial_timeout", 0.0),
        ("initial_timeout", -1.0),
        ("initial_timeout", NAN),
        ("increment", 0.0),
        ("increment", -0.5),
        ("increment", NAN),
        ("increment", INF),
        ("max_timeout", 0.5),  # below initial_timeout
        ("max_timeout", NAN),
        ("max_timeout", INF),
    ],
)
def test_adaptive_detector_rejects_bad_parameters(name: str, value: object) -> None:
    params: dict[str, object] = {"initial_timeout": 1.0, "increment": 0.5, name: value}
    with rejects(name, value):
        AdaptiveTimeoutDetector(**params)  # type: ignore[arg-type]


def test_max_timeout_message_says_it_must_reach_initial_timeout() -> None:
    with pytest.raises(ValueError, match=re.escape("max_timeout=0.5 is not allowed")) as caught:
        AdaptiveTimeoutDetector(initial_timeout=1.0, increment=0.5, max_timeout=0.5)
    assert ">= 1.0 (initial_timeout" in str(caught.value)


FACTORIES: list[Callable[[], FailureDetector]] = [
    lambda: FixedTimeoutDetector(1.0),
    lambda: AdaptiveTimeoutDetector(1.0, 0.5),
    lambda: PhiAccrualDetector(),
]


@pytest.mark.parametrize("factory", FACTORIES)
@pytest.mark.parametrize("value", [NAN, INF, -INF])
def test_detectors_reject_times_that_are_not_finite(
    factory: Callable[[], FailureDetector], value: float
) -> None:
    detector = factory()
    with rejects("t", value):
        detector.heartbeat(value)
    detector.heartbeat(1.0)
    with rejects("t", value):
        detector.is_available(value)


@pytest.mark.parametrize("factory", FACTORIES)
def test_detectors_reject_times_earlier_than_the_last_heartbeat(
    factory: Callable[[], FailureDetector],
) -> None:
    detector = factory()
    detector.heartbeat(5.0)
    detector.heartbeat(5.0)  # the same time again is in order
    for ask in (detector.heartbeat, detector.is_available, detector.suspect):
        with pytest.raises(ValueError, match=re.escape("t=4.0 is not allowed")) as caught:
            ask(4.0)
        assert ">= 5.0 (the last heartbeat" in str(caught.value)
    if isinstance(detector, PhiAccrualDetector):
        with rejects("t", 4.0):
            detector.phi(4.0)


def test_timeout_detector_rejects_a_heartbeat_before_start() -> None:
    with rejects("t", 9.0):
        FixedTimeoutDetector(1.0, start=10.0).heartbeat(9.0)
