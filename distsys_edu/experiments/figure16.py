"""Lesson 05's Figure 16 sweep: eleven timeout ranges, 100 trials each, stored.

The sweep (:func:`election_time` for each range of the Raft paper's Figure 16) takes
about ten seconds of one core, and several times that on a loaded machine, most of it
in the two ranges without enough randomness, whose trials run the whole 10 s of
virtual time without electing anyone. So its result is stored with the package
(:data:`STORED`), and :func:`figure16_sweep` reads it unless asked to recompute.
``tests/experiments/test_figure16.py`` recomputes it and checks that every number is
the same (every trial has its own seed, so the same code gives the same data), so the
stored figures cannot drift from what the simulator says.

Regenerate after a change that moves them (the test says so)::

    PYTHONPATH=. python -m distsys_edu.experiments.figure16
"""

from __future__ import annotations

import json
from pathlib import Path

from .election_time import ElectionTimeResult, election_time

Range = tuple[float, float]

TOP: tuple[Range, ...] = (
    (0.150, 0.150),
    (0.150, 0.151),
    (0.150, 0.155),
    (0.150, 0.175),
    (0.150, 0.200),
    (0.150, 0.300),
)
"""The upper plot of Figure 16: more and more randomness above a 150 ms lowest timeout."""

BOTTOM: tuple[Range, ...] = (
    (0.012, 0.024),
    (0.025, 0.050),
    (0.050, 0.100),
    (0.100, 0.200),
    (0.150, 0.300),
)
"""The lower plot: shorter timeouts, each range as wide as its lowest timeout."""

TRIALS = 100
"""Trials per range (the paper ran 1000; ``docs/figure16.md`` has our 1000-trial run)."""

MAX_ELECTION_TIME = 10.0
"""Seconds of virtual time after the crash before a trial gives up."""

STORED = Path(__file__).with_name("figure16_lesson05.json")
"""Where the stored sweep lives: ``{"low-high": ElectionTimeResult.to_dict(), ...}``."""


def figure16_sweep(
    *, recompute: bool = False, jobs: int = 0, progress: bool = True
) -> dict[Range, ElectionTimeResult]:
    """The results of every range in :data:`TOP` and :data:`BOTTOM`, by range.

    Args:
        recompute: run the 1,100 trials again (:func:`election_time`, seed 0)
            instead of reading :data:`STORED`; the result is the same.
        jobs: worker processes when recomputing; 0 (the default) uses every core.
        progress: show progress bars when recomputing.
    """
    if not recompute:
        stored = json.loads(STORED.read_text(encoding="utf-8"))
        return {_range(key): ElectionTimeResult.from_dict(v) for key, v in stored.items()}
    return {
        r: election_time(
            timeout=r,
            trials=TRIALS,
            max_election_time=MAX_ELECTION_TIME,
            jobs=jobs,
            progress=progress,
        )
        for r in dict.fromkeys(TOP + BOTTOM)
    }


def stored_data(sweep: dict[Range, ElectionTimeResult]) -> dict[str, object]:
    """``sweep`` as the JSON data :data:`STORED` holds."""
    return {f"{low!r}-{high!r}": result.to_dict() for (low, high), result in sweep.items()}


def _range(key: str) -> Range:
    low, high = key.split("-")
    return float(low), float(high)


if __name__ == "__main__":
    data = stored_data(figure16_sweep(recompute=True))
    STORED.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    print(f"wrote {STORED}")
