"""Raft's rules one at a time, as Figure 2 states them, on one server driven by a Probe.

Each test is a rule; break the rule in ``raft/node.py`` and its test fails. Clusters of 4
and 5 servers: an even size is where a majority is easiest to get wrong.
"""

from __future__ import annotations

from typing import Any

import pytest

from distsys_edu.exercises import Probe
from distsys_edu.protocols.raft import (
    AppendEntries,
    AppendEntriesReply,
    RaftNode,
    RequestVote,
    RequestVoteReply,
)

SIZES = pytest.mark.parametrize("size", [4, 5])


def server(size: int, **disk: Any) -> Probe:
    """Server ``n1`` of ``size``, just started (a follower), with ``disk`` as its storage."""
    peers = [f"n{i}" for i in range(2, size + 1)]
    return Probe(RaftNode(peers), name="n1", peers=peers, storage=dict(disk))


def candidate(size: int, **disk: Any) -> Probe:
    """Server ``n1`` of ``size`` after its election timeout: a candidate."""
    probe = server(size, **disk)
    probe.fire(probe.actor.election_timer)
    return probe


def state(probe: Probe) -> tuple[str, int, str | None]:
    """Figure 2's state of the probed server: its role, current_term and voted_for."""
    ctx = probe.ctx
    return probe.actor.role, RaftNode.current_term(ctx), RaftNode.voted_for(ctx)


def vote(probe: Probe, request: RequestVote) -> bool:
    """Deliver ``request``; the ``vote_granted`` of the reply."""
    probe.deliver(request)
    reply = probe.messages(RequestVoteReply, to=request.candidate_id)[-1]
    return bool(reply.vote_granted)


@SIZES
def test_a_follower_grants_one_vote_per_term(size: int) -> None:
    probe = server(size)
    assert vote(probe, RequestVote(1, "n2"))
    assert not vote(probe, RequestVote(1, "n3"))  # voted_for is n2 in term 1
    assert vote(probe, RequestVote(1, "n2"))  # "voted_for is null or candidate_id"
    assert vote(probe, RequestVote(2, "n3"))  # a new term, a new vote
    assert state(probe) == ("follower", 2, "n3")


@SIZES
def test_a_vote_is_refused_to_a_candidate_of_an_older_term(size: int) -> None:
    probe = server(size, current_term=3)
    assert not vote(probe, RequestVote(2, "n2"))
    assert probe.messages(RequestVoteReply)[-1].term == 3  # "for candidate to update itself"


@SIZES
@pytest.mark.parametrize(
    ("their_log", "granted"),
    [((1, 1), False), ((1, 2), False), ((1, 1, 2), True), ((1, 3), True), ((1, 1, 2, 2), True)],
)
def test_a_vote_is_refused_to_a_candidate_whose_log_is_behind(
    size: int, their_log: tuple[int, ...], granted: bool
) -> None:
    probe = server(size, log=(1, 1, 2))  # our last entry: index 3, term 2
    request = RequestVote(5, "n2", last_log_index=len(their_log), last_log_term=their_log[-1])
    assert vote(probe, request) is granted


@SIZES
def test_a_candidate_increments_its_term_votes_for_itself_and_asks_everyone(size: int) -> None:
    probe = candidate(size, current_term=4, log=(2, 4))
    assert state(probe) == ("candidate", 5, "n1")
    request = RequestVote(5, "n1", last_log_index=2, last_log_term=4)
    assert [(s.to, s.msg) for s in probe.sent] == [(f"n{i}", request) for i in range(2, size + 1)]


@SIZES
def test_a_candidate_needs_votes_from_a_majority_of_the_whole_cluster(size: int) -> None:
    probe = candidate(size)
    majority = size // 2 + 1  # 3 of 4, 3 of 5: half of 4 is not a majority
    voters = [f"n{i}" for i in range(2, majority + 1)]  # with its own vote, a majority
    for voter in voters[:-1]:
        probe.deliver(RequestVoteReply(1, True, voter))
        probe.deliver(RequestVoteReply(1, True, voter))  # a vote counts once
    probe.deliver(RequestVoteReply(1, False, f"n{size}"))
    assert state(probe)[0] == "candidate"
    probe.deliver(RequestVoteReply(1, True, voters[-1]))
    assert state(probe)[0] == "leader"


@SIZES
def test_a_new_leader_sends_empty_append_entries_at_once_and_every_heartbeat(size: int) -> None:
    probe = candidate(size)
    for i in range(2, size // 2 + 2):
        probe.deliver(RequestVoteReply(1, True, f"n{i}"))
    probe.sent.clear()
    probe.advance(probe.actor.config.heartbeat)
    heartbeats = probe.messages(AppendEntries)
    assert heartbeats == [AppendEntries(1, "n1")] * (size - 1)
    assert probe.actor.election_timer not in probe.timers  # a leader has no election timeout


@SIZES
def test_a_server_that_sees_a_higher_term_steps_down(size: int) -> None:
    for reply in (RequestVoteReply(7, False, "n2"), AppendEntriesReply(7, False, "n2")):
        probe = candidate(size)
        probe.deliver(reply)
        assert state(probe) == ("follower", 7, None)


@SIZES
def test_a_candidate_follows_a_leader_of_its_own_term(size: int) -> None:
    probe = candidate(size)
    probe.deliver(AppendEntries(1, "n3"))
    assert state(probe) == ("follower", 1, "n1") and probe.actor.leader == "n3"
    assert probe.messages(AppendEntriesReply, to="n3") == [AppendEntriesReply(1, True, "n1")]


@SIZES
def test_append_entries_of_an_older_term_is_refused_and_changes_nothing(size: int) -> None:
    probe = server(size, current_term=2)
    timer = probe.actor.election_timer
    probe.deliver(AppendEntries(1, "n3"))
    assert probe.messages(AppendEntriesReply) == [AppendEntriesReply(2, False, "n1")]
    assert probe.actor.leader is None and probe.actor.election_timer is timer


@SIZES
def test_the_election_timer_restarts_on_append_entries_from_the_leader(size: int) -> None:
    probe = server(size)
    probe.advance(0.1)
    first = probe.actor.election_timer
    probe.deliver(AppendEntries(1, "n2"))
    assert first not in probe.timers and probe.actor.election_timer in probe.timers
    low, high = probe.actor.config.election_timeout
    assert 0.1 + low <= probe.actor.election_timer.due() <= 0.1 + high


@SIZES
def test_stepping_down_keeps_the_election_timer_running(size: int) -> None:
    # Figure 2 restarts the election timeout only on AppendEntries from the current
    # leader or on granting a vote, not on seeing a higher term.
    probe = candidate(size)
    timer = probe.actor.election_timer
    probe.deliver(RequestVoteReply(7, False, "n2"))
    assert state(probe) == ("follower", 7, None)
    assert probe.actor.election_timer is timer and timer in probe.timers


@SIZES
def test_a_refused_candidate_of_a_higher_term_does_not_delay_the_next_election(size: int) -> None:
    # A candidate whose log is behind cannot win; if its RequestVote restarted every
    # timer it asked, it could keep the cluster from electing anyone.
    probe = server(size, log=(1, 2))
    timer = probe.actor.election_timer
    assert not vote(probe, RequestVote(9, "n2", last_log_index=5, last_log_term=1))
    assert state(probe) == ("follower", 9, None)
    assert probe.actor.election_timer is timer and timer in probe.timers


@SIZES
def test_a_leader_that_steps_down_starts_an_election_timer(size: int) -> None:
    probe = candidate(size)
    for i in range(2, size // 2 + 2):
        probe.deliver(RequestVoteReply(1, True, f"n{i}"))
    assert state(probe)[0] == "leader"
    probe.deliver(AppendEntriesReply(2, False, "n2"))
    assert state(probe) == ("follower", 2, None)
    assert probe.actor.election_timer in probe.timers
    assert all(t.every is None for t in probe.timers)  # no heartbeats any more
