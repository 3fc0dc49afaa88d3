"""The stored Figure 16 sweep of lesson 05 is what the simulator computes today."""

from __future__ import annotations

import json
import math

from distsys_edu.experiments.election_time import ElectionTimeResult, election_time
from distsys_edu.experiments.figure16 import BOTTOM, STORED, TOP, figure16_sweep, stored_data


def test_the_stored_sweep_is_what_a_recomputation_gives():
    stored = json.loads(STORED.read_text(encoding="utf-8"))
    again = stored_data(figure16_sweep(recompute=True, jobs=1, progress=False))
    assert again == stored, (
        "the simulator's Figure 16 numbers changed: regenerate them with "
        "'PYTHONPATH=. python -m distsys_edu.experiments.figure16', rebuild lesson 05 "
        "and check that its text still says what they show"
    )


def test_reading_the_stored_sweep_gives_every_range_back_whole():
    sweep = figure16_sweep()
    assert list(sweep) == list(dict.fromkeys(TOP + BOTTOM))
    assert stored_data(sweep) == json.loads(STORED.read_text(encoding="utf-8"))
    stuck = sweep[(0.150, 0.150)]
    assert stuck.unfinished == stuck.trials and math.isinf(stuck.median_ms)
    assert math.isnan(stuck.mean_finished_ms) and stuck.times_ms == []


def test_a_result_survives_its_plain_data():
    result = election_time(timeout=(0.150, 0.155), trials=8, max_election_time=1.0, progress=False)
    assert result.unfinished and result.unfinished < result.trials  # both kinds of trial
    back = ElectionTimeResult.from_dict(result.to_dict())
    assert back.to_dict() == result.to_dict()
    assert back.median_ms == result.median_ms and back.timeout_ms == result.timeout_ms
