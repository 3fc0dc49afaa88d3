"""Rule by rule: one scenario that puts each rule of an exercise to one probed node.

A cluster run shows that a protocol works; it seldom shows *which* rule is missing,
and some rules (refuse a request of an older term, say) matter only in schedules a
few seeds never reach. A :class:`Rule` is one such rule on its own: it builds a
:class:`~distsys_edu.exercises.Probe` around the learner's node, puts it in the one
situation where the rule decides (its state set as the exercise documents it, one or
two messages delivered, in virtual time that moves only when the rule says), and
says what the node did wrong, if anything. :func:`rules_scenario` makes one
:class:`~.runner.Scenario` of a list of rules: its judge reports the first broken rule,
with that rule's own hint and the messages the node sent.

Example::

    Rule(
        "a request of an older term is refused",
        "Figure 2: reply false if term < currentTerm",
        setup=lambda cls: ...,  # a Probe that got VoteRequest(term=1) at term 3
        broken=lambda probe: "it granted it" if granted(probe) else None,
    )
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from .probe import Probe
from .runner import Problem, Scenario

__all__ = ["Rule", "RuleRun", "rules_scenario", "sent_text"]


@dataclass(frozen=True)
class Rule:
    """One rule of an exercise, put to one probed node.

    Attributes:
        expected: the rule, as the node should follow it in this situation.
        hint: what to write, naming the rule (shown when it is broken).
        setup: ``setup(learner_class)`` makes the probe, sets the situation up and
            delivers what the rule is about; it returns the probe.
        broken: ``broken(probe)`` says what the node did instead (``None``: it kept
            the rule). It reads what the probe recorded and the node's documented
            attributes.
    """

    expected: str
    hint: str
    setup: Callable[[type], Probe]
    broken: Callable[[Probe], str | None]


@dataclass(frozen=True)
class RuleRun:
    """What a rules scenario gives its judge: each rule with its probe, in order."""

    played: tuple[tuple[Rule, Probe], ...]

    def probe(self, index: int) -> Probe:
        """The probe of rule number ``index`` (from 0), to replay and read."""
        return self.played[index][1]


SHOWN = 6
"""How many sent messages a failure lists before it says how many more there were."""


def sent_text(probe: Probe) -> str:
    """What the probed node sent, in order, e.g. ``VoteReply(term=1, ...) to n2``; the
    first :data:`SHOWN`, then how many more."""
    shown = [f"{s.msg} to {s.to}" for s in probe.sent[:SHOWN]]
    more = len(probe.sent) - SHOWN
    return "; ".join(shown + [f"and {more} more"] * (more > 0)) or "nothing"


def play(rules: Sequence[Rule], learner_class: type) -> RuleRun:
    """Put every rule to a fresh probe of ``learner_class``."""
    return RuleRun(tuple((rule, rule.setup(learner_class)) for rule in rules))


def judge(run: RuleRun) -> Problem | None:
    """The first broken rule, with what the node did and sent, and the rule's hint."""
    for rule, probe in run.played:
        happened = rule.broken(probe)
        if happened is not None:
            return Problem(rule.expected, f"{happened} (it sent: {sent_text(probe)})", rule.hint)
    return None


def rules_scenario(name: str, rules: Sequence[Rule]) -> Scenario:
    """A scenario that puts each of ``rules`` to the learner's node, in order."""
    return Scenario(name, partial(play, tuple(rules)), judge, returns="rules")
