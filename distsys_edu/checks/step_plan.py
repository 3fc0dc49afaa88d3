"""Where the step mode starts: a fresh Sim, the choices queued, and what to judge.

A :class:`StepPlan` is plain data the playground's step mode opens
(``viz.playground.StepModel.from_plan``): how to build the initial state (a
fresh controlled Sim), the choice ids to replay from there (``sim.choose``),
the choice options they were made under, and the invariants to show the status
of at every step.

Two places make one:

* a model-check violation (:func:`model_plan`): its shortest path is already a
  list of choices;
* an explore counterexample (:func:`explore_plan`): a seeded run under a fault
  schedule, where time decides. :func:`follow_the_clock` turns it into choices
  faithfully: in a controlled Sim built exactly as the run was, it takes at each
  step the entry the engine would have run next (the earliest by ``(time, seq)``;
  the faults of the schedule are runtime calls, chosen as ``c<seq>:run``), so the
  same events happen at the same virtual times, and records the ids.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..runtime import Choice, ChoiceOptions, Sim
from ..runtime.errors import check_time, invalid
from .model_state import STATE_INVARIANTS, StateInvariant
from .named_invariants import Invariant, default_invariants
from .runs import DEFAULT_LATENCY, check_settings, network_for, protocol_parts, setup_source

Judge = Invariant | StateInvariant
"""An explore ``Invariant`` (reads the trace so far) or a model-check ``fn(view)``."""

CLOCK_KINDS = ("deliver", "fire", "run")
"""The choices that do what the engine does by itself (no fault, no loss)."""

NO_FAULTS = ChoiceOptions(crash=False, restart=False, pause=None, partition=False)
"""What an explore replay chooses under: its faults come from its schedule."""


@dataclass(frozen=True)
class StepPlan:
    """What the step mode opens.

    Attributes:
        make_sim: builds the initial state (a fresh Sim with a full trace, settled).
        queued: the choice ids to replay from it, in order.
        options: the :class:`~distsys_edu.runtime.ChoiceOptions` the choices are listed under.
        invariants: ``(name, judge)`` for each invariant shown.
        title: what the plan is, in words (the step mode's heading).
        setup: Python source that builds the same initial state as ``make_sim``
            in a variable ``sim``: imports, a blank line, then the statements
            (``""``: not known, so no "copy as code" and no snippet).
    """

    make_sim: Callable[[], Sim]
    queued: tuple[str, ...]
    options: ChoiceOptions
    invariants: tuple[tuple[str, Judge], ...]
    title: str
    setup: str = ""


def follow_the_clock(sim: Sim, until: float, options: ChoiceOptions = NO_FAULTS) -> list[str]:
    """Choose, in ``sim``, what the engine would run next, up to virtual time ``until``.

    Each step takes the earliest entry of the future (``sim.choices`` lists them
    by ``(time, seq)``, first the delivery of a message) and stops before the
    first one due after ``until``.

    Returns:
        The choice ids made, in order (also in ``sim.choices_made``).
    """
    until = check_time("until", until)
    made: list[str] = []
    while True:
        first: Choice | None = next(
            (c for c in sim.choices(options) if c.kind in CLOCK_KINDS), None
        )
        if first is None or (first.due if first.due is not None else first.at) > until:
            return made
        sim.choose(first.id, options)
        made.append(first.id)


def _explore_sim(
    spawn: Any, seed: int, nodes: int, latency: Any, options: Mapping[str, Any], faults: Any
) -> Sim:
    network, _, _ = network_for(latency)
    sim = Sim(seed=seed, trace="full", network=network, faults=list(faults))
    spawn(sim, nodes, **options)
    sim.settle()
    return sim


def explore_plan(
    protocol: Any,
    seed: int,
    schedule: Sequence[Any],
    until: float,
    invariants: Sequence[Invariant] | None = None,
    *,
    nodes: int = 5,
    latency: float | tuple[float, float] = DEFAULT_LATENCY,
    options: Mapping[str, Any] | None = None,
    title: str = "",
) -> StepPlan:
    """The step mode at the start of one explore run, its events up to ``until`` queued.

    Args:
        protocol, seed, schedule, nodes, latency, options: the run, as
            :func:`~distsys_edu.checks.runs.run_once` takes them.
        until: queue every event up to this virtual time (the violation's).
        invariants: shown at each step (default: the explorer's for the protocol).

    Raises:
        InvalidArgument: a setting that is not allowed.
    """
    name, spawn, _, _ = protocol_parts(protocol)
    seed, nodes, _, latency, given = check_settings(spawn, seed, nodes, until, latency, options)
    make_sim = partial(_explore_sim, spawn, seed, nodes, latency, given, tuple(schedule))
    queued = follow_the_clock(make_sim(), until)
    chosen = default_invariants(name) if invariants is None else invariants
    return StepPlan(
        make_sim=make_sim,
        queued=tuple(queued),
        options=NO_FAULTS,
        invariants=tuple((check.name, check) for check in chosen),
        title=title or f"{name}, seed {seed}, {len(schedule)} fault(s), up to t={until:g} s",
        setup=cluster_setup(protocol, seed, nodes, given, latency=latency, faults=schedule),
    )


def cluster_setup(
    protocol: Any, seed: int, nodes: int, options: Mapping[str, Any], **network: Any
) -> str:
    """A plan's ``setup``: :func:`~.runs.setup_source`'s lines (``network``: its
    ``latency`` and ``faults``), then the settle that ``make_sim`` does.

    ``""`` (not known) for a spawn function that cannot be imported by its name
    (a closure such as ``spawner(...)``, a method): code that imports it would not run.
    """
    if callable(protocol) and not protocol.__qualname__.isidentifier():
        return ""
    return "\n".join([*setup_source(protocol, seed, nodes, options, **network), "sim.settle()"])


def _judge_source(name: str, judge: Judge) -> tuple[str, str]:
    """An invariant as ``(import line or "", expression)`` for ``StepModel.start``."""
    if isinstance(judge, Invariant):
        args = [judge.fn.__name__, *(f"{k}={v!r}" for k, v in judge.options)]
        imports = f"{judge.import_source()}\nfrom distsys_edu.checks import invariant"
        return imports, f"invariant({', '.join(args)})"
    if STATE_INVARIANTS.get(name) is judge:
        return "", repr(name)
    return f"from {judge.__module__} import {judge.__qualname__}", judge.__qualname__


def sim_from_source(setup: str) -> Sim:
    """Run ``setup`` (a plan's ``setup``: Python that builds ``sim``) and return that Sim.

    Raises:
        InvalidArgument: ``setup`` does not leave a ``Sim`` in ``sim``.
    """
    scope: dict[str, Any] = {}
    exec(compile(setup, "<step mode setup>", "exec"), scope)  # the learner's own setup code
    sim = scope.get("sim")
    if not isinstance(sim, Sim):
        raise invalid("setup", setup[:60], "must be Python that builds a Sim named sim")
    return sim


def step_snippet(plan: StepPlan) -> str:
    """A notebook cell that opens the step mode at the start of ``plan``, its choices queued.

    Each queued choice is written with what it does (a replay in a fresh Sim
    finds the words). Running the cell shows the widget; ``step.model`` is the
    :class:`~distsys_edu.viz.playground.StepModel` (step it without a browser).

    Raises:
        ValueError: the plan does not know the source of its initial state.
    """
    if not plan.setup:
        raise ValueError("plan.setup is empty: this plan cannot be written as code")
    sim = plan.make_sim()
    steps = [(step, sim.choose(step, plan.options).label) for step in plan.queued]
    judges = [_judge_source(name, judge) for name, judge in plan.invariants]
    quoted = f'r"""\n{plan.setup}\n"""' if '"""' not in plan.setup else repr(plan.setup)
    lines = [
        "# The step mode at the start of the counterexample: press forward to watch it break.",
        *sorted({i for source, _ in judges if source for i in source.splitlines()}),
        "from distsys_edu.runtime import ChoiceOptions",
        "from distsys_edu.viz.playground import StepModel, StepPlayground",
        "",
        f"SETUP = {quoted}",
        "queued = [",
        *(f"    {step!r},  # {label}" for step, label in steps),
        "]",
        "step = StepPlayground(",
        "    StepModel.start(",
        "        SETUP,",
        f"        options={plan.options!r},",
        f"        invariants=[{', '.join(expr for _, expr in judges)}],",
        "        queued=queued,",
        f"        title={plan.title!r},",
        "    )",
        ")",
        "step",
    ]
    return "\n".join(lines) + "\n"


def open_step_mode(plan: StepPlan) -> Any:
    """The playground's step mode (a widget) at the start of ``plan``.

    The one call from this room up into ``viz``: the widget is looked up when it
    is asked for, so that checks can offer ``.playground()`` on what they return
    while they import nothing of viz (the rooms' layering, checked by lint-imports).
    """
    playground = importlib.import_module("distsys_edu.viz.playground")
    return playground.StepPlayground.from_plan(plan)
