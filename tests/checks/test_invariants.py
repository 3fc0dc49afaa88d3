"""Each invariant on hand-built traces that break it and traces that keep it."""

from __future__ import annotations

import io

import pytest
from toy_protocols import Scripted, follower, leader, scripted_trace, spawn_flicker

from distsys_edu.checks import (
    DEFAULT_GRACE,
    LeaderAgreement,
    Violation,
    completeness,
    detection_times,
    false_suspicions,
    leader_known_by_all,
    liveness,
    one_leader_among_reachable,
    one_leader_per_term,
)
from distsys_edu.protocols import spawn
from distsys_edu.runtime import Sim, Trace, TraceLevelError, snapshot_at
from distsys_edu.runtime.errors import InvalidArgument


def reread(trace: Trace) -> Trace:
    """The trace after a round trip through JSON lines (messages become records)."""
    buf = io.StringIO()
    trace.to_jsonl(buf)
    buf.seek(0)
    return Trace.from_jsonl(buf)


# -- one_leader_per_term -----------------------------------------------------------


def test_two_leaders_of_one_term_are_a_violation() -> None:
    trace = scripted_trace(
        {
            "n1": [(1.0, leader(1)), (2.0, follower("n2", 1))],
            "n2": [(3.0, leader(1))],
            "n3": [(1.0, follower("n1", 1))],
        }
    )
    found = one_leader_per_term(trace)
    assert len(found) == 1
    v = found[0]
    assert (v.invariant, v.t, v.nodes) == ("one_leader_per_term", 3.0, ("n1", "n2"))
    assert "term 1" in v.detail and "n1" in v.detail
    assert one_leader_per_term(reread(trace)) == found


def test_leaders_of_different_terms_and_repeated_claims_are_fine() -> None:
    trace = scripted_trace(
        {
            "n1": [(1.0, leader(1)), (2.0, follower("n2", 2)), (5.0, leader(1))],
            "n2": [(2.0, leader(2))],
            "n3": [(1.5, leader())],  # no term: not this invariant's business
            "n4": [(1.6, leader())],
        }
    )
    assert one_leader_per_term(trace) == []


def test_each_extra_leader_of_a_term_is_reported() -> None:
    trace = scripted_trace(
        {"n1": [(1.0, leader(7))], "n2": [(2.0, leader(7))], "n3": [(3.0, leader(7))]}
    )
    found = one_leader_per_term(trace)
    assert [(v.t, v.nodes) for v in found] == [(2.0, ("n1", "n2")), (3.0, ("n1", "n2", "n3"))]


def test_a_leader_for_zero_seconds_is_still_a_second_leader_of_its_term() -> None:
    # n3 restarts at 4, leads term 1 (n1's) and tells its peers so, then steps
    # down in the same instant: no instant ends with two leaders of term 1.
    sim = Sim(seed=0, trace="full", faults=["4 restart n3"])
    spawn_flicker(sim, 3)
    sim.run(until=6)
    assert sim.trace.counts()["sent_by_type"]["Claim"] == 2
    assert sim.snapshot(4.0).nodes["n3"].annotations["role"] == "follower"
    found = one_leader_per_term(sim.trace)
    assert [(v.t, v.nodes) for v in found] == [(4.0, ("n1", "n3"))]
    assert one_leader_per_term(reread(sim.trace)) == found


def test_a_view_published_in_two_calls_is_read_after_each() -> None:
    # n2 publishes role and term in two calls at t=2: in between, its view says
    # leader of term 1, which n1 leads. Publish both keys in one annotate call.
    halves = {
        "n1": [(1.0, leader(1))],
        "n2": [(1.0, follower("n1", 1)), (2.0, {"role": "leader"}), (2.0, {"term": 2})],
    }
    assert [v.nodes for v in one_leader_per_term(scripted_trace(halves))] == [("n1", "n2")]
    whole = {**halves, "n2": [(1.0, follower("n1", 1)), (2.0, leader(2))]}
    assert one_leader_per_term(scripted_trace(whole)) == []


def test_a_claim_survives_the_claimants_crash() -> None:
    trace = scripted_trace(
        {"n1": [(1.0, leader(3))], "n2": [(4.0, leader(3))]},
        faults=["2 crash n1"],
    )
    assert [v.nodes for v in one_leader_per_term(trace)] == [("n1", "n2")]


def test_counts_level_traces_are_refused() -> None:
    sim = Sim(seed=0, trace="counts")
    sim.run(until=1)
    with pytest.raises(TraceLevelError):
        one_leader_per_term(sim.trace)


# -- one_leader_among_reachable -----------------------------------------------------

SPLIT = {
    "n1": [(0.5, leader())],
    "n2": [(0.5, follower("n1"))],
    "n3": [(2.0, leader())],  # the other side elects its own leader
}


def test_leaders_on_either_side_of_a_partition_are_fine() -> None:
    trace = scripted_trace(SPLIT, faults=["1 partition n1,n2|n3"], until=10)
    assert one_leader_among_reachable(trace) == []
    assert one_leader_among_reachable(trace, grace=0) == []


def test_split_brain_that_outlives_the_heal_is_a_violation() -> None:
    trace = scripted_trace(SPLIT, faults=["1 partition n1,n2|n3", "4 heal"], until=10)
    found = one_leader_among_reachable(trace, end=10.0)
    assert len(found) == 1
    v = found[0]
    assert (v.t, v.nodes) == (4.0, ("n1", "n3"))
    assert "6.000 s" in v.detail
    assert one_leader_among_reachable(reread(trace), end=10.0) == found
    assert one_leader_among_reachable(trace, end=5.0) == []  # only 1 s by then


def test_a_split_brain_that_goes_quiet_is_measured_to_the_end_of_the_run() -> None:
    # Nothing happens after the heal at 4, but the Sim ran until 10: without
    # being told, the check measures the split brain up to 10, also after the
    # trace has been saved and read back.
    trace = scripted_trace(SPLIT, faults=["1 partition n1,n2|n3", "4 heal"], until=10)
    assert trace.end == 10.0
    (v,) = one_leader_among_reachable(trace)
    assert (v.t, v.nodes) == (4.0, ("n1", "n3")) and "6.000 s" in v.detail
    assert one_leader_among_reachable(reread(trace)) == [v]
    assert trace.digest() == reread(trace).digest()


def test_a_stepped_trace_ends_at_its_last_event() -> None:
    sim = Sim(seed=0, trace="full", faults=["1 partition n1,n2|n3", "4 heal"])
    for name, script in SPLIT.items():
        sim.spawn(name, lambda script=script: Scripted(script))
    while (t := sim.next_time()) is not None and t <= 10:
        sim.step()
    assert sim.trace.end is None
    assert one_leader_among_reachable(sim.trace) == []  # 4 to 4: the heal is the last event
    assert one_leader_among_reachable(sim.trace, grace=0)[0].t == 4.0


def test_a_split_brain_broken_by_short_pauses_adds_up() -> None:
    # n1 and n3 lead and can reach each other from 2 to 11, but n1 pauses for
    # 10 ms every 1.5 s: no stretch lasts 2 s, yet they co-lead 8.9 s in all.
    pauses = [f"{t:g} pause n1 0.01" for t in (3.5, 5, 6.5, 8, 9.5)]
    trace = scripted_trace(SPLIT, faults=pauses, until=11)
    (v,) = one_leader_among_reachable(trace)
    assert (v.t, v.nodes) == (2.0, ("n1", "n3"))
    assert "8.950 s in 6 stretches" in v.detail and "in any 10 s" in v.detail
    # Measured in one piece only (a window as short as the grace), it goes unseen.
    assert one_leader_among_reachable(trace, window=DEFAULT_GRACE) == []


def test_short_stale_leaders_far_apart_are_each_excused() -> None:
    # Two stale stretches of 1.5 s each: within one 10 s window they add up to
    # 3 s, more than the grace; 12 s apart, each is excused on its own.
    def stale_twice(gap: float) -> Trace:
        again = 2.0 + 1.5 + gap
        script = {
            **SPLIT,
            "n1": [(0.5, leader()), (3.5, follower("n3")), (again, leader())],
            "n3": [(2.0, leader()), (again + 1.5, follower("n1"))],
        }
        return scripted_trace(script, until=again + 5)

    near = one_leader_among_reachable(stale_twice(3.0))
    assert [(v.t, v.nodes) for v in near] == [(2.0, ("n1", "n3"))]
    assert "3.000 s in 2 stretches" in near[0].detail
    assert one_leader_among_reachable(stale_twice(12.0)) == []


def test_a_stale_leader_that_steps_down_within_the_grace_is_fine() -> None:
    script = {**SPLIT, "n1": [(0.5, leader()), (4.5, follower("n3"))]}
    trace = scripted_trace(script, faults=["1 partition n1,n2|n3", "4 heal"], until=10)
    assert one_leader_among_reachable(trace, grace=1.0, end=10) == []
    assert DEFAULT_GRACE >= 1.0 and one_leader_among_reachable(trace, end=10) == []
    strict = one_leader_among_reachable(trace, grace=0, end=10)
    assert [(v.t, v.nodes) for v in strict] == [(4.0, ("n1", "n3"))]
    assert one_leader_among_reachable(trace, grace=0.4, end=10) != []


def test_a_one_way_cut_or_a_pause_keeps_two_leaders_apart() -> None:
    one_way = scripted_trace(SPLIT, faults=["1 one_way n3|n1"], until=10)
    assert one_leader_among_reachable(one_way, grace=0, end=10) == []
    paused = scripted_trace(SPLIT, faults=["1.5 pause n1 6"], until=10)
    found = one_leader_among_reachable(paused, grace=0, end=10)
    assert [(v.t, v.nodes) for v in found] == [(7.5, ("n1", "n3"))]


def test_a_crashed_leader_is_no_leader() -> None:
    trace = scripted_trace(SPLIT, faults=["1.9 crash n1"], until=10)
    assert one_leader_among_reachable(trace, grace=0, end=10) == []


def test_grace_and_window_must_be_seconds() -> None:
    trace = scripted_trace(SPLIT)
    with pytest.raises(InvalidArgument, match=r"grace=-1 is not allowed: must be a finite"):
        one_leader_among_reachable(trace, grace=-1)
    with pytest.raises(InvalidArgument, match="grace=nan"):
        one_leader_among_reachable(trace, grace=float("nan"))
    with pytest.raises(InvalidArgument, match=r"window=1 is not allowed: must be seconds >= grace"):
        one_leader_among_reachable(trace, grace=2, window=1)
    with pytest.raises(InvalidArgument, match="window='10 parsecs'"):
        one_leader_among_reachable(trace, window="10 parsecs")  # type: ignore[arg-type]
    # a duration as a person types it (issue 17, item 11)
    assert one_leader_among_reachable(trace, window="10s") == one_leader_among_reachable(trace)  # type: ignore[arg-type]


# -- failure detection ----------------------------------------------------------------

DETECT = {
    "n1": [(2.5, {"suspects": ("n3",)})],
    "n2": [(3.0, {"suspects": ("n3",)})],
    "n3": [],
}


def test_completeness_holds_when_every_live_node_suspects_the_crashed_one() -> None:
    trace = scripted_trace(DETECT, faults=["2 crash n3"], until=10)
    assert completeness(trace) == []
    assert completeness(trace, within=1.0) == []
    late = completeness(trace, within=0.6)
    assert [(v.t, v.nodes) for v in late] == [(2.0, ("n3", "n2"))]
    assert "1.000 s" in late[0].detail


def test_completeness_flags_an_observer_that_never_suspects() -> None:
    script = {**DETECT, "n2": []}
    trace = scripted_trace(script, faults=["2 crash n3"], until=10)
    found = completeness(trace)
    assert [v.nodes for v in found] == [("n3", "n2")]
    assert found[0].invariant == "completeness" and "never" in found[0].detail
    assert completeness(reread(trace)) == found


def test_completeness_does_not_judge_a_crash_too_recent_to_tell() -> None:
    script = {**DETECT, "n2": [], "n4": [(9.0, {})]}  # n4 marks the end of the trace
    trace = scripted_trace(script, faults=["8 crash n3"], until=10)
    assert completeness(trace, within=2.0) == []
    assert completeness(trace, within=0.5) != []  # 1 s passed, nobody in n2's view


def test_completeness_ignores_restarted_nodes_unless_asked() -> None:
    trace = scripted_trace({**DETECT, "n2": []}, faults=["2 crash n3", "6 restart n3"])
    assert completeness(trace) == []
    found = completeness(trace, within=1.0, restarted=True)
    assert [v.nodes for v in found] == [("n3", "n2")]
    with pytest.raises(ValueError, match="within"):
        completeness(trace, restarted=True)
    with pytest.raises(ValueError, match="within"):
        completeness(trace, within=-1)


def test_detection_times_measure_from_the_crash_or_the_observers_restart() -> None:
    script = {
        "n1": [(2.5, {"suspects": ("n3",)})],
        "n2": [(4.5, {"suspects": ("n3",)})],
        "n3": [],
        "n4": [],  # never suspects
    }
    trace = scripted_trace(script, faults=["2 crash n3", "4 restart n2"], until=10)
    found = detection_times(trace)
    # Restarting n2 while it is up crashes it first: a crash of 0 s nobody noticed.
    blink = [(d.observer, d.recovered_at, d.detected_at) for d in found if d.node == "n2"]
    assert blink == [("n1", 4.0, None), ("n4", 4.0, None)]  # n3 is down: not asked
    by_observer = {d.observer: d for d in found if d.node == "n3"}
    assert set(by_observer) == {"n1", "n2", "n4"}
    assert (by_observer["n1"].since, by_observer["n1"].delay) == (2.0, 0.5)
    assert (by_observer["n2"].since, by_observer["n2"].delay) == (4.0, 0.5)
    assert by_observer["n4"].detected_at is None and by_observer["n4"].delay is None
    assert all(d.crashed_at == 2.0 and d.recovered_at is None for d in by_observer.values())
    assert by_observer["n1"].to_dict()["delay"] == 0.5


def test_a_suspicion_before_the_observers_restart_does_not_count() -> None:
    script = {"n1": [(2.5, {"suspects": ("n3",)})], "n3": []}
    trace = scripted_trace(script, faults=["2 crash n3", "4 restart n1"], until=10)
    (d,) = detection_times(trace)
    assert (d.since, d.detected_at) == (4.0, None)
    assert [v.nodes for v in completeness(trace)] == [("n3", "n1")]


def test_an_old_suspicion_counts_from_the_crash() -> None:
    script = {"n1": [(1.0, {"suspects": ("n3",)})], "n3": []}
    trace = scripted_trace(script, faults=["2 crash n3", "5 restart n3", "7 crash n3"])
    delays = [(d.crashed_at, d.recovered_at, d.delay) for d in detection_times(trace)]
    assert delays == [(2.0, 5.0, 0.0), (7.0, None, 0.0)]


def test_false_suspicions_are_suspicions_of_nodes_that_were_up() -> None:
    script = {
        "n1": [
            (1.0, {"suspects": ("n2",)}),  # n2 is up: false
            (3.0, {"suspects": ("n2", "n3")}),  # n3 crashed at 2.5: true
            (4.0, {"suspects": ("n2", "n3", "n4")}),  # n4 is paused: not a mistake
            (7.0, {"suspects": ()}),
            (8.0, {"suspects": ("n3",)}),  # n3 is back up since 6: false
        ],
        "n2": [],
        "n3": [],
        "n4": [],
    }
    trace = scripted_trace(script, faults=["2.5 crash n3", "3.5 pause n4 2", "6 restart n3"])
    found = false_suspicions(trace)
    assert [(s.t, s.observer, s.node) for s in found] == [(1.0, "n1", "n2"), (8.0, "n1", "n3")]
    assert found[0].to_dict() == {"t": 1.0, "observer": "n1", "node": "n2"}
    assert false_suspicions(reread(trace)) == found


def test_a_restarted_observer_suspects_afresh() -> None:
    script = {"n1": [(1.0, {"suspects": ("n2",)}), (3.0, {"suspects": ("n2",)})], "n2": []}
    trace = scripted_trace(script, faults=["2 restart n1"])
    assert [s.t for s in false_suspicions(trace)] == [1.0, 3.0]


# -- leader_known_by_all and liveness ----------------------------------------------------

AGREE = {
    "n1": [(1.0, follower(None)), (2.0, leader(leader="n1"))],
    "n2": [(1.0, follower(None)), (2.5, follower("n1"))],
    "n3": [(1.0, follower(None)), (3.0, follower("n1"))],
}


def test_leader_known_by_all_on_snapshots() -> None:
    trace = scripted_trace(AGREE, faults=["6 crash n1"])
    assert leader_known_by_all(snapshot_at(trace, 2.9)) is None  # n3 does not know yet
    assert leader_known_by_all(snapshot_at(trace, 3.0)) == "n1"
    assert leader_known_by_all(snapshot_at(trace, 6.0)) is None  # the leader is down


def test_leader_known_by_all_on_a_trace() -> None:
    trace = scripted_trace(AGREE, faults=["6 crash n1"])
    assert leader_known_by_all(trace) == LeaderAgreement(3.0, "n1")
    assert leader_known_by_all(trace, since=4.0) == LeaderAgreement(4.0, "n1")
    assert leader_known_by_all(trace, since=6.0) is None
    assert leader_known_by_all(reread(trace)).to_dict() == {"t": 3.0, "leader": "n1"}


def test_down_nodes_are_not_asked_and_the_leader_may_not_name_itself() -> None:
    script = {
        "n1": [(1.0, {"role": "leader"})],
        "n2": [(1.0, follower("n1"))],
        "n3": [(1.0, follower("n2"))],
    }
    trace = scripted_trace(script, faults=["2 crash n3"])
    assert leader_known_by_all(trace) == LeaderAgreement(2.0, "n1")


def test_liveness_after_the_last_fault() -> None:
    script = {
        "n1": [(1.0, leader(leader="n1"))],
        "n2": [(1.0, follower("n1")), (5.5, leader(leader="n2"))],
        "n3": [(1.0, follower("n1")), (6.5, follower("n2"))],
    }
    trace = scripted_trace(script, faults=["5 crash n1"])
    assert liveness(trace, within=1.5) == []
    (v,) = liveness(trace, within=1.0)
    assert (v.invariant, v.t, v.nodes) == ("liveness", 5.0, ("n2",))
    assert "1.500 s" in v.detail
    assert liveness(trace, after=1.0, within=0.0) == []  # n1 was known at 1


def test_liveness_without_any_leader() -> None:
    trace = scripted_trace({"n1": [(1.0, follower(None))]}, faults=["2 pause n1 1"])
    (v,) = liveness(trace, within=3.0)
    assert v.t == 3.0 and "no leader" in v.detail  # the pause ended at 3
    assert isinstance(v, Violation) and v.to_dict()["nodes"] == []
    with pytest.raises(ValueError, match="within"):
        liveness(trace, within=-1.0)


# -- on a real protocol -------------------------------------------------------------


def test_raft_keeps_its_promises_under_a_partition() -> None:
    sim = Sim(seed=3, faults=["2 partition n1,n2|n3,n4,n5", "5 heal"])
    spawn(sim, "raft", 5)
    sim.run(until=10)
    assert one_leader_per_term(sim.trace) == []
    assert liveness(sim.trace, within=3.0) == []
    agreement = leader_known_by_all(sim.trace, since=5.0)
    assert agreement is not None
    assert leader_known_by_all(sim.snapshot(agreement.t)) == agreement.leader
