"""What :func:`~distsys_edu.checks.model_check` returns: counts, bounds, shortest paths."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..runtime import ChoiceOptions, Sim
from .model_state import StateInvariant
from .step_plan import StepPlan, open_step_mode


@dataclass(frozen=True)
class ModelViolation:
    """An invariant broken in a reachable state, and the shortest way there.

    Attributes:
        invariant: the invariant's name.
        detail: what its function said about the state.
        path: the choice ids (``sim.choose``) from the initial state, shortest first
            (breadth-first search finds no shorter one within the bounds).
        labels: what each choice did, in words.
        states: the states along the path, as indices into ``result.graph``
            (the initial state is 0).
    """

    invariant: str
    detail: str
    path: tuple[str, ...]
    labels: tuple[str, ...] = ()
    states: tuple[int, ...] = ()
    plan: StepPlan | None = field(default=None, repr=False, compare=False)

    def playground(self) -> Any:
        """The playground's step mode at the initial state, this path's choices queued:
        step forward to watch the invariant break.

        Raises:
            ValueError: the violation was made without its search's setup.
        """
        if self.plan is None:
            raise ValueError("plan=None: this violation does not know its search's setup")
        return open_step_mode(self.plan)

    def __str__(self) -> str:
        steps = "".join(f"\n    {i + 1}. {label}" for i, label in enumerate(self.labels))
        return f"{self.invariant}: {self.detail}, after {len(self.path)} choices:{steps}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "invariant": self.invariant,
            "detail": self.detail,
            "path": list(self.path),
            "labels": list(self.labels),
        }


@dataclass(frozen=True)
class StateGraph:
    """The state space searched, small enough to draw (``viz.draw_state_space``).

    Attributes:
        edges: ``(from, to, kind)`` for every transition tried (states by index,
            ``kind`` one of ``CHOICE_KINDS``).
        depth: each state's distance from the initial state.
        leading: who leads in each state (comma-separated names, ``""``: nobody).
    """

    edges: tuple[tuple[int, int, str], ...]
    depth: tuple[int, ...]
    leading: tuple[str, ...]


@dataclass(frozen=True)
class ModelCheckResult:
    """The outcome of one bounded breadth-first search.

    Attributes:
        protocol: its name (or the spawn function's module and name).
        nodes: cluster size.
        bounds: every bound, as given (``None``: none).
        symmetry: whether symmetry reduction was applied (see ``symmetry_note``).
        symmetry_note: why it was not, when it was asked for and refused.
        timers: ``"durations"`` or ``"any"``.
        exact: whether keys held the clock, due times and random generators.
        invariants: the names checked.
        states: distinct states reached (symmetric ones counted once).
        transitions: choices tried, leading to new or known states.
        depth: the deepest level reached.
        exhausted: the whole space within the bounds was searched: every state
            within them was expanded (``max_depth`` is one of the bounds).
        stopped_by: what cut the search short of that (``"timeout"``, or
            ``"every invariant broken"``), else ``None``.
        at_max_depth: states at ``max_depth`` that had choices left: the bound
            cut there (0: the space is finite within the other bounds).
        violations: the first (shortest) violation of each invariant broken.
        wall_s: seconds of wall-clock time the search took.
        graph: the states and transitions, if there were at most
            ``model_search.GRAPH_LIMIT`` transitions; else ``None``.
    """

    protocol: str
    nodes: int
    bounds: dict[str, Any]
    symmetry: bool
    symmetry_note: str
    timers: str
    exact: bool
    invariants: tuple[str, ...]
    states: int
    transitions: int
    depth: int
    exhausted: bool
    stopped_by: str | None
    at_max_depth: int
    violations: tuple[ModelViolation, ...]
    wall_s: float
    graph: StateGraph | None = field(repr=False, compare=False)
    make_sim: Callable[..., Sim] = field(repr=False, compare=False)
    choice_options: ChoiceOptions = field(repr=False, compare=False)
    setup: str = field(repr=False, compare=False)
    checks: tuple[tuple[str, StateInvariant], ...] = field(default=(), repr=False, compare=False)

    def _first(self, argument: str) -> ModelViolation:
        """The first violation, the default of ``argument``; ValueError if there is none."""
        if not self.violations:
            raise ValueError(f"{argument}=None is not allowed: no invariant was violated")
        return self.violations[0]

    def snippet(self, violation: ModelViolation | None = None) -> str:
        """A short Python program that replays ``violation`` (default: the first), to paste.

        Raises:
            ValueError: no violation was given and nothing was violated.
        """
        if violation is None:
            violation = self._first("violation")
        steps = "".join(
            f"\n    {step!r},  # {label}"
            for step, label in zip(violation.path, violation.labels, strict=True)
        )
        return (
            f"{self.setup}\n"
            f"sim.choose_all([{steps}\n])\n"
            "for name in sim.nodes:\n"
            "    print(name, sim.status(name), sim.annotations(name))\n"
        )

    def replay(self, path: ModelViolation | tuple[str, ...] | None = None) -> Sim:
        """A fresh Sim (full trace) taken along ``path`` (default: the first violation's).

        Raises:
            ValueError: no path was given and nothing was violated.
        """
        if path is None:
            path = self._first("path")
        steps = path.path if isinstance(path, ModelViolation) else path
        sim = self.make_sim(trace="full")
        sim.choose_all(steps, self.choice_options)
        return sim

    def __str__(self) -> str:
        bounds = ", ".join(f"{k}={v}" for k, v in self.bounds.items() if v is not None)
        how = "whole space within the bounds" if self.exhausted else f"{self.stopped_by}"
        if self.at_max_depth:
            how += f", {self.at_max_depth} states at max_depth not expanded"
        symmetry = "on" if self.symmetry else f"off{self.symmetry_note}"
        lines = [
            f"model_check {self.protocol}: {self.nodes} nodes, bounds: {bounds or 'none'}",
            f"  {self.states} distinct states, {self.transitions} transitions, depth "
            f"{self.depth}, {how} ({self.wall_s:.1f} s; symmetry {symmetry}; "
            f"timers in {'each node' if self.timers == 'durations' else 'any'} order"
            f"{'; exact keys: clock and random draws' if self.exact else ''})",
        ]
        broken = {v.invariant for v in self.violations}
        for name in self.invariants:
            found = next((v for v in self.violations if v.invariant == name), None)
            verdict = f"broken, shortest path {len(found.path)} choices" if found else "holds"
            lines.append(f"  {name}: {verdict}")
        if not broken:
            within = "within the bounds" if self.exhausted else "in the states searched"
            lines.append(f"No reachable state breaks an invariant {within}.")
        return "\n".join(lines)

    def details(self) -> str:
        """The summary, then every violation's path in words."""
        return "\n".join([str(self), *(str(v) for v in self.violations)])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (for ``--json``)."""
        return {
            "protocol": self.protocol,
            "nodes": self.nodes,
            "bounds": self.bounds,
            "symmetry": self.symmetry,
            "timers": self.timers,
            "exact": self.exact,
            "invariants": list(self.invariants),
            "states": self.states,
            "transitions": self.transitions,
            "depth": self.depth,
            "exhausted": self.exhausted,
            "stopped_by": self.stopped_by,
            "at_max_depth": self.at_max_depth,
            "violations": [v.to_dict() for v in self.violations],
            "wall_s": self.wall_s,
        }
