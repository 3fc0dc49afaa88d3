"""A real cluster's pause has no duration (it lasts until resumed): the story and the
timeline read such a trace as they read a simulated one."""

from __future__ import annotations

import io
import json

import matplotlib

from distsys_edu import Sim, Trace
from distsys_edu.protocols import spawn
from distsys_edu.viz import read_story, timeline

matplotlib.use("Agg")


def test_a_pause_without_duration_is_told_and_drawn():
    sim = Sim(seed=1, faults=["0.5 pause n1 0.3"])
    spawn(sim, "raft", 3)
    sim.run(until=1.0)
    rows = [json.loads(line) for line in sim.trace.to_jsonl_string().splitlines()]
    for row in rows:
        if row.get("kind") == "pause":
            del row["data"]  # as distsys_edu.net's launcher records it
    real_like = Trace.from_jsonl(io.StringIO("\n".join(json.dumps(r) for r in rows)))
    told = [e for e in read_story(real_like).entries if e.subject == "n1"]
    assert ("pauses",) in [e.clauses for e in told]
    assert ("pauses for 0.3 s",) in [e.clauses for e in read_story(sim.trace).entries]
    assert timeline(real_like, start=0.4, end=0.9).messages


def test_the_time_axis_says_which_clock_it_counts():
    sim = Sim(seed=1)
    spawn(sim, "raft", 3)
    sim.run(until=0.5)
    rows = [json.loads(line) for line in sim.trace.to_jsonl_string().splitlines()]
    rows[0]["net"] = {"protocol": "raft", "options": {}, "host": "127.0.0.1"}  # as merged
    real_like = Trace.from_jsonl(io.StringIO("\n".join(json.dumps(r) for r in rows)))
    simulated = timeline(sim.trace, start=0, end=0.5).ax.get_xlabel()
    real = timeline(real_like, start=0, end=0.5).ax.get_xlabel()
    assert simulated.startswith("virtual time (s)")
    assert real.startswith("time since the cluster started (s)")
