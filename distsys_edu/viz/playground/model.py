"""The playground's logic, without widgets: a run you can play, break, rewind and copy.

:class:`PlaygroundModel` holds one run (or two side by side, stepping in
lockstep under the same seed and the same faults), the fault schedule recorded
from every action, and the playground's virtual time. Everything the widget
shows comes from here, so tests drive this class and the widget stays thin.

Going back in time replays: a fresh Sim from the seed and the recorded schedule,
run to the time asked for. Acting at a time before the latest recorded fault
starts a new future: the recorded faults after that time are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...checks.explore import Invariant, invariant
from ...checks.invariants import Violation
from ...runtime import Fault
from ...runtime.errors import check_probability, check_time, invalid
from .lane import Lane
from .setup import (
    DEFAULT_LATENCY,
    Latency,
    Protocol,
    Setup,
    check_latency,
    faults_source,
    latency_model,
)

TIME_DIGITS = 9
"""Play advances time in steps rounded to the nanosecond, so that ten steps of 0.1 s
reach 1.0 s, not 0.9999999999999999 s, and the recorded faults read as typed."""

LANE_NAMES = ("sim", "other")
"""What the snippet calls the runs: the first, and the one beside it."""


def versus_setup(first: Setup, versus: Any) -> Setup:
    """The setup beside ``first``: another protocol, or the same one with other options.

    Raises:
        InvalidArgument: ``versus`` is neither a protocol nor a dict of options.
    """
    if isinstance(versus, Mapping):
        return first.changed(options={**first.options, **versus})
    return first.changed(protocol=versus, options={})


def _nodes_of(fault: Fault) -> list[str]:
    """The node names a fault mentions."""
    if fault.action in ("partition", "one_way"):
        return [n for group in fault.args[0] for n in group]
    return [a for a in fault.args if isinstance(a, str)]


class PlaygroundModel:
    """A run (or two) that you play, pause, step, rewind and break, as plain Python.

    Args:
        protocol: a registry name (``"raft"``, ``"bully"``...), your own spawn
            function ``spawn_cluster(sim, nodes, **options)`` or your own ``Actor`` class.
        nodes: the cluster size.
        seed: the seed every run here uses.
        latency: one-way latency at time 0: seconds, or ``(low, high)``.
        loss: loss probability of every link at time 0.
        options: keyword arguments for the spawn function (its timeouts).
        versus: a second run beside the first, under the same seed and faults:
            another protocol, or a dict of other options for the same one.
        invariants: what the monitor watches (names, functions or ``Invariant``
            objects); default: each protocol's safety invariants.

    Raises:
        InvalidArgument: a bad setting (the message names it).
    """

    def __init__(
        self,
        protocol: Protocol = "raft",
        *,
        nodes: int = 5,
        seed: int = 0,
        latency: Latency = DEFAULT_LATENCY,
        loss: float = 0.0,
        options: Mapping[str, Any] | None = None,
        versus: Any = None,
        invariants: Iterable[Any] | None = None,
    ) -> None:
        first = Setup(protocol, nodes, seed, latency, loss, options or {})
        setups = [first] if versus is None else [first, versus_setup(first, versus)]
        self.invariants: tuple[Invariant, ...] | None = None
        if invariants is not None:
            self.invariants = tuple(invariant(check) for check in invariants)
        self.schedule: list[Fault] = []
        self.now = 0.0
        self.horizon = 0.0
        self.lanes = [self._lane(setup) for setup in setups]
        self.found: list[Violation | None] = [None] * len(self.lanes)

    def _lane(self, setup: Setup) -> Lane:
        lane = Lane(setup, self.invariants)
        lane.rebuild(self.schedule, self.now)
        return lane

    # -- time -----------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Run every lane ``seconds`` further in virtual time, in lockstep."""
        step = check_time("seconds", seconds, positive=True)
        self.seek(round(self.now + step, TIME_DIGITS))

    def seek(self, t: float) -> None:
        """Show virtual time ``t``: run forward to it, or replay from the seed back to it.

        Recorded faults after ``t`` stay recorded: going forward again replays them.

        Raises:
            InvalidArgument: ``t`` is not a time >= 0.
        """
        t = check_time("t", t)
        if t < self.now:
            for lane in self.lanes:
                lane.rebuild(self.schedule, t)
        else:
            for lane in self.lanes:
                lane.run(t)
        self.now = t
        self.horizon = max(self.horizon, t)

    # -- actions: each is a fault at the current time, recorded -------------------

    def crash(self, node: str) -> None:
        """Crash ``node`` now."""
        self.act(Fault(self.now, "crash", (node,)))

    def restart(self, node: str) -> None:
        """Restart ``node`` now (a fresh actor; only its storage survives)."""
        self.act(Fault(self.now, "restart", (node,)))

    def pause(self, node: str, seconds: float = 1.0) -> None:
        """Freeze ``node`` for ``seconds`` of virtual time from now (a GC pause)."""
        self.act(Fault(self.now, "pause", (node, check_time("seconds", seconds, positive=True))))

    def toggle(self, node: str) -> None:
        """What a click on a node does: crash it if it runs, restart it if it does not."""
        lane = self.lanes[0]
        self._check_nodes([node])
        if lane.sim.status(node) in ("up", "paused"):
            self.crash(node)
        else:
            self.restart(node)

    def partition(
        self, side_a: Sequence[str], side_b: Sequence[str], *, one_way: bool = False
    ) -> None:
        """Cut every link between ``side_a`` and ``side_b`` (only ``a -> b`` if ``one_way``)."""
        for param, given in (("side_a", side_a), ("side_b", side_b)):
            if not given:
                raise invalid(param, given, "must name at least one node")
        groups = (tuple(side_a), tuple(side_b))
        self.act(Fault(self.now, "one_way" if one_way else "partition", (groups,)))

    def heal(self) -> None:
        """End every partition now."""
        self.act(Fault(self.now, "heal"))

    def set_loss(self, probability: float) -> None:
        """From now on, every link loses each message with ``probability``."""
        self.act(Fault(self.now, "loss", (check_probability("probability", probability),)))

    def set_latency(self, latency: Latency) -> None:
        """From now on, every link's one-way latency is ``latency`` (seconds or ``(low, high)``)."""
        self.act(Fault(self.now, "latency", (latency_model(check_latency(latency)),)))

    def act(self, fault: Fault) -> None:
        """Apply ``fault`` to every lane now and record it.

        If the schedule holds faults after now (you went back in time), they are
        dropped first: acting in the past starts a new future. Then, at time 0, or
        when a fault was already applied at this instant, the lanes replay from the
        seed with the fault in their schedule: a schedule applies the faults of one
        instant together, and those at 0 before the nodes start. Otherwise the fault
        is applied by hand, which the runtime guarantees replays the same.

        Raises:
            InvalidArgument: the fault names a node that some lane does not have;
                nothing is changed.
        """
        self._check_nodes(_nodes_of(fault))
        stamped = Fault(self.now, fault.action, fault.args)
        replay = self.now == 0 or any(f.at >= self.now for f in self.schedule)
        self.schedule = [f for f in self.schedule if f.at <= self.now]
        self.found = [v if v is not None and v.t <= self.now else None for v in self.found]
        for lane in self.lanes:
            if replay:
                lane.rebuild([*self.schedule, stamped], self.now)
            else:
                lane.apply(stamped)
        self.schedule.append(stamped)
        self.horizon = self.now

    def _check_nodes(self, names: Iterable[str]) -> None:
        for lane in self.lanes:
            for name in names:
                if name not in lane.nodes:
                    known = ", ".join(lane.nodes) or "none"
                    raise invalid("node", name, f"must be a node of {lane.setup.name} ({known})")

    # -- settings ---------------------------------------------------------------------

    def configure(self, lane: int = 0, **changes: Any) -> list[Fault]:
        """Change a lane's setup (protocol, options...) and replay it to now.

        ``seed`` and ``nodes`` change for every lane: lanes side by side share them.

        The same schedule is replayed, minus faults that name nodes the new cluster
        does not have (those are dropped from the schedule, and returned).

        Raises:
            InvalidArgument: an unknown lane or a bad setting; nothing is changed.
        """
        if isinstance(lane, bool) or lane not in range(len(self.lanes)):
            raise invalid("lane", lane, f"must be 0 to {len(self.lanes) - 1}")
        setups = [x.setup for x in self.lanes]
        setups[lane] = setups[lane].changed(**changes)
        shared = {k: v for k, v in changes.items() if k in ("seed", "nodes")}
        if shared:  # one seed and one size for every lane, so that they compare
            setups = [s.changed(**shared) for s in setups]
        return self._replace_lanes(setups)

    def compare(self, versus: Any) -> list[Fault]:
        """Show a second run beside the first (another protocol, or a dict of other
        options), or none (``versus=None``); both replay the schedule to now.

        Raises:
            InvalidArgument: ``versus`` is not a protocol or a dict of options.
        """
        first = self.lanes[0].setup
        setups = [first] if versus is None else [first, versus_setup(first, versus)]
        return self._replace_lanes(setups)

    def _replace_lanes(self, setups: list[Setup]) -> list[Fault]:
        """New lanes for ``setups``, replayed to now with the faults they can all take."""
        lanes = [Lane(setup, self.invariants) for setup in setups]
        for fresh in lanes:
            fresh.rebuild([], 0.0)  # to learn the node names
        names = set.intersection(*(set(x.nodes) for x in lanes))
        dropped = [f for f in self.schedule if not set(_nodes_of(f)) <= names]
        self.schedule = [f for f in self.schedule if f not in dropped]
        for fresh in lanes:
            fresh.rebuild(self.schedule, self.now)
        self.lanes = lanes
        self.found = [None] * len(lanes)
        return dropped

    # -- what it shows -----------------------------------------------------------------

    def monitor(self, *, force: bool = False) -> list[Violation | None]:
        """Each lane's first violation of a watched invariant (``None``: none found).

        A violation once found is remembered while the run stays the same, also
        when you go back before it: compare its ``t`` with :attr:`now` to tell
        whether it has happened yet in the picture. Acting at a time drops what was
        found after that time (it was the future of another run).
        """
        for i, lane in enumerate(self.lanes):
            if self.found[i] is None:
                self.found[i] = lane.violation(force=force)
        return list(self.found)

    def problems(self) -> list[str]:
        """What the learner's code raised, in every lane, as readable lines."""
        many = len(self.lanes) > 1
        return [
            f"{lane.setup.name}: {p}" if many else p for lane in self.lanes for p in lane.problems()
        ]

    def snippet(self) -> str:
        """A short program that replays this run without the widget, printing its digest
        and ending by drawing each lane's picture as the playground shows it now.

        It uses only the public API: the setup, the recorded faults as text lines,
        ``run(until=now)`` and ``draw_cluster``. Its trace digest equals the live run's
        (the playground shows it, to compare).
        """
        fault_lines, fault_import = faults_source(self.schedule)
        imports: dict[str, None] = {"from distsys_edu.viz import draw_cluster": None}
        body: list[str] = [*fault_lines]
        names = LANE_NAMES[: len(self.lanes)]
        for name, lane in zip(names, self.lanes, strict=True):
            imports.update(dict.fromkeys(lane.setup.imports()))
            body += ["", f"# {lane.setup.name}, seed {lane.setup.seed}"]
            body += lane.setup.source(name, "faults", self.now)
            body.append(f"print({name}.trace.digest())")
        body += ["", *(f"{name}_picture = draw_cluster({name})" for name in names)]
        if fault_import:
            imports[fault_import] = None
        header = f"# The playground's run up to t={self.now!r} s: {len(self.schedule)} fault(s)."
        return "\n".join([header, *sorted(imports), "", *body]) + "\n"

    def digests(self) -> list[str]:
        """Each lane's trace digest (what the snippet prints)."""
        return [lane.sim.trace.digest() for lane in self.lanes]

    def __repr__(self) -> str:
        runs = " vs ".join(lane.setup.name for lane in self.lanes)
        return f"<PlaygroundModel {runs} t={self.now:g} faults={len(self.schedule)}>"
