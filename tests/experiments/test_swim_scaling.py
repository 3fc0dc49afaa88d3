"""Tests for distsys_edu.experiments.swim_scaling: the paper's expectation, the
measurements against it, bad input, and the ``experiment swim-scaling`` command."""

from __future__ import annotations

import itertools
import json
import math

import pytest

from distsys_edu import InvalidArgument
from distsys_edu.cli import main
from distsys_edu.experiments.swim_scaling import (
    LIMIT_E,
    expected_first_detection,
    swim_scaling,
)


def test_the_expected_first_detection_grows_towards_e_over_e_minus_1() -> None:
    expected = [expected_first_detection(n) for n in range(2, 300)]
    assert expected[0] == 1.0  # one live member pings the only other, every period
    assert all(a < b < LIMIT_E for a, b in itertools.pairwise(expected))
    assert expected_first_detection(10**6) == pytest.approx(LIMIT_E, abs=1e-6)
    assert pytest.approx(1.582, abs=1e-3) == LIMIT_E


def test_measured_first_detection_matches_the_analysis_and_load_stays_flat() -> None:
    result = swim_scaling([8, 40], runs=60, seed=1, progress=False)
    for row in result.rows:
        # The mean of a geometric wait within four standard errors of its expectation.
        q = 1 / row["expected_first_detection_periods"]
        standard_error = math.sqrt((1 - q) / q**2 / row["runs"])
        assert abs(row["mean_first_detection_periods"] - 1 / q) < 4 * standard_error
        assert row["unfinished"] == 0
        firsts, everyone = row["first_detection_periods"], row["all_know_periods"]
        assert all(1 <= f <= a for f, a in zip(firsts, everyone, strict=True))
        # A Ping and an Ack a member a period, plus the crashed member's indirect probes.
        assert 2.0 < row["messages_per_member_per_period"] < 2.0 + 2 * 3
    small, large = result.rows
    assert large["messages_per_member_per_period"] < small["messages_per_member_per_period"]
    assert large["mean_all_know_periods"] > small["mean_all_know_periods"]  # about log n


def test_round_robin_can_be_measured_too_and_the_seed_decides() -> None:
    first = swim_scaling([6], runs=5, seed=3, ping_targets="round-robin", progress=False)
    again = swim_scaling([6], runs=5, seed=3, ping_targets="round-robin", progress=False)
    assert first.to_dict() == again.to_dict()
    assert first.ping_targets == "round-robin"
    # Round-robin: every live member pings the crashed one within its next pass.
    assert max(first.rows[0]["first_detection_periods"]) <= 2 * (6 - 1) - 1


def test_a_run_that_gives_up_is_counted_unfinished() -> None:
    row = swim_scaling([60], runs=2, max_periods=1, progress=False).rows[0]
    assert row["unfinished"] == 2 and row["all_know_periods"] == [None, None]
    assert math.isnan(row["mean_all_know_periods"])
    assert json.dumps(swim_scaling([60], runs=1, max_periods=1, progress=False).to_dict())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"nodes": [1]}, "nodes=1 is not allowed: must be an int >= 2"),
        ({"nodes": []}, "nodes=[] is not allowed"),
        ({"runs": 0}, "runs=0 is not allowed: must be an int >= 1"),
        ({"max_periods": 1.5}, "max_periods=1.5 is not allowed"),
        ({"ping_targets": "gossip"}, "ping_targets='gossip' is not allowed: must be one of"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    options: dict[str, object] = {"nodes": [5], "progress": False, **kwargs}
    with pytest.raises(InvalidArgument, match=message.replace("[", r"\[").replace("]", r"\]")):
        swim_scaling(**options)  # type: ignore[arg-type]


def test_the_command_prints_json_or_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["experiment", "swim-scaling", "--nodes", "5,12", "--runs", "3"]
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [row["nodes"] for row in data["rows"]] == [5, 12]
    assert data["ping_targets"] == "random" and data["runs"] == 3
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert "first detection (paper)" in table and "e/(e-1) = 1.582" in table


def test_the_command_refuses_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "swim-scaling", "--nodes", "10,ten"]) == 2
    assert "--nodes='10,ten' is not allowed: must be ints separated by commas" in (
        capsys.readouterr().err
    )
