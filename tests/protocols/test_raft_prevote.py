"""Raft's Pre-Vote (Ongaro's thesis, section 9.6): the option keeps a minority cut off
by a partition from inflating its terms and deposing the majority's leader at the heal.

Each claim is checked on even and odd cluster sizes, with Pre-Vote off (the leader is
deposed), on (it is not), and on with one rule of Pre-Vote broken (a mutant), which
the same tests must catch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distsys_edu import Sim
from distsys_edu.checks import explore, one_leader_per_term
from distsys_edu.exercises import Probe
from distsys_edu.protocols.cluster import Membership, node_names
from distsys_edu.protocols.raft import (
    AppendEntries,
    PreVote,
    PreVoteReply,
    RaftConfig,
    RaftNode,
    RequestVote,
    spawn_cluster,
)

CUT_AT, HEAL_AT, END = 2.0, 6.0, 8.0
SIZES = pytest.mark.parametrize("size", [4, 5, 6, 7])


class AnyGrantIsEnough(RaftNode):
    """Broken: stands once anyone at all would vote for it (no majority of pre-votes)."""

    def count_pre_votes(self, ctx: Any) -> None:
        if self.pre_votes is not None and len(self.pre_votes) >= 2:
            self.pre_votes = None
            self.start_election(ctx)


class PreVoteIsAVote(RaftNode):
    """Broken: a pre-vote request is treated as a vote request (terms go up on it)."""

    def on_pre_vote(self, msg: PreVote, ctx: Any) -> None:
        self.on_request_vote(RequestVote(msg.term, msg.candidate_id), ctx)


class IgnoresTheLeader(RaftNode):
    """Broken: grants a pre-vote even while it hears from a live leader."""

    def on_pre_vote(self, msg: PreVote, ctx: Any) -> None:
        self.heard_leader_at = None
        super().on_pre_vote(msg, ctx)


def cluster_of(node: type[RaftNode]) -> Callable[..., list[str]]:
    """A ``spawn_cluster`` of ``node`` servers with Pre-Vote on."""

    def spawn(sim: Sim, nodes: int | Sequence[str] = 5, **options: Any) -> list[str]:
        names = node_names(nodes)
        members = Membership(names)
        config = RaftConfig(pre_vote=True, **options)
        for name in names:
            sim.spawn(name, partial(node, members.peers(name), config))
        return names

    return spawn


SPAWNS: dict[str, Callable[..., list[str]]] = {
    "off": spawn_cluster,
    "on": partial(spawn_cluster, pre_vote=True),
    "no majority needed": cluster_of(AnyGrantIsEnough),
    "pre-vote is a vote": cluster_of(PreVoteIsAVote),
    "ignores the leader": cluster_of(IgnoresTheLeader),
}


def roles(sim: Sim) -> dict[str, tuple[str, int]]:
    """Each node's published role and term now."""
    return {
        n: (v.annotations["role"], v.annotations["term"]) for n, v in sim.snapshot().nodes.items()
    }


def cut_and_heal(mode: str, size: int, seed: int, *, minority: bool = True) -> tuple[Sim, str]:
    """Run ``size`` nodes; at ``CUT_AT`` cut the leader's side from the minority
    (``minority``), or one follower from the leader only; heal at ``HEAL_AT``.
    Returns the run and who led at the cut (``""``: nobody, which a mutant may cause)."""
    sim = Sim(seed=seed, trace="full")
    SPAWNS[mode](sim, size)
    sim.run(until=CUT_AT)
    leaders = [n for n, (role, _) in roles(sim).items() if role == "leader"]
    if not leaders:
        return sim, ""
    (leader,) = leaders
    others = [n for n in node_names(size) if n != leader]
    cut_off = others[: (size - 1) // 2] if minority else others[:1]
    sim.partition(
        cut_off, [n for n in node_names(size) if n not in cut_off] if minority else [leader]
    )
    sim.run(until=HEAL_AT)
    sim.heal()
    sim.run(until=END)
    return sim, leader


def deposed_at(sim: Sim, leader: str) -> float | None:
    """When ``leader`` (of term 1) first stopped leading after the cut, if it did."""
    return next(
        (
            e.t
            for e in sim.trace
            if e.t >= CUT_AT and e.node == leader and e.kind == "annotate"
            if e.data.get("role", "leader") != "leader"
        ),
        None,
    )


def deposed(sim: Sim, leader: str) -> bool:
    if not leader:
        return True
    return deposed_at(sim, leader) is not None or roles(sim)[leader] != ("leader", 1)


@SIZES
@pytest.mark.parametrize("seed", [0, 1])
def test_without_pre_vote_the_minority_deposes_the_leader_at_the_heal(size: int, seed: int):
    sim, leader = cut_and_heal("off", size, seed)
    when = deposed_at(sim, leader)
    assert when is not None and HEAL_AT <= when < HEAL_AT + 0.5, when  # deposed by the heal
    assert max(term for _, term in roles(sim).values()) > 2  # the minority's inflated terms
    assert one_leader_per_term(sim.trace) == []


@SIZES
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("mode", ["on", "no majority needed", "pre-vote is a vote"])
def test_with_pre_vote_the_leader_stays_and_terms_stay(size: int, seed: int, mode: str):
    sim, leader = cut_and_heal(mode, size, seed)
    survived = not deposed(sim, leader) and all(t == 1 for _, t in roles(sim).values())
    alone = (size - 1) // 2 == 1  # a minority of one has nobody to ask: even the mutant waits
    assert survived is (mode == "on" or (alone and mode == "no majority needed")), roles(sim)


@SIZES
@pytest.mark.parametrize("mode", ["off", "on", "ignores the leader"])
def test_a_follower_cut_off_from_the_leader_alone_cannot_depose_it(size: int, mode: str):
    """Thesis section 4.2.3: the others still hear the leader, so they refuse."""
    sim, leader = cut_and_heal(mode, size, seed=0, minority=False)
    assert deposed(sim, leader) is (mode != "on"), roles(sim)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), size=st.sampled_from([3, 4, 5, 6]))
def test_pre_vote_never_breaks_one_leader_per_term_and_a_leader_comes(seed: int, size: int):
    result = explore(
        "raft",
        runs=6,
        seed=seed,
        nodes=size,
        options={"pre_vote": True},
        invariants=["one_leader_per_term", "liveness"],
        max_shrink=0,
        progress=False,
    )
    assert result.violations == {"one_leader_per_term": 0, "liveness": 0}, result.details()


def probe(**config: Any) -> Probe:
    peers = ["n2", "n3", "n4", "n5"]
    return Probe(RaftNode(peers, RaftConfig(pre_vote=True, **config)), name="n1", peers=peers)


def test_a_pre_vote_changes_no_term_and_no_vote():
    server = probe()
    server.deliver(PreVote(1, "n2"))
    assert server.messages(PreVoteReply, to="n2")[-1] == PreVoteReply(1, True, "n1")
    assert RaftNode.current_term(server.ctx) == 0
    assert RaftNode.voted_for(server.ctx) is None
    server.deliver(PreVote(0, "n3"))  # not a later term than ours
    assert server.messages(PreVoteReply, to="n3")[-1].vote_granted is False


def test_a_pre_candidate_stands_only_with_a_majority_of_pre_votes():
    server = probe()
    server.fire(server.actor.election_timer)
    assert server.actor.role == "follower" and RaftNode.current_term(server.ctx) == 0
    assert len(server.messages(PreVote)) == 4
    server.deliver(PreVoteReply(1, True, "n2"))
    server.deliver(PreVoteReply(2, True, "n4"))  # about another term: not counted
    assert server.actor.role == "follower"
    server.deliver(PreVoteReply(1, True, "n3"))  # n1, n2, n3: three of five
    assert server.actor.role == "candidate" and RaftNode.current_term(server.ctx) == 1
    assert server.messages(RequestVote)


def test_a_server_that_hears_its_leader_refuses_pre_votes_for_the_lowest_timeout():
    server = probe(election_timeout=(0.2, 0.4))
    server.deliver(AppendEntries(1, "n2"))
    server.now = 0.199
    server.deliver(PreVote(2, "n3"))
    assert server.messages(PreVoteReply, to="n3")[-1].vote_granted is False
    server.now = 0.2  # silent for the lowest election timeout: the leader may be gone
    server.deliver(PreVote(2, "n3"))
    assert server.messages(PreVoteReply, to="n3")[-1].vote_granted is True


def test_pre_vote_must_be_a_bool():
    with pytest.raises(ValueError, match="pre_vote"):
        RaftConfig(pre_vote="yes")
