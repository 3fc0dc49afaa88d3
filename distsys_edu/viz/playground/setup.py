"""What one playground run is made of, and how it is written as plain Python.

A :class:`Setup` names everything that decides a run before any fault: the
protocol (a name from the registry, a ``spawn_cluster`` function of your own, or
your own ``Actor`` class), the cluster size, the seed, the network every link
starts with, and the protocol's options (the knobs its spec declares, or any
option of your own spawn function). :meth:`Setup.build` makes a fresh
:class:`~distsys_edu.runtime.Sim` from it and a fault schedule, and
:meth:`Setup.source` writes the same thing as a few lines of Python that use only
the package's public API, so that a run found in the widget replays without it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from ...protocols.cluster import node_names
from ...protocols.registry import PROTOCOLS, get_spec
from ...protocols.spec import Knob
from ...runtime import Actor, Constant, Fault, FaultSchedule, LinkConfig, Sim, Uniform
from ...runtime.errors import check_probability, check_time, invalid
from ..graph import MAX_NODES_DRAWN

Protocol = str | Callable[..., Any]
"""A registry name, a ``spawn_cluster(sim, nodes, **options)`` function or an ``Actor`` class."""

Latency = float | tuple[float, float]
"""One-way latency in seconds: a constant, or ``(low, high)`` drawn uniformly."""

DEFAULT_LATENCY: tuple[float, float] = (0.001, 0.010)
"""The network the playground starts with: 1 to 10 ms, spread enough to reorder messages."""


def _is_actor_class(protocol: object) -> bool:
    return isinstance(protocol, type) and issubclass(protocol, Actor)


def check_protocol(protocol: Any) -> Protocol:
    """Return ``protocol`` if the playground can run it, or raise.

    Raises:
        InvalidArgument: not a registry name, a spawn function or an ``Actor`` class.
    """
    if isinstance(protocol, str):
        get_spec(protocol)  # raises for an unknown name
        return protocol
    if _is_actor_class(protocol) or (callable(protocol) and not isinstance(protocol, type)):
        return protocol
    raise invalid(
        "protocol",
        protocol,
        f"must be one of {', '.join(PROTOCOLS)}, a spawn_cluster(sim, nodes, **options) "
        "function or an Actor subclass",
    )


def check_latency(latency: Any) -> Latency:
    """Return ``latency`` as seconds or a ``(low, high)`` pair of seconds, or raise.

    Raises:
        InvalidArgument: not a time >= 0, or a pair that is not two such times, low first.
    """
    if isinstance(latency, (tuple, list)) and len(latency) == 2:
        low, high = (check_time("latency", x) for x in latency)
        if low > high:
            raise invalid("latency", latency, "must be (low, high) seconds with low <= high")
        return (low, high)
    if isinstance(latency, (tuple, list)):
        raise invalid("latency", latency, "must be seconds or a (low, high) pair of seconds")
    return check_time("latency", latency)


def latency_model(latency: Latency) -> Constant | Uniform:
    """The runtime's latency object for a playground latency."""
    if isinstance(latency, tuple):
        return Uniform(*latency)
    return Constant(latency)


def _source_of(protocol: Protocol) -> tuple[str | None, str]:
    """The import line (``None`` for a name defined in the notebook) and the name."""
    if isinstance(protocol, str):
        return "from distsys_edu.protocols import spawn", "spawn"
    module = getattr(protocol, "__module__", "__main__")
    name = getattr(protocol, "__qualname__", getattr(protocol, "__name__", repr(protocol)))
    return (None if module == "__main__" else f"from {module} import {name}"), name


@dataclass(frozen=True)
class Setup:
    """Everything that decides a run before its first fault.

    Args:
        protocol: a registry name (``"raft"``, ``"bully"``...), your own
            ``spawn_cluster(sim, nodes, **options) -> list[str]`` function, or your
            own ``Actor`` class (one instance per node, made with no arguments).
        nodes: the cluster size (names ``n1``, ``n2``...), at most
            :data:`~..cluster.MAX_NODES_DRAWN`.
        seed: the Sim's seed: with the same schedule, the same run.
        latency: one-way latency of every link at time 0 (seconds, or ``(low, high)``).
        loss: loss probability of every link at time 0.
        options: keyword arguments for the spawn function (its timeouts, say).

    Raises:
        InvalidArgument: any of these that is not allowed; the message says which.
    """

    protocol: Protocol = "raft"
    nodes: int = 5
    seed: int = 0
    latency: Latency = DEFAULT_LATENCY
    loss: float = 0.0
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_protocol(self.protocol)
        nodes = self.nodes
        if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 1:
            raise invalid("nodes", nodes, f"must be an int from 1 to {MAX_NODES_DRAWN}")
        if nodes > MAX_NODES_DRAWN:
            raise invalid(
                "nodes",
                nodes,
                f"must be at most {MAX_NODES_DRAWN}: the playground draws every node on one "
                f"circle, and more than {MAX_NODES_DRAWN} overlap (and make each frame slow); "
                "run a larger cluster with Sim and spawn, and read its trace with the checks",
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise invalid("seed", self.seed, "must be an int")
        object.__setattr__(self, "latency", check_latency(self.latency))
        object.__setattr__(self, "loss", check_probability("loss", self.loss))
        if not isinstance(self.options, Mapping):
            raise invalid("options", self.options, "must be a dict of keyword arguments")
        if self.options and _is_actor_class(self.protocol):
            raise invalid("options", self.options, "must be empty for an Actor class")
        object.__setattr__(self, "options", dict(self.options))
        self.timings()  # a knob given a value its spec does not allow is refused now

    @property
    def name(self) -> str:
        """The protocol's name, as a title shows it."""
        return self.protocol if isinstance(self.protocol, str) else _source_of(self.protocol)[1]

    def changed(self, **changes: Any) -> Setup:
        """A copy with some fields replaced (and checked again)."""
        return replace(self, **changes)

    def spawner(self) -> Callable[..., Any]:
        """The function that spawns this cluster: ``spawner(sim, nodes, **options)``."""
        if isinstance(self.protocol, str):
            return get_spec(self.protocol).spawn
        if _is_actor_class(self.protocol):
            return partial(spawn_actors, actor=self.protocol)
        return self.protocol

    def build(self, faults: Sequence[Fault]) -> Sim:
        """A fresh Sim at virtual time 0 with the cluster spawned and ``faults`` scheduled.

        Raises:
            Exception: whatever the spawn function or an actor's ``__init__`` raises.
        """
        network = LinkConfig(latency=latency_model(self.latency), loss=self.loss)
        sim = Sim(seed=self.seed, network=network, faults=list(faults))
        self.spawner()(sim, self.nodes, **self.options)
        return sim

    def knobs(self) -> tuple[Knob, ...]:
        """The protocol's knobs, as its spec declares them (the widget's sliders); a
        spawn function or an ``Actor`` class of your own has none."""
        return get_spec(self.protocol).knobs if isinstance(self.protocol, str) else ()

    def timings(self) -> dict[str, Any]:
        """Each knob's value in this setup: the option if given, else the knob's default."""
        return {k.name: k.check(self.options.get(k.name, k.default)) for k in self.knobs()}

    def source(self, var: str, faults: str, until: float) -> list[str]:
        """Python lines that build this run as ``var``, with the fault list named ``faults``.

        Returns:
            The lines: the Sim, the spawn call, ``run(until=...)``; imports are in
            :meth:`imports`.
        """
        latency = self.latency
        if isinstance(latency, tuple):
            model = f"Uniform({latency[0]!r}, {latency[1]!r})"
        else:
            model = f"Constant({latency!r})"
        lines = [
            f"{var} = Sim(",
            f"    seed={self.seed},",
            f"    network=LinkConfig(latency={model}, loss={self.loss!r}),",
            f"    faults={faults},",
            ")",
        ]
        _, name = _source_of(self.protocol)
        extra = "".join(f", {k}={v!r}" for k, v in self.options.items())
        if isinstance(self.protocol, str):
            lines.append(f"spawn({var}, {json.dumps(self.protocol)}, {self.nodes!r}{extra})")
        elif _is_actor_class(self.protocol):
            lines.append(f"for name in {node_names(self.nodes)!r}:")
            lines.append(f"    {var}.spawn(name, {name})")
        else:
            lines.append(f"{name}({var}, {self.nodes!r}{extra})")
        lines.append(f"{var}.run(until={until!r})")
        return lines

    def imports(self) -> list[str]:
        """The import lines :meth:`source` needs (none for names defined in the notebook)."""
        model = "Uniform" if isinstance(self.latency, tuple) else "Constant"
        found = [f"from distsys_edu import {', '.join(sorted([model, 'LinkConfig', 'Sim']))}"]
        line, _ = _source_of(self.protocol)
        return [*found, *([line] if line else [])]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def spawn_actors(sim: Sim, nodes: int, actor: Callable[[], Actor]) -> list[str]:
    """Spawn ``nodes`` nodes (``n1``...) that each run ``actor()``; returns their names."""
    names = node_names(nodes)
    for name in names:
        sim.spawn(name, actor)
    return names


def faults_source(faults: Sequence[Fault]) -> tuple[list[str], str | None]:
    """The fault list as Python lines (one fault a line), and an import it needs, if any.

    Each fault is written as its text line (``"2.5 crash n1"``), which reads back
    exactly; a fault whose text does not (none of the playground's) is written as JSON.
    """
    schedule = FaultSchedule(faults)
    if all(Fault.parse(str(f)) == f for f in schedule):
        return ["faults = [", *(f"    {json.dumps(str(f))}," for f in schedule), "]"], None
    text = json.dumps(schedule.to_json())
    return [f"faults = FaultSchedule.from_json({text})"], "from distsys_edu import FaultSchedule"
