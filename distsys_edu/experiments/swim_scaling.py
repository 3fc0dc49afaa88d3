"""SWIM's claim, measured: a member's load and the time to a first detection of a
failure do not grow with the group (Das, Gupta, Motivala, DSN 2002, sections 3.1 and 5).

For each group size, each run spawns a SWIM group on the counts trace, lets it run
:data:`CRASH_PERIOD` protocol periods, then crashes one member (picked at random) at
a period's start, right after every member sent that period's ``Ping``. Then, half a
period after each period boundary, it reads what every live member publishes, and
measures, in protocol periods from the crash:

* **first detection**: until some live member suspects the crashed one. A ping
  that fails makes its sender suspect the target at the end of that period, so
  this is the number of the first period in which someone pinged it.
* **reaching every member**: until every live member suspects it or holds it dead
  (the suspicion spreads by piggybacking: infection-style, about ``log n`` periods).
* **messages per member per period**: every message sent from the crash until
  then, per live member and period (a ``Ping`` and an ``Ack`` each when nothing
  fails, plus the indirect probes of the crashed member).

The paper's analysis (section 3.1) picks each period's ping target uniformly at
random, so that is the default here (``ping_targets="random"``); the protocol's
default, round-robin (section 4.3), can be measured too. With uniform targets,
each of the ``n - 1`` live members pings the crashed one in a period with
probability ``1 / (n - 1)``, so the number of periods to a first detection is
geometric with mean :func:`expected_first_detection`, which falls to ``e / (e - 1)``
(about 1.58) as the group grows: it does not grow with the group.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..jobs.progress import progress_bar
from ..protocols.swim import PING_TARGETS, PROTOCOL_PERIOD, RANDOM, spawn_cluster
from ..runtime import Sim
from ..runtime.errors import invalid
from .data import json_safe

__all__ = [
    "CRASH_PERIOD",
    "LIMIT_E",
    "SwimScalingResult",
    "expected_first_detection",
    "swim_scaling",
]

CRASH_PERIOD = 3
"""The member crashes at the start of this protocol period (all members start at 0)."""

LIMIT_E = math.e / (math.e - 1)
"""The paper's limit of the expected periods to a first detection, as ``n`` grows."""


def expected_first_detection(nodes: int) -> float:
    """Expected periods from a crash to its first detection, with uniform ping targets.

    Each of the ``nodes - 1`` live members pings the crashed member in a period with
    probability ``1 / (nodes - 1)``; a first detection needs one period in which at
    least one does, ``q = 1 - (1 - 1 / (nodes - 1)) ** (nodes - 1)``, so the wait is
    geometric with mean ``1 / q`` (section 3.1), which tends to ``e / (e - 1)``.

    Raises:
        InvalidArgument: fewer than 2 nodes (nobody would be left to detect).
    """
    if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 2:
        raise invalid("nodes", nodes, "must be an int >= 2")
    live = nodes - 1
    return 1 / (1 - (1 - 1 / live) ** live)


@dataclass
class SwimScalingResult:
    """One row per group size, plus the settings that produced them (plain data).

    Each row holds ``nodes``, ``runs``, ``expected_first_detection_periods`` (the
    paper's analysis), ``mean_first_detection_periods`` and its ``..._ci95`` (half
    the width of a normal 95% interval), ``mean_all_know_periods``,
    ``max_all_know_periods``, ``messages_per_member_per_period``, ``unfinished``
    (runs in which some member did not learn of the crash within ``max_periods``)
    and the per-run lists ``first_detection_periods`` and ``all_know_periods``.
    """

    ping_targets: str
    runs: int
    seed: int
    max_periods: int
    protocol_period_s: float = PROTOCOL_PERIOD
    limit_first_detection_periods: float = LIMIT_E
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN becomes ``None``)."""
        return json_safe(asdict(self))


def _one_run(
    nodes: int, seed: int, run: int, ping_targets: str, max_periods: int
) -> tuple[int | None, int | None, float]:
    """One crash in a group of ``nodes``: periods to first detection, to every member
    knowing (``None`` if not within ``max_periods``), and messages a member a period."""
    victim = f"n{random.Random(f'swim_scaling/{seed}/{nodes}/{run}').randint(1, nodes)}"
    sim = Sim(seed=seed + run, trace="counts")
    names = spawn_cluster(sim, nodes, ping_targets=ping_targets)
    crash_at = CRASH_PERIOD * PROTOCOL_PERIOD
    sim.run(until=crash_at)
    sim.crash(victim)
    sent_before = sim.sent
    unaware = [name for name in names if name != victim]
    live = len(unaware)
    first_detection = all_know = None
    periods = 0
    while unaware and periods < max_periods:
        periods += 1
        sim.run(until=crash_at + (periods + 0.5) * PROTOCOL_PERIOD)
        unaware = [n for n in unaware if victim not in sim.annotations(n).get("suspects", ())]
        if first_detection is None and len(unaware) < live:
            first_detection = periods
    if not unaware:
        all_know = periods
    return first_detection, all_know, (sim.sent - sent_before) / (live * periods)


def _mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def _ci95(values: Sequence[float]) -> float:
    """Half the width of a normal 95% confidence interval of the mean (NaN below 2)."""
    if len(values) < 2:
        return math.nan
    return 1.96 * statistics.stdev(values) / math.sqrt(len(values))


# long: the docstring explains each of its six arguments and what a row holds
def swim_scaling(
    nodes: Sequence[int] = (10, 100, 1000),
    *,
    runs: int = 20,
    seed: int = 0,
    ping_targets: str = RANDOM,
    max_periods: int = 100,
    progress: bool = True,
) -> SwimScalingResult:
    """Measure SWIM's detection time, load and dissemination time against group size.

    Args:
        nodes: the group sizes (each an int >= 2).
        runs: crashes measured per group size, each in a fresh group (an int >= 1).
        seed: run ``r`` uses ``Sim(seed=seed + r)``; the crashed member is drawn from
            ``random.Random(f"swim_scaling/{seed}/{n}/{r}")``.
        ping_targets: ``"random"`` (the paper's analysis) or ``"round-robin"``.
        max_periods: periods after the crash before a run gives up waiting for
            every member to learn of it (an int >= 1).
        progress: show a progress bar on stderr.

    Returns:
        A :class:`SwimScalingResult`, one row per group size, in the order given.

    Raises:
        InvalidArgument: a bad size, count or choice; nothing has run then.
    """
    sizes = list(nodes)
    if not sizes:
        raise invalid("nodes", nodes, "must name at least one group size")
    for size in sizes:
        expected_first_detection(size)  # checks it
    for name, value in (("runs", runs), ("max_periods", max_periods)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise invalid(name, value, "must be an int >= 1")
    if ping_targets not in PING_TARGETS:
        raise invalid("ping_targets", ping_targets, f"must be one of {PING_TARGETS}")
    result = SwimScalingResult(ping_targets, runs, seed, max_periods)
    cases = [(size, run) for size in sizes for run in range(runs)]
    measured: dict[int, list[tuple[int | None, int | None, float]]] = {n: [] for n in sizes}
    for size, run in progress_bar(cases, desc="swim-scaling", enabled=progress):
        measured[size].append(_one_run(size, seed, run, ping_targets, max_periods))
    for size in sizes:
        firsts = [float(f) for f, _, _ in measured[size] if f is not None]
        all_know = [float(a) for _, a, _ in measured[size] if a is not None]
        result.rows.append(
            {
                "nodes": size,
                "runs": runs,
                "expected_first_detection_periods": expected_first_detection(size),
                "mean_first_detection_periods": _mean(firsts),
                "mean_first_detection_periods_ci95": _ci95(firsts),
                "mean_all_know_periods": _mean(all_know),
                "max_all_know_periods": max(all_know, default=math.nan),
                "messages_per_member_per_period": _mean([m for _, _, m in measured[size]]),
                "unfinished": runs - len(all_know),
                "first_detection_periods": [f for f, _, _ in measured[size]],
                "all_know_periods": [a for _, a, _ in measured[size]],
            }
        )
    return result
