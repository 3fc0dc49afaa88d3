"""explore(): random faults over many seeds, shrinking, replay snippets."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from determinism import run_python
from hypothesis import given, settings
from hypothesis import strategies as st
from toy_protocols import spawn_quiet_pair, spawn_sticky, spawn_term_one

from distsys_edu.checks import (
    DEFAULT_INVARIANTS,
    Counterexample,
    FaultMix,
    Invariant,
    explore,
    invariant,
    one_leader_per_term,
    replay_snippet,
    run_once,
)
from distsys_edu.checks.explore import FALLBACK_INVARIANTS
from distsys_edu.runtime import Fault, FaultSchedule, HandlerFailureWarning
from distsys_edu.runtime.errors import InvalidArgument


def run_snippet(snippet: str) -> dict[str, Any]:
    """Run a replay snippet as a program would, and return its global names."""
    namespace: dict[str, Any] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(snippet, "<replay>", "exec"), namespace)
    return namespace


def replay(snippet: str) -> list[Any]:
    """Run a replay snippet as a program would, and return its ``violations``."""
    return run_snippet(snippet)["violations"]


def breaks(c: Counterexample, schedule: FaultSchedule, check: Invariant, proto: Any) -> bool:
    return bool(check.check(run_once(proto, c.seed, schedule).trace))


def assert_one_minimal(c: Counterexample, check: Invariant, proto: Any) -> None:
    assert c.minimal is not None
    assert breaks(c, c.minimal, check, proto), "the minimal schedule no longer fails"
    for i in range(len(c.minimal)):
        fewer = FaultSchedule([f for j, f in enumerate(c.minimal) if j != i])
        assert not breaks(c, fewer, check, proto), f"{c.minimal[i]} is not needed"


# -- raft keeps its promise -----------------------------------------------------------


def test_raft_never_has_two_leaders_in_one_term() -> None:
    result = explore("raft", runs=300, seed=11, progress=False)
    assert result.invariants == ("one_leader_per_term",)
    assert result.violations == {"one_leader_per_term": 0}
    assert result.ok and result.counterexamples == ()
    assert result.handler_failures == 0
    assert result.runs == 300 and result.protocol == "raft"


# -- a protocol broken on purpose --------------------------------------------------------


def test_a_second_leader_of_term_one_is_found_shrunk_and_replayed() -> None:
    result = explore(
        spawn_term_one, runs=20, seed=5, invariants=["one_leader_per_term"], progress=False
    )
    assert result.protocol == "toy_protocols.spawn_term_one"
    assert result.violations["one_leader_per_term"] > 0
    shrunk = [c for c in result.counterexamples if c.minimal is not None]
    assert len(shrunk) == 3  # max_shrink; the rest keep their whole schedule
    check = invariant("one_leader_per_term")
    for c in shrunk:
        assert len(c.minimal) <= 2
        assert len(c.minimal) < len(c.schedule) or len(c.schedule) <= 2
        assert c.minimal_violation is not None and c.minimal_violation.invariant == c.invariant
        assert_one_minimal(c, check, spawn_term_one)
        found = replay(c.replay)
        assert found and found[0] == c.minimal_violation
        assert "from toy_protocols import spawn_term_one" in c.replay
    for c in result.counterexamples:
        assert replay(c.replay), "every counterexample's snippet reproduces it"
    text = str(shrunk[0])
    assert "minimal schedule" in text and str(shrunk[0].minimal[0]) in text


def test_split_brain_of_sticky_leaders_is_shrunk_to_two_faults() -> None:
    result = explore(spawn_sticky, runs=6, seed=1, progress=False)
    assert result.invariants == tuple(c.name for c in FALLBACK_INVARIANTS)
    broken = [c for c in result.counterexamples if c.invariant == "one_leader_among_reachable"]
    assert broken
    for c in broken[:2]:
        assert c.minimal is not None and 1 <= len(c.minimal) <= 2
        assert replay(c.replay)[0] == c.minimal_violation


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), sticky=st.booleans())
def test_shrunk_schedules_still_fail_and_are_one_minimal(seed: int, sticky: bool) -> None:
    proto = spawn_sticky if sticky else spawn_term_one
    name = "one_leader_among_reachable" if sticky else "one_leader_per_term"
    result = explore(proto, runs=2, seed=seed, invariants=[name], max_shrink=2, progress=False)
    for c in result.counterexamples:
        assert_one_minimal(c, invariant(name), proto)


def test_a_split_brain_that_goes_quiet_is_found_in_every_run_and_replay() -> None:
    # Both nodes lead from t=2 on and then nothing happens: every run ends in a
    # split brain, measured up to the run's end (15 s), not to its last event.
    check = invariant("one_leader_among_reachable")
    sim = run_once(spawn_quiet_pair, 0, [], nodes=2)
    (v,) = check.check(sim.trace)
    assert (v.t, v.nodes) == (2.0, ("n1", "n2")) and "13.000 s" in v.detail
    result = explore(spawn_quiet_pair, runs=8, nodes=2, invariants=[check], progress=False)
    assert result.violations == {"one_leader_among_reachable": 8}
    for c in result.counterexamples:
        assert replay(c.replay)[0] == (c.minimal_violation or c.violation)
    assert replay(replay_snippet(spawn_quiet_pair, 0, [], check, nodes=2)) == [v]


# -- what a learner reads -------------------------------------------------------------------


def test_the_summary_counts_names_the_shortest_and_says_what_was_shrunk() -> None:
    result = explore(
        spawn_term_one,
        runs=12,
        seed=5,
        invariants=["one_leader_per_term"],
        max_shrink=2,
        progress=False,
    )
    broken = result.violations["one_leader_per_term"]
    assert broken > 3
    text = str(result)
    assert text == result.summary()
    lines = text.splitlines()
    assert lines[0] == (
        "explore toy_protocols.spawn_term_one: 12 runs of 15 s from seed 5, 5 nodes"
    )
    assert lines[1] == f"  one_leader_per_term: broken in {broken} of 12 runs"
    assert f"Shrunk 2 of {broken} counterexamples" in text
    assert f"the other {broken - 2} keep their whole random schedule" in text
    assert "max_shrink=N" in text and "--max-shrink N" in text
    shortest = result.shortest()
    assert shortest is not None and shortest.minimal is not None
    assert all(len(shortest.minimal) <= len(c.minimal) for c in result.counterexamples if c.minimal)
    assert str(shortest) in text and shortest.replay.splitlines()[-1].strip() in text
    assert len(lines) < 40  # the rest on request:
    details = result.details()
    assert details.count("broke one_leader_per_term") == broken
    assert "schedule (not shrunk)" in details
    assert all(line == line.rstrip() for line in lines)


def test_a_summary_without_violations_or_shrinking() -> None:
    clean = explore("raft", runs=2, progress=False)
    assert clean.summary().splitlines()[-1] == "No run broke an invariant."
    assert clean.shortest() is None and clean.details() == ""
    unshrunk = explore(spawn_quiet_pair, runs=1, nodes=2, max_shrink=0, progress=False)
    (c,) = unshrunk.counterexamples
    assert "Shrunk 0 of 1 counterexample:" in unshrunk.summary()
    assert unshrunk.shortest() is c and c.minimal is None
    assert "Every counterexample" not in unshrunk.summary()


def test_handler_failures_are_counted_in_words() -> None:
    result = explore("blog", runs=3, seed=0, max_shrink=0, progress=False)
    assert result.handler_failures > 0
    assert f"  {result.handler_failures} handler failure" in result.summary()


# -- bully and the blog's design ----------------------------------------------------------------


def test_bully_split_brain_is_found_and_shrunk() -> None:
    result = explore("bully", runs=20, seed=0, progress=False, max_shrink=2)
    assert result.invariants == ("one_leader_among_reachable",)
    assert result.violations["one_leader_among_reachable"] > 0
    check = DEFAULT_INVARIANTS["bully"][0]
    shrunk = [c for c in result.counterexamples if c.minimal is not None]
    assert shrunk
    for c in shrunk:
        assert len(c.minimal) <= 2
        actions = {f.action for f in c.minimal}
        assert actions & {"partition", "one_way", "pause"}, c.minimal
        assert_one_minimal(c, check, "bully")
        assert replay(c.replay)[0] == c.minimal_violation


def test_bully_split_brain_under_a_partition_shrinks_to_the_partition_and_its_heal() -> None:
    cuts_only = FaultMix(crash=0, pause=0, loss=0, duplication=0)
    result = explore("bully", runs=10, seed=4, faults=cuts_only, progress=False, max_shrink=2)
    shrunk = [c for c in result.counterexamples if c.minimal is not None]
    assert shrunk
    for c in shrunk:
        assert [f.action for f in c.minimal][-1] == "heal", c.minimal
        assert len(c.minimal) == 2 and c.minimal[0].action in ("partition", "one_way")
        assert replay(c.replay)[0] == c.minimal_violation


def test_the_blogs_design_loses_its_leader_after_one_crash() -> None:
    result = explore("blog", runs=10, seed=0, progress=False, max_shrink=1)
    assert result.invariants == ("one_leader_among_reachable", "liveness")
    (c,) = [c for c in result.counterexamples if c.invariant == "liveness" and c.minimal]
    assert len(c.minimal) <= 2 and {f.action for f in c.minimal} & {"crash", "restart", "pause"}
    with pytest.warns(HandlerFailureWarning):  # the replay runs a plain Sim, which warns
        assert replay(c.replay)[0] == c.minimal_violation


# -- determinism and plain data -------------------------------------------------------------

PROGRAM = """
import json, sys
sys.path.insert(0, {tests!r})
from toy_protocols import spawn_sticky
from distsys_edu.checks import explore
r = explore(spawn_sticky, runs=3, seed=9, progress=False, max_shrink=1).to_dict()
print(json.dumps(r, sort_keys=True))
"""


def test_the_same_seed_gives_the_same_result_in_any_process() -> None:
    here = explore(spawn_sticky, runs=3, seed=9, progress=False, max_shrink=1)
    assert here == explore(spawn_sticky, runs=3, seed=9, progress=False, max_shrink=1)
    data = here.to_dict()
    assert "wall_s" not in data  # a timing would differ from run to run
    program = PROGRAM.format(tests=str(Path(__file__).parent))
    for hashseed in ("0", "4242"):
        out = run_python(program, hashseed=hashseed)
        assert json.loads(out) == json.loads(json.dumps(data, sort_keys=True))
    assert here != explore(spawn_sticky, runs=3, seed=10, progress=False, max_shrink=1)


def test_results_are_plain_json_data() -> None:
    result = explore(spawn_term_one, runs=4, seed=2, progress=False)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["runs"] == 4 and data["protocol"] == "toy_protocols.spawn_term_one"
    assert set(data["violations"]) == set(data["invariants"])
    c = data["counterexamples"][0]
    assert FaultSchedule(c["minimal"]) == result.counterexamples[0].minimal
    assert {"seed", "schedule", "replay", "violation", "minimal_violation"} <= set(c)


# -- the pieces ------------------------------------------------------------------------------


def test_invariants_by_name_function_or_object() -> None:
    grace = invariant("one_leader_among_reachable", grace=0.5)
    assert grace.call_source() == "one_leader_among_reachable(sim.trace, grace=0.5)"
    assert grace.import_source() == "from distsys_edu.checks import one_leader_among_reachable"
    assert invariant(grace) is grace
    assert invariant(one_leader_per_term).name == "one_leader_per_term"
    assert invariant(grace, end=3.0).options == (("grace", 0.5), ("end", 3.0))
    mine = invariant(breaks)
    assert mine.import_source() == f"from {__name__} import breaks"
    with pytest.raises(ValueError, match="invariant"):
        invariant("two_leaders_are_fine")
    with pytest.raises(ValueError, match="invariant"):
        invariant(42)  # type: ignore[arg-type]


def test_every_registered_protocol_has_default_invariants() -> None:
    from distsys_edu.protocols import PROTOCOLS

    assert set(PROTOCOLS) <= set(DEFAULT_INVARIANTS)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(
        InvalidArgument, match="runs=-1 is not allowed: must be an int from 0 to 1,000,000,000"
    ):
        explore("raft", runs=-1)
    with pytest.raises(InvalidArgument, match="max_shrink=True is not allowed"):
        explore("raft", runs=1, max_shrink=True)
    with pytest.raises(ValueError, match="protocol"):
        explore("paxos", runs=1)
    with pytest.raises(ValueError, match="duration"):
        explore("raft", runs=1, duration=3.0)


def test_options_latency_and_mix_reach_the_run_and_the_snippet() -> None:
    mix = FaultMix(actions=(2, 2), pause=0, partition=0, one_way=0, loss=0, duplication=0)
    result = explore(
        "raft",
        runs=2,
        seed=3,
        nodes=3,
        duration=12.0,
        faults=mix,
        latency=0.002,
        options={"election_timeout": (0.2, 0.4)},
        invariants=[invariant("liveness", within=2.0)],
        progress=False,
    )
    assert result.nodes == 3 and result.duration == 12.0
    schedule = FaultSchedule(["1 crash n1", "3 restart n1"])
    snippet = replay_snippet(
        "raft",
        1,
        schedule,
        invariant("liveness", within=2.0),
        nodes=3,
        duration=12.0,
        latency=0.002,
        options={"election_timeout": (0.2, 0.4)},
    )
    assert 'spawn(sim, "raft", 3, election_timeout=(0.2, 0.4))' in snippet
    assert "LinkConfig(latency=Constant(0.002))" in snippet
    assert "liveness(sim.trace, within=2.0)" in snippet
    assert replay(snippet) == []


def test_a_snippet_replays_odd_times_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = FaultSchedule([{"at": 1.23456789, "action": "restart", "args": ["n2"]}])
    check = invariant("one_leader_per_term")
    ran = run_snippet(replay_snippet("raft", 0, schedule, check))
    assert ran["violations"] == [] and ran["sim"].fault_history == schedule
    # A fault whose printed form loses precision is written as JSON instead.
    monkeypatch.setattr(Fault, "__str__", lambda f: f"{f.at:.2f} {f.action} {' '.join(f.args)}")
    snippet = replay_snippet("raft", 0, schedule, check)
    assert "FaultSchedule.from_json" in snippet
    assert run_snippet(snippet)["sim"].fault_history == schedule


def test_a_progress_bar_is_shown_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    explore(spawn_term_one, runs=3, progress=True)
    assert "explore toy_protocols.spawn_term_one" in capsys.readouterr().err
    explore(spawn_term_one, runs=3, progress=False)
    assert capsys.readouterr().err == ""
