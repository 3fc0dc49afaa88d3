"""The one-pass walker agrees with snapshot_at, and reads the trace the fast way."""

from __future__ import annotations

import bisect
import random

import pytest

from distsys_edu.checks import ClusterState, instants, last_fault_time
from distsys_edu.checks.cluster_state import (
    STATE_KINDS,
    agreed_leader,
    as_names,
    snapshot_state,
    state_events,
)
from distsys_edu.protocols import spawn
from distsys_edu.runtime import LinkConfig, Sim, Uniform, snapshot_at

FAULTS = [
    "1 partition n1,n2|n3,n4,n5",
    "1.5 pause n3 0.7",
    "2 crash n2",
    "2.5 heal",
    "3 restart n2",
    "3.2 one_way n4|n1",
    "3.3 loss 0.2",
    "4 crash n1",
    "4.5 heal",
    "5 loss 0",
]


def faulty_raft(seed: int = 7) -> Sim:
    sim = Sim(seed=seed, network=LinkConfig(latency=Uniform(0.001, 0.01)), faults=FAULTS)
    spawn(sim, "raft", 5)
    sim.run(until=6)
    return sim


def test_the_walker_matches_snapshot_at_every_instant() -> None:
    sim = faulty_raft()
    seen = [
        (t, dict(state.status), {k: dict(v) for k, v in state.notes.items()}, set(state.blocked))
        for t, _, state in instants(sim.trace)
    ]
    times = [s[0] for s in seen]
    assert times == sorted(set(times))
    rng = random.Random(1)
    probes = [*times[:: max(1, len(times) // 40)], *(rng.uniform(0, 6) for _ in range(40))]
    for t in probes:
        snap = snapshot_at(sim.trace, t)
        _, status, notes, blocked = seen[bisect.bisect_right(times, t) - 1]
        assert status == {n: v.status for n, v in snap.nodes.items()}, t
        assert notes == {n: v.annotations for n, v in snap.nodes.items()}, t
        assert blocked == set(snap.blocked), t
        assert agreed_leader(status, notes) == agreed_leader(*snapshot_state(snap))


def test_state_events_read_fast_give_the_same_events_as_the_public_way() -> None:
    trace = faulty_raft().trace
    public = [
        (e.index, e.t, e.kind, e.node, e.peer, e.data) for e in trace if e.kind in STATE_KINDS
    ]
    assert [tuple(e) for e in state_events(trace)] == public
    assert state_events(trace) is state_events(trace)  # decoded once per trace
    assert len(public) < len(trace) / 2  # most of a trace is messages and timers


def test_a_growing_trace_is_read_afresh() -> None:
    sim = Sim(seed=0)
    spawn(sim, "raft", 3)
    sim.run(until=1)
    first = len(state_events(sim.trace))
    sim.crash("n1")
    sim.run(until=2)
    assert len(state_events(sim.trace)) > first


def test_last_fault_time_includes_the_end_of_a_pause() -> None:
    assert last_fault_time(faulty_raft().trace) == 5.0
    sim = Sim(seed=0, faults=["1 crash n1", "2 pause n2 3"])
    spawn(sim, "raft", 3)
    sim.run(until=8)
    assert last_fault_time(sim.trace) == 5.0
    quiet = Sim(seed=0)
    spawn(quiet, "raft", 3)
    quiet.run(until=1)
    assert last_fault_time(quiet.trace) is None


def test_cluster_state_answers_questions() -> None:
    sim = Sim(seed=0, faults=["0.5 partition n1|n2", "0.6 pause n3 1"])
    spawn(sim, "raft", 3)
    sim.run(until=1)
    state = ClusterState()
    for e in state_events(sim.trace):
        state.apply(e)
    assert state.up() == ["n1", "n2"]
    assert not state.can_reach("n1", "n2") and state.can_reach("n1", "n3")
    assert state.suspects("n1") == as_names(sim.annotations("n1").get("suspects"))
    assert state.suspects("n1") == {"n3"}  # the paused leader's silence made n1 stand
    assert set(state.leaders()) <= {"n1", "n2"}


@pytest.mark.parametrize(
    ("value", "names"),
    [
        (None, set()),
        ((), set()),
        (["a"], {"a"}),
        (("a", "b"), {"a", "b"}),
        ({"a"}, {"a"}),
        ("a", {"a"}),
    ],
)
def test_suspects_may_be_any_collection(value: object, names: set[str]) -> None:
    assert as_names(value) == frozenset(names)
