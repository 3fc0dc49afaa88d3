"""Lesson 04's second exercise: the ring election's one rule (Chang and Roberts 1979).

The learner writes ``on_election`` of a :class:`Ring` node, a subclass of the library's
:class:`~distsys_edu.protocols.ring.RingNode` (which keeps the ring, the heartbeats and
what it publishes). :func:`check_ring` plays it through:

* ``the rule, one node``: node ``n3`` of five (ids ascending), on a
  :class:`~distsys_edu.exercises.Probe`, gets ``RingElection(5)`` (forward it),
  ``RingElection(1)`` while not taking part (send its own 3 instead), ``RingElection(1)`` while
  taking part (swallow it) and ``RingElection(3)``, its own id back (it leads); then two
  in a row, 5 then 1 and 1 then 2: each first one must have made it a participant, so
  the second is swallowed.
* ``everyone starts, ids descending`` and ``the lowest starts, ids ascending``: five
  learner nodes; the highest id must lead, everyone must follow it, and the election
  must cost exactly as many ``Election`` messages as the library's ring in the same
  world (N(N+1)/2 = 15 and 2N - 1 = 9: the worst case and the textbook's worst single
  initiator).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from ..protocols.cluster import LEADER, Membership, assign_ids, node_names
from ..protocols.ring import Elected, RingConfig, RingNode
from ..protocols.ring import Election as RingElection
from ..runtime import Context, Sim
from .probe import Probe
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register

__all__ = ["Elected", "Ring", "RingElection", "check_ring"]

SIZE = 5
"""Nodes ``n1`` to ``n5`` in ring order: ``n1 -> n2 -> ... -> n5 -> n1``."""

PROBED = "n3"
"""The node whose rule is checked (id 3 when ids ascend)."""

UNTIL = 0.3
"""Seconds each cluster runs: far longer than an election on 1 ms links, and shorter
than any timeout that would restart one."""


class Ring(RingNode):
    """A Chang-Roberts ring node whose election rule you write.

    Given (from ``RingNode``): ``self.id``; ``self.participant`` (taking part in an
    election); ``self.become_participant(ctx)``; ``self.pass_on(ctx, msg, subject)``
    (send ``msg`` to the next live node clockwise; ``subject`` is the id it carries);
    ``self.become_leader(ctx)``. The messages: ``RingElection(candidate_id)`` (the
    ring's ``Election``) and ``Elected(leader_id)``.
    """

    def on_election(self, msg: RingElection, ctx: Context) -> None:
        """A larger id: become a participant and forward it. A smaller id: if not yet a
        participant, become one and send your own id instead; if already one, swallow
        it. Your own id: it went round unbeaten, so lead (``become_leader``) and send
        ``Elected(self.id)`` round the ring."""
        raise NotImplementedError("forward a larger id, replace a smaller one once, win with yours")


# -- the rule, on a probe ----------------------------------------------------------------


@dataclass
class RuleProbes:
    """Node ``n3`` of five in four situations."""

    larger: Probe  # RingElection(5) arrived
    smaller: Probe  # RingElection(1) arrived, n3 not taking part
    smaller_again: Probe  # RingElection(1) arrived, n3 already taking part
    own: Probe  # RingElection(3), its own id, came back
    larger_then_smaller: Probe  # RingElection(5), then RingElection(1)
    smaller_then_smaller: Probe  # RingElection(1), then RingElection(2), n3 not taking part


def play_rules(node_class: type) -> RuleProbes:
    """Deliver Elections to ``n3`` in each of six situations."""
    members = Membership(node_names(SIZE))
    peers = [n for n in members.names if n != PROBED]

    def probe(*msgs: RingElection, initiate: bool = False) -> Probe:
        node = node_class(PROBED, members, RingConfig(), initiate)
        driven = Probe(node, name=PROBED, peers=peers)
        driven.sent.clear()  # what started() sent is not the rule's doing
        for msg in msgs:
            driven.deliver(msg)
        return driven

    return RuleProbes(
        probe(RingElection(5)),
        probe(RingElection(1)),
        probe(RingElection(1), initiate=True),
        probe(RingElection(3), initiate=True),
        probe(RingElection(5), RingElection(1)),
        probe(RingElection(1), RingElection(2)),
    )


Case = tuple[Probe, list[tuple[str, object]], str, str]
"""One case of the rule: the probe, what it must have sent, what is expected, the hint."""


def judge_rules(probes: RuleProbes) -> Problem | None:
    """Each case of the rule in turn; the first broken one, with its own hint."""
    cases: tuple[Case, ...] = (
        (
            probes.larger,
            [("n4", RingElection(5))],
            "RingElection(5), a larger id than n3's 3, is passed on unchanged to n4",
            "a larger id must travel on as it is: pass_on(ctx, msg, msg.candidate_id); "
            "forwarding any other id loses the largest one",
        ),
        (
            probes.smaller,
            [("n4", RingElection(3))],
            "RingElection(1), a smaller id, reaching n3 that takes no part yet: n3 sends its "
            "own RingElection(3) to n4 instead",
            "a smaller id cannot win past you: become a participant and send "
            "RingElection(self.id) in its place",
        ),
        (
            probes.smaller_again,
            [],
            "RingElection(1) reaching n3, already a participant: n3 swallows it (sends nothing)",
            "your own, larger id is already on its way round: a second copy only costs "
            "messages (check self.participant)",
        ),
        (
            probes.own,
            [("n4", Elected(3))],
            "RingElection(3), n3's own id, back after a full circle: n3 leads and sends Elected(3)",
            "your own id came back unbeaten: self.become_leader(ctx), then pass "
            "Elected(self.id) round the ring",
        ),
    )
    for probe, sent, expected, hint in cases + _participant_cases(probes):
        got = [(s.to, s.msg) for s in probe.sent]
        if got != sent:
            listed = ", ".join(f"{msg} to {to}" for to, msg in got) or "nothing"
            return Problem(expected, f"n3 sent {listed}", hint)
    if probes.own.published.get("role") != LEADER:
        return Problem(
            "n3 leads once its own id came back",
            f"n3 is {probes.own.published.get('role')}",
            "call self.become_leader(ctx) when msg.candidate_id == self.id",
        )
    return None


def _participant_cases(
    probes: RuleProbes,
) -> tuple[tuple[Probe, list[tuple[str, object]], str, str], ...]:
    """Two Elections in a row: what the first made of ``n3`` decides the second."""
    return (
        (
            probes.larger_then_smaller,
            [("n4", RingElection(5))],
            "RingElection(5), then RingElection(1): n3 forwards the 5, which made it a "
            "participant, and swallows the 1",
            "forwarding a larger id makes you a participant too: call "
            "self.become_participant(ctx) before pass_on, or every smaller id that "
            "follows starts your own, hopeless, id round the ring",
        ),
        (
            probes.smaller_then_smaller,
            [("n4", RingElection(3))],
            "RingElection(1), then RingElection(2): n3 sends its own 3 once, in place of "
            "the 1, and swallows the 2",
            "sending your own id in place of a smaller one makes you a participant: call "
            "self.become_participant(ctx) then, or your id goes round twice",
        ),
    )


# -- whole rings ----------------------------------------------------------------------


def play_ring(order: str, initiator: str, node_class: type) -> Sim:
    """Five ``node_class`` nodes, ids laid out in ``order``, run for ``UNTIL``."""
    sim = Sim(seed=0)
    names = node_names(SIZE)
    ring = Membership(names, dict(zip(names, assign_ids(SIZE, order, 0), strict=True)))
    starters = set(names) if initiator == "all" else {ring.by_id[0]}
    for name in names:
        sim.spawn(name, partial(node_class, name, ring, RingConfig(), name in starters))
    sim.run(until=UNTIL)
    return sim


def _elections(sim: Sim) -> int:
    return int(sim.trace.counts()["sent_by_type"].get("Election", 0))


def judge_ring(order: str, initiator: str, sim: Sim) -> Problem | None:
    """The highest id leads, all follow, at the cost of the library's ring."""
    names = node_names(SIZE)
    ours = play_ring(order, initiator, RingNode)
    winner = next(n for n in names if ours.annotations(n).get("role") == LEADER)
    views = {n: sim.annotations(n) for n in names}
    if views[winner].get("role") != LEADER or any(views[n].get("leader") != winner for n in names):
        believed = "; ".join(f"{n}: leader {views[n].get('leader')}" for n in names)
        return Problem(
            f"{winner} (id {SIZE}, the highest) leads and every node follows it",
            f"at t={sim.now:g}: {believed}",
            "only the largest id may come back to its owner: the scenario 'the rule, "
            "one node' names the broken case",
            at=sim.now,
        )
    mine, expected = _elections(sim), _elections(ours)
    if mine != expected:
        return Problem(
            f"{expected} Election messages, as Chang and Roberts count them",
            f"{mine} Election messages",
            "swallow a smaller id when already a participant, and forward each larger id once",
        )
    return None


def _ring(name: str, order: str, initiator: str) -> Scenario:
    return Scenario(
        name, partial(play_ring, order, initiator), partial(judge_ring, order, initiator)
    )


EXERCISE = register(
    Exercise(
        "ring",
        "Ring",
        (
            Scenario("the rule, one node", play_rules, judge_rules, returns="probes"),
            _ring("everyone starts, ids descending", "descending", "all"),
            _ring("the lowest starts, ids ascending", "ascending", "lowest"),
        ),
    )
)


def check_ring(node_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check a ring node's Chang-Roberts rule, alone and in two rings (lesson 04).

    Args:
        node_class: the class you wrote (not an instance), a ``RingNode`` subclass.
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(node_class, strict=strict)
