"""Lesson 05's first exercise: fix split brain with terms and majority votes.

:class:`ElectionNode` is a small leader election that does the plumbing: an election
timer drawn at random from ``config.election_timeout``; when it fires, the node
starts a new term, votes for itself and sends :class:`VoteRequest` to every peer; a
leader sends :class:`Heartbeat` every ``config.heartbeat_interval``. What it lacks
are the three rules that make two leaders of one term impossible (Ongaro and
Ousterhout, "In Search of an Understandable Consensus Algorithm", USENIX ATC 2014,
section 5.2 and Figure 2): the learner writes them in :class:`TermsNode`.

:func:`check_terms` runs the learner's class in six seeded scenarios, on even and odd
cluster sizes:

* ``the rules, one node``: each Figure 2 rule of the election on its own, on one
  probed node (:mod:`.terms_rules`): the rule a wrong answer leaves out is named.
* ``5 nodes, no faults``: a leader known to all by t=:data:`ELECT_BY`.
* ``4 nodes, cut 2|2``: neither half is a majority, so nobody may lead.
* ``4 nodes, cut 3|1``: the three elect a leader; the lone node never leads.
* ``5 nodes stand at once``: a latency longer than the spread of the election
  timeouts makes every node a candidate of term 1 before any request arrives.
* ``old leader cut off, then healed``: the first leader is cut off with one follower
  at t=2, the other three elect a new leader, the cut heals at t=5; by the end the
  old leader must have given way.

The judge reads the trace only: who became leader of which term, with whose granted
votes (a :class:`VoteReply` with ``granted=True`` sent to it), and who voted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from ..checks import leader_known_by_all, one_leader_among_reachable
from ..protocols.cluster import CANDIDATE, LEADER, majority, node_names
from ..protocols.raft import RaftConfig
from ..runtime import Constant, Context, LinkConfig, Sim
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register
from .terms_base import ElectionNode, Heartbeat, VoteReply, VoteRequest
from .terms_rules import RULES

__all__ = ["ElectionNode", "Heartbeat", "TermsNode", "VoteReply", "VoteRequest", "check_terms"]

ELECT_BY = 3.0
"""Seconds by which a cluster with a majority up must agree on a leader."""

CUT_AT, HEAL_AT, END = 2.0, 5.0, 10.0
"""The old-leader scenario: when the leader is cut off, when the cut heals, the end."""


class TermsNode(ElectionNode):
    """Write the three rules that give every term at most one leader.

    * Any message with a higher term than ``self.term``: you are out of date; call
      ``self.step_down(ctx, msg.term)`` before anything else.
    * ``on_vote_request``: grant a vote only for the current term, and only one per
      term (``self.voted_for``); answer with ``VoteReply(self.term, ctx.name, granted)``.
    * ``on_vote_reply``: a candidate counts granted votes of its current term in
      ``self.votes``; with a majority of ``self.cluster_size`` it calls
      ``self.become_leader(ctx)``.
    * ``on_heartbeat``: a heartbeat of the current term: ``self.follow(ctx, msg.leader)``.
    """

    def on_vote_request(self, msg: VoteRequest, ctx: Context) -> None:
        raise NotImplementedError("grant at most one vote per term, for the current term")

    def on_vote_reply(self, msg: VoteReply, ctx: Context) -> None:
        raise NotImplementedError("count the votes; lead with a majority")

    def on_heartbeat(self, msg: Heartbeat, ctx: Context) -> None:
        raise NotImplementedError("follow the leader of the current term")


def play(
    nodes: int,
    cut: tuple[int, ...],
    latency: float,
    timeout: tuple[float, float],
    seed: int,
    until: float,
    node_class: type,
) -> Sim:
    """Spawn ``nodes`` learner nodes; cut them into groups of sizes ``cut`` at t=0."""
    names = node_names(nodes)
    sim = Sim(seed=seed, network=LinkConfig(latency=Constant(latency)))
    config = RaftConfig(timeout)
    for name in names:
        sim.spawn(name, partial(node_class, [p for p in names if p != name], config))
    if cut:
        split = cut[0]
        sim.partition(names[:split], names[split:])
    sim.run(until=until)
    return sim


def play_old_leader(seed: int, node_class: type) -> Sim:
    """Five nodes; at :data:`CUT_AT` the leader and one follower are cut off, until
    :data:`HEAL_AT`."""
    sim = play(5, (), 0.001, RaftConfig().election_timeout, seed, CUT_AT, node_class)
    leader = leader_known_by_all(sim.snapshot())
    if leader is not None:
        names = sim.nodes
        buddy = next(n for n in names if n != leader)
        sim.partition([leader, buddy], [n for n in names if n not in (leader, buddy)])
        sim.run(until=HEAL_AT)
        sim.heal()
    sim.run(until=END)
    return sim


def judge(sim: Sim, *, elect_by: float | None = None, majority_side: int = 5) -> Problem | None:
    """Votes cast once a term, leaders with a majority (together: one leader a term),
    stale leaders gone, and (``elect_by``) the first ``majority_side`` nodes agreeing
    on a leader in time."""
    cluster = len(sim.nodes)
    grants = granted_votes(sim, _is_grant)
    double = first_double_vote(grants)
    if double is not None:
        voter, term, (t1, first), (t2, second) = double
        return Problem(
            "each node grants at most one vote per term",
            f"{voter} voted for {first} and for {second} in term {term} (at t={t1:g} and t={t2:g})",
            "remember whom you voted for in this term (self.voted_for) and refuse "
            "anyone else until a higher term comes",
            at=t2,
        )
    need = majority(cluster)
    for t, node, term in _claims(sim):
        voters = {node} | {
            voter
            for (voter, vterm), cs in grants.items()
            if vterm == term
            for tc, c in cs
            if c == node and tc <= t
        }
        if len(voters) < need:
            return Problem(
                f"a leader of a {cluster}-node cluster has votes from a majority: {need} nodes",
                f"{node} became leader of term {term} at t={t:g} with the votes of "
                f"{', '.join(sorted(voters))}: {len(voters)} of {cluster}",
                f"a majority is more than half: for {cluster} nodes, {need}; with half, "
                "two halves of an even cluster can each elect a leader",
                at=t,
            )
    for v in one_leader_among_reachable(sim.trace):
        old = _lowest_term_leader(sim, v.nodes)
        return Problem(
            "a leader that hears of a higher term steps down",
            f"{', '.join(v.nodes)} both led from t={v.t:g} while they could reach each "
            f"other, {old} in an older term: it never stepped down",
            "every handler first compares msg.term with self.term: a higher term means "
            "you are out of date, call self.step_down(ctx, msg.term)",
            at=v.t,
        )
    if elect_by is not None:
        group = sim.nodes[:majority_side]
        agreed = _agreed(sim, group)
        if agreed is None or agreed > elect_by:
            when = "never" if agreed is None else f"only at t={agreed:g}"
            return Problem(
                f"{', '.join(group)} agree on a leader by t={elect_by:g}",
                f"they agreed on one {when} (the run ends at t={sim.now:g})",
                "a candidate that counts votes of its term from a majority becomes "
                "leader (self.become_leader); a heartbeat of the current term makes "
                "a node follow (self.follow)",
                at=elect_by,
            )
    return None


def _agreed(sim: Sim, group: Sequence[str]) -> float | None:
    """The first time one node of ``group`` leads and every other one follows it."""
    notes: dict[str, dict[str, Any]] = {name: {} for name in group}
    for e in sim.trace.events("annotate"):
        if e.node in notes:
            notes[e.node] = {**notes[e.node], **e.data}
            leaders = [n for n in group if notes[n].get("role") == LEADER]
            if len(leaders) == 1 and all(
                n == leaders[0] or notes[n].get("leader") == leaders[0] for n in group
            ):
                return e.t
    return None


def granted_votes(
    sim: Sim, is_grant: Callable[[Any], bool]
) -> dict[tuple[str, int], list[tuple[float, str]]]:
    """For each (voter, term): when and to whom it gave its vote, in time order, first
    vote for each candidate only. A candidate votes for itself when it publishes
    ``role="candidate"`` of a term; ``is_grant(msg)`` tells a granted vote sent to
    another node, a message with ``term`` and ``voter``."""
    cast: dict[tuple[str, int], dict[str, float]] = {}
    for e in sim.trace.events(("send", "annotate")):
        if e.kind == "send" and e.peer is not None and is_grant(e.msg):
            cast.setdefault((e.msg.voter, e.msg.term), {}).setdefault(e.peer, e.t)
        elif e.kind == "annotate" and e.node is not None and e.data.get("role") == CANDIDATE:
            cast.setdefault((e.node, int(e.data["term"])), {}).setdefault(e.node, e.t)
    return {key: sorted((t, c) for c, t in votes.items()) for key, votes in cast.items()}


DoubleVote = tuple[str, int, tuple[float, str], tuple[float, str]]
"""``(voter, term, (t, candidate), (t, other candidate))``."""


def first_double_vote(grants: dict[tuple[str, int], list[tuple[float, str]]]) -> DoubleVote | None:
    """The earliest second vote a node cast in one term, from :func:`granted_votes`."""
    doubles = [
        (cast[1], voter, term, cast[0]) for (voter, term), cast in grants.items() if len(cast) > 1
    ]
    if not doubles:
        return None
    second, voter, term, first = min(doubles)
    return voter, term, first, second


def _is_grant(msg: Any) -> bool:
    return isinstance(msg, VoteReply) and msg.granted


def _claims(sim: Sim) -> list[tuple[float, str, int]]:
    """When each node first published itself leader of a term."""
    seen: set[tuple[str, int]] = set()
    claims = []
    for e in sim.trace.events("annotate"):
        if e.data.get("role") == LEADER and e.node is not None:
            key = (e.node, int(e.data.get("term", -1)))
            if key not in seen:
                seen.add(key)
                claims.append((e.t, e.node, key[1]))
    return claims


def _lowest_term_leader(sim: Sim, nodes: Sequence[str]) -> str:
    return min(nodes, key=lambda n: (int(sim.annotations(n).get("term", 0)), n))


RAFT_TIMEOUT = RaftConfig().election_timeout

EXERCISE = register(
    Exercise(
        "terms",
        "TermsNode",
        (
            RULES,
            Scenario(
                "5 nodes, no faults",
                partial(play, 5, (), 0.001, RAFT_TIMEOUT, 1, 5.0),
                partial(judge, elect_by=ELECT_BY),
            ),
            Scenario(
                "4 nodes, cut 2|2", partial(play, 4, (2,), 0.001, RAFT_TIMEOUT, 2, 5.0), judge
            ),
            Scenario(
                "4 nodes, cut 3|1",
                partial(play, 4, (3,), 0.001, RAFT_TIMEOUT, 3, 5.0),
                partial(judge, elect_by=ELECT_BY, majority_side=3),
            ),
            Scenario(
                "5 nodes stand at once",
                partial(play, 5, (), 0.2, (0.3, 0.31), 4, 3.0),
                judge,
            ),
            Scenario("old leader cut off, then healed", partial(play_old_leader, 5), judge),
        ),
    )
)


def check_terms(node_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check a leader election with terms and majority votes (lesson 05).

    Args:
        node_class: the class you wrote (not an instance), made as
            ``node_class(peers, config)`` like :class:`ElectionNode`.
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(node_class, strict=strict)
