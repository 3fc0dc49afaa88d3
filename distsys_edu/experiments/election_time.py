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

import hashlib
import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..checks.replay import agreed_leader
from ..protocols import raft
from ..protocols.cluster import LEADER
from ..protocols.registry import PROTOCOLS
from ..runtime import LinkConfig, Sim, Uniform
from ..runtime.errors import InvalidArgument, invalid
from ..runtime.trace import K
from .data import json_safe, percentile
from .progress import progress_bar

__all__ = [
    "DEFAULT_MAX_ELECTION_TIME",
    "ElectionTimeResult",
    "ElectionTrial",
    "election_time",
    "simulate_trial",
    "trial_seed",
]

DEFAULT_MAX_ELECTION_TIME = 60.0
"""Seconds of virtual time after the crash before a trial gives up (it is then
counted in ``unfinished`` and its time is not in the distribution)."""

BOOTSTRAP_LIMIT = 60.0
"""Seconds of virtual time the bootstrap may take to find a stable leader."""

SUPPORTED_PROTOCOLS = ("raft",)
"""Protocols with randomized election timeouts and a heartbeat, which this measures."""

_ANNOTATE = K["annotate"]
_LIVE = ("up", "paused")


@dataclass(frozen=True)
class ElectionTrial:
    """What one trial measured.

    Attributes:
        seed: the trial's own seed (the ``Sim`` seed); :func:`simulate_trial` replays it.
        finished: whether a new leader was known to all before the time limit.
        time_ms: milliseconds from the crash until every live node knew the new
            leader (``math.nan`` if not finished).
        terms: how many terms the election took (new leader's term minus the old one's).
        split_vote: whether the first election term after the crash produced no leader.
        crashed: the leader that was crashed.
        leader: the new leader (``None`` if not finished).
        crash_at: virtual time of the crash, in seconds.
    """

    seed: int
    finished: bool
    time_ms: float
    terms: int
    split_vote: bool
    crashed: str
    leader: str | None
    crash_at: float


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


def trial_seed(seed: int, index: int) -> int:
    """The seed of trial ``index`` of a run seeded ``seed``: 63 bits of SHA-256.

    Hashing (rather than ``seed + index``) keeps the trials of different seeds apart.
    """
    digest = hashlib.sha256(f"election_time/{seed}/{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


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

    Returns:
        An :class:`ElectionTimeResult`.

    Raises:
        InvalidArgument: a parameter outside what is allowed (the message names it,
            the value given and what is allowed).
    """
    timeout_lh, latency_lh, heartbeat_s = _check(
        nodes, timeout, latency, heartbeat, trials, seed, protocol, max_election_time
    )
    results: list[ElectionTrial] = []
    label = f"election-time {timeout_lh[0] * 1e3:g}-{timeout_lh[1] * 1e3:g} ms"
    for index in progress_bar(range(trials), total=trials, desc=label, enabled=progress):
        trial, _ = simulate_trial(
            trial_seed(seed, index),
            nodes=nodes,
            timeout=timeout_lh,
            latency=latency_lh,
            heartbeat=heartbeat_s,
            max_election_time=max_election_time,
        )
        results.append(trial)
    return _summarize(
        results, protocol, nodes, timeout_lh, latency_lh, heartbeat_s, seed, max_election_time
    )


def _pair(name: str, value: Any, *, positive: bool) -> tuple[float, float]:
    bound = "> 0" if positive else ">= 0"
    allowed = f"must be (low, high) seconds, finite, {bound}, with low <= high"
    try:
        low, high = value
        low, high = float(low), float(high)
    except (TypeError, ValueError):
        raise invalid(name, value, allowed) from None
    if any(isinstance(v, bool) for v in value):
        raise invalid(name, value, allowed)
    for v in (low, high):
        if not math.isfinite(v) or v < 0 or (positive and v == 0):
            raise invalid(name, value, allowed)
    if low > high:
        raise invalid(name, value, f"must have low <= high, but {low!r} > {high!r}")
    return low, high


def _check(
    nodes: Any,
    timeout: Any,
    latency: Any,
    heartbeat: Any,
    trials: Any,
    seed: Any,
    protocol: Any,
    max_election_time: Any,
) -> tuple[tuple[float, float], tuple[float, float], float]:
    if protocol not in SUPPORTED_PROTOCOLS:
        known = ", ".join(PROTOCOLS)
        raise invalid(
            "protocol",
            protocol,
            f"must be one of {', '.join(SUPPORTED_PROTOCOLS)}: the protocols with "
            f"randomized election timeouts (all protocols: {known})",
        )
    if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 1:
        raise invalid("nodes", nodes, "must be an int >= 1")
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise invalid("trials", trials, "must be an int >= 1")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise invalid("seed", seed, "must be an int")
    timeout_lh = _pair("timeout", timeout, positive=True)
    latency_lh = _pair("latency", latency, positive=False)
    if heartbeat is None:
        heartbeat_s = timeout_lh[0] / 2
    else:
        if isinstance(heartbeat, bool) or not isinstance(heartbeat, (int, float)):
            raise invalid("heartbeat", heartbeat, "must be seconds > 0, or None")
        heartbeat_s = float(heartbeat)
        if not (math.isfinite(heartbeat_s) and 0 < heartbeat_s < timeout_lh[0]):
            raise invalid(
                "heartbeat",
                heartbeat,
                f"must be seconds > 0 and shorter than the lowest timeout ({timeout_lh[0]!r})",
            )
    if (
        isinstance(max_election_time, bool)
        or not isinstance(max_election_time, (int, float))
        or not (math.isfinite(max_election_time) and max_election_time > 0)
    ):
        raise invalid("max_election_time", max_election_time, "must be seconds > 0, finite")
    return timeout_lh, latency_lh, heartbeat_s


def _live_views(sim: Sim, names: list[str]) -> dict[str, dict[str, Any]]:
    """The annotations of every live node (up, or paused: a pause is not a crash).

    :func:`~distsys_edu.checks.replay.agreed_leader` is given them all as ``"up"``.
    """
    return {n: sim.annotations(n) for n in names if sim.status(n) in _LIVE}


def simulate_trial(
    seed: int,
    *,
    nodes: int = 5,
    timeout: Sequence[float] = (0.150, 0.300),
    latency: Sequence[float] = (0.005, 0.010),
    heartbeat: float | None = None,
    max_election_time: float = DEFAULT_MAX_ELECTION_TIME,
    trace: str = "counts",
) -> tuple[ElectionTrial, Sim]:
    """Run one trial (bootstrap, crash, measure) and return its record and its Sim.

    With ``trace="full"`` the Sim's trace can be drawn or replayed; the figures are
    the same at either level, since tracing never changes what happens.

    Raises:
        InvalidArgument: a parameter not allowed, or no stable leader within
            ``BOOTSTRAP_LIMIT`` seconds (a setting where Raft cannot keep a leader).
    """
    timeout_lh, latency_lh, hb = _check(
        nodes, timeout, latency, heartbeat, 1, seed, "raft", max_election_time
    )
    high = timeout_lh[1]
    network = LinkConfig(latency=Uniform(*latency_lh))
    sim = Sim(seed=seed, trace=trace, network=network)
    names = raft.spawn_cluster(sim, nodes, election_timeout=timeout_lh, heartbeat_interval=hb)
    rng = random.Random(f"{seed}/election_time")
    counts = sim.trace.kind_counts
    step = sim.step

    # 1. Bootstrap: a head start for one node, then step until a stable leader.
    first = rng.choice(names)
    head_start = high + 2 * latency_lh[1]
    for name in names:
        if name != first:
            sim.pause(name, head_start)
    leader, leader_since = _until_stable(sim, names, counts, BOOTSTRAP_LIMIT)
    if leader is None:
        raise InvalidArgument(
            f"no stable leader within {BOOTSTRAP_LIMIT:g} s of virtual time with "
            f"timeout={timeout_lh!r}, latency={latency_lh!r}, heartbeat={hb!r}: the "
            "heartbeat cannot keep followers from timing out"
        )

    # 2. Crash at a uniformly random moment within a heartbeat interval, after at
    #    least one full heartbeat round in which every node followed the leader.
    offset = rng.uniform(0.0, hb)
    rounds = math.floor((sim.now - leader_since) / hb) + 2
    crash_at = leader_since + rounds * hb + offset
    sim.run(until=crash_at)
    old_term = sim.annotations(leader)["term"]
    sim.crash(leader)

    # 3. Step until a new leader is known to every live node (exact event time).
    deadline = crash_at + max_election_time
    first_term_led = False
    seen = counts[_ANNOTATE]
    new_leader: str | None = None
    new_term = old_term
    while True:
        if not step():
            break
        if counts[_ANNOTATE] == seen:
            if sim.now > deadline:
                break
            continue
        seen = counts[_ANNOTATE]
        views = _live_views(sim, names)
        if not first_term_led:
            first_term_led = any(
                v.get("role") == LEADER and v.get("term") == old_term + 1 for v in views.values()
            )
        agreed = agreed_leader(dict.fromkeys(views, "up"), views)
        if agreed is not None:
            new_leader, new_term = agreed, views[agreed]["term"]
            break
        if sim.now > deadline:
            break
    finished = new_leader is not None
    trial = ElectionTrial(
        seed=seed,
        finished=finished,
        time_ms=(sim.now - crash_at) * 1e3 if finished else math.nan,
        terms=new_term - old_term if finished else 0,
        split_vote=not first_term_led,
        crashed=leader,
        leader=new_leader,
        crash_at=crash_at,
    )
    return trial, sim


def _until_stable(
    sim: Sim, names: list[str], counts: list[int], limit: float
) -> tuple[str | None, float]:
    """Step until a leader is known to all; return it and when it became leader."""
    became: dict[tuple[str, int], float] = {}  # (leader, term) -> first seen leading
    seen = -1
    step = sim.step
    while sim.now <= limit and step():
        if counts[_ANNOTATE] == seen:
            continue
        seen = counts[_ANNOTATE]
        views = _live_views(sim, names)
        for name, view in views.items():
            if view.get("role") == LEADER:
                became.setdefault((name, view["term"]), sim.now)
        agreed = agreed_leader(dict.fromkeys(views, "up"), views)
        if agreed is not None:
            return agreed, became[(agreed, views[agreed]["term"])]
    return None, math.nan


def _summarize(
    trials: list[ElectionTrial],
    protocol: str,
    nodes: int,
    timeout: tuple[float, float],
    latency: tuple[float, float],
    heartbeat: float,
    seed: int,
    max_election_time: float,
) -> ElectionTimeResult:
    done = [t for t in trials if t.finished]
    times = [t.time_ms for t in done]
    unfinished = len(trials) - len(done)
    # An unfinished trial took longer than the limit: infinitely long, for the order.
    ordered = sorted(times) + [math.inf] * unfinished
    mean_finished = statistics.fmean(times) if times else math.nan
    return ElectionTimeResult(
        protocol=protocol,
        nodes=nodes,
        timeout_ms=(timeout[0] * 1e3, timeout[1] * 1e3),
        latency_ms=(latency[0] * 1e3, latency[1] * 1e3),
        heartbeat_ms=heartbeat * 1e3,
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
        max_election_time_s=max_election_time,
        per_trial=trials,
    )
