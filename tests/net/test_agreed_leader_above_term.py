"""agreed_leader_above_term: among some real nodes, one leader newer than a term, named
by every other one that is up (paused and dead nodes cannot answer)."""

from __future__ import annotations

from distsys_edu.net.status import NodeStatus, agreed_leader_above_term


def node(name: str, state: str = "up", role: str = "follower", term: int = 2, leader="n1"):
    return NodeStatus(name, 1, state != "down", state, role, term, leader, {}, {})


LEADER = node("n1", role="leader")


def test_one_leader_above_the_term_named_by_the_others_is_agreed() -> None:
    statuses = [LEADER, node("n2"), node("n3")]
    assert agreed_leader_above_term(statuses, {"n1", "n2", "n3"}, 1) == ("n1", 2)


def test_a_leader_of_the_term_given_or_older_is_not_new() -> None:
    assert agreed_leader_above_term([LEADER, node("n2")], {"n1", "n2"}, 2) is None


def test_a_dissenter_counts_only_if_it_is_up_and_asked() -> None:
    dissenter = node("n3", leader="n3")
    assert agreed_leader_above_term([LEADER, node("n2"), dissenter], {"n1", "n2", "n3"}, 1) is None
    assert agreed_leader_above_term([LEADER, node("n2"), dissenter], {"n1", "n2"}, 1) == ("n1", 2)
    paused = node("n3", state="paused", leader="n3")
    assert agreed_leader_above_term([LEADER, paused], {"n1", "n3"}, 1) == ("n1", 2)


def test_two_leaders_are_no_agreement() -> None:
    statuses = [LEADER, node("n2", role="leader", leader="n2")]
    assert agreed_leader_above_term(statuses, {"n1", "n2"}, 1) is None
