"""The heartbeats a monitored process sends and the network delivers, drawn directly.

The model of :mod:`distsys_edu.experiments.detector_tradeoff`: ticks on a fixed
grid, GC pauses as a Poisson process (a paused process sends one heartbeat when it
resumes, as the runtime's interval timers do), latency and loss per heartbeat. No
``Sim`` runs: drawing arrival times directly is the same model and about a hundred
times faster, which long sweeps need.
"""

from __future__ import annotations

import math
import random

from ..runtime.network import Latency

__all__ = ["heartbeat_arrivals"]


def heartbeat_arrivals(
    rng: random.Random,
    *,
    interval: float,
    latency: Latency,
    loss: float,
    pause_every: float | None,
    pause: tuple[float, float],
    crash_at: float,
) -> list[float]:
    """The times at which a process's heartbeats arrive, sorted.

    The process ticks at ``k * interval`` (k = 1, 2, ...) until it crashes at
    ``crash_at``; see the module docstring for pauses. A heartbeat sent before the
    crash may arrive after it.

    Args:
        rng: the only source of randomness.
        interval: seconds between ticks.
        latency: a one-way delay distribution (anything with ``sample(rng)``).
        loss: probability that a heartbeat is lost.
        pause_every: mean seconds between the starts of two pauses; ``None`` or 0:
            no pauses.
        pause: ``(low, high)`` seconds a pause lasts, drawn uniformly.
        crash_at: when the process crashes, in seconds.

    Returns:
        Arrival times in seconds, ascending.
    """
    pauses: list[tuple[float, float]] = []
    if pause_every:
        t = rng.expovariate(1.0 / pause_every)
        while t < crash_at:
            end = t + rng.uniform(*pause)
            pauses.append((t, end))
            t = end + rng.expovariate(1.0 / pause_every)
    sends: list[float] = []
    k, p = 1, 0
    while k * interval < crash_at:
        due = k * interval
        while p < len(pauses) and pauses[p][1] <= due:
            p += 1
        if p < len(pauses) and pauses[p][0] <= due:  # frozen: the tick runs on resume
            resume = pauses[p][1]
            if resume < crash_at:
                sends.append(resume)
            k = math.floor(resume / interval) + 1
            continue
        sends.append(due)
        k += 1
    arrivals = []
    for sent in sends:
        if loss and rng.random() < loss:
            continue
        arrivals.append(sent + latency.sample(rng))
    arrivals.sort()
    return arrivals
