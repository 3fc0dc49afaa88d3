"""election_time(jobs=...) and the other sweeps: the same result with worker processes."""

from __future__ import annotations

import json

import pytest

from distsys_edu.cli import main
from distsys_edu.experiments.detector_tradeoff import detector_tradeoff
from distsys_edu.experiments.election_messages import election_messages, election_messages_by_size
from distsys_edu.experiments.election_time import election_time


def test_two_workers_give_exactly_the_result_of_one() -> None:
    one = election_time(trials=30, seed=4, progress=False)
    two = election_time(trials=30, seed=4, progress=False, jobs=2)
    assert json.dumps(one.to_dict(per_trial=True)) == json.dumps(two.to_dict(per_trial=True))


def test_detector_tradeoff_with_workers_is_the_same() -> None:
    small = {"duration": 30.0, "runs": 6, "seed": 2, "progress": False}
    assert (
        detector_tradeoff("phi", **small).to_dict()
        == detector_tradeoff("phi", jobs=2, **small).to_dict()
    )


def test_message_counts_by_size_match_one_election_each() -> None:
    by_size = election_messages_by_size("bully", [3, 5], initiator="lowest", jobs=2)
    assert by_size == {n: election_messages("bully", n, initiator="lowest") for n in (3, 5)}


def test_the_command_line_prints_the_same_json_for_any_jobs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    printed = []
    for jobs in ("1", "2"):
        for argv in (
            ["explore", "bully", "--runs", "6", "--seed", "2"],
            ["experiment", "election-time", "--trials", "8", "--distribution"],
        ):
            assert main([*argv, "--json", "--jobs", jobs]) == 0
            printed.append(capsys.readouterr().out)
    assert printed[:2] == printed[2:]
    assert main(["explore", "raft", "--runs", "2", "--jobs", "-1"]) == 2
    assert "--jobs=-1 is not allowed" in capsys.readouterr().err
