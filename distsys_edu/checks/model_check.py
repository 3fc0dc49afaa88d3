"""Bounded model checking: every interleaving of a small cluster, breadth first.

:func:`model_check` searches the states of the very actor classes that run in
the Sim (no second model of the protocol). From the initial state (the cluster
spawned, every ``started`` hook run), each step is one choice of a controlled
Sim (``sim.choices()``, ``sim.choose(id)``): deliver, drop or duplicate a
message in flight, fire a timer, crash or restart a node. States are hashed
(:mod:`.model_state`) so each is expanded once; breadth first, so the first
path found to a violating state is a shortest one.

How a state is reached: each state waiting to be expanded is kept as a pickle
of its Sim (:mod:`.model_copy`), made when it was first reached; each of its
children starts from a fresh copy of it, and takes one choice. A copy is the
Sim object for object, so the search is exact (the same code, the same
runtime, the same random draws) and finds what replaying each path from the
seed found (``tests/checks/test_model_check_counts.py`` pins it). Only the
frontier is kept as pickles; every state seen keeps a 16-byte hash, a parent
and a choice. A Sim that cannot be pickled is reached by replaying its path.
docs/model-checking.md says what a state is, what the bounds mean, how timers
are ordered, when symmetry reduction is sound, and why liveness is left to
:func:`~distsys_edu.checks.explore`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from ..jobs.progress import progress_counter
from ..protocols.registry import PROTOCOLS, SpawnCluster, get_spec
from ..runtime import Choice, ChoiceOptions, Sim
from ..runtime.errors import invalid
from .model_copy import SimCopier
from .model_result import ModelCheckResult, ModelViolation, StateGraph
from .model_search import Search
from .model_state import (
    TIMER_ORDERS,
    StateInvariant,
    state_invariants,
    view_of,
)
from .runs import protocol_parts
from .step_plan import StepPlan, cluster_setup


def not_symmetric(name: str) -> str:
    """Why symmetry reduction is unsound for protocol ``name`` (``": ..."``), from its
    spec's :attr:`~distsys_edu.protocols.spec.ProtocolSpec.not_symmetric`; ``""`` if
    its nodes' names are interchangeable, or for a spawn function of your own."""
    why = get_spec(name).not_symmetric if name in PROTOCOLS else ""
    return f": {why}" if why else ""


def _fresh(
    spawn: SpawnCluster, seed: int, nodes: int, options: Mapping[str, Any], trace: str = "counts"
) -> Sim:
    """The initial state: the cluster spawned and settled (every ``started`` hook run)."""
    sim = Sim(seed, trace=trace)
    spawn(sim, nodes, **options)
    sim.settle()
    return sim


def _rank(choice: Choice) -> tuple[float, int]:
    """A timer choice's place in its node's due order: ``(due, seq)``."""
    return (choice.due or 0.0, int(choice.id[1:].split(":")[0]))


def _allowed(
    choices: list[Choice], budget: tuple[int, int, int], limits: tuple[int, int, int], timers: str
) -> list[tuple[Choice, tuple[int, int, int]]]:
    """The choices within the bounds, each with the budget used after it."""
    lost, duplicated, crashes = budget
    first_timer: dict[str | None, tuple[float, int]] = {}
    if timers == "durations":  # each node's timers in due order
        for c in choices:
            if c.kind == "fire":
                first_timer[c.node] = min(first_timer.get(c.node, _rank(c)), _rank(c))
    found = []
    for c in choices:
        after = budget
        if c.kind == "drop":
            after = (lost + 1, duplicated, crashes)
        elif c.kind == "duplicate":
            after = (lost, duplicated + 1, crashes)
        elif c.kind == "crash":
            after = (lost, duplicated, crashes + 1)
        elif c.kind == "fire" and timers == "durations" and _rank(c) != first_timer[c.node]:
            continue
        if all(used <= most for used, most in zip(after, limits, strict=True)):
            found.append((c, after))
    return found


OVER_TERM = "over max_term"
"""A state waiting in the frontier that a node's term puts past ``max_term``."""

Waiting = bytes | bool | str | None
"""How a state waits in the frontier: its Sim's pickle (``None``: it could not be
pickled, so it is replayed), :data:`OVER_TERM`, or, at ``max_depth``, whether it had
choices left (``True``/``False``): what its expansion needs, and no more."""


def _waiting(
    sim: Sim,
    search: Search,
    index: int,
    at_max_depth: bool,
    max_term: int | None,
    limits: tuple[int, int, int],
    copier: SimCopier,
) -> Waiting:
    """What the frontier keeps of the new state ``index`` (``sim``) until its turn."""
    if max_term is not None and _highest_term(sim) > max_term:
        return OVER_TERM
    if at_max_depth:
        steps = _allowed(sim.choices(search.options), search.budget[index], limits, search.timers)
        return bool(steps)
    return copier.save(sim)


def _revive(waiting: Waiting, index: int, search: Search, copier: SimCopier) -> Sim:
    """A Sim in state ``index``: a copy restored from its pickle, or a replay of its path."""
    if waiting is None:
        return search.at(index)
    assert isinstance(waiting, bytes)  # the others are never expanded
    return copier.restore(waiting)


def _highest_term(sim: Sim) -> int:
    terms = [sim._node(n).annotations.get("term") for n in sim.nodes]
    return max((t for t in terms if isinstance(t, int)), default=0)


def _check_count(param: str, value: Any, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid(param, value, "must be an int >= 0" + (" or None" if optional else ""))


def model_check(  # long: its docstring explains 14 arguments
    protocol: str | SpawnCluster,
    nodes: int = 3,
    invariants: Sequence[str | StateInvariant] | None = None,
    max_depth: int | None = None,
    max_lost: int = 0,
    max_duplicated: int = 0,
    max_crashes: int = 0,
    max_term: int | None = None,
    symmetry: bool = True,
    timeout: float | None = None,
    progress: bool = True,
    *,
    timers: str = "durations",
    exact: bool = False,
    seed: int = 0,
    options: Mapping[str, Any] | None = None,
) -> ModelCheckResult:
    """Search every state of ``protocol`` reachable within the bounds, breadth first.

    Args:
        protocol: a registered name, or ``spawn(sim, nodes, **options) -> names``.
        nodes: cluster size.
        invariants: names from ``STATE_INVARIANTS`` or functions ``fn(view)``
            (a :class:`~.model_state.ModelView`) returning ``None`` when it holds
            and a description when not; default ``["one_leader_per_term"]``.
        max_depth: expand no state more than this many choices from the start.
        max_lost, max_duplicated, max_crashes: at most this many messages
            dropped, messages duplicated, crashes on any one path.
        max_term: expand no state in which a node publishes a higher ``term``.
        symmetry: count states that differ only by a renaming of the nodes
            once (refused, with a note, when the spec says why: :func:`not_symmetric`).
        timeout: stop after this many wall-clock seconds (then not exhausted).
        progress: a progress bar on stderr: states, depth, states per second.
        timers: ``"durations"``: each node's timers fire in due order, any
            node's before or after any other's; ``"any"``: in any order at all.
        exact: put in each state's key what it leaves out by default and its
            successors can depend on (the clock, due times, incarnations, random
            generators): states reached with other clocks or draws are then told
            apart, so none is skipped (many more states; symmetry off, since each
            node's generator is seeded by its name). See docs/model-checking.md.
        seed: the Sim's seed (the nodes' random draws).
        options: keyword arguments for the spawn function.

    Returns:
        A :class:`ModelCheckResult`; ``.violations`` hold the shortest paths.

    Raises:
        InvalidArgument: a bound that is not an int >= 0, an unknown protocol,
            invariant or timer order.
    """
    for param, value in (("max_lost", max_lost), ("max_duplicated", max_duplicated)):
        _check_count(param, value)
    _check_count("max_crashes", max_crashes)
    _check_count("max_depth", max_depth, optional=True)
    _check_count("max_term", max_term, optional=True)
    _check_count("nodes", nodes)
    if timers not in TIMER_ORDERS:
        raise invalid("timers", timers, f"must be one of {', '.join(TIMER_ORDERS)}")
    if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
        raise invalid("timeout", timeout, "must be a number of seconds > 0 or None")
    name, spawn, import_line, call = protocol_parts(protocol)
    setup = cluster_setup(protocol, seed, nodes, dict(options or {}))
    checks = state_invariants(invariants)
    if not isinstance(exact, bool):
        raise invalid("exact", exact, "must be True or False")
    note = not_symmetric(name) if symmetry else ""
    if symmetry and exact:
        note = ": exact keys hold each node's random generator, seeded by its name"
    make_sim = partial(_fresh, spawn, seed, nodes, dict(options or {}))
    choice_options = ChoiceOptions(
        crash=max_crashes > 0, restart=max_crashes > 0, pause=None, partition=False
    )
    search = Search(make_sim, choice_options, timers, symmetry and not note, exact)
    limits = (max_lost, max_duplicated, max_crashes)
    started = time.perf_counter()
    found: dict[str, ModelViolation] = {}
    bar = progress_counter(None, desc=f"model_check {name}: states", enabled=progress)
    first = make_sim()
    search.add(first, -1, None, (0, 0, 0))
    _judge(search, first, 0, checks, found)
    copier = SimCopier()
    frontier = [(0, _waiting(first, search, 0, max_depth == 0, max_term, limits, copier))]
    depth, transitions, stopped_by, reported, left = 0, 0, None, 0, 0
    try:
        while frontier and len(found) < len(checks):
            following: list[tuple[int, Waiting]] = []
            for index, waiting in frontier:
                if timeout is not None and time.perf_counter() - started > timeout:
                    stopped_by = "timeout"
                    break
                if waiting is OVER_TERM or isinstance(waiting, bool):
                    left += waiting is True  # at max_depth: did it have choices left?
                    continue
                sim = _revive(waiting, index, search, copier)
                steps = _allowed(sim.choices(choice_options), search.budget[index], limits, timers)
                for position, (choice, budget) in enumerate(steps):
                    last = position == len(steps) - 1
                    child = sim if last else _revive(waiting, index, search, copier)
                    child.choose(choice.id, choice_options)
                    transitions += 1
                    new = search.add(child, index, choice, budget)
                    if new is not None and not _judge(search, child, new, checks, found):
                        cut = max_depth is not None and depth + 1 >= max_depth
                        kept = _waiting(child, search, new, cut, max_term, limits, copier)
                        following.append((new, kept))
            bar.update(len(search.parent) - reported)
            reported = len(search.parent)
            if stopped_by == "timeout":
                break
            if following:
                depth += 1
                elapsed = time.perf_counter() - started
                bar.set_postfix(depth=depth, states_per_s=f"{len(search.parent) / elapsed:.0f}")
            frontier = following
        if frontier and len(found) == len(checks) and stopped_by is None:
            stopped_by = "every invariant broken"
    finally:
        bar.close()
        copier.close()
    return ModelCheckResult(
        protocol=name,
        nodes=nodes,
        bounds={
            "max_depth": max_depth,
            "max_lost": max_lost,
            "max_duplicated": max_duplicated,
            "max_crashes": max_crashes,
            "max_term": max_term,
        },
        symmetry=symmetry and not note,
        symmetry_note=note,
        timers=timers,
        exact=exact,
        invariants=tuple(n for n, _ in checks),
        states=len(search.parent),
        transitions=transitions,
        depth=depth,
        exhausted=stopped_by is None,
        stopped_by=stopped_by,
        at_max_depth=left,
        violations=tuple(
            replace(v, plan=_plan(make_sim, v, choice_options, checks, name, setup))
            for v in sorted(found.values(), key=lambda v: len(v.path))
        ),
        graph=None
        if search.edges is None
        else StateGraph(tuple(search.edges), tuple(search.depth), tuple(search.leading)),
        wall_s=time.perf_counter() - started,
        make_sim=make_sim,
        setup=_setup_source(import_line, call, seed, nodes, options),
        choice_options=choice_options,
        checks=checks,
    )


def _plan(
    make_sim: Any,
    violation: ModelViolation,
    options: ChoiceOptions,
    checks: tuple[tuple[str, StateInvariant], ...],
    name: str,
    setup: str,
) -> StepPlan:
    """Where the step mode opens for ``violation``: the initial state, its path queued."""
    title = f"{name}: {violation.invariant} broken after {len(violation.path)} choices"
    return StepPlan(partial(make_sim, trace="full"), violation.path, options, checks, title, setup)


def _setup_source(
    import_line: str, call: str, seed: int, nodes: int, options: Mapping[str, Any] | None
) -> str:
    """The lines that build the initial state, for a violation's replay program."""
    extra = "".join(f", {k}={v!r}" for k, v in (options or {}).items())
    return "\n".join(
        [
            import_line,
            "from distsys_edu.runtime import Sim",
            "",
            f"sim = Sim({seed})",
            f"{call}{nodes!r}{extra})",
        ]
    )


def _judge(
    search: Search,
    sim: Sim,
    index: int,
    checks: tuple[tuple[str, StateInvariant], ...],
    found: dict[str, ModelViolation],
) -> bool:
    """Check every invariant in state ``index``; ``True`` if one is broken there."""
    view = view_of(sim, search.claims[index])
    broken = False
    for name, check in checks:
        verdict = check(view)
        if verdict is None or verdict is True:
            continue
        broken = True
        if name not in found:
            detail = verdict if isinstance(verdict, str) else "it does not hold"
            found[name] = ModelViolation(
                name, detail, search.path(index), search.labels(index), search.trail(index)
            )
    return broken
