"""One explored run: how it is set up, run, and written as a program that replays it.

:func:`run_once` runs a protocol under a fault schedule exactly as
:func:`~distsys_edu.checks.explore` does; :func:`replay_snippet` writes the same
run, and one invariant's check, as a short Python program a learner can paste.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..protocols.registry import (
    BUILTIN,
    PROTOCOLS,
    SpawnCluster,
    aliases,
    get_spec,
    protocol_choices,
)
from ..runtime import (
    Constant,
    FaultSchedule,
    LinkConfig,
    Sim,
    Uniform,
    failures_reported_elsewhere,
)
from ..runtime.errors import invalid
from . import arguments
from .named_invariants import Invariant
from .nemesis import run_targeted, split_targeted

DEFAULT_DURATION = 15.0
"""Virtual seconds per run: up to 10 s of faults, then :attr:`FaultMix.quiet` (5 s) of calm."""

DEFAULT_LATENCY = (0.001, 0.010)
"""One-way latency of every link, uniform in this range (seconds): spread reorders messages."""


def network_for(latency: float | tuple[float, float]) -> tuple[LinkConfig, str, str]:
    """The network, the name of its latency class, and the source that builds that latency."""
    if isinstance(latency, (int, float)):
        value = float(latency)
        return LinkConfig(latency=Constant(value)), "Constant", f"Constant({value!r})"
    low, high = (float(x) for x in latency)
    return LinkConfig(latency=Uniform(low, high)), "Uniform", f"Uniform({low!r}, {high!r})"


def check_settings(
    spawn: SpawnCluster, seed: Any, nodes: Any, duration: Any, latency: Any, options: Any
) -> tuple[int, int, float, float | tuple[float, float], dict[str, Any]]:
    """The settings of a run, checked: ``(seed, nodes, duration, latency, options)``.

    Durations may carry a unit (``duration="15s"``, ``latency=("1ms", "10ms")``);
    an option the spawn function does not take is refused by name.

    Raises:
        InvalidArgument: the first setting that is not allowed.
    """
    return (
        arguments.seed(seed),
        arguments.count("nodes", nodes),
        arguments.duration(duration),
        arguments.latency_setting(latency),
        arguments.spawn_options(spawn, options),
    )


def protocol_parts(protocol: str | SpawnCluster) -> tuple[str, SpawnCluster, str, str]:
    """Name, spawn function, import line and call prefix for the replay snippet."""
    if isinstance(protocol, str):
        protocol = aliases().get(protocol, protocol)  # kv: raftlog
        if protocol not in PROTOCOLS:
            raise invalid(
                "protocol",
                protocol,
                f"must be one of {protocol_choices()} "
                "or a spawn_cluster(sim, nodes, **options) function",
            )
        spawn = get_spec(protocol).spawn
        if protocol not in BUILTIN:  # registered in this process only: import its spawn
            return (protocol, spawn, *_import_and_call(spawn))
        return (
            protocol,
            spawn,
            "from distsys_edu.protocols import spawn",
            f"spawn(sim, {json.dumps(protocol)}, ",
        )
    if not callable(protocol):
        raise invalid("protocol", protocol, "must be a name or a function")
    return (f"{protocol.__module__}.{protocol.__qualname__}", protocol, *_import_and_call(protocol))


def _import_and_call(spawn: SpawnCluster) -> tuple[str, str]:
    """The import line of a spawn function, and the start of its call."""
    return f"from {spawn.__module__} import {spawn.__qualname__}", f"{spawn.__qualname__}(sim, "


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

    The schedule may aim faults at targets (``crash @leader``...): they are resolved
    as they fire (:mod:`.nemesis`).

    Returns:
        The Sim, run until ``duration``, with a full trace.

    Raises:
        InvalidArgument: a setting that is not allowed (see :func:`check_settings`).
    """
    _, spawn, _, _ = protocol_parts(protocol)
    seed, nodes, duration, latency, given = check_settings(
        spawn, seed, nodes, duration, latency, options
    )
    if isinstance(schedule, (str, bytes)) or not isinstance(schedule, Iterable):
        raise invalid("schedule", schedule, "must be a list of faults (or a FaultSchedule)")
    plain, targeted = split_targeted(schedule)
    network, _, _ = network_for(latency)
    sim = Sim(seed=seed, trace="full", network=network, faults=plain)
    servers = spawn(sim, nodes, **given)
    if targeted:  # aimed at the leader, say: resolved as they fire (see .nemesis)
        run_targeted(sim, servers, targeted, duration)
    else:
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
    in ``violations`` and prints it. Option values are written with ``repr``; the
    class of a value from this package (a ``Workload``) is imported.
    """
    _, spawn, _, _ = protocol_parts(protocol)
    seed, nodes, duration, latency, given = check_settings(
        spawn, seed, nodes, duration, latency, options
    )
    faults = FaultSchedule(schedule)
    if split_targeted(faults)[1]:
        return _targeted_snippet(protocol, seed, faults, check, nodes, duration, latency, given)
    lines = setup_source(
        protocol,
        seed,
        nodes,
        given,
        latency=latency,
        faults=schedule,
        imports=[check.import_source()],
    )
    lines += [
        f"sim.run(until={float(duration)!r})",
        f"violations = {check.call_source('sim.trace')}",
        "for v in violations:",
        "    print(v)",
    ]
    return "\n".join(lines) + "\n"


def setup_source(
    protocol: str | SpawnCluster,
    seed: int,
    nodes: int,
    options: Mapping[str, Any],
    *,
    latency: float | tuple[float, float] | None = None,
    faults: Iterable[Any] | None = None,
    imports: Iterable[str] = (),
) -> list[str]:
    """The lines of Python that build a run's Sim (full trace) and spawn its cluster.

    Args:
        protocol, seed, nodes, options: the run's settings, already checked.
        latency: every link's latency (``None``: the Sim's default network).
        faults: the fault schedule (``None``: no ``faults=`` argument).
        imports: more import lines to sort in with the ones these lines need.

    Returns:
        The import lines, a blank line, ``sim = Sim(...)`` and the spawn call.
    """
    _, _, import_protocol, call = protocol_parts(protocol)
    runtime, more = "Sim", list(imports)
    made = [f"    seed={seed},", '    trace="full",']
    if latency is not None:
        _, latency_kind, latency_src = network_for(latency)
        runtime = f"LinkConfig, Sim, {latency_kind}"
        made.append(f"    network=LinkConfig(latency={latency_src}),")
    if faults is not None:
        schedule = FaultSchedule(faults)
        if all(type(f).parse(str(f)) == f for f in schedule):
            made += [
                "    faults=[",
                *(f"        {json.dumps(str(f))}," for f in schedule),
                "    ],",
            ]
        else:
            more.append("from distsys_edu.runtime import FaultSchedule")
            made.append(f"    faults=FaultSchedule.from_json({json.dumps(schedule.to_json())}),")
    extra = "".join(f", {k}={v!r}" for k, v in options.items())
    needed = sorted(
        {
            *more,
            import_protocol,
            f"from distsys_edu.runtime import {runtime}",
            *(_import_of(v) for v in options.values() if _import_of(v)),
        }
    )
    return [*needed, "", "sim = Sim(", *made, ")", f"{call}{nodes!r}{extra})"]


def _targeted_snippet(
    protocol: str | SpawnCluster,
    seed: int,
    faults: FaultSchedule,
    check: Invariant,
    nodes: int,
    duration: float,
    latency: float | tuple[float, float],
    options: Mapping[str, Any],
) -> str:
    """:func:`replay_snippet` for a schedule with targets (``crash @leader``): a bare
    Sim cannot resolve them, so the program calls :func:`run_once`, which does."""
    _, _, import_protocol, call = protocol_parts(protocol)
    name = json.dumps(protocol) if isinstance(protocol, str) else call.split("(")[0]
    imports = sorted(
        {
            check.import_source(),
            "from distsys_edu.checks import run_once",
            *([] if isinstance(protocol, str) else [import_protocol]),
            *(_import_of(v) for v in options.values() if _import_of(v)),
        }
    )
    given = "{" + ", ".join(f"{k!r}: {v!r}" for k, v in options.items()) + "}"
    lines = [
        *imports,
        "",
        "sim = run_once(",
        f"    {name},",
        f"    {seed},",
        "    [",
        *(f"        {json.dumps(str(f))}," for f in faults),
        "    ],",
        f"    nodes={nodes!r},",
        f"    duration={float(duration)!r},",
        f"    latency={latency!r},",
        f"    options={given},",
        ")",
        'print("\\n".join(sim.trace.meta["targets"]))  # whom each targeted fault hit',
        f"violations = {check.call_source('sim.trace')}",
        "for v in violations:",
        "    print(v)",
    ]
    return "\n".join(lines) + "\n"


def _import_of(value: Any) -> str:
    """The import line for the class of an option value from this package, whose
    ``repr`` names it (``Workload(keys=...)``); ``""`` for anything else."""
    kind = type(value)
    if not kind.__module__.startswith("distsys_edu.") or not repr(value).startswith(
        f"{kind.__name__}("
    ):
        return ""
    return f"from {kind.__module__} import {kind.__qualname__}"
