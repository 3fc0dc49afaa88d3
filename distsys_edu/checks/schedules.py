"""Random fault schedules for exploration: what goes wrong, when, drawn from a seed.

A schedule is plain data (a :class:`~distsys_edu.runtime.FaultSchedule`), so a
run that breaks an invariant can be printed, shrunk and replayed. Every draw
comes from ``random.Random(f"{seed}/faults")``, so the same seed gives the same
schedule in any process.

The shape of a schedule, for a run of ``duration`` seconds:

* between ``mix.start`` and the *recovery* time ``duration - mix.quiet``, a
  random number of fault actions (crashes, pauses, two-way and one-way
  partitions, message loss, duplication), each at a time rounded to 10 ms;
  some crashes get a restart and some partitions a heal before recovery;
* at recovery: ``heal`` if anything was partitioned, a ``restart`` for every node
  still down, ``loss 0`` and ``duplication 0`` if they were raised;
* then ``mix.quiet`` seconds with no faults at all, so that liveness (a leader
  known by everyone soon after the last fault) can be checked.

With ``FaultMix(target="leader")`` the crashes, pauses and partitions name no
node: they strike whoever leads when they fire (``crash @leader``, ``pause @leader
1s``, ``partition @leader|@others``), and restarts bring back whoever is down
(``restart @down``); :mod:`.nemesis` resolves them. Loss and duplication are as
before. Without a target, the draws are what they always were.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..runtime import Fault, FaultSchedule
from ..runtime.errors import InvalidArgument, invalid
from . import arguments
from .nemesis import DOWN, LEADER_TARGET, OTHERS

ACTIONS = ("crash", "pause", "partition", "one_way", "loss", "duplication")
"""The fault actions drawn at random (restarts and heals follow from them)."""

TARGETS = (None, "leader")
"""What :attr:`FaultMix.target` may be: random servers, or the leader of the moment."""

_TIME_STEP = 0.01  # fault times are rounded to 10 ms: readable, exactly printable
_MIN_GAP = 0.2  # seconds between a fault and its own repair (restart, heal)


@dataclass(frozen=True)
class FaultMix:
    """How random fault schedules are drawn.

    Args:
        actions: ``(low, high)``: how many fault actions to draw per run
            (restarts, heals and the final recovery come on top).
        crash, pause, partition, one_way, loss, duplication: relative weights
            of each action.
        restart: probability that a crashed node restarts before recovery
            (otherwise it stays down until recovery).
        heal: probability that a partition heals before recovery.
        max_loss, max_duplication: the largest probability drawn for a
            ``loss`` or ``duplication`` action (from 0.05 up, in steps of 0.05).
        pause_seconds: ``(low, high)`` seconds a pause lasts (cut short so that
            it ends by recovery).
        start: no fault before this time (let the cluster settle first).
        quiet: seconds at the end of each run with no faults at all.
        target: ``None`` (crashes, pauses and partitions strike random servers),
            or ``"leader"``: they strike whoever leads when they fire
            (``crash @leader``, ``pause @leader``, ``partition @leader|@others``;
            a restart is ``restart @down``), as :mod:`.nemesis` resolves them.

    Raises:
        ValueError: a negative weight, no positive weight, a bad range or
            probability.
    """

    actions: tuple[int, int] = (1, 6)
    crash: float = 3.0
    pause: float = 1.0
    partition: float = 2.0
    one_way: float = 1.0
    loss: float = 1.0
    duplication: float = 0.5
    restart: float = 0.7
    heal: float = 0.6
    max_loss: float = 0.3
    max_duplication: float = 0.2
    pause_seconds: tuple[float, float] = (0.2, 2.0)
    start: float = 0.5
    quiet: float = 5.0
    target: str | None = None

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise InvalidArgument(
                f"target={self.target!r} is not allowed: must be one of {TARGETS}"
            )
        low, high = self.actions
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
            raise InvalidArgument(
                f"actions={self.actions!r} is not allowed: must be 0 <= low <= high"
            )
        weights = self.weights()
        if any(not (w >= 0 and math.isfinite(w)) for w in weights) or not any(weights):
            raise InvalidArgument(
                f"weights {dict(zip(ACTIONS, weights, strict=True))} are not allowed: "
                "must be finite, >= 0, and not all 0"
            )
        for name in ("restart", "heal"):
            if not 0 <= getattr(self, name) <= 1:
                raise InvalidArgument(
                    f"{name}={getattr(self, name)!r} is not allowed: must be a probability"
                )
        for name in ("max_loss", "max_duplication"):
            if not 0.05 <= getattr(self, name) <= 1:
                raise InvalidArgument(
                    f"{name}={getattr(self, name)!r} is not allowed: must be between 0.05 and 1"
                )
        p_low, p_high = self.pause_seconds
        if not 0 < p_low <= p_high:
            raise InvalidArgument(
                f"pause_seconds={self.pause_seconds!r} is not allowed: must be 0 < low <= high"
            )
        if not (self.start >= 0 and self.quiet >= 0):
            raise InvalidArgument("start and quiet must be seconds >= 0")

    def weights(self) -> list[float]:
        """The weights of :data:`ACTIONS`, in that order."""
        return [float(getattr(self, action)) for action in ACTIONS]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def run_seed(seed: int, index: int) -> int:
    """The seed of run ``index`` of an exploration started with ``seed``.

    A SHA-256 of ``"{seed}/{index}"`` cut to 32 bits: stable in every process,
    and neighbouring runs get unrelated seeds.
    """
    digest = hashlib.sha256(f"{seed}/{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _at(t: float) -> float:
    return round(round(t / _TIME_STEP) * _TIME_STEP, 2)


def recovery_time(duration: float, mix: FaultMix) -> float:
    """When the final repairs happen: ``duration - mix.quiet`` (rounded to 10 ms).

    Raises:
        InvalidArgument: the run is too short to hold ``start``, some faults and ``quiet``.
    """
    recovery = _at(duration - mix.quiet)
    if recovery < mix.start + 4 * _MIN_GAP:
        raise InvalidArgument(
            f"duration={duration!r} is not allowed: must be more than "
            f"start + quiet + {4 * _MIN_GAP:g} s = {mix.start + mix.quiet + 4 * _MIN_GAP:g} s"
        )
    return recovery


def random_schedule(
    seed: int, nodes: Sequence[str], duration: float, mix: FaultMix | None = None
) -> FaultSchedule:
    """Draw a fault schedule for a run of ``duration`` seconds over ``nodes``.

    Args:
        seed: the run's seed; draws come from ``random.Random(f"{seed}/faults")``.
        nodes: the node names, in spawn order.
        duration: the run's length in virtual seconds.
        mix: what to draw (default ``FaultMix()``).

    Returns:
        A schedule ending with the repairs at :func:`recovery_time` (see the
        module's docstring).

    Raises:
        InvalidArgument: ``duration`` too short for ``mix``, or no nodes.
    """
    seed = arguments.seed(seed)
    duration = arguments.duration(duration)
    if mix is not None and not isinstance(mix, FaultMix):
        raise invalid("mix", mix, "must be a FaultMix or None")
    mix = mix or FaultMix()
    names = arguments.names("nodes", nodes)
    if not names:
        raise invalid("nodes", nodes, "must name at least one node")
    recovery = recovery_time(duration, mix)
    rng = random.Random(f"{seed}/faults")
    count = rng.randint(*mix.actions)
    times = sorted(_at(rng.uniform(mix.start, recovery - _MIN_GAP)) for _ in range(count))
    draw = _Drawing(rng, mix, names, recovery)
    for t in times:
        draw.action(t, rng.choices(ACTIONS, weights=mix.weights())[0])
    return draw.schedule()


class _Drawing:
    """A schedule being drawn: the faults so far, and what they left to repair."""

    def __init__(self, rng: random.Random, mix: FaultMix, names: list[str], recovery: float):
        self.rng, self.mix, self.names, self.recovery = rng, mix, names, recovery
        self.faults: list[Fault] = []
        self.down_until: dict[str, float] = {}  # crashed node -> restart (inf: at recovery)
        self.partitioned = self.lossy = self.duplicating = False

    def action(self, t: float, action: str) -> None:
        """Draw one fault action at ``t`` (and its repair, maybe)."""
        rng, mix, names = self.rng, self.mix, self.names
        up = [n for n in names if self.down_until.get(n, -1.0) <= t]
        if mix.target is not None:
            up = [LEADER_TARGET]  # resolved when the fault fires
        if action == "crash" and up:
            self.crash(t, rng.choice(up))
        elif action == "pause" and up:
            node = rng.choice(up)
            seconds = round(rng.uniform(*mix.pause_seconds), 1)
            seconds = min(seconds, round(self.recovery - t, 2))
            if seconds > 0:
                self.faults.append(Fault(t, "pause", (node, seconds)))
        elif action in ("partition", "one_way") and len(names) > 1:
            self.partition(t, action)
        elif action == "loss":
            self.faults.append(Fault(t, "loss", (self.probability(mix.max_loss),)))
            self.lossy = True
        elif action == "duplication":
            self.faults.append(Fault(t, "duplication", (self.probability(mix.max_duplication),)))
            self.duplicating = True

    def crash(self, t: float, node: str) -> None:
        self.faults.append(Fault(t, "crash", (node,)))
        self.down_until[node] = math.inf
        if self.rng.random() < self.mix.restart:
            back = _at(self.rng.uniform(t + _MIN_GAP, self.recovery))
            if back < self.recovery:
                again = DOWN if node == LEADER_TARGET else node  # whoever it was
                self.faults.append(Fault(back, "restart", (again,)))
                self.down_until[node] = back

    def partition(self, t: float, action: str) -> None:
        names, rng = self.names, self.rng
        a: tuple[str, ...] = (LEADER_TARGET,)
        b: tuple[str, ...] = (OTHERS,)
        if self.mix.target is None:
            shuffled = rng.sample(names, len(names))
            side = set(shuffled[: rng.randint(1, len(names) - 1)])
            a = tuple(n for n in names if n in side)
            b = tuple(n for n in names if n not in side)
        # (a targeted partition replaces the last one when it fires: see .nemesis)
        self.faults.append(Fault(t, action, ((a, b),)))
        self.partitioned = True
        if rng.random() < self.mix.heal:
            self.faults.append(Fault(_at(rng.uniform(t + _MIN_GAP, self.recovery)), "heal"))

    def probability(self, highest: float) -> float:
        """A loss or duplication probability: 0.05 to ``highest``, in steps of 0.05."""
        return round(0.05 * self.rng.randint(1, round(highest / 0.05)), 2)

    def schedule(self) -> FaultSchedule:
        """The faults drawn, then the repairs at recovery."""
        recovery, faults = self.recovery, list(self.faults)
        if self.partitioned:
            faults.append(Fault(recovery, "heal"))
        faults.extend(
            Fault(recovery, "restart", (DOWN if n == LEADER_TARGET else n,))
            for n in [*self.names, LEADER_TARGET]
            if self.down_until.get(n, -1.0) == math.inf
        )
        if self.lossy:
            faults.append(Fault(recovery, "loss", (0.0,)))
        if self.duplicating:
            faults.append(Fault(recovery, "duplication", (0.0,)))
        return FaultSchedule(faults)


ISOLATE_THE_LEADER = FaultMix(
    actions=(40, 80),
    crash=0,
    pause=0,
    partition=1,
    one_way=0,
    loss=0,
    duplication=0,
    target="leader",
)
"""Jepsen's partition nemesis aimed at the primary, and quick: 40 to 80 times a run
(every 0.16 s on average, about one election timeout), the server that leads then is
cut off from the other servers (each isolation replacing the last); clients still
reach it. What Raft's Figure 8 needs: leader after leader cut off after appending
and before replicating (lesson 08, docs/replicated-log.md)."""
