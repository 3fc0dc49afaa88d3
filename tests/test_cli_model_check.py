"""``distsys-edu model-check``: the summary, --json, and bad input."""

from __future__ import annotations

import json

import pytest

from distsys_edu.cli import main


def test_json_is_the_result_and_the_same_bytes_twice(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for _ in range(2):
        assert main(["model-check", "raft", "--max-depth", "3", "--json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    assert data["states"] == 15 and data["exhausted"] and data["at_max_depth"] > 0
    assert data["bounds"]["max_depth"] == 3 and data["symmetry"] is True


def test_the_summary_names_the_bounds_and_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model-check", "ring", "--max-depth", "1", "--no-symmetry"]) == 0
    out = capsys.readouterr().out
    assert "model_check ring: 3 nodes, bounds: max_depth=1" in out
    assert "one_leader_per_term: holds" in out


def test_a_bad_bound_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model-check", "raft", "--max-lost", "-1", "--json"]) == 2
    assert "max_lost=-1 is not allowed" in capsys.readouterr().err
