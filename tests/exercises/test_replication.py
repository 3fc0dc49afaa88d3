"""Lesson 08's exercises: the worked answers pass, the stubs are not attempted, and each
rule left out of a worked answer fails with a hint that names it."""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

import pytest
from variants import Variant, assert_caught

from distsys_edu.exercises.replication import (
    CommitLeader,
    LogFollower,
    check_commit_rule,
    check_log_repair,
)
from distsys_edu.exercises.result import NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.replication import CommitLeader as CountingLeader
from distsys_edu.exercises.solutions.replication import LogFollower as RepairingFollower
from distsys_edu.protocols.cluster import majority
from distsys_edu.protocols.raft import AppendEntries
from distsys_edu.protocols.raftlog import Entry
from distsys_edu.runtime import Context


def test_the_worked_answers_pass() -> None:
    assert check_log_repair(RepairingFollower, strict=False).passed
    assert check_commit_rule(CountingLeader, strict=False).passed


@pytest.mark.parametrize(
    ("check", "stub"), [(check_log_repair, LogFollower), (check_commit_rule, CommitLeader)]
)
def test_the_stubs_are_not_attempted(check, stub) -> None:  # type: ignore[no-untyped-def]
    result = check(stub, strict=False)
    assert not result.passed and result.outcomes[0].status == NOT_ATTEMPTED


# -- AppendEntries, one rule left out each


class LengthOnly(RepairingFollower):
    def consistent(self, ctx: Context, msg: AppendEntries) -> bool:  # type: ignore[override]
        return msg.prev_log_index <= len(self.log(ctx))


class TermOnly(RepairingFollower):
    def consistent(self, ctx: Context, msg: AppendEntries) -> bool:  # type: ignore[override]
        index = msg.prev_log_index
        return index > len(self.log(ctx)) or self.term_at(ctx, index) == msg.prev_log_term


class FirstIndexRefused(RepairingFollower):
    def consistent(self, ctx: Context, msg: AppendEntries) -> bool:  # type: ignore[override]
        return msg.prev_log_index >= 1 and super().consistent(ctx, msg)


class ComparesTheLeadersTerm(RepairingFollower):
    def consistent(self, ctx: Context, msg: AppendEntries) -> bool:  # type: ignore[override]
        index = msg.prev_log_index  # the leader's term, where prev_log_term belongs
        return index <= len(self.log(ctx)) and self.term_at(ctx, index) == msg.term


class KeepsConflicts(RepairingFollower):
    def store(self, ctx: Context, prev_log_index: int, entries: Sequence[Entry]) -> None:
        log = self.log(ctx)
        log.extend(entries[max(0, len(log) - prev_log_index) :])


class AlwaysTruncates(RepairingFollower):
    def store(self, ctx: Context, prev_log_index: int, entries: Sequence[Entry]) -> None:
        log = self.log(ctx)
        del log[prev_log_index:]
        log.extend(entries)


REPAIR_VARIANTS = [
    Variant("refuse when the log is too short", TermOnly, ("doesn't contain",)),
    Variant("refuse when the terms differ", LengthOnly, ("prev_log_term", "compare")),
    Variant("accept when the entry matches", ComparesTheLeadersTerm, ("passes when", "append")),
    Variant("index 0 always matches", FirstIndexRefused, ("index 0",)),
    Variant("delete a conflicting entry and all after it", KeepsConflicts, ("conflicts",)),
    Variant("a matching entry stays", AlwaysTruncates, ("matches stays",)),
]


@pytest.mark.parametrize("variant", REPAIR_VARIANTS, ids=Variant.id)
def test_each_repair_rule_left_out_is_caught_and_named(variant: Variant) -> None:
    assert_caught(check_log_repair, variant)


# -- the commit rule, one rule left out each


class CommitsOlderTerms(CountingLeader):
    def term_at(self, ctx: Context, index: int) -> int:
        return self.current_term(ctx)  # so every entry looks like one of this term


class ForgetsItself(CountingLeader):
    def advance_commit_index(self, ctx: Context) -> None:
        held = sorted(self.match_index.values(), reverse=True)
        n = held[len(held) // 2 + 1 - 1] if held else 0  # a majority of the followers alone
        if n > self.commit_index and super().term_at(ctx, n) == self.current_term(ctx):
            self.commit_index = n
            self.apply_committed(ctx)


def _commit_to(node: CountingLeader, ctx: Context, quorum: int, apply: bool = True) -> None:
    held = sorted([len(node.log(ctx)), *node.match_index.values()], reverse=True)
    n = held[quorum - 1]
    if n > node.commit_index and node.term_at(ctx, n) == node.current_term(ctx):
        node.commit_index = n
        if apply:
            node.apply_committed(ctx)


class HighestAnyoneHolds(CountingLeader):
    def advance_commit_index(self, ctx: Context) -> None:
        _commit_to(self, ctx, 1)


class HalfIsEnough(CountingLeader):
    def advance_commit_index(self, ctx: Context) -> None:
        _commit_to(self, ctx, ceil((len(self.peers) + 1) / 2))


class NeverApplies(CountingLeader):
    def advance_commit_index(self, ctx: Context) -> None:
        _commit_to(self, ctx, (len(self.peers) + 1) // 2 + 1, apply=False)


class OneStepAtATime(CountingLeader):
    def advance_commit_index(self, ctx: Context) -> None:
        n = self.commit_index + 1  # the next index only, not the highest a majority holds
        held = [len(self.log(ctx)), *self.match_index.values()]
        on_a_majority = sum(i >= n for i in held) >= majority(len(held))
        if on_a_majority and self.term_at(ctx, n) == self.current_term(ctx):
            self.commit_index = n
            self.apply_committed(ctx)


class StopsAtAnOlderTerm(CountingLeader):
    def advance_commit_index(self, ctx: Context) -> None:
        held = [len(self.log(ctx)), *self.match_index.values()]
        for n in range(self.commit_index + 1, len(self.log(ctx)) + 1):
            on_a_majority = sum(i >= n for i in held) >= majority(len(held))
            if not on_a_majority or self.term_at(ctx, n) != self.current_term(ctx):
                break  # an entry of an older term ends the search, so it never commits
            self.commit_index = n
        self.apply_committed(ctx)


COMMIT_VARIANTS = [
    Variant("the Figure 8 restriction", CommitsOlderTerms, ("Figure 8", "current term")),
    Variant("the leader counts itself", ForgetsItself, ("own log",)),
    Variant("a majority, not one holder", HighestAnyoneHolds, ("majority",)),
    Variant("more than half, not half", HalfIsEnough, ("more than half",)),
    Variant("apply what is committed", NeverApplies, ("apply_committed",)),
    Variant("the highest index a majority holds", OneStepAtATime, ("highest index",)),
    Variant(
        "older entries commit with one of its own term",
        StopsAtAnOlderTerm,
        ("every entry before it",),
    ),
]


@pytest.mark.parametrize("variant", COMMIT_VARIANTS, ids=Variant.id)
def test_each_commit_rule_left_out_is_caught_and_named(variant: Variant) -> None:
    assert_caught(check_commit_rule, variant)


def test_the_cluster_scenarios_alone_catch_a_commit_of_an_older_term() -> None:
    """Figure 8 run whole: the broken leader commits index 2 of term 2, S5 overwrites it."""
    result = check_commit_rule(CommitsOlderTerms, strict=False)
    figure8 = next(o for o in result.outcomes if o.scenario == "Figure 8's disks")
    assert figure8.status != PASSED and "Figure 8" in figure8.hint
