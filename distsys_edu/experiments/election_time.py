"""How long a Raft-style cluster is without a leader after its leader crashes.

This is the experiment behind Figure 16 of the Raft paper (Ongaro and Ousterhout,
"In Search of an Understandable Consensus Algorithm", extended version; Figure 14
of the USENIX ATC 2014 version): crash the leader of a five-node cluster again and
again, and time how long the cluster takes to notice and agree on a new one.

One trial, in virtual time:

1. **Bootstrap.** Spawn the cluster (:func:`distsys_edu.protocols.raft.spawn_cluster`)
   and give one node, drawn from the trial's generator, a head start: the others are
   paused (``sim.pause``) for ``high + 2 * latency_high`` seconds, so the first
   election cannot split. (Without it, identical timeouts such as 150-150 ms would
   never elect a first leader: every node times out at the same instant, term after
   term.) Then run until a *stable leader* X is known to all: every live node
   annotates ``leader == X`` and X annotates ``role == "leader"``.
2. **Crash.** X's heartbeats go out every ``heartbeat`` seconds from the moment it
   became leader (``run_interval`` never drifts). After at least one full heartbeat
   round with every node following X, X crashes at a moment drawn uniformly within
   its heartbeat interval: ``offset`` after one of its heartbeat broadcasts, with
   ``offset ~ U[0, heartbeat)`` from a ``random.Random`` seeded from the trial seed.
   That is the paper's "the leader was crashed uniformly randomly within its
   heartbeat interval".
3. **Measure.** Step the simulation one event at a time, and each time an event
   changed an annotation (``sim.trace.kind_counts``, which even ``trace="counts"``
   keeps), check whether a new leader is known to every live node. The time recorded
   is from the crash to the event that completed that condition: exact, not rounded
   to any step (the condition can only become true at an annotate event).

Per trial it records the time, the number of terms the election took (the new
leader's term minus the crashed leader's term) and whether the first election term
produced no leader at all (a *split vote*: no node ever became leader in that term).

Every trial has its own seed, derived from ``seed`` and the trial's index
(:func:`trial_seed`), so any single trial can be replayed with full tracing by
:func:`simulate_trial`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from typing import Any

from ..jobs import run_indexed
from .data import json_safe, percentile
from .election_trial import (
    DEFAULT_MAX_ELECTION_TIME,
    ElectionTrial,
    Settings,
    check_settings,
    run_trial,
    simulate_trial,
    trial_seed,
)
from .params import check_count, check_seed

__all__ = [
    "DEFAULT_MAX_ELECTION_TIME",
    "ElectionTimeResult",
    "ElectionTrial",
    "ElectionTrials",
    "election_time",
    "simulate_trial",
    "trial_seed",
]


@dataclass
class ElectionTimeResult:
    """The distribution of election times over many trials (plain data).

    An *unfinished* trial elected nobody within ``max_election_time_s``; all we know
    is that its time is longer. So the order statistics (``median_ms``, ``p99_ms``,
    ``max_ms``, ``min_ms``) count it as infinitely long: a quantile that falls on an
    unfinished trial is ``math.inf`` (``None`` in :meth:`to_dict`). ``mean_ms`` is
    only known when every trial finished (else ``math.inf``); ``mean_finished_ms`` is
    the mean over the finished ones. ``times_ms`` and ``mean_terms`` are over the
    finished trials. ``split_vote_rate`` is over all trials: whether the first term
    after the crash produced a leader is known for every trial.
    """

    protocol: str
    nodes: int
    timeout_ms: tuple[float, float]
    latency_ms: tuple[float, float]
    heartbeat_ms: float
    trials: int
    seed: int
    times_ms: list[float]
    mean_ms: float
    mean_finished_ms: float
    median_ms: float
    p99_ms: float
    max_ms: float
    min_ms: float
    split_vote_rate: float
    mean_terms: float
    unfinished: int
    max_election_time_s: float
    per_trial: list[ElectionTrial] = field(repr=False, default_factory=list)

    def to_dict(self, *, per_trial: bool = False) -> dict[str, Any]:
        """Plain JSON-ready data; ``per_trial=True`` adds every trial's record.

        NaN (no finished trial) becomes ``None``, so the result is valid JSON.
        """
        data = {k: v for k, v in asdict(self).items() if k != "per_trial"}
        data["timeout_ms"] = list(self.timeout_ms)
        data["latency_ms"] = list(self.latency_ms)
        if per_trial:
            data["per_trial"] = [asdict(t) for t in self.per_trial]
        return json_safe(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ElectionTimeResult:
        """The result :meth:`to_dict` described (without ``per_trial``).

        ``None`` is read back as :meth:`to_dict` wrote it: ``math.nan`` for the means
        over finished trials (there were none), ``math.inf`` for the rest (a quantile
        or mean that an unfinished trial made infinite).
        """
        fields = {k: v for k, v in data.items() if k != "per_trial"}
        for key, value in fields.items():
            if value is None:
                fields[key] = math.nan if key in ("mean_finished_ms", "mean_terms") else math.inf
        fields["timeout_ms"] = tuple(fields["timeout_ms"])
        fields["latency_ms"] = tuple(fields["latency_ms"])
        return cls(**fields)


@dataclass(frozen=True)
class ElectionTrials:
    """The trials of one run of the experiment, as workers run them: ``task(i)`` is
    trial ``i`` (see :mod:`distsys_edu.jobs.parallel`)."""

    seed: int
    settings: Settings

    def __call__(self, index: int) -> ElectionTrial:
        return run_trial(trial_seed(self.seed, index), self.settings)[0]

    def describe(self, index: int) -> tuple[str, str]:
        """Trial ``index`` named, and how to replay it."""
        seed = trial_seed(self.seed, index)
        s = self.settings
        replay = (
            f"\nReplay it with: simulate_trial({seed}, nodes={s.nodes}, timeout={s.timeout!r}, "
            f"latency={s.latency!r}, heartbeat={s.heartbeat!r}, "
            f'max_election_time={s.max_election_time!r}, trace="full")'
        )
        return f"election-time trial {index} (seed {seed})", replay


def election_time(
    *,
    nodes: int = 5,
    timeout: Sequence[float] = (0.150, 0.300),
    latency: Sequence[float] = (0.005, 0.010),
    heartbeat: float | None = None,
    trials: int = 1000,
    seed: int = 0,
    protocol: str = "raft",
    progress: bool = True,
    max_election_time: float = DEFAULT_MAX_ELECTION_TIME,
    jobs: int = 1,
    executor: Executor | None = None,
) -> ElectionTimeResult:
    """Crash the leader ``trials`` times and measure how long until a new one is known.

    Args:
        nodes: cluster size, at least 1 (a lone node never has anyone to elect after
            its crash, so every trial ends unfinished; use at least 2).
        timeout: ``(low, high)`` election timeout in seconds, drawn uniformly.
        latency: ``(low, high)`` one-way message latency in seconds, drawn uniformly.
        heartbeat: the leader's heartbeat interval in seconds; ``None`` means half
            the lowest election timeout (as in the paper). Must be shorter than
            ``timeout[0]``.
        trials: how many times to crash a leader, at least 1.
        seed: the run's seed; each trial's seed is :func:`trial_seed(seed, i)`.
        protocol: ``"raft"`` (the only registered protocol with randomized timeouts).
        progress: show a tqdm progress bar on stderr.
        max_election_time: seconds of virtual time after the crash before a trial
            gives up and is counted in ``unfinished``.
        jobs: worker processes; 1 (the default) runs every trial in this process,
            0 uses every core. The result is the same whatever ``jobs`` is.
        executor: a :class:`concurrent.futures.Executor` of your own to run on
            instead, such as a Dask ``Client.get_executor()`` (``jobs`` stays 1).

    Returns:
        An :class:`ElectionTimeResult`.

    Raises:
        InvalidArgument: a parameter outside what is allowed (the message names it,
            the value given and what is allowed).
        RunFailed: a trial raised, e.g. found no stable leader to crash (the error
            names the trial's seed and how to replay it).
    """
    settings = check_settings(nodes, timeout, latency, heartbeat, max_election_time, protocol)
    check_count("trials", trials)
    task = ElectionTrials(check_seed(seed), settings)
    timeout_ms = f"{settings.timeout[0] * 1e3:g}-{settings.timeout[1] * 1e3:g} ms"
    results = run_indexed(
        task,
        trials,
        jobs=jobs,
        executor=executor,
        describe=task.describe,
        desc=f"election-time {timeout_ms}",
        progress=progress,
    )
    return _summarize(results, protocol, seed, settings)


def _summarize(
    trials: list[ElectionTrial], protocol: str, seed: int, settings: Settings
) -> ElectionTimeResult:
    done = [t for t in trials if t.finished]
    times = [t.time_ms for t in done]
    unfinished = len(trials) - len(done)
    # An unfinished trial took longer than the limit: infinitely long, for the order.
    ordered = sorted(times) + [math.inf] * unfinished
    mean_finished = statistics.fmean(times) if times else math.nan
    return ElectionTimeResult(
        protocol=protocol,
        nodes=settings.nodes,
        timeout_ms=(settings.timeout[0] * 1e3, settings.timeout[1] * 1e3),
        latency_ms=(settings.latency[0] * 1e3, settings.latency[1] * 1e3),
        heartbeat_ms=settings.heartbeat * 1e3,
        trials=len(trials),
        seed=seed,
        times_ms=times,
        mean_ms=mean_finished if not unfinished else math.inf,
        mean_finished_ms=mean_finished,
        median_ms=percentile(ordered, 0.5),
        p99_ms=percentile(ordered, 0.99),
        max_ms=ordered[-1],
        min_ms=ordered[0],
        split_vote_rate=sum(t.split_vote for t in trials) / len(trials),
        mean_terms=statistics.fmean(t.terms for t in done) if done else math.nan,
        unfinished=unfinished,
        max_election_time_s=settings.max_election_time,
        per_trial=trials,
    )
