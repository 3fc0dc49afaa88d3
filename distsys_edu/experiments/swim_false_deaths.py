"""How often SWIM declares a live member dead: a pause shorter than the suspicion timeout.

Each run spawns a SWIM group on the counts trace, pauses one member (``n3``) for a
random 1.5 to 3.5 s (a long garbage-collection pause) starting at a random instant
of the tenth protocol period, runs to :data:`RUN_UNTIL` s, and counts a *false death*
when any member then holds ``n3`` dead (dead is final, so the end is enough). The
paused member always resumes well within any suspicion timeout this module allows,
so every death is a false one: the refutation did not reach a suspector in time.

Run ``i`` draws its seed, pause and length from ``random.Random(f"{seed}/{i}")``,
so the figures do not depend on ``jobs``. ``benchmarks/swim_false_deaths.py``
measures the fixed 5 s timeout against the one scaled with ``log n``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from ..jobs.parallel import run_indexed
from ..protocols.swim import spawn_cluster
from ..runtime import Sim
from ..runtime.errors import invalid
from ..runtime.units import as_seconds

__all__ = ["PAUSE_RANGE", "RUN_UNTIL", "FalseDeathRun", "false_deaths"]

PAUSE_RANGE = (1.5, 3.5)
"""The shortest and the longest pause of the accused member, in seconds."""

PAUSE_START = 10.0
"""The pause begins at a uniform instant of ``[PAUSE_START, PAUSE_START + 1)``."""

RUN_UNTIL = 60.0
"""Virtual seconds each run lasts: long enough for any allowed suspicion timeout to end."""

ACCUSED = "n3"


@dataclass(frozen=True)
class FalseDeathRun:
    """One run (picklable for worker processes): does the group declare ``n3`` dead?

    Args:
        nodes: the group's size (>= 3).
        seed: the sweep's seed.
        suspicion_timeout: seconds, or ``None`` for the protocol's default.
    """

    nodes: int
    seed: int
    suspicion_timeout: float | None

    def __call__(self, index: int) -> bool:
        draw = random.Random(f"{self.seed}/{index}")
        sim_seed = draw.randrange(2**32)
        start = PAUSE_START + draw.random()
        length = draw.uniform(*PAUSE_RANGE)
        sim = Sim(seed=sim_seed, trace="counts", faults=[f"{start!r} pause {ACCUSED} {length!r}"])
        options: dict[str, Any] = {}
        if self.suspicion_timeout is not None:
            options["suspicion_timeout"] = self.suspicion_timeout
        names = spawn_cluster(sim, self.nodes, **options)
        sim.run(until=RUN_UNTIL)
        return any(ACCUSED in sim.annotations(name).get("dead", ()) for name in names)


def false_deaths(
    runs: int,
    *,
    nodes: int = 5,
    suspicion_timeout: float | None = None,
    seed: int = 0,
    jobs: int = 1,
    progress: bool = False,
) -> list[int]:
    """The indexes of the runs (of ``runs``) in which a live, paused member was declared dead.

    Args:
        runs: how many runs (an int >= 1).
        nodes: the group's size (an int >= 3).
        suspicion_timeout: seconds from suspicion to confirmation, or ``None`` for the
            protocol's default.
        seed: the sweep's seed.
        jobs: worker processes (0: every core), as for ``run_indexed``.
        progress: show a progress bar on stderr.

    Raises:
        InvalidArgument: a setting outside what is allowed.
    """
    for name, value, least in (("runs", runs, 1), ("nodes", nodes, 3)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise invalid(name, value, f"must be an int >= {least}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise invalid("seed", seed, "must be an int")
    timeout = None
    if suspicion_timeout is not None:
        timeout = as_seconds("suspicion_timeout", suspicion_timeout, positive=True)
    task = FalseDeathRun(nodes, seed, timeout)
    dead = run_indexed(
        task,
        runs,
        jobs=jobs,
        describe=lambda i: (f"false-death run {i} (seed {seed})", ""),
        desc="false deaths",
        progress=progress,
    )
    return [i for i, died in enumerate(dead) if died]
