"""Raft's safety properties over a trace (Figure 3 of the paper), read after every event.

They read what a replicating server publishes (see :mod:`distsys_edu.protocols.raftlog`):
``log``, the terms of its entries run-length encoded as ``((term, count), ...)``;
``commit_index``; ``applied``, ``(last_applied, digest of the entries applied)``;
and ``role`` and ``term``. An entry is named by its index and term: by Log Matching
that names it fully, which is why Log Matching is checked first.

A server's log is on its disk: when it crashes, its annotations go, but its log is
still there, so the checks keep the last log each server published until it
publishes another (a restarted server publishes what its disk holds).

* :func:`log_matching`: if two logs hold an entry with the same index and term,
  they are identical in all entries up to that index.
* :func:`leader_completeness`: a leader of term ``T`` holds every entry committed
  in a term before ``T``. (An entry is *committed* once a server publishes a
  ``commit_index`` covering it, and committed *in* the term that server published
  then: not the entry's own term. Without the no-op, a new leader of term 4 commits
  a term-1 entry that a partitioned leader of term 2 never saw; that leader of
  term 2 breaks nothing.)
* :func:`state_machine_safety`: no two servers commit, or apply, different entries
  at one index.
* :func:`committed_never_lost`: every committed entry stays in the logs of a
  majority of the servers (those that ever published a log), for ever.

Election Safety is :func:`~.safety.one_leader_per_term`. Each check walks the
trace once; the four share one walk (remembered for as long as the trace lives).
"""

from __future__ import annotations

import weakref
from bisect import bisect_left
from collections.abc import Sequence
from itertools import repeat
from typing import Any

from ..protocols.cluster import majority
from ..runtime import Trace
from .cluster_state import steps
from .violation import Violation

__all__ = [
    "RAFT_LOG_INVARIANTS",
    "committed_never_lost",
    "leader_completeness",
    "log_matching",
    "state_machine_safety",
]

RAFT_LOG_INVARIANTS = (
    "log_matching",
    "leader_completeness",
    "state_machine_safety",
    "committed_never_lost",
)
"""The names of the checks here, in the order they are best read."""

Terms = tuple[int, ...]


def expand(runs: Sequence[Sequence[int]]) -> Terms:
    """``((1, 2), (3, 1))`` -> ``(1, 1, 3)``: the term of every entry, from index 1."""
    return tuple(term for term, count in runs for term in repeat(term, count))


def first_difference(a: Terms, b: Terms) -> int:
    """The first position (0-based) at which ``a`` and ``b`` differ, or the shorter length."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


class LogWalk:
    """The state the four checks share, advanced by each ``annotate`` event.

    Attributes:
        disk: each server's last published log (terms), kept across crashes.
        committed: the terms of the committed prefix of the log.
        commit_terms, commit_ends: the term each committed entry was committed in,
            run-length encoded: entries ``commit_ends[k-1]`` to ``commit_ends[k] - 1``
            (0-based) in term ``commit_terms[k]``, terms strictly rising.
        holders: for each committed index (0-based), how many servers' logs hold it.
        applied: for each index a server published as ``last_applied``, the
            first server to do so and its digest.
        found: the violations of each check, in the order found.
    """

    def __init__(self) -> None:
        self.disk: dict[str, Terms] = {}
        self.committed: list[int] = []
        self.commit_terms: list[int] = []
        self.commit_ends: list[int] = []
        self.holders: list[int] = []
        self.applied: dict[int, tuple[str, int]] = {}
        self.found: dict[str, list[Violation]] = {name: [] for name in RAFT_LOG_INVARIANTS}
        self._seen: set[tuple[Any, ...]] = set()
        self.t = 0.0

    def report(self, name: str, key: tuple[Any, ...], nodes: Sequence[str], detail: str) -> None:
        """File a violation of ``name``, once per ``key``."""
        if (name, *key) not in self._seen:
            self._seen.add((name, *key))
            self.found[name].append(Violation(name, self.t, tuple(nodes), detail))

    def annotate(self, node: str, data: dict[str, Any], view: dict[str, Any]) -> None:
        """Read one ``annotate`` event of ``node`` (``view``: all it publishes now)."""
        changed_from = None
        if "log" in data:
            old, new = self.disk.get(node, ()), expand(view["log"])
            self.disk[node] = new
            changed_from = first_difference(old, new)
            self.count_holders(old, new, changed_from)
            self.check_matching(node)
        grew_from = len(self.committed)
        if "log" in data or "commit_index" in data:
            self.read_commit(node, int(view.get("commit_index", 0)), view.get("term"))
        if "applied" in data:
            self.read_applied(node, *view["applied"])
        starts = [] if changed_from is None else [changed_from]
        if len(self.committed) > grew_from:
            self.count_holders((), (), grew_from, everyone=True)
            starts.append(grew_from)
        if starts:
            self.check_lost(min(starts))
        leader = view.get("role") == "leader" and view.get("term") is not None
        if leader and ("log" in data or "role" in data or "term" in data):
            self.check_complete(node, int(view["term"]))

    def read_commit(self, node: str, commit_index: int, term: int | None) -> None:
        """A server's ``commit_index`` says its first entries are committed: they must
        agree with what others committed (State Machine Safety); more extends it,
        committed in the server's ``term``."""
        terms = self.disk.get(node, ())
        if commit_index > len(terms):
            self.report(
                "state_machine_safety",
                (node, "beyond", commit_index),
                [node],
                f"{node} has commit_index {commit_index} but only {len(terms)} entries",
            )
            return
        at = first_difference(terms[:commit_index], tuple(self.committed))
        if at < min(commit_index, len(self.committed)):
            self.report(
                "state_machine_safety",
                (at,),
                [node],
                f"{node} committed an entry of term {terms[at]} at index {at + 1}, "
                f"where an entry of term {self.committed[at]} was committed before",
            )
        elif commit_index > len(self.committed):
            self.committed.extend(terms[len(self.committed) : commit_index])
            self.note_commit_term(int(term or 0), commit_index)

    def note_commit_term(self, term: int, end: int) -> None:
        """Entries up to ``end`` (exclusive, 0-based) are committed by ``term``: so is
        every earlier one, even one first seen committed by a later term."""
        while self.commit_terms and self.commit_terms[-1] >= term:
            self.commit_terms.pop()
            self.commit_ends.pop()
        self.commit_terms.append(term)
        self.commit_ends.append(end)

    def read_applied(self, node: str, last_applied: int, digest: int) -> None:
        """Two servers that applied entries ``1..i`` must have applied the same ones."""
        first = self.applied.setdefault(last_applied, (node, digest))
        if first[1] != digest:
            self.report(
                "state_machine_safety",
                ("applied", last_applied),
                [first[0], node],
                f"{node} applied different entries than {first[0]} up to index {last_applied}",
            )

    def count_holders(self, old: Terms, new: Terms, start: int, everyone: bool = False) -> None:
        """Update :attr:`holders` from committed index ``start`` (0-based) on, for one
        server's log going from ``old`` to ``new``, or (``everyone``) count afresh."""
        committed = self.committed
        while len(self.holders) < len(committed):
            self.holders.append(0)
        for i in range(start, len(committed)):
            if everyone:
                self.holders[i] = sum(
                    len(log) > i and log[i] == committed[i] for log in self.disk.values()
                )
            else:
                was = len(old) > i and old[i] == committed[i]
                self.holders[i] += (len(new) > i and new[i] == committed[i]) - was

    def check_lost(self, start: int) -> None:
        """Every committed entry from index ``start`` (0-based) on is on a majority."""
        need = majority(len(self.disk))
        for i in range(start, len(self.committed)):
            if self.holders[i] < need:
                holding = [n for n, log in self.disk.items() if len(log) > i]
                self.report(
                    "committed_never_lost",
                    (i,),
                    holding,
                    f"the committed entry at index {i + 1} (term {self.committed[i]}) is "
                    f"held by only {self.holders[i]} of {len(self.disk)} servers "
                    f"(a majority is {need})",
                )
                return

    def check_matching(self, node: str) -> None:
        """Log Matching between ``node``'s new log and every other server's."""
        mine = self.disk[node]
        for other, theirs in self.disk.items():
            if other == node:
                continue
            d = first_difference(mine, theirs)
            for i in range(d + 1, min(len(mine), len(theirs))):
                if mine[i] == theirs[i]:
                    self.report(
                        "log_matching",
                        tuple(sorted((node, other))),
                        [node, other],
                        f"{node} and {other} both hold an entry of term {mine[i]} at index "
                        f"{i + 1}, but differ at index {d + 1} (terms {mine[d]} and {theirs[d]})",
                    )
                    break

    def check_complete(self, node: str, term: int) -> None:
        """A leader of ``term`` holds every entry committed in an earlier term."""
        runs = bisect_left(self.commit_terms, term)
        before = self.commit_ends[runs - 1] if runs else 0
        mine = self.disk.get(node, ())
        d = first_difference(mine[:before], tuple(self.committed[:before]))
        if d < before:
            self.report(
                "leader_completeness",
                (node, term),
                [node],
                f"{node} leads term {term} without the entry at index {d + 1} "
                f"(term {self.committed[d]}), committed in an earlier term",
            )

    def check_leaders(self, leaders: dict[str, int]) -> None:
        """After the committed prefix grew: check every current leader against it."""
        for node, term in leaders.items():
            self.check_complete(node, term)


def walk(trace: Trace) -> dict[str, list[Violation]]:
    """Walk ``trace`` once and return every violation of the four checks, by name."""
    cached = _walked.get(trace)
    if cached is not None and cached[0] == len(trace):
        return cached[1]
    state = LogWalk()
    for e, cluster in steps(trace):
        if e.kind != "annotate" or e.node is None:
            continue
        state.t = e.t
        before = len(state.committed)
        state.annotate(e.node, e.data, cluster.notes.get(e.node, {}))
        if len(state.committed) > before:
            notes = cluster.notes
            state.check_leaders({n: int(notes[n]["term"]) for n in cluster.leaders()})
    _walked[trace] = (len(trace), state.found)
    return state.found


_walked: weakref.WeakKeyDictionary[Trace, tuple[int, dict[str, list[Violation]]]] = (
    weakref.WeakKeyDictionary()
)


def log_matching(trace: Trace) -> list[Violation]:
    """Log Matching: two logs with an entry of the same index and term agree on every
    entry up to it. One violation per pair of servers, when first seen."""
    return list(walk(trace)["log_matching"])


def leader_completeness(trace: Trace) -> list[Violation]:
    """Leader Completeness: a leader holds every entry committed in an earlier term.
    One violation per leader and term, when first seen."""
    return list(walk(trace)["leader_completeness"])


def state_machine_safety(trace: Trace) -> list[Violation]:
    """State Machine Safety: no two servers commit or apply different entries at one
    index (nor commit past the end of their log)."""
    return list(walk(trace)["state_machine_safety"])


def committed_never_lost(trace: Trace) -> list[Violation]:
    """A committed entry is never lost: it stays in a majority of the servers' logs.
    One violation per index, when first seen."""
    return list(walk(trace)["committed_never_lost"])
