"""Lesson 05's terms exercise, rule by rule: each Figure 2 rule of the election on its own.

Each :class:`~.rules.Rule` builds node ``n1`` of a 5-node (or a 4-node) cluster on a
:class:`~distsys_edu.exercises.Probe`, sets its state as :class:`.terms_base.ElectionNode`
documents it (``term``, ``voted_for``, ``role``; a candidate is made by firing its
election timer, a leader by granting it a majority), delivers one or two messages at
virtual time 0 and reads what it sent and what it became. The rules, in the order they
are put (Ongaro and Ousterhout 2014, Figure 2 and section 5.2):

* VoteRequest: a higher term is adopted with ``step_down`` (which forgets the old
  term's vote) before deciding (and only a higher term: a leader stays leader when asked
  in its own term); every request gets an answer; a request of an older
  term is refused, and the reply carries the voter's own term; whom it voted for is
  stored and a second candidate of the same term refused, but the same candidate
  asking again is granted again.
* VoteReply: a majority (more than half, on 5 and on 4 nodes) of granted votes of the
  candidate's current term makes it leader, and nothing less: not half, not refusals,
  not grants of an older term; a higher term makes it step down; a leader counts no
  more votes.
* Heartbeat: one of the current term is followed, one of an older term ignored, one
  of a higher term adopted with ``step_down`` first, by a follower and by a leader.
"""

from __future__ import annotations

from collections.abc import Callable

from ..protocols.cluster import FOLLOWER, LEADER, node_names
from ..protocols.raft import RaftConfig
from .probe import Probe
from .rules import Rule, rules_scenario
from .terms_base import ElectionNode, Heartbeat, VoteReply, VoteRequest

PROBED = "n1"
"""The node whose rules are put, in every probe."""


def _node(probe: Probe) -> ElectionNode:
    node: ElectionNode = probe.actor  # type: ignore[assignment]
    return node


def _follower(
    node_class: type, size: int = 5, term: int = 0, voted_for: str | None = None
) -> Probe:
    """``n1`` of ``size`` nodes, a follower of nobody in ``term`` that voted for ``voted_for``."""
    peers = node_names(size)[1:]
    probe = Probe(node_class(peers, RaftConfig()), name=PROBED, peers=peers)
    node = _node(probe)
    node.term, node.voted_for = term, voted_for
    return probe


def _candidate(node_class: type, size: int = 5, term: int = 2) -> Probe:
    """``n1`` of ``size`` nodes, a candidate of ``term`` (its election timer fired)."""
    probe = _follower(node_class, size, term - 1)
    timer = _node(probe).election_timer
    assert timer is not None  # ElectionNode.started sets it
    probe.fire(timer)
    probe.sent.clear()
    return probe


def _given(make: Callable[[type], Probe], *msgs: object) -> Callable[[type], Probe]:
    """A setup: ``make`` the probe, then deliver ``msgs`` in order."""

    def setup(node_class: type) -> Probe:
        probe = make(node_class)
        for msg in msgs:
            probe.deliver(msg)
        return probe

    return setup


def _replies(probe: Probe, to: str) -> list[VoteReply]:
    return [m for m in probe.messages(to=to) if isinstance(m, VoteReply)]


def _state(probe: Probe) -> str:
    node = _node(probe)
    return (
        f"n1 is {node.role} of term {node.term}, voted_for {node.voted_for}, leader {node.leader}"
    )


def _granted(probe: Probe, to: str) -> bool:
    return any(r.granted for r in _replies(probe, to))


# -- VoteRequest ---------------------------------------------------------------------


def _higher_request_broken(probe: Probe) -> str | None:
    if _node(probe).term != 2 or not _granted(probe, "n2"):
        return f"after VoteRequest(term=2) from n2, {_state(probe)}"
    return None


def _older_request_granted(probe: Probe) -> str | None:
    return "n1 granted it" if _granted(probe, "n2") else None


def _older_reply_term(probe: Probe) -> str | None:
    terms = [r.term for r in _replies(probe, "n2")]
    return None if terms in ([], [3]) else f"n1 answered with the terms {terms}"


def _unanswered(probe: Probe) -> str | None:
    return None if _replies(probe, "n2") else "n1 sent no VoteReply to n2"


def _second_candidate(remembers: bool) -> Callable[[Probe], str | None]:
    """Broken if n1 granted n3 after n2 in one term and did (not) store its vote."""

    def broken(probe: Probe) -> str | None:
        stored = _node(probe).voted_for is not None
        if _granted(probe, "n3") and stored == remembers:
            return f"n1 granted its vote in term 1 to n2 and then to n3; now {_state(probe)}"
        return None

    return broken


def _same_candidate_refused(probe: Probe) -> str | None:
    return None if _granted(probe, "n2") else "n1 refused n2, the candidate it voted for"


def _leader(node_class: type) -> Probe:
    probe = _given(lambda c: _candidate(c), *_grants(2, "n2", "n3"))(node_class)
    probe.sent.clear()
    return probe


def _still_leads(probe: Probe) -> str | None:
    """Broken if n1 led (it published so) and no longer does; a node that never led is
    the majority rules' business."""
    led = any(view.get("role") == LEADER for view in probe.annotations)
    return _state(probe) if led and _node(probe).role != LEADER else None


REQUEST_RULES = (
    Rule(
        "a VoteRequest of a higher term: n1 steps down to that term (forgetting the vote "
        "of its old term), then grants it",
        "a higher term means you are out of date: call self.step_down(ctx, msg.term) "
        "first (it adopts the term and forgets the old term's vote), then decide",
        _given(lambda c: _follower(c, term=1, voted_for="n3"), VoteRequest(2, "n2")),
        _higher_request_broken,
    ),
    Rule(
        "every VoteRequest is answered, a refusal too (n1 voted for n3 in term 1; n2 asks)",
        "answer every request with VoteReply(self.term, ctx.name, granted), also "
        "when granted is False: a refusal can tell the candidate of a higher term",
        _given(lambda c: _follower(c, term=1, voted_for="n3"), VoteRequest(1, "n2")),
        _unanswered,
    ),
    Rule(
        "a leader of term 2 that gets a VoteRequest of term 2 (from n4) still leads",
        "only a higher term (msg.term > self.term) makes you step down: a request of "
        "your own term cannot depose you, and step_down would forget your vote",
        _given(_leader, VoteRequest(2, "n4")),
        _still_leads,
    ),
    Rule(
        "a VoteRequest of an older term (2, n1 is in term 3) is refused",
        "Figure 2: reply false if term < currentTerm: grant only when msg.term == "
        "self.term (after stepping down to a higher one); a request of an older term "
        "comes from an out-of-date candidate",
        _given(lambda c: _follower(c, term=3), VoteRequest(2, "n2")),
        _older_request_granted,
    ),
    Rule(
        "the reply to a request of an older term carries n1's own term, 3, so that the "
        "candidate learns it is out of date",
        "answer VoteReply(self.term, ctx.name, granted): your term, not the request's",
        _given(lambda c: _follower(c, term=3), VoteRequest(2, "n2")),
        _older_reply_term,
    ),
    Rule(
        "n1 grants n2 in term 1 and remembers it: n3's request of term 1 is refused",
        "store whom you vote for when you grant: self.voted_for = msg.candidate; "
        "without it, nothing stops a second vote in the same term",
        _given(lambda c: _follower(c, term=1), VoteRequest(1, "n2"), VoteRequest(1, "n3")),
        _second_candidate(remembers=False),
    ),
    Rule(
        "n1 grants n2 in term 1: n3's request of term 1 is refused (one vote per term)",
        "check self.voted_for before granting: grant only if it is None or msg.candidate",
        _given(lambda c: _follower(c, term=1), VoteRequest(1, "n2"), VoteRequest(1, "n3")),
        _second_candidate(remembers=True),
    ),
    Rule(
        "n1 voted for n2 in term 1; n2 asks again (its request was duplicated): granted again",
        "grant if self.voted_for is None or the candidate itself (Figure 2: "
        "votedFor is null or candidateId): the same candidate asking twice is one vote",
        _given(lambda c: _follower(c, term=1, voted_for="n2"), VoteRequest(1, "n2")),
        _same_candidate_refused,
    ),
)

# -- VoteReply -----------------------------------------------------------------------


def _leads(should: bool) -> Callable[[Probe], str | None]:
    def broken(probe: Probe) -> str | None:
        node = _node(probe)
        if (node.role == LEADER) == should:
            return None
        return f"{_state(probe)}; it counted the votes {sorted(node.votes)}"

    return broken


def _grants(term: int, *voters: str, granted: bool = True) -> tuple[VoteReply, ...]:
    return tuple(VoteReply(term, voter, granted) for voter in voters)


def _majority_rule(size: int, voters: tuple[str, ...]) -> Rule:
    """With ``voters`` (n1 included) a majority of ``size`` or not: lead, or not."""
    need = size // 2 + 1
    leads = len(voters) >= need
    return Rule(
        f"a candidate of {size} nodes with {len(voters)} granted votes (itself included) "
        + ("becomes leader" if leads else "is not leader yet"),
        f"a majority is more than half: for {size} nodes, {need} votes, counting your "
        "own; compare len(self.votes) with self.cluster_size // 2 + 1; with half, two "
        "halves of an even cluster can each elect a leader",
        _given(lambda c: _candidate(c, size), *_grants(2, *voters[1:])),
        _leads(leads),
    )


def _stepped_down(term: int) -> Callable[[Probe], str | None]:
    def broken(probe: Probe) -> str | None:
        node = _node(probe)
        ok = node.term == term and node.role == FOLLOWER and node.voted_for is None
        return None if ok else _state(probe)

    return broken


def _sent_anything(probe: Probe) -> str | None:
    return "n1 acted on it: it became leader again" if probe.sent else None


REPLY_RULES = (
    _majority_rule(5, ("n1", "n2", "n3")),
    _majority_rule(4, ("n1", "n2", "n3")),
    _majority_rule(4, ("n1", "n2")),
    _majority_rule(5, ("n1", "n2")),
    Rule(
        "a candidate of term 2 of 5 nodes, refused by n2 and n3 and granted by n4, is not "
        "leader: 2 votes",
        "count only granted votes: add msg.voter to self.votes only if msg.granted",
        _given(_candidate, *_grants(2, "n2", "n3", granted=False), *_grants(2, "n4")),
        _leads(False),
    ),
    Rule(
        "a candidate of term 2 does not count votes granted in an older term (1)",
        "count only votes of your current term (msg.term == self.term): a grant of an "
        "older term was for another election, maybe to another node of yours",
        _given(_candidate, *_grants(1, "n2", "n3")),
        _leads(False),
    ),
    Rule(
        "a candidate of term 2 that gets a VoteReply of term 3 steps down to term 3",
        "a higher term in any message, a VoteReply too, means you are out of date: "
        "self.step_down(ctx, msg.term)",
        _given(_candidate, *_grants(3, "n2", granted=False)),
        _stepped_down(3),
    ),
    Rule(
        "a leader of term 2 that gets one more granted vote does nothing",
        "only a candidate counts votes (self.role == CANDIDATE): a late vote must not "
        "make a leader become leader again (a second heartbeat timer)",
        _given(_leader, *_grants(2, "n4")),
        _sent_anything,
    ),
)

# -- Heartbeat -----------------------------------------------------------------------


def _follows(leader: str | None, term: int) -> Callable[[Probe], str | None]:
    def broken(probe: Probe) -> str | None:
        node = _node(probe)
        role = FOLLOWER if leader is not None else node.role
        ok = node.leader == leader and node.term == term and node.role == role
        return None if ok else _state(probe)

    return broken


HEARTBEAT_RULES = (
    Rule(
        "a candidate of term 2 that hears a Heartbeat of term 2 from n4 follows n4",
        "a heartbeat of the current term comes from its leader: self.follow(ctx, msg.leader)",
        _given(_candidate, Heartbeat(2, "n4")),
        _follows("n4", 2),
    ),
    Rule(
        "a Heartbeat of an older term (2, n1 is in term 3) is ignored: n1 follows nobody",
        "a heartbeat of an older term comes from a deposed leader: follow only when "
        "msg.term == self.term (after stepping down to a higher one)",
        _given(lambda c: _follower(c, term=3), Heartbeat(2, "n2")),
        _follows(None, 3),
    ),
    Rule(
        "a Heartbeat of a higher term (2; n1 voted for n3 in term 1): n1 steps down to term "
        "2, forgetting its old vote, and follows n4",
        "adopt a higher term only with self.step_down(ctx, msg.term): it also forgets the "
        "old term's vote (voted_for None); then follow the leader",
        _given(lambda c: _follower(c, term=1, voted_for="n3"), Heartbeat(2, "n4")),
        lambda probe: _follows("n4", 2)(probe) or _stepped_down(2)(probe),
    ),
    Rule(
        "a leader of term 2 that hears a Heartbeat of term 3 steps down and follows n4",
        "a leader that hears of a higher term steps down: self.step_down(ctx, msg.term) "
        "in every handler, then follow the heartbeat's leader",
        _given(_leader, Heartbeat(3, "n4")),
        _follows("n4", 3),
    ),
)

RULES = rules_scenario("the rules, one node", REQUEST_RULES + REPLY_RULES + HEARTBEAT_RULES)
"""The scenario that puts every rule, in order (it comes first in ``check_terms``)."""
