"""What a state's key leaves out, and when that matters (docs/model-checking.md).

The key leaves out the clock, due times, ids and every random generator. The search
expands a state once, from the first path that reached it; a later path to a state
with the same key is not expanded. That is exact when the successors of a state
depend only on what the key holds. These tests look at every state reached a second
time and compare its successors with those of the state it was taken for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from test_model_check import spawn_greeters

from distsys_edu.checks import model_search
from distsys_edu.checks.model_check import model_check
from distsys_edu.checks.model_copy import SimCopier
from distsys_edu.checks.model_search import clock_of
from distsys_edu.checks.model_state import claims_of, state_key
from distsys_edu.exercises.broken import spawn_broken
from distsys_edu.runtime import Sim


def _successors(sim: Sim, search: Any, claims: Any, copier: SimCopier) -> set[bytes]:
    """The keys of every state one choice away from ``sim`` (budgets left out)."""
    found = set()
    saved = copier.save(sim)
    assert saved is not None
    for choice in copier.restore(saved).choices(search.options):
        child = copier.restore(saved)
        child.choose(choice.id, search.options)
        extra: tuple[Any, ...] = ((0, 0, 0), claims_of(child, claims))
        if search.exact:
            extra += (clock_of(child),)
        found.add(state_key(child, search.timers, extra, search.symmetry))
    return found


def _reached_again(protocol: Any, nodes: int, **bounds: Any) -> Iterator[tuple[bool, bool]]:
    """For each state reached a second time: ``(clock differs, successors differ)``
    between the Sim reached this time and the one the search kept."""
    again: list[tuple[Any, int, bytes]] = []
    copier = SimCopier()
    original = model_search.Search.add

    def add(search: Any, sim: Sim, parent: int, choice: Any, budget: Any) -> int | None:
        before = len(search.parent)
        index = original(search, sim, parent, choice, budget)
        if index is None and choice is not None:
            known = search.edges[-1][1] if search.edges else None
            saved = copier.save(sim)
            if known is not None and known < before and saved is not None:
                again.append((search, known, saved))
        return index

    model_search.Search.add = add  # type: ignore[method-assign]
    try:
        model_check(protocol, nodes, progress=False, **bounds)
    finally:
        model_search.Search.add = original  # type: ignore[method-assign]
    for search, known, saved in again:
        kept, other = search.at(known), copier.restore(saved)
        claims = search.claims[known]
        differ = _successors(kept, search, claims, copier) != _successors(
            other, search, claims, copier
        )
        yield kept.now != other.now, differ
    copier.close()


def test_where_nothing_reads_the_clock_equal_keys_have_equal_successors() -> None:
    """Greeters never read ``now`` or draw at random: a state reached again (by another
    order of deliveries, or as a renaming) has the successors of the one kept."""
    for symmetry in (False, True):
        seen = list(_reached_again(spawn_greeters, 3, symmetry=symmetry, max_lost=1))
        assert seen and not any(differ for _, differ in seen), symmetry


def test_raft_writes_the_clock_into_a_field_so_equal_keys_can_part_later() -> None:
    """Raft's follower keeps ``heard_leader_at = ctx.now``: two paths to one key with
    different clocks (or messages sent at different times, so due at different
    times) lead on to different states (the search follows the first path
    only). Its election never reads that field (pre-vote is off), so the verdicts
    stand; what moves is which of those states are counted. When this fails, the key
    was made sound by default: update docs/model-checking.md ("What the key leaves
    out")."""
    seen = list(_reached_again("raft", 3, max_depth=4, max_term=1))
    assert any(clock for clock, _ in seen)
    assert any(differ for _, differ in seen)


def test_exact_keys_hold_what_the_successors_read() -> None:
    """With ``exact=True`` (clock, due times, incarnations and generators in the key),
    every state reached again has the successors of the one kept, in the same Raft
    search that parts them by default; the verdict on the broken Raft is the same."""
    seen = list(_reached_again("raft", 3, max_depth=4, max_term=1, exact=True))
    assert seen and not any(differ for _, differ in seen)
    broken = model_check(spawn_broken, 3, max_depth=6, max_term=1, exact=True, progress=False)
    assert [len(v.path) for v in broken.violations] == [6]
    assert not broken.symmetry and "seeded by its name" in str(broken)
