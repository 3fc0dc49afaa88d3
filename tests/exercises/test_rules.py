"""The rule-by-rule scenario: each rule gets its own probe, the first broken rule is the
one reported, with its own hint and what the node sent."""

from __future__ import annotations

from dataclasses import dataclass

from distsys_edu.exercises import Exercise, Probe
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.rules import Rule, judge, play, rules_scenario, sent_text
from distsys_edu.runtime import Actor


@dataclass(frozen=True)
class Ping:
    n: int


class Echo(Actor):
    """Answers Ping(n) with Ping(n + 1) to n2."""

    def on_ping(self, msg, ctx):
        ctx.addr("n2").do_send(Ping(msg.n + 1))


class Silent(Echo):
    def on_ping(self, msg, ctx):
        pass


class Unwritten(Echo):
    def on_ping(self, msg, ctx):
        raise NotImplementedError("answer the ping")


def _pinged(n):
    def setup(cls):
        probe = Probe(cls(), name="n1", peers=["n2"])
        probe.deliver(Ping(n))
        return probe

    return setup


def _answers(probe):
    return None if probe.messages(Ping) else "n1 sent no Ping"


def _adds_one(probe):
    return None if probe.messages(Ping) == [Ping(2)] else "n1 did not add one"


RULES = (
    Rule("n1 answers a Ping", "answer every ping", _pinged(1), _answers),
    Rule("n1 answers Ping(1) with Ping(2)", "add one", _pinged(1), _adds_one),
)


def test_each_rule_gets_its_own_probe():
    run = play(RULES, Echo)
    assert run.probe(0) is not run.probe(1)
    assert judge(run) is None


def test_the_first_broken_rule_is_reported_with_its_hint_and_what_was_sent():
    problem = judge(play(RULES, Silent))
    assert problem.expected == "n1 answers a Ping"
    assert problem.happened == "n1 sent no Ping (it sent: nothing)"
    assert problem.hint == "answer every ping"


def test_a_later_rule_is_reached_when_the_first_holds():
    class AddsTwo(Echo):
        def on_ping(self, msg, ctx):
            ctx.addr("n2").do_send(Ping(msg.n + 2))

    problem = judge(play(RULES, AddsTwo))
    assert problem.hint == "add one"
    assert problem.happened.endswith("(it sent: Ping(n=3) to n2)")


def test_as_a_scenario_an_unwritten_handler_is_not_attempted():
    exercise = Exercise("echo_rules_test", "Echo", (rules_scenario("the rules", RULES),))
    assert exercise.check(Echo, strict=False).status == PASSED
    assert exercise.check(Silent, strict=False).status == FAILED
    assert exercise.check(Unwritten, strict=False).status == NOT_ATTEMPTED


def test_a_long_list_of_sent_messages_is_cut_after_six():
    probe = Probe(Echo(), name="n1", peers=["n2"])
    for n in range(8):
        probe.deliver(Ping(n))
    assert sent_text(probe).endswith("Ping(n=6) to n2; and 2 more")
    assert sent_text(Probe(Silent(), name="n1", peers=["n2"])) == "nothing"
