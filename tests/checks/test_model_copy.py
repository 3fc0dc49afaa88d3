"""SimCopier: a restored copy of a Sim behaves exactly as the Sim replayed from the seed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.checks.model_check import model_check
from distsys_edu.checks.model_copy import SimCopier
from distsys_edu.protocols import spawn
from distsys_edu.protocols.registry import PROTOCOLS
from distsys_edu.runtime import Actor, Context, Sim


def _fresh(protocol: str, seed: int) -> Sim:
    sim = Sim(seed, trace="full")
    spawn(sim, protocol, 3)
    sim.settle()
    return sim


@settings(max_examples=25, deadline=None)
@given(
    protocol=st.sampled_from(sorted(PROTOCOLS)),
    seed=st.integers(0, 3),
    picks=st.lists(st.integers(0, 10_000), max_size=12),
)
def test_a_copy_taken_at_every_step_goes_on_as_the_sim_it_copies(
    protocol: str, seed: int, picks: list[int]
) -> None:
    """Walk a random path (faults included), continuing each step from a restored copy
    of the last; then take the same path in one Sim, without copies. The two make
    the same full trace, and go on making the same one (random draws, ids, times),
    and it is the trace a replay from the seed makes."""
    copier = SimCopier()
    try:
        first = copier.save(_fresh(protocol, seed))
        assert first is not None
        walked = copier.restore(first)
        for pick in picks:
            listed = walked.choices()
            if not listed:
                break
            saved = copier.save(walked)
            assert saved is not None
            walked = copier.restore(saved)
            walked.choose(listed[pick % len(listed)].id)
        straight = copier.restore(first)
        straight.choose_all(walked.choices_made)
        for more in range(4):  # the two go on alike, random draws and all
            assert walked.trace.digest() == straight.trace.digest()
            for sim in (walked, straight):
                listed = sim.choices()
                if listed:
                    sim.choose(listed[(more * 7) % len(listed)].id)
        assert walked.trace.digest() == straight.trace.digest()
        replayed = _fresh(protocol, seed)
        replayed.choose_all(straight.choices_made)
        assert straight.trace.digest() == replayed.trace.digest()
        assert [replayed.status(n) for n in replayed.nodes] == [
            walked.status(n) for n in walked.nodes
        ]
    finally:
        copier.close()


def test_a_copy_is_independent_of_its_original() -> None:
    """Choosing in a copy moves nothing in the original: clock, choices, random draws."""
    copier = SimCopier()
    original = _fresh("raft", 0)
    saved = copier.save(original)
    assert saved is not None
    copy = copier.restore(saved)
    for _ in range(4):
        copy.choose(copy.choices()[0].id)
    assert copy.now > 0.0 and len(copy.choices_made) == 4
    assert original.now == 0.0 and original.choices_made == []
    assert copier.save(original) == saved
    copier.close()


class Counting(Actor):
    """Holds a generator: a field pickle cannot copy."""

    def __init__(self) -> None:
        self.ticks = (i for i in range(3))

    def started(self, ctx: Context) -> None:
        ctx.run_later(1.0, self.tick)

    def tick(self, ctx: Context) -> None:
        next(self.ticks, None)


def test_a_sim_that_cannot_be_pickled_is_reported_not_copied() -> None:
    sim = Sim(0)
    sim.spawn("n1", lambda: Counting())  # a lambda factory is shared, not copied
    sim.settle()
    copier = SimCopier()
    assert copier.save(sim) is None and copier.uncopyable == 1
    copier.close()


def spawn_counting(sim: Sim, nodes: int) -> list[str]:
    for i in range(nodes):
        sim.spawn(f"n{i + 1}", Counting)
    return sim.nodes


def test_the_search_replays_what_it_cannot_copy() -> None:
    """Two counting nodes (a generator each): every state is reached by replaying its
    path, and the search still finds all four (each timer fired or not)."""
    result = model_check(spawn_counting, 2, symmetry=False, progress=False)
    assert (result.states, result.transitions, result.depth) == (4, 4, 2)
