"""Lesson 06's broken protocol: a Raft-style election with one planted bug.

:class:`BrokenRaftNode` is :class:`~distsys_edu.protocols.raft.RaftNode` with one line
missing from its RequestVote receiver: it grants a vote without checking
``voted_for`` (Figure 2 of the Raft paper, Ongaro and Ousterhout, USENIX ATC 2014:
"If votedFor is null or candidateId ... grant vote"). Runs without faults look fine;
the explorer (:func:`~distsys_edu.checks.explore`) finds the schedule that gives one
term two leaders. The learner fixes it in a subclass, and :func:`check_fixed_protocol`
explores the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..checks import (
    ExploreResult,
    Violation,
    explore,
    leader_known_by_all,
    one_leader_per_term,
    run_once,
)
from ..protocols.cluster import node_names, spawn_peers
from ..protocols.raft import RaftConfig, RaftNode, RequestVote, RequestVoteReply
from ..runtime import Context, Sim
from .broken_rules import RULES
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register
from .terms import first_double_vote, granted_votes


class BrokenRaftNode(RaftNode):
    """A Raft-style server whose RequestVote receiver forgets one condition."""

    def on_request_vote(self, msg: RequestVote, ctx: Context) -> None:
        """RequestVote receiver: 1. reply false if term < current_term; 2. grant the
        vote if the candidate's log is at least as up-to-date as ours."""
        if msg.term > self.current_term(ctx):
            self.step_down(ctx, msg.term)
        current_term = self.current_term(ctx)
        vote_granted = msg.term == current_term and self.log_is_current(msg, ctx)
        if vote_granted:
            ctx.storage["voted_for"] = msg.candidate_id
            self.reset_election_timer(ctx)
        ctx.addr(msg.candidate_id).do_send(RequestVoteReply(current_term, vote_granted, ctx.name))


def spawn_nodes(
    node_class: type[RaftNode],
    sim: Sim,
    nodes: int | Sequence[str] = 5,
    *,
    election_timeout: tuple[float, float] = (0.150, 0.300),
) -> list[str]:
    """Spawn a cluster of ``node_class`` servers and return their names."""
    names = node_names(nodes)
    config = RaftConfig(election_timeout)
    spawn_peers(sim, names, node_class, config)
    return names


def spawn_broken(
    sim: Sim,
    nodes: int | Sequence[str] = 5,
    *,
    election_timeout: tuple[float, float] = (0.150, 0.300),
) -> list[str]:
    """Spawn a cluster of :class:`BrokenRaftNode` (a protocol for ``explore``)."""
    return spawn_nodes(BrokenRaftNode, sim, nodes, election_timeout=election_timeout)


def spawner(node_class: type[RaftNode]) -> Callable[..., list[str]]:
    """A ``spawn_cluster(sim, nodes, **options)`` function for ``node_class``."""

    def spawn_cluster(sim: Sim, nodes: int | Sequence[str] = 5, **options: object) -> list[str]:
        return spawn_nodes(node_class, sim, nodes, **options)  # type: ignore[arg-type]

    spawn_cluster.__qualname__ = f"spawner({node_class.__name__})"
    return spawn_cluster


class FixedRaftNode(BrokenRaftNode):
    """Fix the RequestVote receiver: compare it with Figure 2 of the Raft paper.

    ``self.current_term(ctx)`` and ``self.voted_for(ctx)`` read the node's disk;
    ``ctx.storage["voted_for"] = ...`` writes it. Answer with
    ``RequestVoteReply(current_term, vote_granted, ctx.name)``.
    """

    def on_request_vote(self, msg: RequestVote, ctx: Context) -> None:
        raise NotImplementedError("grant a vote the way Figure 2 says, all conditions")


EXPLORE_RUNS, EXPLORE_SEED = 40, 2
"""How many runs :func:`check_fixed_protocol` explores, from which seed."""

QUIET_UNTIL = 3.0
"""The no-fault scenario: a leader must be known to all by then."""


def play_quiet(node_class: type[RaftNode]) -> Sim:
    """Five servers, no faults, 1-10 ms links, until :data:`QUIET_UNTIL`."""
    return run_once(spawner(node_class), 1, [], duration=QUIET_UNTIL)


def judge_quiet(sim: Sim) -> Problem | None:
    """A leader known to every node, and no term with two leaders."""
    broken = one_leader_per_term(sim.trace)
    if broken:
        return _two_leaders(sim, broken[0])
    if leader_known_by_all(sim.trace) is None:
        return Problem(
            f"a leader known to every node by t={QUIET_UNTIL:g}, with no faults at all",
            "no leader was ever known to all: no candidate gathered a majority",
            "a server must still grant its vote when voted_for is None (or the "
            "candidate itself) and the term is current",
            at=QUIET_UNTIL,
        )
    return None


@dataclass(frozen=True)
class Exploration:
    """What the explorer found with one node class; ``print`` it for the summary.

    Attributes:
        result: the explorer's result.
        node_class: the class explored (to replay a counterexample with).
    """

    result: ExploreResult
    node_class: type[RaftNode]

    def __str__(self) -> str:
        return self.result.summary()


def play_explore(node_class: type[RaftNode]) -> Exploration:
    """:data:`EXPLORE_RUNS` runs under random faults, each checked for two leaders a term."""
    result = explore(
        spawner(node_class),
        runs=EXPLORE_RUNS,
        seed=EXPLORE_SEED,
        invariants=["one_leader_per_term"],
        max_shrink=1,
        progress=False,
    )
    return Exploration(result, node_class)


def judge_explore(explored: Exploration) -> Problem | None:
    """No counterexample; else the shrunk one, replayed to find the vote cast twice."""
    result = explored.result
    found = result.shortest()
    if found is None:
        return None
    faults = list(found.schedule if found.minimal is None else found.minimal)
    sim = run_once(spawner(explored.node_class), found.seed, faults)
    problem = _two_leaders(sim, found.minimal_violation or found.violation)
    shown = "; ".join(str(f) for f in faults) or "no faults at all"
    return Problem(
        problem.expected,
        f"run {found.run} of {result.runs} (seed {found.seed}, shrunk to: {shown}): "
        f"{problem.happened}",
        problem.hint,
        at=problem.at,
    )


def _two_leaders(sim: Sim, violation: Violation) -> Problem:
    """Say who voted twice for the two leaders of one term."""
    expected = "at most one leader per term, whatever the faults"
    double = first_double_vote(granted_votes(sim, _is_grant))
    if double is None:
        return Problem(
            expected,
            f"{violation.detail}, and no node voted twice in that term",
            "a leader needs the votes of a majority: compare each rule with Figure 2",
            violation.t,
        )
    voter, term, (_, first), (t2, second) = double
    happened = f"{violation.detail}: {voter} voted for {first} and for {second} in term {term}"
    if not _published_vote(sim, voter, term, first):
        return Problem(
            expected,
            f"{happened}; its disk never showed voted_for {first} in term {term}",
            "store the vote when you grant it: ctx.storage['voted_for'] = "
            "msg.candidate_id; a check of voted_for that is never set stops nothing",
            at=t2,
        )
    return Problem(
        expected,
        happened,
        "grant a vote only if voted_for is None or the candidate itself (Figure 2, "
        "RequestVote receiver, rule 2)",
        at=t2,
    )


def _published_vote(sim: Sim, voter: str, term: int, candidate: str) -> bool:
    """Whether ``voter`` ever published ``voted_for=candidate`` while in ``term``."""
    view: dict[str, Any] = {}
    for e in sim.trace.events("annotate", node=voter):
        view = {**view, **e.data}
        if view.get("term") == term and view.get("voted_for") == candidate:
            return True
    return False


def _is_grant(msg: Any) -> bool:
    return isinstance(msg, RequestVoteReply) and msg.vote_granted


EXERCISE = register(
    Exercise(
        "fixed_protocol",
        "FixedRaftNode",
        (
            RULES,
            Scenario("no faults", play_quiet, judge_quiet),
            Scenario(
                f"explore {EXPLORE_RUNS} runs",
                play_explore,
                judge_explore,
                returns="result",
            ),
        ),
    )
)


def check_fixed_protocol(node_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check a fix of :class:`BrokenRaftNode` with the explorer (lesson 06).

    Args:
        node_class: the class you wrote (not an instance), a ``RaftNode`` subclass.
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(node_class, strict=strict)
