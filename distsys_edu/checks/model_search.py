"""The model checker's bookkeeping: one parent, one choice, one budget per state."""

from __future__ import annotations

import array
import hashlib
import random
from collections.abc import Hashable
from typing import Any

from ..runtime import Choice, ChoiceOptions, Sim
from ..runtime.entries import ACCEPT, ARRIVE, TIMER_DUE
from .model_memo import NodeMemo
from .model_state import claims_of, state_key

Claims = frozenset[tuple[Hashable, str]]

GRAPH_LIMIT = 5_000
"""Transitions kept as edges for ``result.graph`` (beyond this, none are: too many to draw)."""


class Search:
    """The search's bookkeeping: one parent, one choice, one budget per state."""

    def __init__(
        self, make_sim: Any, options: ChoiceOptions, timers: str, symmetry: bool, exact: bool
    ) -> None:
        self.make_sim, self.options, self.timers, self.symmetry = (
            make_sim,
            options,
            timers,
            symmetry,
        )
        self.parent: list[int] = [-1]
        self.via: list[str] = [""]
        self.label: list[str] = [""]
        self.budget: list[tuple[int, int, int]] = [(0, 0, 0)]
        self.claims: list[Claims] = [frozenset()]
        self.exact = exact
        self.seen: dict[bytes, int] = {}
        self.memo = NodeMemo()
        self.depth: list[int] = [0]
        self.leading: list[str] = [""]
        self.edges: list[tuple[int, int, str]] | None = []  # while the space is small

    def path(self, index: int) -> tuple[str, ...]:
        steps = []
        while index > 0:
            steps.append(index)
            index = self.parent[index]
        return tuple(self.via[i] for i in reversed(steps))

    def labels(self, index: int) -> tuple[str, ...]:
        steps = []
        while index > 0:
            steps.append(self.label[index])
            index = self.parent[index]
        return tuple(reversed(steps))

    def trail(self, index: int) -> tuple[int, ...]:
        """The states from the initial one to ``index``, as indices."""
        steps = [index]
        while index > 0:
            index = self.parent[index]
            steps.append(index)
        return tuple(reversed(steps))

    def at(self, index: int) -> Sim:
        """A fresh Sim taken along ``index``'s path from the seed (a replay)."""
        sim = self.make_sim()
        sim.choose_all(self.path(index), self.options)
        return sim

    def add(self, sim: Sim, parent: int, choice: Choice | None, budget: Any) -> int | None:
        """Remember ``sim``'s state; its index, or ``None`` if it was seen before.

        While there are at most :data:`GRAPH_LIMIT` edges, every transition is
        kept as one, for the picture of the state space.
        """
        claims = claims_of(sim, self.claims[parent] if parent >= 0 else frozenset())
        extra = (budget, claims, clock_of(sim)) if self.exact else (budget, claims)
        key = state_key(sim, self.timers, extra, self.symmetry, self.memo)
        known = self.seen.get(key)
        if choice is None:  # the initial state
            self.seen[key] = 0
            self.claims[0], self.leading[0] = claims, _leading(sim)
            return 0
        index = len(self.parent) if known is None else known
        if self.edges is not None:
            self.edges.append((parent, index, choice.kind))
            if len(self.edges) > GRAPH_LIMIT:
                self.edges = None
        if known is not None:
            return None
        self.seen[key] = index
        self.parent.append(parent)
        self.via.append(choice.id)
        self.label.append(choice.label)
        self.budget.append(budget)
        self.claims.append(claims)
        self.depth.append(self.depth[parent] + 1)
        self.leading.append(_leading(sim))
        return index


def _leading(sim: Sim) -> str:
    """Who leads in ``sim`` now (up and publishing ``role="leader"``), comma-separated."""
    return ",".join(
        n
        for n in sim.nodes
        if sim.status(n) == "up" and sim._node(n).annotations.get("role") == "leader"
    )


def clock_of(sim: Sim) -> frozenset[tuple[Any, ...]]:
    """What a state's key leaves out that its successors can depend on (for
    ``model_check(exact=True)``): the clock, each message's and live timer's due
    time, each node's incarnation and the state of every random generator (each
    node's and the network's, as a digest of its 625 words)."""

    def drawn(rng: random.Random | None) -> str | None:
        if rng is None:
            return None
        words = array.array("I", rng.getstate()[1]).tobytes()
        return hashlib.blake2b(words, digest_size=8).hexdigest()

    found: set[tuple[Any, ...]] = {("now", sim.now), ("network", drawn(sim.transport.network_rng))}
    for t, _, kind, item in sim._future():
        if kind in (ARRIVE, ACCEPT):
            found.add(("message", item[1].name, item[2].name, item[3], t))
        elif kind == TIMER_DUE and item.active:
            found.add(("timer", item.node.name, item.name, t))
    for name in sim.nodes:
        node = sim._node(name)
        rng = getattr(node.ctx, "rng", None)
        found.add(("node", name, node.incarnation, drawn(rng)))
    return frozenset(found)
