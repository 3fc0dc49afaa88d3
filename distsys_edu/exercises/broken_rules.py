"""Lesson 06's fix, rule by rule: every condition of Figure 2's RequestVote receiver.

Exploring forty runs finds a vote cast twice, but it seldom reaches the schedule where
another condition decides (a request of an older term, say). Each :class:`~.rules.Rule`
here puts one condition to server ``n1`` of five on a
:class:`~distsys_edu.exercises.Probe`, its disk (``ctx.storage``: ``current_term``,
``voted_for``, ``log``) set first, as :class:`~distsys_edu.protocols.raft.RaftNode`
keeps it. In order (Ongaro and Ousterhout 2014, Figure 2):

* a request of the current term, with no vote cast yet, is granted;
* a request of a higher term: step down to it first (forgetting the old vote), then
  decide, and only a higher term (a leader asked in its own term still leads); every
  request is answered, a refusal too;
* reply false if term < currentTerm, with the receiver's own term in the reply;
* grant if votedFor is null or candidateId: the vote is stored on the disk, a second
  candidate of the term refused, the same candidate asking again granted, and a new
  term brings a new vote;
* ... and the candidate's log is at least as up-to-date as the receiver's;
* granting a vote restarts the election timer (Followers, Figure 2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..protocols.cluster import LEADER, node_names
from ..protocols.raft import RaftConfig, RaftNode, RequestVote, RequestVoteReply
from .probe import Probe
from .rules import Rule, rules_scenario

TIMEOUT = RaftConfig().election_timeout
"""The election timeout range of the probed server."""

LATER = 0.14
"""Seconds the timer rule lets pass before the request: less than the lowest timeout."""


def _server(node_class: type, disk: dict[str, Any], *requests: RequestVote) -> Probe:
    """``n1`` of five with ``disk`` as its storage, given ``requests`` in order."""
    peers = node_names(5)[1:]
    probe = Probe(node_class(peers, RaftConfig(TIMEOUT)), name="n1", peers=peers, storage=disk)
    for request in requests:
        probe.deliver(request)
    return probe


def _given(disk: dict[str, Any], *requests: RequestVote) -> Callable[[type], Probe]:
    return lambda node_class: _server(node_class, dict(disk), *requests)


def _replies(probe: Probe, to: str) -> list[RequestVoteReply]:
    return list(probe.messages(RequestVoteReply, to=to))


def _granted(probe: Probe, to: str) -> bool:
    return any(r.vote_granted for r in _replies(probe, to))


def _disk(probe: Probe) -> str:
    term, vote = probe.storage.get("current_term"), probe.storage.get("voted_for")
    return f"n1's disk holds current_term {term}, voted_for {vote}"


def _must_grant(to: str, term: int | None = None) -> Callable[[Probe], str | None]:
    def broken(probe: Probe) -> str | None:
        if _granted(probe, to) and (term is None or probe.storage.get("current_term") == term):
            return None
        return f"n1 did not grant {to}; {_disk(probe)}"

    return broken


def _must_refuse(to: str) -> Callable[[Probe], str | None]:
    return lambda probe: f"n1 granted {to}; {_disk(probe)}" if _granted(probe, to) else None


def _answered(probe: Probe) -> str | None:
    return None if _replies(probe, "n2") else "n1 sent no RequestVoteReply to n2"


def _own_term(probe: Probe) -> str | None:
    terms = [r.term for r in _replies(probe, "n2")]
    return None if terms in ([], [3]) else f"n1 answered with the terms {terms}"


def _leader_asked(node_class: type) -> Probe:
    """``n1``, leader of term 2 (it voted for itself), then asked by n4 in term 2."""
    probe = _server(node_class, {"current_term": 2, "voted_for": "n1"})
    node: RaftNode = probe.actor  # type: ignore[assignment]
    node.become_leader(probe.ctx)
    probe.deliver(RequestVote(2, "n4"))
    return probe


def _still_leads(probe: Probe) -> str | None:
    node: RaftNode = probe.actor  # type: ignore[assignment]
    if node.role == LEADER:
        return None
    return f"n1 is {node.role} now; {_disk(probe)}"


def _second_vote(stored: bool) -> Callable[[Probe], str | None]:
    def broken(probe: Probe) -> str | None:
        if _granted(probe, "n3") and (probe.storage.get("voted_for") is not None) == stored:
            return f"n1 granted n2 and then n3 in term 1; {_disk(probe)}"
        return None

    return broken


def _later(node_class: type) -> Probe:
    """``n1`` in term 1, :data:`LATER` seconds on, then asked by n2 in term 1."""
    probe = _server(node_class, {"current_term": 1})
    probe.advance(LATER)
    probe.deliver(RequestVote(1, "n2"))
    return probe


def _timer_restarted(probe: Probe) -> str | None:
    node: RaftNode = probe.actor  # type: ignore[assignment]
    timer = node.election_timer
    due = timer.due() if timer is not None and timer.active else None
    if due is not None and due >= LATER + TIMEOUT[0]:
        return None
    return f"n1 granted its vote at t={LATER:g} and its election timer still fires at t={due}"


RULES = rules_scenario(
    "the rules, one server",
    (
        Rule(
            "n1 in term 1, no vote cast yet; n2 asks in term 1 with a log as good: granted",
            "grant when msg.term == current_term, voted_for is None or the candidate, and "
            "the log is current: a server that never grants elects nobody",
            _given({"current_term": 1}, RequestVote(1, "n2")),
            _must_grant("n2"),
        ),
        Rule(
            "a RequestVote of a higher term (2; n1 voted for n3 in term 1): n1 steps down "
            "to term 2, forgetting its old vote, and grants it",
            "All servers: if an RPC contains term T > currentTerm, set currentTerm = T and "
            "convert to follower: call self.step_down(ctx, msg.term) first, then decide",
            _given({"current_term": 1, "voted_for": "n3"}, RequestVote(2, "n2")),
            _must_grant("n2", term=2),
        ),
        Rule(
            "every RequestVote is answered, a refusal too (n1 voted for n3 in term 1; n2 asks)",
            "reply to every request with RequestVoteReply(current_term, vote_granted, "
            "ctx.name), also when vote_granted is False",
            _given({"current_term": 1, "voted_for": "n3"}, RequestVote(1, "n2")),
            _answered,
        ),
        Rule(
            "n1, leader of term 2, gets a RequestVote of term 2 from n4: it still leads",
            "only a higher term makes a server step down (msg.term > current_term): a "
            "candidate of your own term cannot depose you, and step_down would forget "
            "your vote",
            _leader_asked,
            _still_leads,
        ),
        Rule(
            "a RequestVote of an older term (2; n1 is in term 3, no vote yet) is refused",
            "Figure 2, RequestVote receiver, 1: reply false if term < currentTerm: grant "
            "only when msg.term == current_term",
            _given({"current_term": 3}, RequestVote(2, "n2")),
            _must_refuse("n2"),
        ),
        Rule(
            "the reply to a request of an older term carries n1's term, 3",
            "reply with current_term (read after stepping down), not the request's term: "
            "it is how an out-of-date candidate learns of the newer term",
            _given({"current_term": 3}, RequestVote(2, "n2")),
            _own_term,
        ),
        Rule(
            "n1 grants n2 in term 1 and stores its vote: n3 asking in term 1 is refused",
            "store the vote on the disk when you grant: ctx.storage['voted_for'] = "
            "msg.candidate_id (checking voted_for is not enough if it is never set)",
            _given({"current_term": 1}, RequestVote(1, "n2"), RequestVote(1, "n3")),
            _second_vote(stored=False),
        ),
        Rule(
            "n1 grants n2 in term 1: n3 asking in term 1 is refused (one vote per term)",
            "Figure 2, RequestVote receiver, 2: grant only if voted_for is None or the "
            "candidate itself: check self.voted_for(ctx)",
            _given({"current_term": 1}, RequestVote(1, "n2"), RequestVote(1, "n3")),
            _second_vote(stored=True),
        ),
        Rule(
            "n1 voted for n2 in term 1; n2 asks again (a duplicated request): granted again",
            "grant if voted_for is None or candidateId: the same candidate asking twice "
            "gets the same vote",
            _given({"current_term": 1, "voted_for": "n2"}, RequestVote(1, "n2")),
            _must_grant("n2"),
        ),
        Rule(
            "n1 grants n2 in term 1; n3 asks in term 2: granted (a new term, a new vote)",
            "keep the vote on the disk, ctx.storage['voted_for'], where step_down clears "
            "it when a higher term comes: a vote held elsewhere outlives its term",
            _given({"current_term": 1}, RequestVote(1, "n2"), RequestVote(2, "n3")),
            _must_grant("n3", term=2),
        ),
        Rule(
            "n1's log ends with an entry of term 2; n2's ends in term 1: n2 is refused",
            "keep the log condition: grant only if self.log_is_current(msg, ctx) (the "
            "candidate's log is at least as up-to-date as the receiver's, section 5.4.1)",
            _given({"current_term": 2, "log": (1, 2)}, RequestVote(3, "n2", 2, 1)),
            _must_refuse("n2"),
        ),
        Rule(
            f"n1 grants n2 at t={LATER:g}: its election timer restarts from then",
            "Followers: granting a vote restarts the election timer "
            "(self.reset_election_timer(ctx)): else the voter stands against the "
            "candidate it just voted for",
            _later,
            _timer_restarted,
        ),
    ),
)
"""The scenario that puts each condition, in order (first in ``check_fixed_protocol``)."""
