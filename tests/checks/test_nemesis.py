"""Faults aimed at the leader: resolved when they fire, recorded, replayed, shrunk; and
with them explore finds Raft's Figure 8 bug that random faults miss."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from determinism import run_python

from distsys_edu.checks import (
    DEFAULT_INVARIANTS,
    ISOLATE_THE_LEADER,
    FaultMix,
    explore,
    random_schedule,
    replay_snippet,
    run_once,
    run_seed,
    state_machine_safety,
)
from distsys_edu.checks.named_invariants import invariant
from distsys_edu.checks.runs import network_for
from distsys_edu.protocols.raftlog import spawn_cluster
from distsys_edu.protocols.raftlog.old_terms import spawn_commits_old_terms
from distsys_edu.runtime import FaultSchedule, Sim, Trace
from distsys_edu.runtime.errors import FaultScheduleError, InvalidArgument

LOG_CHECKS = ["state_machine_safety", "committed_never_lost", "leader_completeness"]
FIGURE8 = {"nodes": 3, "options": {"clients": 1}}


def leaders_at(trace: Trace, t: float) -> dict[str, int]:
    """Who published role=leader (and its term) by time ``t``, read from the trace
    itself, not by the code under test; crashed nodes are left out."""
    notes: dict[str, dict[str, Any]] = {}
    for e in trace:
        if e.t > t:
            break
        if e.kind == "annotate" and e.node is not None:
            notes.setdefault(e.node, {}).update(e.data)
        elif e.kind == "crash" and e.node is not None:
            notes.pop(e.node, None)
    return {n: v["term"] for n, v in notes.items() if v.get("role") == "leader"}


def events(trace: Trace, kind: str) -> list[tuple[float, str | None]]:
    return [(e.t, e.node) for e in trace if e.kind == kind]


@pytest.mark.parametrize("seed", range(6))
def test_crash_at_leader_hits_whoever_leads_then(seed: int) -> None:
    calm = run_once("raft", seed, [], duration=3.0)
    (leader,) = leaders_at(calm.trace, 3.0)
    sim = run_once("raft", seed, ["3 crash @leader"], duration=6.0)
    assert events(sim.trace, "crash") == [(3.0, leader)]
    assert sim.trace.meta["targets"] == [f"3 crash @leader -> 3 crash {leader}"]
    assert str(sim.fault_history) == f"3 crash {leader}"


def test_of_two_leaders_the_one_of_the_higher_term_is_hit() -> None:
    calm = run_once("raft", 7, [], duration=2.0)
    (old,) = leaders_at(calm.trace, 2.0)
    others = ",".join(n for n in ("n1", "n2", "n3", "n4", "n5") if n != old)
    cut = [f"2 partition {old}|{others}", "3 pause @leader 1s"]
    sim = run_once("raft", 7, cut, duration=5.0)
    leading = leaders_at(sim.trace, 3.0)
    assert old in leading and len(leading) == 2  # the deposed one does not know yet
    newest = max(leading, key=lambda n: leading[n])
    assert newest != old
    assert events(sim.trace, "pause") == [(3.0, newest)]


def test_a_fault_with_no_one_to_hit_is_skipped_and_recorded() -> None:
    sim = run_once("raft", 7, ["0.01 crash @leader", "0.02 restart @down"], duration=2.0)
    assert sim.trace.meta["targets"] == [
        "0.01 crash @leader -> skipped: nobody leads",
        "0.02 restart @down -> skipped: nobody is down",
    ]
    assert events(sim.trace, "crash") == [] and len(sim.fault_history) == 0


def test_restart_at_down_brings_back_the_crashed_leader() -> None:
    sim = run_once("raft", 7, ["3 crash @leader", "4 restart @down"], duration=6.0)
    ((_, leader),) = events(sim.trace, "crash")
    assert events(sim.trace, "restart") == [(4.0, leader)]


def test_isolating_the_leader_replaces_the_last_partition() -> None:
    schedule = ["2 partition @leader|@others", "4 partition @leader|@others"]
    sim = run_once(spawn_cluster, 3, schedule, **FIGURE8, duration=6.0)
    first, second = (line.split(" -> ")[1] for line in sim.trace.meta["targets"])
    assert first.startswith("2 heal; 2 partition ") and second.startswith("4 heal; 4 partition ")
    cut_off = [line.split("partition ")[1].split("|")[0] for line in (first, second)]
    assert cut_off[0] != cut_off[1]  # the second leader, elected while the first was cut off
    assert [e.t for e in sim.trace if e.kind == "heal"] == [2.0, 4.0]


def test_the_same_seed_gives_the_same_trace_and_the_history_replays_it() -> None:
    schedule = random_schedule(11, ["n1", "n2", "n3"], 15.0, ISOLATE_THE_LEADER)
    one = run_once(spawn_commits_old_terms, 11, schedule, **FIGURE8)
    two = run_once(spawn_commits_old_terms, 11, schedule, **FIGURE8)
    assert one.trace.digest() == two.trace.digest()
    code = (
        "from distsys_edu.checks import ISOLATE_THE_LEADER, random_schedule, run_once\n"
        "from distsys_edu.protocols.raftlog.old_terms import spawn_commits_old_terms\n"
        "s = random_schedule(11, ['n1', 'n2', 'n3'], 15.0, ISOLATE_THE_LEADER)\n"
        "sim = run_once(spawn_commits_old_terms, 11, s, nodes=3, options={'clients': 1})\n"
        "print(sim.trace.digest())"
    )
    assert run_python(code, hashseed="99").strip() == one.trace.digest()
    # The plain faults the targets became replay the run in a bare Sim.
    bare = Sim(
        seed=11, trace="full", network=network_for((0.001, 0.01))[0], faults=one.fault_history
    )
    spawn_commits_old_terms(bare, 3, clients=1)
    bare.run(until=15.0)
    assert list(bare.trace.lines())[1:] == list(one.trace.lines())[1:]


@pytest.mark.parametrize(
    ("fault", "wrong"),
    [
        ("1 crash @boss", "@boss"),
        ("1 restart @leader", "@leader"),
        ("1 partition @leader|n2", "@leader|@others"),
        ("1 crash @others", "@others"),
    ],
)
def test_a_target_where_it_does_not_fit_is_refused_by_name(fault: str, wrong: str) -> None:
    with pytest.raises(FaultScheduleError, match=wrong):
        run_once("raft", 1, [fault], duration=2.0)


def test_a_fault_mix_target_is_leader_or_none() -> None:
    with pytest.raises(InvalidArgument, match="target='follower' is not allowed"):
        FaultMix(target="follower")
    drawn = random_schedule(5, ["n1", "n2", "n3"], 15.0, replace(ISOLATE_THE_LEADER, crash=1))
    names = {n for f in drawn for a in f.args for n in (a if isinstance(a, tuple) else (a,))}
    assert {"@leader", "@down"} & {str(n) for n in names}
    assert not {"n1", "n2", "n3"} & {str(n) for n in names}


def test_explore_finds_figure8_with_the_leader_isolated_and_shrinks_it() -> None:
    result = explore(
        spawn_commits_old_terms,
        runs=20,
        faults=ISOLATE_THE_LEADER,
        invariants=["state_machine_safety"],
        max_shrink=1,
        progress=False,
        **FIGURE8,
    )
    assert result.violations["state_machine_safety"] >= 5  # 8 of 20 when written
    first = next(c for c in result.counterexamples if c.invariant == "state_machine_safety")
    assert first.minimal is not None and 3 <= len(first.minimal) <= 6
    assert all("@leader|@others" in str(f) for f in first.minimal)
    again = run_once(spawn_commits_old_terms, first.seed, first.minimal, **FIGURE8)
    assert state_machine_safety(again.trace)[0] == first.minimal_violation
    namespace: dict[str, Any] = {}
    exec(compile(first.replay, "replay", "exec"), namespace)  # the snippet replays it
    assert namespace["violations"][0] == first.minimal_violation


def log_violations(spawn: Any, faults: FaultMix) -> int:
    """How many of 20 Figure 8 runs of ``spawn`` under ``faults`` break a LOG_CHECKS
    invariant (no shrinking)."""
    result = explore(
        spawn,
        runs=20,
        faults=faults,
        invariants=LOG_CHECKS,
        max_shrink=0,
        progress=False,
        **FIGURE8,
    )
    return sum(result.violations.values())


@pytest.mark.parametrize("noop", [False, True])
def test_the_correct_rule_survives_the_same_runs(noop: bool) -> None:
    def correct(sim: Sim, nodes: Any = 3, **options: Any) -> list[str]:
        return spawn_cluster(sim, nodes, noop=noop, **options)

    assert log_violations(correct, ISOLATE_THE_LEADER) == 0


def test_the_same_faults_on_random_servers_miss_it() -> None:
    assert log_violations(spawn_commits_old_terms, replace(ISOLATE_THE_LEADER, target=None)) == 0


def test_a_replay_snippet_of_a_targeted_schedule_runs_through_run_once() -> None:
    snippet = replay_snippet(
        "raft",
        7,
        FaultSchedule(["3 crash @leader"]),
        invariant("one_leader_per_term"),
        duration=6.0,
    )
    assert "run_once(" in snippet and '"3 crash @leader"' in snippet
    namespace: dict[str, Any] = {}
    exec(compile(snippet, "replay", "exec"), namespace)
    assert namespace["sim"].trace.meta["targets"][0].startswith("3 crash @leader -> 3 crash n")


def test_the_step_mode_replays_a_targeted_counterexample_to_its_violation() -> None:
    result = explore(
        spawn_commits_old_terms,
        runs=3,
        faults=ISOLATE_THE_LEADER,
        invariants=["state_machine_safety"],
        max_shrink=0,
        progress=False,
        **FIGURE8,
    )
    found = result.counterexamples[0]
    plan = found.plan()
    sim = plan.make_sim()
    for choice in plan.queued:
        sim.choose(choice, plan.options)
    assert state_machine_safety(sim.trace)[0] == found.violation


def test_the_kv_service_stays_safe_and_linearizable_with_every_fault_aimed_at_the_leader() -> None:
    checks = [*DEFAULT_INVARIANTS["raftlog"], invariant("history_linearizable")]
    mix = FaultMix(target="leader", actions=(10, 30))  # crashes, pauses, partitions...
    result = explore(
        "raftlog",
        runs=20,
        nodes=3,
        faults=mix,
        options={"clients": 2},
        invariants=checks,
        max_shrink=0,
        progress=False,
    )
    assert sum(result.violations.values()) == 0, result.violations
    # ...and they did strike: in the first run, leaders crashed, came back, were paused
    # and cut off.
    seed = run_seed(result.seed, 0)
    schedule = random_schedule(seed, ["n1", "n2", "n3"], 15.0, mix)
    sim = run_once("raftlog", seed, schedule, nodes=3, options={"clients": 2})
    done = " ".join(line.split(" -> ")[1] for line in sim.trace.meta["targets"])
    for action in ("crash n", "restart n", "pause n", "partition n"):
        assert action in done, done
