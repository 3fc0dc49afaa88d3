"""The stale-read server: caught by the linearizability checker, as an invariant and
by exploration; the correct server, in the same worlds, is not."""

from __future__ import annotations

import contextlib
import io

import pytest

from distsys_edu.checks import FaultMix, explore, history_linearizable, linearizable
from distsys_edu.experiments.kv_scenarios import KEY_X, leader_cut_off
from distsys_edu.protocols.raftlog import RaftLogNode
from distsys_edu.protocols.raftlog.stale_reads import (
    StaleReadNode,
    spawn_stale_reads,
    spawn_with_readers,
)
from distsys_edu.runtime import InvalidArgument, Sim

PARTITIONS = FaultMix(crash=0, pause=0, one_way=0, loss=0, duplication=0, partition=1.0, heal=0.0)


def test_a_cut_off_leader_that_answers_reads_breaks_linearizability() -> None:
    result = linearizable(leader_cut_off(StaleReadNode).trace, model="kv")
    assert result.linearizable is False, result.summary()
    assert result.stuck is not None and result.stuck.f == "get"
    assert result.stuck.client == "r1"  # the reader, still asking the old leader


def test_reads_through_the_log_stay_linearizable_in_the_same_world() -> None:
    trace = leader_cut_off(RaftLogNode).trace
    assert linearizable(trace, model="kv").linearizable is True
    assert history_linearizable(trace) == []


def test_the_invariant_names_the_point_where_no_order_works() -> None:
    (violation,) = history_linearizable(leader_cut_off(StaleReadNode).trace)
    assert violation.invariant == "history_linearizable"
    assert violation.nodes == ("r1",)
    assert "not linearizable" in violation.detail and violation.t > 2.0


@pytest.mark.parametrize(
    ("spawn", "found"), [(spawn_stale_reads, True), (spawn_with_readers, False)]
)
def test_explore_finds_stale_reads_and_shrinks_them(spawn: object, found: bool) -> None:
    result = explore(
        spawn,  # type: ignore[arg-type]
        runs=8,
        seed=1,
        duration=15.0,
        invariants=["history_linearizable"],
        options={"clients": 2, "workload": KEY_X},
        faults=PARTITIONS,
        max_shrink=1,
        progress=False,
    )
    assert (result.violations["history_linearizable"] > 0) is found, result.violations
    if found:
        shrunk = result.counterexamples[0]
        assert shrunk.minimal is not None and len(shrunk.minimal) <= 2, shrunk.minimal
        assert "spawn_stale_reads" in shrunk.replay, shrunk.replay
        replayed: dict[str, object] = {}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(shrunk.replay, replayed)  # the program a learner would paste
        assert replayed["violations"], shrunk.replay


def test_readers_must_be_a_count() -> None:
    with pytest.raises(InvalidArgument, match="readers"):
        spawn_with_readers(Sim(), 3, readers=-1)
