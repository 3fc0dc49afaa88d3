"""The Raft-style election: one leader per term, one vote per term, terms fix split brain."""

from __future__ import annotations

from collections import Counter

import pytest
from determinism import assert_the_seed_decides
from election_helpers import leaders
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.protocols.raft import (
    AppendEntries,
    RaftConfig,
    RaftNode,
    RequestVoteReply,
    spawn_cluster,
)
from distsys_edu.runtime import InvalidArgument, LinkConfig, Sim, Uniform

LATENCY = LinkConfig(latency=Uniform(0.005, 0.010))
WORST_ELECTION = 0.300 + 3 * 0.010  # one timeout, then a vote round trip and a heartbeat


def cluster(seed: int, nodes: int = 5, faults: list[str] | None = None) -> tuple[Sim, list[str]]:
    sim = Sim(seed, network=LATENCY, strict=True, faults=faults)
    return sim, spawn_cluster(sim, nodes)


def known_leader(sim: Sim, names: list[str]) -> str | None:
    """The leader every up node names, if they agree and it leads."""
    up = [n for n in names if sim.status(n) == "up"]
    believed = {sim.annotations(n).get("leader") for n in up}
    if len(believed) != 1:
        return None
    (leader,) = believed
    ok = leader in up and sim.annotations(leader).get("role") == "leader"
    return leader if ok else None


@given(seed=st.integers(0, 2**20), nodes=st.integers(1, 7))
@settings(max_examples=40, deadline=None)
def test_a_fresh_cluster_elects_one_leader_that_everyone_knows(seed: int, nodes: int) -> None:
    sim, names = cluster(seed, nodes)
    sim.run(until=2)
    leader = known_leader(sim, names)
    assert leader is not None
    assert leaders(sim, names) == [leader]
    term = sim.annotations(leader)["term"]
    assert all(sim.annotations(n)["term"] == term for n in names)


@given(seed=st.integers(0, 2**20))
@settings(max_examples=30, deadline=None)
def test_each_node_grants_at_most_one_vote_per_term(seed: int) -> None:
    sim, _ = cluster(seed, 5, faults=["1 partition n1,n2|n3,n4,n5", "3 heal", "3.5 crash n4"])
    sim.run(until=6)
    grants = Counter(
        (e.msg.voter, e.msg.term)
        for e in sim.trace.events("send")
        if isinstance(e.msg, RequestVoteReply) and e.msg.vote_granted
    )
    assert grants and max(grants.values()) == 1


@pytest.mark.parametrize("seed", range(8))
def test_after_the_leader_crashes_a_new_one_is_elected_in_a_higher_term(seed: int) -> None:
    sim, names = cluster(seed)
    sim.run(until=2)
    old = known_leader(sim, names)
    assert old is not None
    old_term = sim.annotations(old)["term"]
    sim.crash(old)
    sim.run(until=2 + 10 * WORST_ELECTION)
    new = known_leader(sim, [n for n in names if n != old])
    assert new is not None and new != old
    assert sim.annotations(new)["term"] > old_term


def test_a_stale_leader_steps_down_when_the_partition_heals() -> None:
    sim, names = cluster(3)
    sim.run(until=2)
    old = known_leader(sim, names)
    assert old is not None
    others = [n for n in names if n != old]
    sim.partition([old], others)
    sim.run(until=4)
    assert sim.annotations(old)["role"] == "leader"  # it cannot know yet: split brain
    new = known_leader(sim, others)
    assert new is not None and sim.annotations(new)["term"] > sim.annotations(old)["term"]
    sim.heal()
    sim.run(until=5)
    assert sim.annotations(old)["role"] == "follower"
    assert known_leader(sim, names) == new


def test_term_and_vote_survive_a_restart_so_no_node_votes_twice() -> None:
    sim, _ = cluster(5)
    sim.run(until=2)
    storage = dict(sim.storage("n2"))
    assert storage["current_term"] >= 1
    sim.restart("n2")
    sim.run(until=2.001)
    assert sim.storage("n2") == storage  # the disk, not the memory
    assert sim.annotations("n2")["term"] == storage["current_term"]


def test_a_follower_that_stands_for_election_suspects_the_silent_leader() -> None:
    sim, names = cluster(2)
    sim.run(until=2)
    old = known_leader(sim, names)
    assert old is not None
    sim.pause(old, 2.0)  # a long GC pause looks like a crash from outside
    sim.run(until=3.5)
    new = known_leader(sim, [n for n in names if n != old])
    assert new is not None
    assert old in sim.annotations(new)["suspects"]  # its silence is why `new` stood
    sim.run(until=6)  # the old leader is back: as a follower it answers the new leader
    assert known_leader(sim, names) == new
    assert old not in sim.annotations(new)["suspects"]


def test_a_candidate_steps_down_when_it_hears_from_a_leader_of_its_term() -> None:
    sim = Sim(0, strict=True)
    sim.spawn("n1", lambda: RaftNode(["n2", "n3"]))
    sim.spawn("n2", lambda: RaftNode(["n1", "n3"]))
    sim.spawn("n3", lambda: RaftNode(["n1", "n2"]))
    sim.pause("n2", 10)
    sim.pause("n3", 10)
    sim.run(until=0.35)  # n1 stands (term 1) and gets no votes: n2 and n3 are frozen
    assert sim.annotations("n1")["role"] == "candidate"
    term = sim.annotations("n1")["term"]
    sim.addr("n1").do_send(AppendEntries(term, "n3"))
    sim.run(until=0.352)
    assert sim.annotations("n1")["role"] == "follower"
    assert sim.annotations("n1")["leader"] == "n3"


def faulty_run(seed: int) -> Sim:
    """Five nodes through a crash and a restart of ``n1``."""
    sim, _ = cluster(seed, faults=["1 crash n1", "2 restart n1"])
    sim.run(until=4)
    return sim


def test_the_same_seed_gives_the_same_election() -> None:
    assert_the_seed_decides(faulty_run, 11, 12)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"election_timeout": (0.3, 0.15)}, "low <= high"),
        ({"election_timeout": (-1, 0.15)}, "election_timeout low=-1"),
        ({"election_timeout": 0.2}, "must be (low, high)"),
        ({"heartbeat_interval": 0.2}, "shorter than the lowest election timeout"),
        ({"heartbeat_interval": 0}, "heartbeat_interval=0"),
    ],
)
def test_bad_timing_is_refused_with_a_clear_error(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        RaftConfig(**kwargs)
    assert fragment in str(info.value)


def test_the_heartbeat_defaults_to_half_the_lowest_timeout() -> None:
    assert RaftConfig((0.150, 0.300)).heartbeat == 0.075


@given(seed=st.integers(0, 2**20))
@settings(max_examples=20, deadline=None)
def test_a_steady_cluster_publishes_nothing_on_heartbeats(seed: int) -> None:
    """Once a leader is known and nothing fails, heartbeats change no one's view."""
    sim, names = cluster(seed)
    sim.run(until=2)
    assert known_leader(sim, names) is not None
    sent_before = sim.sent
    sim.run(until=10)
    assert sim.sent - sent_before > 100  # heartbeats and their replies kept flowing
    assert sim.trace.events("annotate", since=2.000001) == []
