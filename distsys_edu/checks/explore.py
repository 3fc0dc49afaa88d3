"""Many-seed exploration: run a protocol under random faults, find and shrink failures.

:func:`explore` runs a protocol many times, each run under its own random fault
schedule (:mod:`.schedules`), checks invariants on each full trace
(:mod:`.invariants`), and for the first few runs that break each invariant
shrinks the schedule to a 1-minimal one (:mod:`.shrink`). Each failure comes back
as a :class:`Counterexample` with its seed, its schedule, the minimal schedule
and a short Python program that replays it.

Everything is deterministic: run ``i`` of ``explore(..., seed=s)`` uses the Sim
seed :func:`~distsys_edu.checks.schedules.run_seed` ``(s, i)`` and a schedule
drawn from that seed, so the same call gives the same result in any process, and
with any number of worker processes (``jobs=``) or any executor (``executor=``, a
Dask cluster's): the runs are spread out in chunks and their outcomes merged in
run order (:mod:`distsys_edu.jobs.parallel`). The counterexamples to
shrink are the first ``max_shrink`` of each invariant in run order, shrunk
afterwards, in parallel too.

Which invariants, by default: those the protocol's spec names
(:attr:`~distsys_edu.protocols.spec.ProtocolSpec.invariants`, read through
:data:`DEFAULT_INVARIANTS`), and why:

* ``raft``: :func:`~.invariants.one_leader_per_term`. Raft promises one leader
  per term, not one leader at a time: a stale leader may lead an old term
  until it hears of a newer one.
* ``raftlog``: :func:`~.invariants.one_leader_per_term` and the log's safety
  properties of :mod:`.raftlog`: Log Matching, Leader Completeness, State Machine
  Safety, and that a committed entry is never lost.
* ``bully``, ``ring``, ``blog``: :func:`~.invariants.one_leader_among_reachable`.
  They have no terms, so the only question is whether two leaders that can
  talk to each other ever stay leaders (split brain that outlives a partition).
* ``blog`` also gets :func:`~.invariants.liveness` within 3 s (three of its
  heartbeats): its design elects nobody, so after a crash it stays leaderless,
  and one crash is enough to show it.
* ``swim`` (a failure detector, no leader): :func:`~.invariants.completeness`
  within 8 s, ``restarted=True`` (every run ends with all nodes restarted, so the
  crashes checked are those that lasted over 8 s). 8 s is SWIM's own bound for
  the default 5 members and 1 s protocol period: each member probes every other
  within ``2 (n - 1)`` periods, and a failed probe means suspicion.
* a spawn function of your own (or a spec naming none): both leader invariants.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..jobs import run_indexed
from ..protocols.registry import SpawnCluster, adopt, get_spec
from ..protocols.spec import ProtocolSpec
from ..runtime import Fault, FaultSchedule, Sim, failures_reported_elsewhere
from ..runtime.errors import invalid
from . import arguments
from .invariants import Violation
from .named_invariants import (
    BUILTIN_CHECKS,
    DEFAULT_INVARIANTS,
    FALLBACK_INVARIANTS,
    CheckFn,
    Invariant,
    default_invariants,
    invariant,
)
from .nemesis import split_targeted
from .results import Counterexample, ExploreResult
from .runs import (
    DEFAULT_DURATION,
    DEFAULT_LATENCY,
    check_settings,
    protocol_parts,
    replay_snippet,
    run_once,
)
from .schedules import FaultMix, random_schedule, recovery_time, run_seed
from .shrink import shrink_schedule
from .step_plan import StepPlan, explore_plan

__all__ = [
    "BUILTIN_CHECKS",
    "DEFAULT_DURATION",
    "DEFAULT_INVARIANTS",
    "DEFAULT_LATENCY",
    "FALLBACK_INVARIANTS",
    "Counterexample",
    "ExploreResult",
    "Invariant",
    "explore",
    "invariant",
    "replay_snippet",
    "run_once",
]


@dataclass(frozen=True)
class RunOutcome:
    """What one explored run found (``None`` stands for a run that found nothing).

    Attributes:
        failures: handler exceptions recorded in the run.
        broken: ``(position of the check, its first violation)`` for each check
            the run broke, in the order of the checks.
    """

    failures: int
    broken: tuple[tuple[int, Violation], ...]


@dataclass(frozen=True)
class ExploreRuns:
    """The runs of one exploration, as workers run them: ``task(i)`` is run ``i``.

    Small and picklable: the protocol and the checks go by reference (module and
    name), the rest is plain data. See :mod:`distsys_edu.jobs.parallel`.
    """

    protocol: str | SpawnCluster
    seed: int
    names: tuple[str, ...]
    mix: FaultMix
    checks: tuple[Invariant, ...]
    nodes: int
    duration: float
    latency: float | tuple[float, float]
    options: tuple[tuple[str, Any], ...]
    spec: ProtocolSpec | None = None

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled in a worker process: the protocol's spec goes with the runs, so a
        protocol registered only in the parent (``register``) is known there too."""
        self.__dict__.update(state)
        if self.spec is not None:
            adopt(self.spec)

    def setup(self) -> dict[str, Any]:
        """The keyword arguments of :func:`run_once` and :func:`replay_snippet`."""
        return {
            "nodes": self.nodes,
            "duration": self.duration,
            "latency": self.latency,
            "options": dict(self.options),
        }

    def schedule(self, index: int) -> tuple[int, FaultSchedule]:
        """Run ``index``'s Sim seed and fault schedule."""
        seed = run_seed(self.seed, index)
        return seed, random_schedule(seed, self.names, self.duration, self.mix)

    def __call__(self, index: int) -> RunOutcome | None:
        seed, schedule = self.schedule(index)
        sim = run_once(self.protocol, seed, schedule, **self.setup())
        broken = tuple(
            (position, found[0])
            for position, check in enumerate(self.checks)
            if (found := check.check(sim.trace))
        )
        if not broken and not sim.failures:
            return None
        return RunOutcome(len(sim.failures), broken)

    def describe(self, index: int) -> tuple[str, str]:
        """Run ``index`` named, and its schedule and a program that replays it."""
        seed, schedule = self.schedule(index)
        snippet = replay_snippet(self.protocol, seed, schedule, self.checks[0], **self.setup())
        faults = "".join(f"\n    {f}" for f in schedule) or " none"
        details = f"\nIts fault schedule:{faults}\nReplay it with:\n{snippet}"
        return f"explore run {index} (seed {seed})", details


@dataclass(frozen=True)
class Shrinks:
    """The shrinking of chosen counterexamples: ``task(k)`` shrinks the ``k``-th.

    Attributes:
        runs: the exploration.
        targets: ``(run index, position of the check)`` to shrink.
    """

    runs: ExploreRuns
    targets: tuple[tuple[int, int], ...]

    def __call__(self, index: int) -> tuple[FaultSchedule, Violation, int]:
        """The 1-minimal schedule, its first violation, and how many schedules were run."""
        run, position = self.targets[index]
        check = self.runs.checks[position]
        seed, schedule = self.runs.schedule(run)
        setup = self.runs.setup()
        first: dict[tuple[Fault, ...], Violation] = {}  # each failing candidate's first

        def fails(candidate: FaultSchedule) -> bool:
            broken = check.check(run_once(self.runs.protocol, seed, candidate, **setup).trace)
            if broken:
                first[tuple(candidate)] = broken[0]
            return bool(broken)

        outcome = shrink_schedule(schedule, fails)
        return outcome.schedule, first[tuple(outcome.schedule)], outcome.tests

    def describe(self, index: int) -> tuple[str, str]:
        """Shrinking the ``index``-th target, in words (see :meth:`ExploreRuns.describe`)."""
        name, details = self.runs.describe(self.targets[index][0])
        return f"shrinking {name}", details


@failures_reported_elsewhere()
def explore(  # long: its docstring explains 14 arguments; the body is 30 lines
    protocol: str | SpawnCluster,
    *,
    runs: int,
    seed: int = 0,
    nodes: int = 5,
    duration: float = DEFAULT_DURATION,
    invariants: Sequence[str | CheckFn | Invariant] | None = None,
    faults: FaultMix | None = None,
    latency: float | tuple[float, float] = DEFAULT_LATENCY,
    options: Mapping[str, Any] | None = None,
    max_shrink: int = 3,
    progress: bool = True,
    jobs: int = 1,
    executor: Executor | None = None,
) -> ExploreResult:
    """Run ``protocol`` ``runs`` times under random faults and check invariants.

    Args:
        protocol: a name from the protocol registry (its spec says what to check),
            or a function ``spawn_cluster(sim, nodes, **options) -> list[str]``.
        runs: how many runs.
        seed: the exploration's seed; run ``i`` uses ``run_seed(seed, i)``.
        nodes: cluster size.
        duration: virtual seconds per run (faults stop ``faults.quiet`` before).
        invariants: what to check: built-in names, functions or
            :class:`Invariant` objects; default :data:`DEFAULT_INVARIANTS`.
        faults: how to draw schedules (default ``FaultMix()``); with
            ``FaultMix(target="leader")`` (or :data:`.schedules.ISOLATE_THE_LEADER`)
            the faults strike whoever leads when they fire (:mod:`.nemesis`).
        latency: seconds, or ``(low, high)`` for a uniform spread.
        options: keyword arguments for the protocol's ``spawn_cluster``.
        max_shrink: shrink at most this many counterexamples per invariant (the
            first ones, in run order); the others keep their full schedule.
            Shrinking one re-runs the protocol dozens of times, so the default
            is small; ``0`` shrinks none.
        progress: show a tqdm progress bar (it advances as chunks of runs finish).
        jobs: worker processes; 1 (the default) runs everything in this process,
            0 uses every core. The result is the same whatever ``jobs`` is.
        executor: a :class:`concurrent.futures.Executor` of your own to run on
            instead, such as a Dask ``Client.get_executor()`` (``jobs`` stays 1).

    Returns:
        An :class:`ExploreResult`.

    Raises:
        InvalidArgument: an unknown protocol or invariant, ``runs`` or
            ``max_shrink`` not an int >= 0, a ``duration`` too short for the fault
            mix, or bad ``jobs`` or ``executor``.
        RunFailed: a run raised (a bug in a spawn function or a check): the
            error names its seed and schedule, with a program that replays it.
        SimError: ``jobs`` > 1 with a protocol or check defined in a notebook.
    """
    task = _runs(
        protocol, runs, max_shrink, seed, nodes, duration, invariants, faults, latency, options
    )
    name = protocol_parts(protocol)[0]
    started = time.perf_counter()
    spread: dict[str, Any] = {"jobs": jobs, "executor": executor, "progress": progress}
    outcomes = run_indexed(task, runs, describe=task.describe, desc=f"explore {name}", **spread)
    found = [(i, p, v) for i, o in enumerate(outcomes) if o for p, v in o.broken]
    targets = _first_of_each(found, task.checks, max_shrink)
    shrinks = Shrinks(task, tuple(targets))
    shrunk = run_indexed(
        shrinks, len(targets), describe=shrinks.describe, desc=f"shrink {name}", **spread
    )
    minimal = dict(zip(targets, shrunk, strict=True))
    violations = {c.name: 0 for c in task.checks}
    for _, position, _ in found:
        violations[task.checks[position].name] += 1
    return ExploreResult(
        protocol=name,
        runs=runs,
        seed=task.seed,
        nodes=task.nodes,
        duration=task.duration,
        invariants=tuple(c.name for c in task.checks),
        violations=violations,
        counterexamples=tuple(_counterexample(task, f, minimal.get(f[:2])) for f in found),
        handler_failures=sum(o.failures for o in outcomes if o),
        max_shrink=max_shrink,
        wall_s=time.perf_counter() - started,
    )


def _runs(
    protocol: str | SpawnCluster,
    runs: Any,
    max_shrink: Any,
    seed: int,
    nodes: int,
    duration: float,
    invariants: Sequence[str | CheckFn | Invariant] | None,
    faults: FaultMix | None,
    latency: float | tuple[float, float],
    options: Mapping[str, Any] | None,
) -> ExploreRuns:
    """Check the arguments of :func:`explore` and make its runs."""
    for param, value in (("runs", runs), ("max_shrink", max_shrink)):
        arguments.count(param, value, 0)
    name, spawn, _, _ = protocol_parts(protocol)
    seed, nodes, duration, latency, options = check_settings(
        spawn, seed, nodes, duration, latency, options
    )
    if faults is not None and not isinstance(faults, FaultMix):
        raise invalid("faults", faults, "must be a FaultMix or None")
    mix = faults or FaultMix()
    recovery_time(duration, mix)  # a duration too short for the mix is refused now
    if invariants is None:
        checks = default_invariants(name)
    else:
        checks = tuple(invariant(c) for c in invariants)
    given = tuple((options or {}).items())
    names = tuple(spawn(Sim(0, trace="counts"), nodes, **dict(given)))  # just the names
    spec = get_spec(protocol) if isinstance(protocol, str) else None
    setup = (nodes, float(duration), latency, given, spec)
    return ExploreRuns(protocol, seed, names, mix, checks, *setup)


def _first_of_each(
    found: list[tuple[int, int, Violation]], checks: Sequence[Invariant], max_shrink: int
) -> list[tuple[int, int]]:
    """``(run, check position)`` of the first ``max_shrink`` counterexamples of each
    invariant, in run order."""
    taken = dict.fromkeys((c.name for c in checks), 0)
    targets = []
    for index, position, _ in found:
        name = checks[position].name
        if taken[name] < max_shrink:
            taken[name] += 1
            targets.append((index, position))
    return targets


def _counterexample(
    task: ExploreRuns,
    found: tuple[int, int, Violation],
    shrunk: tuple[FaultSchedule, Violation, int] | None,
) -> Counterexample:
    index, position, violation = found
    check = task.checks[position]
    seed, schedule = task.schedule(index)
    minimal, minimal_violation, tests = shrunk if shrunk is not None else (None, None, 0)
    shown = schedule if minimal is None else minimal
    return Counterexample(
        invariant=check.name,
        run=index,
        seed=seed,
        violation=violation,
        schedule=schedule,
        minimal=minimal,
        minimal_violation=minimal_violation,
        shrink_runs=tests,
        replay=replay_snippet(task.protocol, seed, shown, check, **task.setup()),
        plan=partial(_plan, task, seed, tuple(shown), check, minimal_violation or violation),
    )


def _plan(
    task: ExploreRuns, seed: int, schedule: tuple[Any, ...], check: Invariant, found: Violation
) -> StepPlan:
    """The step mode's start for one counterexample: its run's events up to ``found``.

    Faults aimed at targets (``crash @leader``) are first resolved by a run: the
    step mode replays the plain faults they became (the run's ``fault_history``).
    """
    if split_targeted(schedule)[1]:
        schedule = tuple(run_once(task.protocol, seed, schedule, **task.setup()).fault_history)
    setup = {k: v for k, v in task.setup().items() if k != "duration"}
    return explore_plan(task.protocol, seed, schedule, found.t, (check,), **setup)
