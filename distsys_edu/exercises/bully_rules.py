"""Lesson 04's Bully exercise, rule by rule: what each stub method's docstring asks for.

Node ``n3`` of five (``n5`` for the rule about nobody higher) runs on a
:class:`~distsys_edu.exercises.Probe`, in one situation per :class:`~.rules.Rule`, in
virtual time that moves only as the rule says (``answer_timeout`` is 0.05 s,
``coordinator_timeout`` 0.15 s). In order:

* ``start_election``: Election to every higher node and only those; no leading at
  once; ``self.phase`` AWAITING_ANSWER and a timer of ``answer_timeout`` kept in
  ``self.election_timer``; with nobody higher (``n5``), leading at once.
* ``on_election``: an Election from the lower ``n1`` is answered, and taken over
  (Elections to ``n4`` and ``n5``), unless ``n3`` is already a candidate.
* ``answer_timed_out``: with no Answer, ``n3`` leads and tells the lower nodes
  (``become_coordinator``), and suspects the higher ones.
* ``on_answer``: an Answer stops the answer timer (no leading when it would have
  fired); when no Coordinator comes within ``coordinator_timeout`` the election starts
  again; the phase becomes AWAITING_COORDINATOR.
"""

from __future__ import annotations

from collections.abc import Callable

from ..protocols.bully import (
    AWAITING_ANSWER,
    AWAITING_COORDINATOR,
    Answer,
    BullyConfig,
    BullyNode,
    Coordinator,
    Election,
)
from ..protocols.cluster import LEADER, Membership, node_names
from .probe import Probe
from .rules import Rule, rules_scenario

SIZE = 5
"""Nodes ``n1`` to ``n5``; ``n3`` has id 3 and the highest id wins."""

CONFIG = BullyConfig()


def _probe(node_class: type, name: str = "n3", initiate: bool = True) -> Probe:
    members = Membership(node_names(SIZE))
    peers = [n for n in members.names if n != name]
    node: BullyNode = node_class(name, members, CONFIG, initiate)
    return Probe(node, name=name, peers=peers)


def _node(probe: Probe) -> BullyNode:
    node: BullyNode = probe.actor  # type: ignore[assignment]
    return node


def _elections(probe: Probe) -> list[str]:
    return [s.to for s in probe.sent if isinstance(s.msg, Election)]


def _asked(node_class: type) -> Probe:
    """A follower ``n3`` that gets an Election from ``n1``."""
    probe = _probe(node_class, initiate=False)
    probe.deliver(Election("n1", 1))
    return probe


def _asked_as_candidate(node_class: type) -> Probe:
    probe = _probe(node_class)
    probe.sent.clear()
    probe.deliver(Election("n1", 1))
    return probe


def _after(dt: float, answered: bool) -> Callable[[type], Probe]:
    """``n3`` started an election; ``n4`` answered at once (or nobody did); ``dt`` later."""

    def setup(node_class: type) -> Probe:
        probe = _probe(node_class)
        if answered:
            probe.deliver(Answer("n4", 4))
        probe.sent.clear()
        probe.advance(dt)
        return probe

    return setup


def _role(probe: Probe) -> str:
    return f"n3 is {_node(probe).role}"


def _asks_only_higher(probe: Probe) -> str | None:
    asked = _elections(probe)
    return f"n3 sent Election to {', '.join(asked)}" if {"n1", "n2"} & set(asked) else None


def _asks_every_higher(probe: Probe) -> str | None:
    asked = _elections(probe)
    if sorted(asked) == ["n4", "n5"]:
        return None
    return f"n3 sent Election to {', '.join(asked) or 'nobody'}"


def _waits(probe: Probe) -> str | None:
    if _node(probe).role == LEADER:
        return "n3 declared itself leader at once, in the same step as its Elections"
    return None


def _phase(want: str) -> Callable[[Probe], str | None]:
    def broken(probe: Probe) -> str | None:
        phase = _node(probe).phase
        return None if phase == want else f"n3's phase is {phase}"

    return broken


def _answer_timer(probe: Probe) -> str | None:
    timer = _node(probe).election_timer
    if timer is not None and timer.active and timer.due() == CONFIG.answer_timeout:
        return None
    due = timer.due() if timer is not None and timer.active else None
    return f"self.election_timer is {'not pending' if due is None else f'due at t={due:g}'}"


def _leads(should: bool, why: str = "") -> Callable[[Probe], str | None]:
    def broken(probe: Probe) -> str | None:
        return None if (_node(probe).role == LEADER) == should else f"{_role(probe)}{why}"

    return broken


def _answered_n1(probe: Probe) -> str | None:
    return None if probe.messages(Answer, to="n1") else "n3 sent no Answer to n1"


def _took_over(probe: Probe) -> str | None:
    asked = sorted(_elections(probe))
    if asked == ["n4", "n5"]:
        return None
    return f"n3 answered n1 but sent Election to {', '.join(asked) or 'nobody'}"


def _no_new_election(probe: Probe) -> str | None:
    asked = _elections(probe)
    return f"n3 started again: Election to {', '.join(asked)}" if asked else None


def _announced(probe: Probe) -> str | None:
    told = sorted(s.to for s in probe.sent if isinstance(s.msg, Coordinator))
    if told == ["n1", "n2"]:
        return None
    return f"{_role(probe)} and sent Coordinator to {', '.join(told) or 'nobody'}"


def _suspects_higher(probe: Probe) -> str | None:
    suspects = sorted(_node(probe).suspects)
    return None if {"n4", "n5"} <= set(suspects) else f"n3 suspects {suspects}"


def _starts_again(probe: Probe) -> str | None:
    asked = sorted(_elections(probe))
    if asked == ["n4", "n5"]:
        return None
    return (
        f"no Coordinator came; coordinator_timeout later {_role(probe)} and sent "
        f"Election to {', '.join(asked) or 'nobody'}: it waits for ever if n4 died after answering"
    )


START = _probe
"""The setup of the start_election rules: ``n3`` starts an election at t=0."""

WAIT_COORDINATOR = CONFIG.coordinator_timeout + CONFIG.answer_timeout
"""Long enough for a Coordinator that never comes, and the new election's wait."""

RULES = rules_scenario(
    "the rules, one node",
    (
        Rule(
            "an election asks only the higher nodes: Election to n4 and n5",
            "loop over self.higher: a lower node can never win against you, so asking "
            "it only costs messages (and it would answer nothing)",
            START,
            _asks_only_higher,
        ),
        Rule(
            "an election asks every higher node: Election to n4 and n5",
            "send Election(self.name, self.id) to every node in self.higher",
            START,
            _asks_every_higher,
        ),
        Rule(
            "n3 waits answer_timeout for an Answer from n4 or n5 before it may win",
            "after sending the Elections, only start a timer: "
            "ctx.run_later(self.config.answer_timeout, self.answer_timed_out); win in "
            "answer_timed_out, if nobody answered",
            START,
            _waits,
        ),
        Rule(
            "after its Elections n3 is in the phase AWAITING_ANSWER",
            "set self.phase = AWAITING_ANSWER in start_election: on_answer reads it to "
            "know that an Answer is awaited",
            START,
            _phase(AWAITING_ANSWER),
        ),
        Rule(
            "the answer timer is kept in self.election_timer, due answer_timeout from now",
            "keep the timer in self.election_timer = ctx.run_later(self.config."
            "answer_timeout, self.answer_timed_out): on_answer must be able to cancel it",
            START,
            _answer_timer,
        ),
        Rule(
            "n5, with nobody higher, leads as soon as it starts an election",
            "with nobody higher (self.higher is empty), win at once: "
            "self.become_coordinator(ctx), without waiting for answers nobody can send",
            lambda c: _probe(c, name="n5"),
            _leads(True),
        ),
        Rule(
            "n3 answers an Election from the lower n1 with Answer",
            "reply ctx.addr(msg.candidate).do_send(Answer(self.name, self.id)): without "
            "it n1 hears nothing, thinks every higher node crashed and declares itself "
            "leader",
            _asked,
            _answered_n1,
        ),
        Rule(
            "n3 answers n1 and then takes the election over: Election to n4 and n5",
            "after answering, call self.start_election(ctx) (unless already a candidate "
            "or the leader): otherwise n1 waits for a Coordinator that nobody sends",
            _asked,
            _took_over,
        ),
        Rule(
            "n3, already a candidate, answers n1's Election but does not start again",
            "take over only if you are not already a candidate or the leader "
            "(self.role): starting again resets the election under way",
            _asked_as_candidate,
            _no_new_election,
        ),
        Rule(
            "with no Answer within answer_timeout, n3 presumes n4 and n5 crashed and "
            "becomes leader",
            "in answer_timed_out: self.suspects.update(self.higher), then "
            "self.become_coordinator(ctx); a node that never takes over leaves the "
            "cluster leaderless once the coordinator dies",
            _after(CONFIG.answer_timeout, answered=False),
            _leads(True, " answer_timeout after its Elections"),
        ),
        Rule(
            "n3, leader when nobody answered, tells n1 and n2 with Coordinator",
            "win with self.become_coordinator(ctx), not by setting self.role: it tells "
            "every lower node (Coordinator) and starts the heartbeats",
            _after(CONFIG.answer_timeout, answered=False),
            _announced,
        ),
        Rule(
            "with no Answer within answer_timeout, n3 suspects n4 and n5 (presumed crashed)",
            "in answer_timed_out, self.suspects.update(self.higher): they did not answer",
            _after(CONFIG.answer_timeout, answered=False),
            _suspects_higher,
        ),
        Rule(
            "once n4 answered, n3 waits for n4's Coordinator and does not lead",
            "in on_answer, while self.phase == AWAITING_ANSWER (start_election sets it): "
            "cancel self.election_timer, set the phase to AWAITING_COORDINATOR and start "
            "a timer of self.config.coordinator_timeout calling self.coordinator_timed_out",
            _after(CONFIG.answer_timeout, answered=True),
            _leads(False, ": it became leader anyway when answer_timeout passed"),
        ),
        Rule(
            "n4 answered but sent no Coordinator: coordinator_timeout later n3 starts "
            "the election again",
            "in on_answer, start a timer of self.config.coordinator_timeout that calls "
            "self.coordinator_timed_out (keep it in self.election_timer): the answering "
            "node may die before it announces itself",
            _after(WAIT_COORDINATOR, answered=True),
            _starts_again,
        ),
        Rule(
            "once n4 answered, n3's phase is AWAITING_COORDINATOR",
            "in on_answer, set self.phase = AWAITING_COORDINATOR: a second Answer then "
            "does not restart the wait",
            _after(0.0, answered=True),
            _phase(AWAITING_COORDINATOR),
        ),
    ),
)
"""The scenario that puts each rule, in order (first in ``check_bully``)."""
