"""Lesson 08's exercises, rule by rule: AppendEntries on a follower, and the commit
rule on a leader, each rule put to one probed server on its own.

Each :class:`~.rules.Rule` builds server ``n1`` of a 5-server (or 4-server) cluster on a
:class:`~distsys_edu.exercises.Probe` with a disk set up as the rule needs (its
``current_term`` and ``log``), makes it a leader when the rule is a leader's, delivers
one or two messages at virtual time 0, and reads what it answered, what its log holds
and its ``commit_index``. Ongaro and Ousterhout 2014, Figure 2 and sections 5.3-5.4.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..protocols.cluster import node_names
from ..protocols.raft import AppendEntries, AppendEntriesReply
from ..protocols.raftlog import Entry, RaftLogConfig
from .probe import Probe
from .rules import Rule

__all__ = ["COMMIT_RULES", "REPAIR_RULES"]

LEADER_NAME = "n2"
"""Who sends the probed follower its AppendEntries."""


def _server(node_class: type, term: int, log: Sequence[int], size: int = 5) -> Probe:
    """``n1`` of ``size`` servers, its disk holding ``current_term`` ``term`` and a log
    of no-op entries of the terms ``log`` (``noop=False``: a leader appends nothing)."""
    peers = node_names(size)[1:]
    disk: dict[str, Any] = {"current_term": term, "voted_for": None}
    disk["log"] = [Entry(t) for t in log]
    return Probe(node_class(peers, RaftLogConfig(noop=False)), "n1", peers, storage=disk)


def _terms(probe: Probe) -> list[int]:
    return [entry.term for entry in probe.storage["log"]]


def _answer(probe: Probe) -> bool | None:
    replies = [m for m in probe.messages(to=LEADER_NAME) if isinstance(m, AppendEntriesReply)]
    return replies[-1].success if replies else None


# -- AppendEntries on a follower: the consistency check and conflict repair ---------------


def _repair_rule(
    expected: str,
    hint: str,
    log: Sequence[int],
    prev: tuple[int, int],
    new: Sequence[int],
    success: bool,
    after: Sequence[int],
) -> Rule:
    """A follower of term 2 holding ``log`` gets AppendEntries(prev_log_index,
    prev_log_term = ``prev``, entries of terms ``new``); it must answer ``success``
    and hold ``after``."""

    def setup(node_class: type) -> Probe:
        probe = _server(node_class, 2, log)
        entries = tuple(Entry(t) for t in new)
        probe.deliver(AppendEntries(2, LEADER_NAME, prev[0], prev[1], entries, 0))
        return probe

    def broken(probe: Probe) -> str | None:
        said = _answer(probe)
        if said != success:
            answer = "no answer" if said is None else f"success={said}"
            given = f"given a log {list(log)} and prev_log_index, prev_log_term = {prev}"
            return f"{given}, it gave {answer}"
        if _terms(probe) != list(after):
            return f"its log went from {list(log)} to {_terms(probe)}, not {list(after)}"
        return None

    return Rule(expected, hint, setup, broken)


REPAIR_RULES = (
    _repair_rule(
        "refuse entries when the log has no entry at prev_log_index",
        "the consistency check: reply false if the log doesn't contain an entry at "
        "prev_log_index (a log too short fails, and nothing is stored)",
        (1,), (2, 1), (2,), False, (1,),
    ),
    _repair_rule(
        "refuse entries when the entry at prev_log_index has another term",
        "the consistency check: reply false if the entry at prev_log_index has a term "
        "other than prev_log_term (compare the terms, not only the length)",
        (1, 1), (2, 2), (2,), False, (1, 1),
    ),
    _repair_rule(
        "accept and append when the entry at prev_log_index matches",
        "the consistency check passes when the log has an entry at prev_log_index of term "
        "prev_log_term: then append any new entries not already in the log",
        (1, 1), (2, 1), (2, 2), True, (1, 1, 2, 2),
    ),
    _repair_rule(
        "accept at prev_log_index 0: an empty prefix always matches",
        "the consistency check at prev_log_index 0 (before the first entry, term 0) "
        "always passes: log indices start at 1",
        (), (0, 0), (1,), True, (1,),
    ),
    _repair_rule(
        "delete a conflicting entry and all that follow it, then append",
        "conflict repair: if an existing entry conflicts with a new one (same index, "
        "different terms), delete the existing entry and all that follow it",
        (1, 1, 1, 1), (1, 1), (2,), True, (1, 2),
    ),
    _repair_rule(
        "keep entries that match: a late AppendEntries never shortens the log",
        "conflict repair deletes only on a conflict (same index, different terms): an "
        "entry that matches stays, and so do the ones after it",
        (1, 2, 2), (1, 1), (2,), True, (1, 2, 2),
    ),
)  # fmt: skip


# -- the commit rule on a leader ------------------------------------------------------------


def _commit_rule(
    expected: str,
    hint: str,
    log: Sequence[int],
    holders: dict[str, int],
    commit: int,
    size: int = 5,
) -> Rule:
    """A leader of term ``log[-1]`` (or 3, for an empty log) holding ``log`` hears that
    each follower in ``holders`` stores up to the given index; its commit index must
    then be ``commit`` and all of it applied."""
    term = max(log[-1] if log else 0, 3)

    def setup(node_class: type) -> Probe:
        probe = _server(node_class, term, log, size)
        probe.actor.become_leader(probe.ctx)  # type: ignore[attr-defined]
        for follower, index in holders.items():
            probe.deliver(AppendEntriesReply(term, True, follower, index))
        return probe

    def broken(probe: Probe) -> str | None:
        node: Any = probe.actor
        held = ", ".join(f"{f} up to {i}" for f, i in holders.items()) or "nobody else"
        situation = f"a leader of term {term} with log {list(log)}, {size} servers, {held}"
        if node.commit_index != commit:
            return f"{situation}: commit_index became {node.commit_index}, not {commit}"
        if node.last_applied != commit:
            return f"{situation}: commit_index {commit}, but last_applied is {node.last_applied}"
        return None

    return Rule(expected, hint, setup, broken)


COMMIT_RULES = (
    _commit_rule(
        "commit an entry of its own term once a majority (itself included) holds it",
        "the commit rule: set commit_index = N when a majority of match_index[i] >= N "
        "(count the leader's own log as one of them), then apply_committed",
        (3,), {"n2": 1, "n3": 1}, 1,
    ),
    _commit_rule(
        "commit nothing that fewer than a majority hold",
        "the commit rule needs a majority: more than half of all servers, the leader "
        "included (2 of 5 is not enough)",
        (3, 3), {"n2": 2}, 0,
    ),
    _commit_rule(
        "commit the highest index a majority holds, no higher",
        "the commit rule: N is the highest index that a majority holds (sort the "
        "match_index values with the leader's last index and take the majority-th highest)",
        (3, 3, 3), {"n2": 3, "n3": 2}, 2,
    ),
    _commit_rule(
        "on 4 servers, 2 holders are not a majority",
        "the commit rule needs more than half of all servers: on 4, that is 3",
        (3, 3), {"n2": 2}, 0, 4,
    ),
    _commit_rule(
        "never commit an entry of an older term by counting replicas (Figure 8)",
        "the Figure 8 restriction: only log entries from the leader's current term are "
        "committed by counting replicas (log[N].term == current_term)",
        (1, 2), {"n2": 2, "n3": 2}, 0,
    ),
    _commit_rule(
        "commit older entries together with one of its own term",
        "the commit rule with the Figure 8 restriction: once an entry of the current term "
        "is on a majority, it and every entry before it are committed",
        (1, 2, 3), {"n2": 3, "n3": 3}, 3,
    ),
)  # fmt: skip
"""The commit rule's cases. Each also asks that what is committed is applied
(``apply_committed``), so a commit index that moves alone is caught too."""
