"""The collector during a run: full collections deferred, thresholds restored, nothing kept.

A full trace keeps every message alive; Python's full (generation-2) collections
rescan them all, so the loop raises the generation-2 threshold while it runs
(``engine.GEN2_THRESHOLD_IN_RUN``) and puts the caller's thresholds back after.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from distsys_edu.runtime import Actor, Context, Sim
from distsys_edu.runtime.engine import GEN2_THRESHOLD_IN_RUN


@dataclass(frozen=True)
class Note:
    """A message: a dataclass instance, which the collector tracks."""

    text: str


class ThresholdReader(Actor):
    """Notes the collector's thresholds seen inside its handler; may then fail the run."""

    def __init__(self, seen: list[tuple[int, int, int]], escape: bool = False) -> None:
        self.seen = seen
        self.escape = escape

    def on_note(self, note: Note, ctx: Context) -> None:
        self.seen.append(gc.get_threshold())
        if self.escape:
            raise KeyboardInterrupt  # escapes the loop, as an interrupt would


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    """The test's own thresholds, set before and restored after it."""
    saved = gc.get_threshold()
    gc.set_threshold(500, 7, 3)
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def reader_sim(seen: list[tuple[int, int, int]], *, escape: bool = False) -> Sim:
    sim = Sim(seed=1)
    sim.spawn("a", lambda: ThresholdReader(seen, escape))
    sim.addr("a").do_send(Note("hi"))
    return sim


def test_full_collections_wait_during_a_run_and_thresholds_come_back(
    thresholds: tuple[int, int, int],
) -> None:
    seen: list[tuple[int, int, int]] = []
    sim = reader_sim(seen)
    sim.run(until=1.0)
    assert seen == [(thresholds[0], thresholds[1], GEN2_THRESHOLD_IN_RUN)]
    assert gc.get_threshold() == thresholds


def test_step_defers_and_restores_too(thresholds: tuple[int, int, int]) -> None:
    seen: list[tuple[int, int, int]] = []
    sim = reader_sim(seen)
    while sim.step():
        assert gc.get_threshold() == thresholds
    assert seen == [(thresholds[0], thresholds[1], GEN2_THRESHOLD_IN_RUN)]


def test_thresholds_come_back_when_something_escapes_the_run(
    thresholds: tuple[int, int, int],
) -> None:
    seen: list[tuple[int, int, int]] = []
    sim = reader_sim(seen, escape=True)
    with pytest.raises(KeyboardInterrupt):
        sim.run(until=1.0)
    assert len(seen) == 1
    assert gc.get_threshold() == thresholds


def test_a_higher_threshold_of_the_caller_is_kept() -> None:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 5 * GEN2_THRESHOLD_IN_RUN)
    try:
        seen: list[tuple[int, int, int]] = []
        reader_sim(seen).run(until=1.0)
        assert seen == [(700, 10, 5 * GEN2_THRESHOLD_IN_RUN)]
    finally:
        gc.set_threshold(*saved)


class Chatter(Actor):
    """Sends itself a fresh message every millisecond: the full trace keeps each one."""

    def started(self, ctx: Context) -> None:
        ctx.run_interval(0.001, lambda ctx: ctx.addr(ctx.name).do_send(Note("x")))

    def on_note(self, note: Note, ctx: Context) -> None:
        pass


def test_a_dropped_sim_and_the_messages_its_trace_kept_are_freed() -> None:
    sim = Sim(seed=2, trace="full")
    sim.spawn("a", Chatter)
    sim.run(until=2.0)
    kept = [o for o in sim.trace._obj if isinstance(o, Note)]
    assert len(kept) >= 1000
    sim_ref, note_refs = weakref.ref(sim), [weakref.ref(o) for o in kept]
    del sim, kept
    gc.collect()
    assert sim_ref() is None
    assert all(ref() is None for ref in note_refs)
