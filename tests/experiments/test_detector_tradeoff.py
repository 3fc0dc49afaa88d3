"""Tests for distsys_edu.experiments.detector_tradeoff: detect fast, or suspect rarely."""

from __future__ import annotations

import json
import random

import pytest

from distsys_edu.experiments.detector_tradeoff import (
    DETECTOR_KINDS,
    default_thresholds,
    detector_tradeoff,
    heartbeat_arrivals,
)
from distsys_edu.runtime import Constant, InvalidArgument, LogNormal

SMALL = {"duration": 120.0, "runs": 3, "progress": False}


def arrivals(**overrides: object) -> list[float]:
    settings: dict[str, object] = {
        "interval": 0.1,
        "latency": Constant(0.01),
        "loss": 0.0,
        "pause_every": None,
        "pause": (0.0, 0.0),
        "crash_at": 1.05,
    }
    settings.update(overrides)
    return heartbeat_arrivals(random.Random(0), **settings)  # type: ignore[arg-type]


def test_arrivals_follow_the_tick_grid_until_the_crash() -> None:
    got = arrivals()
    assert got == pytest.approx([k * 0.1 + 0.01 for k in range(1, 11)])


def test_a_paused_sender_sends_once_on_resume_then_keeps_the_grid() -> None:
    got = heartbeat_arrivals(
        random.Random(1),
        interval=0.1,
        latency=Constant(0.0),  # arrival = send
        loss=0.0,
        pause_every=1.0,
        pause=(0.25, 0.25),
        crash_at=20.0,
    )
    assert got == sorted(got) and got[-1] < 20.0
    resumes = [i for i, t in enumerate(got) if abs(t / 0.1 - round(t / 0.1)) > 1e-6]
    assert resumes  # some heartbeats were sent on resume, off the grid
    for i in resumes:
        # The pause began after the previous tick and lasted 0.25 s.
        assert 0.25 < got[i] - got[i - 1] <= 0.35 + 1e-9
        if i + 1 < len(got) and i + 1 not in resumes:
            assert got[i + 1] == pytest.approx((int(got[i] / 0.1) + 1) * 0.1)


def test_loss_drops_heartbeats() -> None:
    assert arrivals(loss=1.0) == []
    kept = arrivals(loss=0.5, crash_at=100.0)
    assert 300 < len(kept) < 700


def test_arrivals_after_the_crash_are_in_flight_heartbeats() -> None:
    got = arrivals(latency=Constant(0.5), crash_at=1.05)
    assert got[-1] == pytest.approx(1.5)  # sent at 1.0, before the crash


def test_longer_timeouts_detect_later_but_suspect_less() -> None:
    result = detector_tradeoff("fixed", [0.15, 0.3, 1.0, 2.0], seed=1, **SMALL)
    rows = result.rows
    detection = [r["mean_detection_ms"] for r in rows]
    false = [r["false_suspicions"] for r in rows]
    assert detection == sorted(detection)
    assert false == sorted(false, reverse=True)
    assert false[0] > 0 and false[-1] == 0
    # A fixed timeout detects a crash within timeout - interval + latency.
    for row in rows:
        timeout_ms = row["threshold"] * 1e3
        assert timeout_ms - 100 <= row["mean_detection_ms"] <= timeout_ms + 50


def test_phi_thresholds_trade_the_same_way() -> None:
    result = detector_tradeoff("phi", [1.0, 3.0, 8.0, 16.0], seed=1, **SMALL)
    detection = [r["mean_detection_ms"] for r in result.rows]
    false = [r["false_suspicions_per_hour"] for r in result.rows]
    assert detection == sorted(detection)
    assert false == sorted(false, reverse=True)


def test_adaptive_timeouts_learn_from_mistakes() -> None:
    fixed = detector_tradeoff("fixed", [0.15], seed=2, **SMALL).rows[0]
    adaptive = detector_tradeoff("adaptive", [0.15], seed=2, **SMALL).rows[0]
    assert adaptive["false_suspicions"] < fixed["false_suspicions"]
    assert adaptive["mean_detection_ms"] > fixed["mean_detection_ms"]


def test_no_faults_no_false_suspicions_with_a_safe_timeout() -> None:
    result = detector_tradeoff(
        "fixed", [0.2], latency=(0.005, 0.010), loss=0.0, pause_every=None, seed=0, **SMALL
    )
    assert result.rows[0]["false_suspicions"] == 0


def test_same_seed_same_rows_and_plain_json() -> None:
    for kind in DETECTOR_KINDS:
        a = detector_tradeoff(kind, seed=5, **SMALL).to_dict()
        b = detector_tradeoff(kind, seed=5, **SMALL).to_dict()
        assert a == b
        assert json.loads(json.dumps(a, allow_nan=False)) == a
        assert len(a["rows"]) == len(default_thresholds(kind, 0.1))


def test_any_latency_distribution() -> None:
    result = detector_tradeoff("fixed", [0.5], latency=LogNormal(0.02, 0.5), seed=0, **SMALL)
    assert result.rows[0]["mean_detection_ms"] > 0


def test_progress_bar_goes_to_stderr_only(capsys: pytest.CaptureFixture[str]) -> None:
    detector_tradeoff("fixed", [0.5], duration=10.0, runs=2, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "detector-tradeoff" in captured.err


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("psychic",), {}, "kind='psychic' is not allowed: must be one of fixed, adaptive, phi"),
        (("fixed", []), {}, "thresholds=[] is not allowed"),
        (("fixed", [-1.0]), {}, "thresholds=-1.0 is not allowed: must be a finite number > 0"),
        (("fixed",), {"interval": 0}, "interval=0 is not allowed"),
        (("fixed",), {"loss": 1.5}, "loss=1.5 is not allowed: must be a probability"),
        (("fixed",), {"latency": (0.05, 0.01)}, "latency=(0.05, 0.01) is not allowed"),
        (("fixed",), {"pause": (1.0, 0.1)}, "pause=(1.0, 0.1) is not allowed"),
        (("fixed",), {"runs": 0}, "runs=0 is not allowed: must be an int from 1 to 1,000,000,000"),
        (("fixed",), {"options": {"x": 1}}, "options={'x': 1} is not allowed"),
        (("phi",), {"options": {"bogus": 1}}, "options={"),
        (("phi",), {"options": {"min_std": -1}}, "min_std=-1 is not allowed"),
    ],
)
def test_bad_input_is_a_clear_error(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgument) as info:
        detector_tradeoff(*args, progress=False, **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)
