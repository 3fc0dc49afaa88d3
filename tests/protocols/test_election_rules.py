"""Bully's and Chang-Roberts' rules one at a time, on one node driven by a Probe."""

from __future__ import annotations

import pytest

from distsys_edu.exercises import Probe
from distsys_edu.protocols.bully import ANSWER_TIMEOUT, Answer, BullyNode, Coordinator, Election
from distsys_edu.protocols.cluster import Membership
from distsys_edu.protocols.ring import Elected, RingNode
from distsys_edu.protocols.ring import Election as RingElection

SIZES = pytest.mark.parametrize("size", [4, 5])


def names(size: int) -> list[str]:
    return [f"n{i}" for i in range(1, size + 1)]


def bully(size: int, name: str, initiate: bool = False) -> Probe:
    """Bully node ``name`` of ``size`` (``n3`` has id 3), just started."""
    members = Membership(names(size))
    peers = [n for n in names(size) if n != name]
    return Probe(BullyNode(name, members, initiate=initiate), name=name, peers=peers)


def ring(size: int, name: str) -> Probe:
    """Ring node ``name`` of ``size``, ids ascending clockwise, following nobody yet."""
    members = Membership(names(size))
    peers = [n for n in names(size) if n != name]
    return Probe(RingNode(name, members), name=name, peers=peers)


# -- Bully (Garcia-Molina 1982) -------------------------------------------------------


@SIZES
def test_bully_the_highest_node_wins_at_once_and_tells_every_lower_node(size: int) -> None:
    probe = bully(size, f"n{size}", initiate=True)
    assert probe.published["role"] == "leader"
    lower = names(size)[:-1]
    assert [(s.to, s.msg) for s in probe.sent] == [
        (n, Coordinator(f"n{size}", size)) for n in lower
    ]


@SIZES
def test_bully_a_node_answers_a_lower_candidate_and_asks_only_higher_nodes(size: int) -> None:
    probe = bully(size, "n3")
    probe.deliver(Election("n1", 1))
    higher = names(size)[3:]
    expected = [("n1", Answer("n3", 3))] + [(n, Election("n3", 3)) for n in higher]
    assert [(s.to, s.msg) for s in probe.sent] == expected
    assert probe.published["role"] == "candidate"


@SIZES
def test_bully_a_candidate_no_higher_node_answers_becomes_coordinator(size: int) -> None:
    probe = bully(size, "n3", initiate=True)
    probe.sent.clear()
    probe.advance(ANSWER_TIMEOUT)
    assert probe.published["role"] == "leader"
    assert probe.published["suspects"] == tuple(names(size)[3:])  # presumed crashed
    assert probe.messages(Coordinator) == [Coordinator("n3", 3)] * 2
    assert [s.to for s in probe.sent[:2]] == ["n1", "n2"]


@SIZES
def test_bully_an_answered_candidate_waits_for_the_coordinator(size: int) -> None:
    probe = bully(size, "n3", initiate=True)
    probe.deliver(Answer("n4", 4))
    probe.advance(ANSWER_TIMEOUT)
    assert probe.published["role"] == "candidate"
    assert probe.messages(Coordinator) == []
    probe.deliver(Coordinator(f"n{size}", size))
    assert (probe.published["role"], probe.published["leader"]) == ("follower", f"n{size}")


# -- Ring (Chang and Roberts 1979) ------------------------------------------------------


@SIZES
def test_ring_a_larger_id_is_passed_on_and_makes_the_node_a_participant(size: int) -> None:
    probe = ring(size, "n2")
    probe.deliver(RingElection(size))
    assert [(s.to, s.msg, s.how) for s in probe.sent] == [("n3", RingElection(size), "try_send")]
    assert probe.published["participant"] is True


@SIZES
def test_ring_a_smaller_id_is_replaced_once_then_swallowed(size: int) -> None:
    probe = ring(size, "n3")
    probe.deliver(RingElection(1))  # not yet a participant: send our own, larger id
    probe.deliver(RingElection(2))  # a participant already: our id is on its way
    assert probe.messages() == [RingElection(3)]


@SIZES
def test_ring_its_own_id_back_makes_a_node_leader_and_elected_goes_round(size: int) -> None:
    probe = ring(size, "n3")
    probe.deliver(RingElection(3))
    assert probe.published["role"] == "leader"
    assert [(s.to, s.msg) for s in probe.sent] == [("n4", Elected(3))]


@SIZES
def test_ring_a_down_successor_is_skipped_but_a_down_candidates_id_is_dropped(size: int) -> None:
    probe = ring(size, "n2")
    probe.down.add("n3")
    probe.deliver(RingElection(size))
    assert [s.to for s in probe.sent] == ["n4"]
    probe.deliver(RingElection(3))  # n3's own id: nobody would ever stop it
    assert [s.to for s in probe.sent] == ["n4"]
