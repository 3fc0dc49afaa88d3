"""Raft's safety invariants over traces: they hold for the replicating Raft under
random faults, on even and odd clusters, and each deliberately broken rule is caught
by the invariant that names it."""

from __future__ import annotations

from functools import partial
from itertools import groupby
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from raftlog_variants import (
    CommitsOldTerms,
    SkipsConsistencyCheck,
    figure8,
    spawn_votes_for_stale_logs,
    stale_follower,
)

from distsys_edu.checks import (
    DEFAULT_INVARIANTS,
    committed_never_lost,
    explore,
    leader_completeness,
    log_matching,
    state_machine_safety,
)
from distsys_edu.checks.raftlog import expand, first_difference
from distsys_edu.checks.runs import run_once
from distsys_edu.checks.schedules import FaultMix, random_schedule
from distsys_edu.protocols.raftlog import RaftLogNode
from distsys_edu.runtime import Actor, Context, Sim

CHECKS = DEFAULT_INVARIANTS["raftlog"]


def broken(sim: Sim) -> set[str]:
    return {check.name for check in CHECKS if check.check(sim.trace)}


def test_figure8_the_correct_leader_commits_nothing_and_nothing_breaks() -> None:
    sim = figure8(RaftLogNode)
    assert [e.term for e in sim.storage("n3")["log"]] == [1, 3]  # overwritten, legally
    assert broken(sim) == set()


def test_figure8_committing_an_older_terms_entry_by_counting_replicas_is_caught() -> None:
    sim = figure8(CommitsOldTerms)
    assert broken(sim) == {"leader_completeness", "state_machine_safety", "committed_never_lost"}
    (lost,) = committed_never_lost(sim.trace)
    assert "index 2 (term 2)" in lost.detail
    (incomplete,) = leader_completeness(sim.trace)
    assert incomplete.nodes == ("n5",) and "index 2 (term 2)" in incomplete.detail


def test_the_consistency_check_repairs_a_stale_follower() -> None:
    sim = stale_follower(RaftLogNode)
    assert sim.storage("n3")["log"] == sim.storage("n1")["log"]
    assert broken(sim) == set()


def test_skipping_the_consistency_check_breaks_log_matching() -> None:
    sim = stale_follower(SkipsConsistencyCheck)
    assert "log_matching" in broken(sim)
    assert "at index 3, but differ at index 2" in log_matching(sim.trace)[0].detail


def test_explore_finds_a_vote_for_a_stale_log_and_shrinks_it() -> None:
    result = explore(
        spawn_votes_for_stale_logs,
        runs=4,
        duration=10.0,
        invariants=[leader_completeness],
        progress=False,
        max_shrink=1,
        options={"clients": 2},
    )
    assert result.violations["leader_completeness"] > 0
    example = result.shortest()
    assert example is not None and example.minimal is not None
    assert example.violation.invariant == "leader_completeness"
    assert len(example.minimal) < len(example.schedule)


@given(seed=st.integers(0, 2**16), nodes=st.sampled_from([3, 4, 5, 6]))
@settings(max_examples=4, deadline=None)
def test_explore_finds_no_violation_of_the_correct_protocol(seed: int, nodes: int) -> None:
    """Crashes, restarts, pauses, partitions (both ways and one way) and loss
    (``FaultMix()``), on even and odd clusters, with two clients."""
    result = explore(
        "raftlog", runs=2, seed=seed, nodes=nodes, progress=False, options={"clients": 2}
    )
    assert result.violations == {check.name: 0 for check in CHECKS}


@given(seed=st.integers(0, 2**16), nodes=st.sampled_from([3, 4, 5]))
@settings(max_examples=6, deadline=None)
def test_the_service_answers_again_once_the_faults_stop(seed: int, nodes: int) -> None:
    """A run as explore makes it: the invariants hold, and in the calm after the
    faults (10 s on) the clients' operations complete."""
    names = [f"n{i}" for i in range(1, nodes + 1)]
    schedule = random_schedule(seed, names, 15.0, FaultMix())
    sim = run_once("raftlog", seed, schedule, nodes=nodes, options={"clients": 2})
    for check in CHECKS:
        assert check.check(sim.trace) == [], check.name
    calm = [
        e
        for e in sim.trace
        if e.kind == "annotate" and e.t > 12.0 and e.data.get("history", ("",))[0] == "ok"
    ]
    assert calm


def test_same_seed_same_trace_with_clients() -> None:
    digests = set()
    for _ in range(2):
        sim = run_once(
            "raftlog", 11, ["1 crash n1", "2 restart n1"], nodes=3, options={"clients": 2}
        )
        digests.add(sim.trace.digest())
    assert len(digests) == 1


Script = list[tuple[float, dict[str, Any]]]


def publish(ctx: Context, view: dict[str, Any]) -> None:
    ctx.annotate(**view)


class Puppet(Actor):
    """Publishes the given views at the given times (a hand-made trace)."""

    def __init__(self, script: Script) -> None:
        self.script = script

    def started(self, ctx: Context) -> None:
        for at, view in self.script:
            ctx.run_later(at, partial(publish, view=view))


def puppets(scripts: dict[str, Script], crash: Any = None) -> Sim:
    sim = Sim(0, trace="full")
    for name, script in scripts.items():
        sim.spawn(name, partial(Puppet, script))
    if crash:
        sim.run(until=crash[0])
        sim.crash(crash[1])
    sim.run(until=10)
    return sim


def view(
    log: tuple[int, ...], commit: int = 0, role: str = "follower", term: int = 1
) -> dict[str, Any]:
    runs = tuple((t, len(list(same))) for t, same in groupby(log))
    return {"log": runs, "commit_index": commit, "role": role, "term": term}


def test_a_crashed_servers_log_still_counts_it_is_on_disk() -> None:
    """Committed on 2 of 3; the one holding it with the leader crashes: its disk still
    holds it. Then the leader's log loses it: only 1 of 3 holds it now."""
    scripts: dict[str, Script] = {
        "a": [(1, view((1, 1), 2, "leader")), (3, view((1, 2), 2, "leader", 2))],
        "b": [(1, view((1, 1), 2))],
        "c": [(1, view((1,)))],
    }
    sim = puppets(scripts, crash=(2, "b"))
    (lost,) = committed_never_lost(sim.trace)
    assert lost.t == 3 and "index 2 (term 1) is held by only 1 of 3" in lost.detail
    assert state_machine_safety(sim.trace)  # a commits term 2 at index 2 after term 1
    assert log_matching(puppets({"a": scripts["a"][:1], "b": scripts["b"]}).trace) == []


def test_leader_completeness_reads_only_entries_committed_in_earlier_terms() -> None:
    scripts: dict[str, Script] = {
        "a": [(1, view((1, 2), 2, "leader", 2))],
        "b": [
            (1, view((1, 2), 2)),
            (2, view((1,), 0, "leader", 2)),
            (3, view((1,), 0, "leader", 3)),
        ],
    }
    found = leader_completeness(puppets(scripts).trace)
    assert [(v.nodes, v.t) for v in found] == [(("b",), 3)]  # term 2's own entry is no matter


@given(
    st.lists(st.integers(1, 4), max_size=20).map(sorted),
    st.lists(st.integers(1, 4), max_size=20).map(sorted),
)
def test_expand_and_first_difference(a: list[int], b: list[int]) -> None:
    runs = view(tuple(a))["log"]
    assert expand(runs) == tuple(a)
    d = first_difference(tuple(a), tuple(b))
    assert a[:d] == b[:d] and (d == min(len(a), len(b)) or a[d] != b[d])


@pytest.mark.parametrize(
    "check", [log_matching, leader_completeness, state_machine_safety, committed_never_lost]
)
def test_a_counts_trace_is_refused(check: Any) -> None:
    sim = Sim(0, trace="counts")
    sim.run(until=1)
    with pytest.raises(Exception, match="full"):
        check(sim.trace)


def test_leader_completeness_counts_the_term_an_entry_was_committed_in() -> None:
    # Without the no-op: n1 (term 1) took entry 3 but was cut off before replicating
    # it; n2 led term 2 without it; n1 came back and, leading term 4, committed it
    # with an entry of term 4. n2's term 2 came before that commit: no violation.
    # A leader of term 5 without it is one.
    from distsys_edu.checks.raftlog import LogWalk

    walk = LogWalk()
    for node, view in [
        ("n1", {"role": "leader", "term": 1, "log": ((1, 3),), "commit_index": 2}),
        ("n2", {"role": "leader", "term": 2, "log": ((1, 2),), "commit_index": 2}),
        ("n1", {"role": "leader", "term": 4, "log": ((1, 3), (4, 1)), "commit_index": 4}),
        ("n2", {"role": "leader", "term": 2, "log": ((1, 2), (2, 1)), "commit_index": 2}),
    ]:
        walk.annotate(node, view, view)
    assert walk.found["leader_completeness"] == []
    stale = {"role": "leader", "term": 5, "log": ((1, 2), (2, 1)), "commit_index": 2}
    walk.annotate("n3", stale, stale)
    (found,) = walk.found["leader_completeness"]
    assert "n3 leads term 5 without the entry at index 3 (term 1)" in found.detail
