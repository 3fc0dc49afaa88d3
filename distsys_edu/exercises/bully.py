"""Lesson 04's first exercise: write the Bully election (Garcia-Molina 1982).

The learner writes the four election rules of a :class:`Bully` node, a subclass of the
library's :class:`~distsys_edu.protocols.bully.BullyNode` that keeps its heartbeats,
its detector and what it publishes, and speaks the same messages
(:mod:`distsys_edu.protocols.bully.messages`), so a learner's node runs beside ours.
:func:`check_bully` plays it through:

* ``the rules, one node``: one node ``n3`` of five (``n5`` for one rule), driven by a
  :class:`~distsys_edu.exercises.Probe`, one rule of the stub's docstrings at a time
  (:mod:`.bully_rules`): starting an election it must ask ``n4`` and ``n5`` only, and
  wait in AWAITING_ANSWER with its timer in ``self.election_timer``; with nobody higher
  it wins at once; an ``Election`` from ``n1`` must be answered and taken over (unless
  already a candidate); with no ``Answer`` within ``answer_timeout`` it must suspect the
  higher nodes and win; with an ``Answer`` it must wait in AWAITING_COORDINATOR for a
  ``Coordinator``, and start again when none comes within ``coordinator_timeout``.
* ``everyone starts``: five learner nodes all start an election at time 0.
* ``the lowest starts``: only ``n1`` starts; the others must take over the election
  when asked, well before their own detectors would start one.
* ``the coordinator crashes``: ``n2`` and ``n4`` are the learner's, ``n1``, ``n3`` and
  ``n5`` ours; ``n5`` crashes at t=1 and ``n4`` must take over.

In the three clusters, by the deadline the highest live node must be the only leader
and every live node must follow it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from ..protocols.bully import (
    AWAITING_ANSWER,
    AWAITING_COORDINATOR,
    Answer,
    BullyConfig,
    BullyNode,
    Coordinator,
    Election,
)
from ..protocols.cluster import CANDIDATE, LEADER, Membership, node_names
from ..runtime import Context, Sim
from .bully_rules import RULES
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register

__all__ = [
    "AWAITING_ANSWER",
    "AWAITING_COORDINATOR",
    "CANDIDATE",
    "Answer",
    "Bully",
    "Coordinator",
    "Election",
    "check_bully",
]

SIZE = 5
"""Nodes ``n1`` to ``n5``; ``n3`` has id 3 and the highest id wins."""


class Bully(BullyNode):
    """A Bully node whose election you write (Garcia-Molina 1982; Coulouris et al. 15.3).

    Given (from ``BullyNode``): ``self.name``, ``self.id``, ``self.higher`` and
    ``self.lower`` (names of the nodes with higher and lower ids), ``self.config``
    (``answer_timeout``, ``coordinator_timeout``), ``self.role``, ``self.phase``,
    ``self.election_timer``, ``self.suspects``, ``self.become_coordinator(ctx)``
    (lead, tell every lower node with ``Coordinator``, start heartbeats) and
    ``self.coordinator_timed_out`` (a timer callback that starts the election again).
    The messages: ``Election(self.name, self.id)``, ``Answer(self.name, self.id)``.
    """

    def start_election(self, ctx: Context) -> None:
        """Ask every higher node, then wait for an Answer: set ``self.phase`` to
        AWAITING_ANSWER and keep in ``self.election_timer`` a timer of
        ``answer_timeout`` that calls ``answer_timed_out``. With nobody higher, win at
        once."""
        ctx.cancel(self.heartbeat_timer)
        ctx.cancel(self.election_timer)
        self.role, self.leader = CANDIDATE, None
        raise NotImplementedError("win at once, or send Election to every higher node and wait")

    def answer_timed_out(self, ctx: Context) -> None:
        """No higher node answered: they are presumed crashed (suspect them); win."""
        raise NotImplementedError("nobody higher answered in time: what now?")

    def on_election(self, msg: Election, ctx: Context) -> None:
        """A lower node asks: answer it, then take the election over (start one of
        your own) unless you are already a candidate or the leader."""
        raise NotImplementedError("answer the lower candidate, then take over")

    def on_answer(self, msg: Answer, ctx: Context) -> None:
        """A higher node is alive and takes over: while AWAITING_ANSWER, stop that
        timer and wait ``coordinator_timeout`` for its Coordinator (the timer calls
        ``coordinator_timed_out``); the phase becomes AWAITING_COORDINATOR."""
        raise NotImplementedError("a higher node took over: wait for its Coordinator")


# -- whole clusters ---------------------------------------------------------------------


def _node(node_class: type, members: Membership, name: str, initiate: bool) -> BullyNode:
    node: BullyNode = node_class(name, members, BullyConfig(), initiate)
    return node


def play_cluster(
    learners: Sequence[str],
    initiator: str,
    faults: Sequence[str],
    until: float,
    seed: int,
    node_class: type,
) -> Sim:
    """Five nodes, ``learners`` of class ``node_class`` and the rest ours."""
    sim = Sim(seed=seed, faults=faults)
    members = Membership(node_names(SIZE))
    starters = set(members.names) if initiator == "all" else {initiator}
    for name in members.names:
        cls = node_class if name in learners else BullyNode
        sim.spawn(name, partial(_node, cls, members, name, name in starters))
    sim.run(until=until)
    return sim


def judge_cluster(sim: Sim) -> Problem | None:
    """At the end: the highest live node is the one leader, and everyone follows it."""
    live = [n for n in node_names(SIZE) if sim.status(n) == "up"]
    winner = live[-1]
    views = {n: sim.annotations(n) for n in live}
    leaders = [n for n in live if views[n].get("role") == LEADER]
    wrong = [n for n in live if views[n].get("leader") != winner]
    if leaders == [winner] and not wrong:
        return None
    believed = "; ".join(
        f"{n}: {views[n].get('role')}, leader {views[n].get('leader')}" for n in live
    )
    return Problem(
        f"by t={sim.now:g}, {winner} (the highest live id) is the only leader and every "
        "live node follows it",
        f"at t={sim.now:g}: {believed}",
        "check each rule on its own: the scenario 'the rules, one node' names the first broken one",
        at=sim.now,
    )


def _cluster(
    name: str,
    learners: Sequence[str],
    initiator: str,
    faults: Sequence[str],
    until: float,
    seed: int,
) -> Scenario:
    play = partial(play_cluster, tuple(learners), initiator, tuple(faults), until, seed)
    return Scenario(name, play, judge_cluster)


_ALL = node_names(SIZE)

EXERCISE = register(
    Exercise(
        "bully",
        "Bully",
        (
            RULES,
            _cluster("everyone starts", _ALL, "all", (), until=1.0, seed=1),
            # Long before any detector gives up (failure_timeout 0.35 s) if taken over.
            _cluster("the lowest starts", _ALL, "n1", (), until=0.25, seed=2),
            _cluster("the coordinator crashes", ("n2", "n4"), "all", ("1 crash n5",), 2.0, 3),
        ),
    )
)


def check_bully(node_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check a Bully node's election rules, alone and beside ours (lesson 04).

    Args:
        node_class: the class you wrote (not an instance), a ``BullyNode`` subclass made
            as ``node_class(name, members, config, initiate)``.
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(node_class, strict=strict)
