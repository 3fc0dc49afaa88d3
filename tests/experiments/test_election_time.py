"""Tests for distsys_edu.experiments.election_time (the Raft paper's Figure 16).

Trial counts are small here; docs/figure16.md has the 1,000-trial figures.
"""

from __future__ import annotations

import json
import math

import pytest
from determinism import run_python

from distsys_edu.checks import leader_known_by_all
from distsys_edu.experiments.election_time import (
    ElectionTimeResult,
    election_time,
    simulate_trial,
    trial_seed,
)
from distsys_edu.runtime import InvalidArgument

FAST = {"progress": False}


@pytest.fixture(scope="module")
def wide() -> ElectionTimeResult:
    """150-300 ms, the paper's recommended range."""
    return election_time(trials=60, seed=1, **FAST)


@pytest.fixture(scope="module")
def none() -> ElectionTimeResult:
    """150-150 ms: no randomness at all (trials give up after 3 s of virtual time)."""
    return election_time(timeout=(0.150, 0.150), trials=10, seed=1, max_election_time=3.0, **FAST)


def test_no_randomness_splits_votes_far_more_often(
    wide: ElectionTimeResult, none: ElectionTimeResult
) -> None:
    assert none.split_vote_rate >= 0.9
    assert wide.split_vote_rate <= 0.2
    assert none.split_vote_rate > 4 * wide.split_vote_rate


def test_no_randomness_elects_far_later(wide: ElectionTimeResult, none: ElectionTimeResult) -> None:
    # An unfinished trial took longer than its 3 s limit: count it as 3 s, a lower bound.
    lower_bounds = [*none.times_ms, *[3000.0] * none.unfinished]
    assert min(lower_bounds) > wide.p99_ms
    assert sum(lower_bounds) / len(lower_bounds) > 5 * wide.mean_ms


def test_a_little_randomness_still_splits_more_than_a_lot() -> None:
    narrow = election_time(timeout=(0.150, 0.155), trials=30, seed=2, **FAST)
    wide = election_time(timeout=(0.150, 0.300), trials=30, seed=2, **FAST)
    assert narrow.split_vote_rate > wide.split_vote_rate
    assert narrow.mean_terms > wide.mean_terms
    assert narrow.median_ms > wide.median_ms


def test_wide_range_elects_within_a_few_hundred_ms(wide: ElectionTimeResult) -> None:
    assert wide.unfinished == 0
    assert len(wide.times_ms) == wide.trials == 60
    assert 100 <= wide.median_ms <= 400
    assert wide.max_ms < 1000
    # Nobody can be elected before a follower times out: about half the lowest
    # timeout after the crash at the earliest (the paper's "smallest possible downtime").
    assert wide.min_ms > 75
    assert 1.0 <= wide.mean_terms < 1.5
    assert wide.min_ms <= wide.median_ms <= wide.p99_ms <= wide.max_ms


def test_same_seed_same_result_other_seed_other_result() -> None:
    a = election_time(trials=15, seed=7, **FAST).to_dict(per_trial=True)
    b = election_time(trials=15, seed=7, **FAST).to_dict(per_trial=True)
    c = election_time(trials=15, seed=8, **FAST).to_dict(per_trial=True)
    assert a == b
    assert a["times_ms"] != c["times_ms"]


def test_same_result_under_any_hash_seed() -> None:
    code = (
        "import json; from distsys_edu.experiments.election_time import election_time, "
        "trial_seed; print(json.dumps(election_time(trials=5, seed=3, progress=False)"
        ".to_dict())); print([trial_seed(0, 0), trial_seed(3, 4)])"
    )
    outputs = {run_python(code, hashseed=hash_seed) for hash_seed in ("0", "1", "12345")}
    assert len(outputs) == 1
    # ... and the same as in this process
    here = json.dumps(election_time(trials=5, seed=3, **FAST).to_dict())
    assert outputs == {f"{here}\n{[trial_seed(0, 0), trial_seed(3, 4)]}\n"}


def test_trial_seeds_are_distinct_and_stable() -> None:
    seeds = {trial_seed(s, i) for s in range(3) for i in range(100)}
    assert len(seeds) == 300
    assert all(0 <= s < 2**63 for s in seeds)


def test_the_time_is_exact_and_agrees_with_the_trace_checker() -> None:
    for index in range(5):
        seed = trial_seed(11, index)
        counted, _ = simulate_trial(seed)
        traced, sim = simulate_trial(seed, trace="full")
        assert counted == traced  # tracing never changes what happens
        done_at = traced.crash_at + traced.time_ms / 1e3
        agreement = leader_known_by_all(sim.trace, since=traced.crash_at)
        assert agreement is not None
        assert agreement.leader == traced.leader != traced.crashed
        assert math.isclose(agreement.t, done_at, rel_tol=0, abs_tol=1e-9)
        # The moment is an annotate event: the new leader's last follower hearing of it.
        annotations = sim.trace.events("annotate", since=done_at, until=done_at)
        assert annotations


def test_split_vote_and_terms_are_read_from_the_terms() -> None:
    trials = [simulate_trial(trial_seed(5, i), timeout=(0.150, 0.155))[0] for i in range(10)]
    for trial in trials:
        assert trial.finished
        assert trial.terms >= 1
        if trial.terms == 1:
            assert not trial.split_vote  # the first term elected the leader
    assert any(t.split_vote for t in trials)


def test_to_dict_is_plain_json(wide: ElectionTimeResult, none: ElectionTimeResult) -> None:
    for result in (wide, none):
        data = result.to_dict(per_trial=True)
        text = json.dumps(data, allow_nan=False)
        assert json.loads(text) == data
        for key in (
            "trials",
            "mean_ms",
            "median_ms",
            "p99_ms",
            "max_ms",
            "split_vote_rate",
            "mean_terms",
            "times_ms",
            "unfinished",
        ):
            assert key in data
    nothing = none.to_dict()
    assert none.unfinished == none.trials  # no trial elected anyone within its 3 s
    assert nothing["mean_ms"] is None and nothing["times_ms"] == []


def test_a_lone_node_has_nobody_to_elect() -> None:
    result = election_time(nodes=1, trials=2, max_election_time=1.0, **FAST)
    assert result.unfinished == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": (0.3, 0.15)}, "timeout=(0.3, 0.15) is not allowed: must have low <= high"),
        ({"timeout": (0.0, 0.15)}, "timeout=(0.0, 0.15) is not allowed"),
        ({"timeout": "fast"}, "timeout='fast' is not allowed"),
        ({"nodes": 0}, "nodes=0 is not allowed: must be an int from 1 to 1,000,000,000"),
        ({"nodes": 2.5}, "nodes=2.5 is not allowed"),
        ({"trials": 0}, "trials=0 is not allowed: must be an int from 1 to 1,000,000,000"),
        ({"latency": (-0.001, 0.01)}, "latency=(-0.001, 0.01) is not allowed"),
        ({"latency": (0.01, 0.005)}, "latency=(0.01, 0.005) is not allowed: must have low"),
        ({"heartbeat": 0.2}, "heartbeat=0.2 is not allowed: must be seconds > 0 and shorter"),
        ({"heartbeat": -1}, "heartbeat=-1 is not allowed"),
        ({"protocol": "paxos"}, "protocol='paxos' is not allowed: must be one of raft"),
        ({"protocol": "bully"}, "protocol='bully' is not allowed"),
        ({"seed": "x"}, "seed='x' is not allowed: must be an int"),
        ({"max_election_time": 0}, "max_election_time=0 is not allowed"),
    ],
)
def test_bad_input_names_the_parameter_and_what_is_allowed(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgument) as info:
        election_time(**{"trials": 1, **FAST, **kwargs})  # type: ignore[arg-type]
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_progress_bar_goes_to_stderr_only(capsys: pytest.CaptureFixture[str]) -> None:
    election_time(trials=3, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "election-time" in captured.err


def test_unfinished_trials_count_as_longer_than_any_finished() -> None:
    result = election_time(timeout=(0.150, 0.155), trials=20, seed=3, max_election_time=1.5, **FAST)
    assert 0 < result.unfinished < result.trials
    assert len(result.times_ms) == result.trials - result.unfinished
    assert math.isinf(result.max_ms) and math.isinf(result.mean_ms)
    assert math.isfinite(result.mean_finished_ms)
    assert max(result.times_ms) <= 1500 + 1e-6
    ordered = sorted(result.times_ms) + [math.inf] * result.unfinished
    middle = ordered[9:11]  # 20 trials: the median is the mean of the 10th and 11th
    expected = math.inf if math.inf in middle else sum(middle) / 2
    assert result.median_ms == expected
    data = result.to_dict()
    assert data["max_ms"] is None and data["mean_ms"] is None
    assert data["mean_finished_ms"] == result.mean_finished_ms
