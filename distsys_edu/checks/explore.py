"""Many-seed exploration: run a protocol under random faults, find and shrink failures.

:func:`explore` runs a protocol many times, each run under its own random fault
schedule (:mod:`.schedules`), checks invariants on each full trace
(:mod:`.invariants`), and for the first few runs that break each invariant
shrinks the schedule to a 1-minimal one (:mod:`.shrink`). Each failure comes back
as a :class:`Counterexample` with its seed, its schedule, the minimal schedule
and a short Python program that replays it.

Everything is deterministic: run ``i`` of ``explore(..., seed=s)`` uses the Sim
seed :func:`~distsys_edu.checks.schedules.run_seed` ``(s, i)`` and a schedule
drawn from that seed, so the same call gives the same result in any process.

Which invariants, by default (see :data:`DEFAULT_INVARIANTS`):

* ``raft``: :func:`~.invariants.one_leader_per_term`. Raft promises one leader
  per term, not one leader at a time: a stale leader may lead an old term
  until it hears of a newer one.
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
* any other spawn function: both leader invariants.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tqdm.auto import tqdm

from ..protocols.registry import PROTOCOLS, get_protocol
from ..runtime import (
    Constant,
    Fault,
    FaultSchedule,
    LinkConfig,
    Sim,
    Trace,
    Uniform,
    failures_reported_elsewhere,
)
from ..runtime.errors import invalid
from . import invariants as _inv
from .invariants import Violation
from .schedules import FaultMix, random_schedule, run_seed
from .shrink import shrink_schedule
from .words import counted

SpawnCluster = Callable[..., list[str]]
CheckFn = Callable[..., list[Violation]]

BUILTIN_CHECKS: dict[str, CheckFn] = {
    "one_leader_per_term": _inv.one_leader_per_term,
    "one_leader_among_reachable": _inv.one_leader_among_reachable,
    "completeness": _inv.completeness,
    "liveness": _inv.liveness,
}
"""Invariants that :func:`invariant` knows by name."""

DEFAULT_DURATION = 15.0
"""Virtual seconds per run: up to 10 s of faults, then :attr:`FaultMix.quiet` (5 s) of calm."""

DEFAULT_LATENCY = (0.001, 0.010)
"""One-way latency of every link, uniform in this range (seconds): spread reorders messages."""


@dataclass(frozen=True)
class Invariant:
    """A check with its options, that knows how to write itself as Python.

    Build one with :func:`invariant`.

    Attributes:
        name: what counterexamples are filed under (the function's name).
        fn: ``fn(trace, **options) -> list[Violation]``.
        options: keyword arguments, as ``(name, value)`` pairs; values must
            read back from their ``repr`` for the replay snippet.
    """

    name: str
    fn: CheckFn = field(repr=False, compare=False)
    options: tuple[tuple[str, Any], ...] = ()

    def check(self, trace: Trace) -> list[Violation]:
        """Run the check on a full trace."""
        return self.fn(trace, **dict(self.options))

    def call_source(self, trace_expr: str = "sim.trace") -> str:
        """The check as a Python call, e.g. ``one_leader_among_reachable(sim.trace, grace=2.0)``."""
        args = [trace_expr, *(f"{k}={v!r}" for k, v in self.options)]
        return f"{self.fn.__name__}({', '.join(args)})"

    def import_source(self) -> str:
        """The import line that brings :attr:`fn` into scope."""
        if BUILTIN_CHECKS.get(self.fn.__name__) is self.fn:
            return f"from distsys_edu.checks import {self.fn.__name__}"
        return f"from {self.fn.__module__} import {self.fn.__qualname__}"


def invariant(check: str | CheckFn | Invariant, **options: Any) -> Invariant:
    """Name a check for :func:`explore`.

    Args:
        check: the name of a built-in check (see :data:`BUILTIN_CHECKS`), a
            function ``fn(trace, **options) -> list[Violation]``, or an
            :class:`Invariant` (returned as it is when no options are given).
        **options: keyword arguments passed to the check.

    Raises:
        ValueError: an unknown name.
    """
    if isinstance(check, Invariant):
        if not options:
            return check
        return Invariant(check.name, check.fn, (*check.options, *sorted(options.items())))
    if isinstance(check, str):
        fn = BUILTIN_CHECKS.get(check)
        if fn is None:
            raise ValueError(
                f"invariant={check!r} is not allowed: must be one of {', '.join(BUILTIN_CHECKS)} "
                "or a function fn(trace) -> list[Violation]"
            )
        return Invariant(check, fn, tuple(sorted(options.items())))
    if callable(check):
        name = getattr(check, "__name__", type(check).__name__)
        return Invariant(name, check, tuple(sorted(options.items())))
    raise ValueError(f"invariant={check!r} is not allowed: give a name, a function or an Invariant")


DEFAULT_INVARIANTS: dict[str, tuple[Invariant, ...]] = {
    "raft": (invariant("one_leader_per_term"),),
    "bully": (invariant("one_leader_among_reachable"),),
    "ring": (invariant("one_leader_among_reachable"),),
    "blog": (invariant("one_leader_among_reachable"), invariant("liveness", within=3.0)),
    # 8 s = 2 (n - 1) protocol periods for 5 nodes: within that, SWIM's round-robin
    # probing has every member probe a crashed one (and fail) at least once.
    "swim": (invariant("completeness", within=8.0, restarted=True),),
}
"""What :func:`explore` checks when ``invariants`` is not given (see the module docstring)."""

FALLBACK_INVARIANTS = (invariant("one_leader_per_term"), invariant("one_leader_among_reachable"))
"""What :func:`explore` checks for a protocol not in :data:`DEFAULT_INVARIANTS`."""


@dataclass(frozen=True)
class Counterexample:
    """A run that broke an invariant, and how to see it again.

    Attributes:
        invariant: the name of the invariant broken.
        run: the run's index in the exploration.
        seed: the run's Sim seed.
        violation: the first violation under the original schedule.
        schedule: the random schedule of the run.
        minimal: the shrunk, 1-minimal schedule (``None`` if not shrunk).
        minimal_violation: the first violation under ``minimal``.
        shrink_runs: how many schedules were run while shrinking.
        replay: a Python program that replays ``minimal`` (or ``schedule``)
            and prints the violations; it leaves them in ``violations``.
    """

    invariant: str
    run: int
    seed: int
    violation: Violation
    schedule: FaultSchedule
    minimal: FaultSchedule | None
    minimal_violation: Violation | None
    shrink_runs: int
    replay: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data; schedules as lists of fault lines."""
        return {
            "invariant": self.invariant,
            "run": self.run,
            "seed": self.seed,
            "violation": self.violation.to_dict(),
            "schedule": [str(f) for f in self.schedule],
            "minimal": None if self.minimal is None else [str(f) for f in self.minimal],
            "minimal_violation": (
                None if self.minimal_violation is None else self.minimal_violation.to_dict()
            ),
            "shrink_runs": self.shrink_runs,
            "replay": self.replay,
        }

    def __str__(self) -> str:
        shown = self.schedule if self.minimal is None else self.minimal
        kind = "minimal schedule" if self.minimal is not None else "schedule (not shrunk)"
        lines = [
            f"run {self.run} (seed {self.seed}) broke {self.invariant}:",
            f"  {self.minimal_violation or self.violation}",
            f"  {kind}, {counted(len(shown), 'fault')}:",
        ]
        lines += [f"    {f}" for f in shown]
        return "\n".join(lines)


@dataclass(frozen=True)
class ExploreResult:
    """What :func:`explore` found.

    Attributes:
        protocol: the protocol's name (or ``module.function`` of a spawn function).
        runs: how many runs.
        seed: the exploration's seed.
        nodes: the cluster size.
        duration: virtual seconds per run.
        invariants: the names of the invariants checked.
        violations: for each invariant, how many runs broke it.
        counterexamples: one per (run, invariant broken), in run order.
        handler_failures: handler exceptions recorded over all runs (a protocol
            bug, or a crash the protocol means to have, like the blog's).
        max_shrink: how many counterexamples of each invariant were shrunk at most.
        wall_s: wall-clock seconds taken: not compared by ``==`` and not in
            :meth:`to_dict`, so that the same exploration gives the same data.

    ``print(result)`` shows :meth:`summary`; :meth:`details` lists every
    counterexample.
    """

    protocol: str
    runs: int
    seed: int
    nodes: int
    duration: float
    invariants: tuple[str, ...]
    violations: dict[str, int]
    counterexamples: tuple[Counterexample, ...]
    handler_failures: int
    max_shrink: int
    wall_s: float = field(compare=False)

    @property
    def ok(self) -> bool:
        """Whether no run broke any invariant."""
        return not self.counterexamples

    def shortest(self) -> Counterexample | None:
        """The counterexample with the fewest faults to replay (shrunk ones first), if any."""
        if not self.counterexamples:
            return None
        return min(
            self.counterexamples,
            key=lambda c: (c.minimal is None, len(c.schedule if c.minimal is None else c.minimal)),
        )

    def summary(self) -> str:
        """What a learner reads first: runs, violations by invariant, and the one to replay.

        The shortest minimal schedule comes with its replay program. Only the
        first :attr:`max_shrink` counterexamples of each invariant are shrunk,
        because shrinking one re-runs the protocol dozens of times; the text says
        so, and how to shrink more.
        """
        lines = [
            f"explore {self.protocol}: {counted(self.runs, 'run')} of {self.duration:g} s "
            f"from seed {self.seed}, {counted(self.nodes, 'node')}",
        ]
        lines += [
            f"  {name}: broken in {broken} of {counted(self.runs, 'run')}"
            for name, broken in self.violations.items()
        ]
        if self.handler_failures:
            lines.append(
                f"  {counted(self.handler_failures, 'handler failure')} (a protocol bug, "
                "or a crash the protocol means to have)"
            )
        shortest = self.shortest()
        if shortest is None:
            lines.append("No run broke an invariant.")
            return "\n".join(lines)
        shrunk = sum(c.minimal is not None for c in self.counterexamples)
        left = len(self.counterexamples) - shrunk
        lines.append(
            f"Shrunk {shrunk} of {counted(len(self.counterexamples), 'counterexample')}: "
            f"the first {self.max_shrink} of each invariant (max_shrink={self.max_shrink})"
            + (
                f"; the other {left} keep their whole random schedule, since shrinking one "
                "re-runs the protocol dozens of times. To shrink more, pass max_shrink=N "
                "(--max-shrink N on the command line)."
                if left
                else "."
            )
        )
        lines.append(f"The shortest, to read first: {shortest}")
        lines.append("Replay it with:")
        lines += [f"    {line}".rstrip() for line in shortest.replay.splitlines()]
        if len(self.counterexamples) > 1:
            lines.append(
                "Every counterexample: print(result.details()) (--all on the command line)."
            )
        return "\n".join(lines)

    def details(self) -> str:
        """Every counterexample, in run order, each with its (minimal) schedule."""
        return "\n".join(str(c) for c in self.counterexamples)

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "protocol": self.protocol,
            "runs": self.runs,
            "seed": self.seed,
            "nodes": self.nodes,
            "duration": self.duration,
            "invariants": list(self.invariants),
            "violations": dict(self.violations),
            "counterexamples": [c.to_dict() for c in self.counterexamples],
            "handler_failures": self.handler_failures,
            "max_shrink": self.max_shrink,
        }


def _network(latency: float | tuple[float, float]) -> tuple[LinkConfig, str, str]:
    """The network, the name of its latency class, and the source that builds that latency."""
    if isinstance(latency, (int, float)):
        value = float(latency)
        return LinkConfig(latency=Constant(value)), "Constant", f"Constant({value!r})"
    low, high = (float(x) for x in latency)
    return LinkConfig(latency=Uniform(low, high)), "Uniform", f"Uniform({low!r}, {high!r})"


def _protocol_parts(protocol: str | SpawnCluster) -> tuple[str, SpawnCluster, str, str]:
    """Name, spawn function, import line and call prefix for the replay snippet."""
    if isinstance(protocol, str):
        if protocol not in PROTOCOLS:
            raise ValueError(
                f"protocol={protocol!r} is not allowed: must be one of {', '.join(PROTOCOLS)} "
                "or a spawn_cluster(sim, nodes, **options) function"
            )
        return (
            protocol,
            get_protocol(protocol),
            "from distsys_edu.protocols import spawn",
            f"spawn(sim, {json.dumps(protocol)}, ",
        )
    if not callable(protocol):
        raise ValueError(f"protocol={protocol!r} is not allowed: give a name or a function")
    module, qualname = protocol.__module__, protocol.__qualname__
    return (
        f"{module}.{qualname}",
        protocol,
        f"from {module} import {qualname}",
        f"{qualname}(sim, ",
    )


@failures_reported_elsewhere()
def run_once(
    protocol: str | SpawnCluster,
    seed: int,
    schedule: Iterable[Any],
    *,
    nodes: int = 5,
    duration: float = DEFAULT_DURATION,
    latency: float | tuple[float, float] = DEFAULT_LATENCY,
    options: Mapping[str, Any] | None = None,
) -> Sim:
    """Run one simulation the way :func:`explore` does (and its replay snippet does).

    Returns:
        The Sim, run until ``duration``, with a full trace.
    """
    _, spawn, _, _ = _protocol_parts(protocol)
    network, _, _ = _network(latency)
    sim = Sim(seed=seed, trace="full", network=network, faults=list(schedule))
    spawn(sim, nodes, **dict(options or {}))
    sim.run(until=duration)
    return sim


def replay_snippet(
    protocol: str | SpawnCluster,
    seed: int,
    schedule: Iterable[Any],
    check: Invariant,
    *,
    nodes: int = 5,
    duration: float = DEFAULT_DURATION,
    latency: float | tuple[float, float] = DEFAULT_LATENCY,
    options: Mapping[str, Any] | None = None,
) -> str:
    """A short Python program that replays one run and checks one invariant.

    It does exactly what :func:`run_once` does, then leaves the check's result
    in ``violations`` and prints it. Option values are written with ``repr``.
    """
    _, _, import_protocol, call = _protocol_parts(protocol)
    _, latency_kind, latency_src = _network(latency)
    faults = FaultSchedule(schedule)
    exact = all(type(f).parse(str(f)) == f for f in faults)
    extra = "".join(f", {k}={v!r}" for k, v in (options or {}).items())
    imports = sorted(
        {
            check.import_source(),
            import_protocol,
            f"from distsys_edu.runtime import LinkConfig, Sim, {latency_kind}",
            *([] if exact else ["from distsys_edu.runtime import FaultSchedule"]),
        }
    )
    lines = [
        *imports,
        "",
        "sim = Sim(",
        f"    seed={seed},",
        '    trace="full",',
        f"    network=LinkConfig(latency={latency_src}),",
    ]
    if exact:
        lines.append("    faults=[")
        lines += [f"        {json.dumps(str(f))}," for f in faults]
        lines.append("    ],")
    else:
        lines.append(f"    faults=FaultSchedule.from_json({json.dumps(faults.to_json())}),")
    lines += [
        ")",
        f"{call}{nodes!r}{extra})",
        f"sim.run(until={float(duration)!r})",
        f"violations = {check.call_source('sim.trace')}",
        "for v in violations:",
        "    print(v)",
    ]
    return "\n".join(lines) + "\n"


@failures_reported_elsewhere()
def explore(
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
) -> ExploreResult:
    """Run ``protocol`` ``runs`` times under random faults and check invariants.

    Args:
        protocol: a name from the protocol registry, or a function
            ``spawn_cluster(sim, nodes, **options) -> list[str]``.
        runs: how many runs.
        seed: the exploration's seed; run ``i`` uses ``run_seed(seed, i)``.
        nodes: cluster size.
        duration: virtual seconds per run (faults stop ``faults.quiet`` before).
        invariants: what to check: built-in names, functions or
            :class:`Invariant` objects; default :data:`DEFAULT_INVARIANTS`.
        faults: how to draw schedules (default ``FaultMix()``).
        latency: seconds, or ``(low, high)`` for a uniform spread.
        options: keyword arguments for the protocol's ``spawn_cluster``.
        max_shrink: shrink at most this many counterexamples per invariant (the
            first ones, in run order); the others keep their full schedule.
            Shrinking one re-runs the protocol dozens of times, so the default
            is small; ``0`` shrinks none.
        progress: show a tqdm progress bar.

    Returns:
        An :class:`ExploreResult`.

    Raises:
        ValueError: an unknown protocol or invariant, ``runs`` or ``max_shrink``
            not an int >= 0 (:class:`~distsys_edu.runtime.errors.InvalidArgument`),
            or a ``duration`` too short for the fault mix.
    """
    for param, value in (("runs", runs), ("max_shrink", max_shrink)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise invalid(param, value, "must be an int >= 0")
    name, spawn, _, _ = _protocol_parts(protocol)
    mix = faults or FaultMix()
    if invariants is None:
        checks = DEFAULT_INVARIANTS.get(name, FALLBACK_INVARIANTS)
    else:
        checks = tuple(invariant(c) for c in invariants)
    setup: dict[str, Any] = {
        "nodes": nodes,
        "duration": duration,
        "latency": latency,
        "options": options,
    }
    names = spawn(Sim(0, trace="counts"), nodes, **dict(options or {}))  # just the names
    started = time.perf_counter()
    violations = {c.name: 0 for c in checks}
    shrunk = dict.fromkeys(violations, 0)
    found: list[Counterexample] = []
    failures = 0
    bar = tqdm(range(runs), desc=f"explore {name}", unit="run", disable=not progress, leave=False)
    for i in bar:
        rs = run_seed(seed, i)
        schedule = random_schedule(rs, names, duration, mix)
        sim = run_once(protocol, rs, schedule, **setup)
        failures += len(sim.failures)
        for check in checks:
            broken = check.check(sim.trace)
            if not broken:
                continue
            violations[check.name] += 1
            minimal = minimal_violation = None
            tests = 0
            if shrunk[check.name] < max_shrink:
                shrunk[check.name] += 1
                minimal, minimal_violation, tests = _shrink(protocol, rs, schedule, check, setup)
            found.append(
                Counterexample(
                    invariant=check.name,
                    run=i,
                    seed=rs,
                    violation=broken[0],
                    schedule=schedule,
                    minimal=minimal,
                    minimal_violation=minimal_violation,
                    shrink_runs=tests,
                    replay=replay_snippet(
                        protocol, rs, schedule if minimal is None else minimal, check, **setup
                    ),
                )
            )
            bar.set_postfix(violations=len(found), refresh=False)
    bar.close()
    return ExploreResult(
        protocol=name,
        runs=runs,
        seed=seed,
        nodes=nodes,
        duration=float(duration),
        invariants=tuple(c.name for c in checks),
        violations=violations,
        counterexamples=tuple(found),
        handler_failures=failures,
        max_shrink=max_shrink,
        wall_s=time.perf_counter() - started,
    )


def _shrink(
    protocol: str | SpawnCluster,
    seed: int,
    schedule: FaultSchedule,
    check: Invariant,
    setup: dict[str, Any],
) -> tuple[FaultSchedule, Violation, int]:
    first: dict[tuple[Fault, ...], Violation] = {}  # each failing candidate's first violation

    def fails(candidate: FaultSchedule) -> bool:
        broken = check.check(run_once(protocol, seed, candidate, **setup).trace)
        if broken:
            first[tuple(candidate)] = broken[0]
        return bool(broken)

    outcome = shrink_schedule(schedule, fails)
    return outcome.schedule, first[tuple(outcome.schedule)], outcome.tests
