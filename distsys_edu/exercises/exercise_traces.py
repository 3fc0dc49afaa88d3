"""The traces that lesson 06 and 07's trace-reading checks hand to the learner's function.

A real run cannot be replayed, so these checks never run the learner's code on one:
they run it on traces the simulator makes from a seed (:func:`raft_trace`: the same
schema as the merged trace of ``distsys_edu.net``), and on small scripted traces where
the answer is known (:func:`scripted_trace`: nodes that only publish views at set
times). :func:`play` makes a scenario's trace and calls the learner's function on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..protocols import spawn
from ..runtime import Actor, Context, Sim, Trace

__all__ = [
    "CLOSE_TIMEOUTS",
    "RAFT_SEED",
    "SPLIT_VOTE_SEED",
    "Announcer",
    "Answered",
    "View",
    "play",
    "raft_trace",
    "scripted_trace",
]


@dataclass(frozen=True)
class Answered:
    """What a scenario gives its judge: the trace, and what the learner's function said."""

    trace: Trace
    answer: Any


# -- the traces ----------------------------------------------------------------------

RAFT_SEED = 1
"""Raft with 5 nodes and this seed elects n5 in term 1 at t=0.176 (so the faults name n5)."""

RAFT_UNTIL = 7.0

SPLIT_VOTE_SEED = 3
"""With this seed and :data:`CLOSE_TIMEOUTS`, n4 and n5 both stand in term 1: n5 wins."""

CLOSE_TIMEOUTS = (0.15, 0.16)
"""Election timeouts so close together that two nodes stand at once."""


def raft_trace(faults: Sequence[str], seed: int = RAFT_SEED, **options: Any) -> Trace:
    """A 5-node Raft run from ``seed`` with ``faults``, for 7 s of virtual time."""
    sim = Sim(seed=seed, faults=list(faults))
    spawn(sim, "raft", 5, **options)
    sim.run(until=RAFT_UNTIL)
    return sim.trace


View = tuple[float, str, int | None]
"""One scripted announcement: ``(virtual time, role, term)``."""


class Announcer(Actor):
    """A node that only publishes a script of views (role and term) at set times."""

    def __init__(self, script: Sequence[View]) -> None:
        self.script = tuple(script)

    def started(self, ctx: Context) -> None:
        for at, role, term in self.script:
            ctx.run_later(at - ctx.now, partial(_announce, role=role, term=term))


def _announce(ctx: Context, *, role: str, term: int | None) -> None:
    ctx.annotate(role=role, term=term)


def scripted_trace(scripts: dict[str, Sequence[View]]) -> Trace:
    """A trace in which each node publishes its script of views, and nothing else."""
    sim = Sim(seed=0)
    for node, script in scripts.items():
        sim.spawn(node, partial(Announcer, script))
    sim.run(until=max(at for script in scripts.values() for at, _, _ in script) + 1.0)
    return sim.trace


def play(make_trace: Callable[[], Trace], learner_function: Callable[[Trace], Any]) -> Answered:
    """Make the scenario's trace and hand it to the learner's function."""
    trace = make_trace()
    return Answered(trace, learner_function(trace))
