"""The runner: not attempted anywhere, errors reported, strict mode, replay, registration."""

from __future__ import annotations

import pytest
from determinism import other_hashseed, run_python

from distsys_edu import Actor, Context, Sim
from distsys_edu.exercises import (
    STRICT_ENV,
    Exercise,
    ExerciseFailed,
    Problem,
    Scenario,
    check_ping_pong,
    register,
    replay,
)
from distsys_edu.exercises.ping_pong import Pinger as PingerStub
from distsys_edu.exercises.result import ERROR, FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.runner import strict_mode
from distsys_edu.exercises.solutions.ping_pong import Pinger
from distsys_edu.runtime import InvalidArgument


class Idle(Actor):
    """Does nothing."""


class StubInInit(Actor):
    def __init__(self) -> None:
        raise NotImplementedError


class StubTimer(Actor):
    def started(self, ctx: Context) -> None:
        ctx.run_later(1.0, self.later)

    def later(self, ctx: Context) -> None:
        raise NotImplementedError("later")


class RaisesInInit(Actor):
    def __init__(self) -> None:
        raise ValueError("bad")


def play(cls: type) -> Sim:
    sim = Sim(seed=0)
    sim.spawn("a", cls)
    sim.run(until=2.0)
    return sim


def nothing_wrong(sim: Sim) -> Problem | None:
    return None


def always_wrong(sim: Sim) -> Problem:
    return Problem("x", "y", "z", at=1.5)


TOY = Exercise("toy", "Idle", (Scenario("one", play, nothing_wrong),))
WRONG = register(Exercise("runner_test_wrong", "Idle", (Scenario("one", play, always_wrong),)))


def test_not_attempted_in_the_constructor():
    result = TOY.check(StubInInit)
    assert result.status == NOT_ATTEMPTED
    assert result.outcomes[0].happened == "StubInInit.__init__ raises NotImplementedError"


def test_not_attempted_in_a_timer_inside_the_sim():
    result = TOY.check(StubTimer)
    assert result.status == NOT_ATTEMPTED
    assert result.outcomes[0].happened == (
        "the timer callback later on node a at t=1 raises NotImplementedError: later"
    )


def test_other_exception_is_an_error_with_type_message_and_scenario():
    result = TOY.check(RaisesInInit)
    assert result.status == ERROR
    assert str(result).splitlines()[0] == (
        "toy: ERROR in scenario 'one': ValueError: bad, raised in RaisesInInit.__init__"
    )


def test_an_instance_is_an_error_not_a_crash():
    result = check_ping_pong(Pinger())
    assert result.status == ERROR
    assert result.outcomes[0].hint == "pass the class itself: Pinger, not Pinger()"


def test_failure_carries_a_replay_snippet_that_replays():
    result = WRONG.check(Idle)
    assert result.status == FAILED
    outcome = result.outcomes[0]
    assert outcome.replay == (
        "from distsys_edu.exercises import replay\n"
        "sim = replay('runner_test_wrong', 'one', Idle)\n"
        "sim.snapshot(1.5)  # the moment it went wrong"
    )
    # what the snippet runs gives the same seeded world
    sim = replay("runner_test_wrong", "one", Idle)
    assert sim.trace.digest() == play(Idle).trace.digest()


def test_replay_of_ping_pong_gives_the_checked_world():
    sim = replay("ping_pong", "30% loss", Pinger)
    assert sim.annotations("pinger")["pongs"] == 5


def test_replay_refuses_unknown_names():
    with pytest.raises(InvalidArgument, match="exercise='nope' is not allowed: must be one of"):
        replay("nope", "x", Pinger)
    with pytest.raises(InvalidArgument, match="scenario='nope' is not allowed: must be one of"):
        replay("ping_pong", "nope", Pinger)


def test_register_refuses_a_second_exercise_of_the_same_name():
    with pytest.raises(InvalidArgument, match="exercise='ping_pong' is not allowed"):
        register(Exercise("ping_pong", "X", (Scenario("one", play, nothing_wrong),)))


def test_exercise_needs_distinct_scenarios():
    with pytest.raises(InvalidArgument, match="scenarios="):
        Exercise("x", "X", (Scenario("a", play, nothing_wrong), Scenario("a", play, nothing_wrong)))


def test_strict_argument_raises_for_anything_but_a_pass():
    assert check_ping_pong(Pinger, strict=True).status == PASSED
    with pytest.raises(ExerciseFailed) as caught:
        check_ping_pong(PingerStub, strict=True)
    assert caught.value.result.status == NOT_ATTEMPTED


def test_strict_environment_variable(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(ExerciseFailed):
        check_ping_pong(PingerStub)
    assert check_ping_pong(PingerStub, strict=False).status == NOT_ATTEMPTED
    monkeypatch.setenv(STRICT_ENV, "0")
    assert check_ping_pong(PingerStub).status == NOT_ATTEMPTED


@pytest.mark.parametrize(("value", "strict"), [("", False), ("no", False), (" TRUE ", True)])
def test_strict_environment_values(monkeypatch, value, strict):
    monkeypatch.setenv(STRICT_ENV, value)
    assert strict_mode(None) is strict


def test_bad_strict_values_are_refused(monkeypatch):
    with pytest.raises(InvalidArgument, match="strict='yes' is not allowed"):
        check_ping_pong(Pinger, strict="yes")  # type: ignore[arg-type]
    monkeypatch.setenv(STRICT_ENV, "2")
    with pytest.raises(InvalidArgument, match="DISTSYS_EDU_STRICT='2' is not allowed"):
        check_ping_pong(Pinger)


def test_text_is_the_same_in_a_fresh_process_with_another_hash_seed():
    code = (
        "import sys; sys.path.insert(0, 'tests/exercises')\n"
        "from ping_pong_answers import CountsEveryPong\n"
        "from follower_answers import NeverResets\n"
        "from distsys_edu.exercises import check_ping_pong, check_follower_detector\n"
        "r = check_ping_pong(CountsEveryPong)\n"
        "print(r); print(r._repr_html_())\n"
        "print(check_follower_detector(NeverResets))"
    )
    first = run_python(code, hashseed="1")
    assert first == run_python(code, hashseed=other_hashseed())
    assert "ping_pong: FAILED" in first and "follower_detector: FAILED" in first


def play_three(cls: type) -> Sim:
    sim = Sim(seed=0)
    for name in ("a", "b", "c"):
        sim.spawn(name, cls)
    sim.run(until=2.0)
    return sim


CROWD = Exercise("crowd", "Idle", (Scenario("three", play_three, always_wrong),))


def test_one_node_is_drawn_as_its_messages_three_as_the_cluster():
    few = WRONG.check(Idle).outcomes[0]
    assert few.caption == "the messages from t = 0 to 2 s (it went wrong at 1.5 s)"
    crowd = CROWD.check(Idle).outcomes[0]
    assert crowd.caption == "the moment it went wrong (t = 1.5 s)"
    for outcome in (few, crowd):
        png = outcome.png()
        assert png is not None and png.startswith(b"\x89PNG")


def test_a_rule_failure_lists_the_probes_messages_under_the_learners_names():
    from ring_answers import ForwardsSmaller

    from distsys_edu.exercises import check_ring

    problem = check_ring(ForwardsSmaller).first_problem
    assert problem is not None and problem.scenario == "the rule, one node"
    assert "RingElection(candidate_id=1) to n4" in problem.happened  # not Election(...)
    assert "smaller:" in problem.messages
    assert "  t=0  n3 received RingElection(candidate_id=1)" in problem.messages
    assert not any("Election(" in m.replace("RingElection(", "") for m in problem.messages)
