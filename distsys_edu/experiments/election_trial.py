"""One trial of the election-time experiment: bootstrap, crash the leader, measure.

See :mod:`distsys_edu.experiments.election_time` for the experiment and the steps
of a trial. :func:`simulate_trial` runs one, in virtual time, from its own seed;
:func:`check_settings` is the one place where a trial's settings are checked.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..checks.cluster_state import agreed_leader
from ..protocols import raft
from ..protocols.cluster import LEADER
from ..protocols.registry import PROTOCOLS
from ..runtime import LinkConfig, Sim, Uniform
from ..runtime.errors import InvalidArgument, invalid
from ..runtime.trace import K
from ..runtime.units import as_seconds
from .params import check_count, check_seed, seconds_pair

__all__ = [
    "BOOTSTRAP_LIMIT",
    "DEFAULT_MAX_ELECTION_TIME",
    "SUPPORTED_PROTOCOLS",
    "ElectionTrial",
    "Settings",
    "check_settings",
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


@dataclass(frozen=True)
class Settings:
    """A trial's settings, checked (see :func:`check_settings`); times in seconds."""

    nodes: int
    timeout: tuple[float, float]
    latency: tuple[float, float]
    heartbeat: float
    max_election_time: float


def trial_seed(seed: int, index: int) -> int:
    """The seed of trial ``index`` of a run seeded ``seed``: 63 bits of SHA-256.

    Hashing (rather than ``seed + index``) keeps the trials of different seeds apart.
    """
    digest = hashlib.sha256(f"election_time/{seed}/{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def check_settings(
    nodes: Any, timeout: Any, latency: Any, heartbeat: Any, max_election_time: Any, protocol: Any
) -> Settings:
    """The settings of a trial, checked; ``heartbeat=None`` is half the lowest timeout.

    Raises:
        InvalidArgument: a setting that is not allowed (named, with what is allowed).
    """
    if protocol not in SUPPORTED_PROTOCOLS:
        known = ", ".join(PROTOCOLS)
        raise invalid(
            "protocol",
            protocol,
            f"must be one of {', '.join(SUPPORTED_PROTOCOLS)}: the protocols with "
            f"randomized election timeouts (all protocols: {known})",
        )
    check_count("nodes", nodes)
    timeout_lh = seconds_pair("timeout", timeout, positive=True)
    latency_lh = seconds_pair("latency", latency)
    if heartbeat is None:
        heartbeat_s = timeout_lh[0] / 2
    else:
        heartbeat_s = as_seconds("heartbeat", heartbeat, positive=True)
        if not heartbeat_s < timeout_lh[0]:
            raise invalid(
                "heartbeat",
                heartbeat,
                f"must be seconds > 0 and shorter than the lowest timeout ({timeout_lh[0]!r})",
            )
    longest = as_seconds("max_election_time", max_election_time, positive=True)
    return Settings(nodes, timeout_lh, latency_lh, heartbeat_s, longest)


def _live_views(sim: Sim, names: list[str]) -> dict[str, dict[str, Any]]:
    """The annotations of every live node (up, or paused: a pause is not a crash).

    :func:`~distsys_edu.checks.cluster_state.agreed_leader` is given them all as ``"up"``.
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
    check_seed(seed)
    settings = check_settings(nodes, timeout, latency, heartbeat, max_election_time, "raft")
    return run_trial(seed, settings, trace)


def run_trial(seed: int, settings: Settings, trace: str = "counts") -> tuple[ElectionTrial, Sim]:
    """:func:`simulate_trial` with settings already checked."""
    network = LinkConfig(latency=Uniform(*settings.latency))
    sim = Sim(seed=seed, trace=trace, network=network)
    names = raft.spawn_cluster(
        sim,
        settings.nodes,
        election_timeout=settings.timeout,
        heartbeat_interval=settings.heartbeat,
    )
    rng = random.Random(f"{seed}/election_time")
    leader, crash_at = _bootstrap_and_crash(sim, names, rng, settings)
    old_term = sim.annotations(leader)["term"]
    sim.crash(leader)
    new_leader, new_term, first_term_led = _measure(
        sim, names, old_term, crash_at + settings.max_election_time
    )
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


def _bootstrap_and_crash(
    sim: Sim, names: list[str], rng: random.Random, settings: Settings
) -> tuple[str, float]:
    """Steps 1 and 2: a stable leader, and the run up to the moment it crashes.

    One node, drawn from ``rng``, gets a head start (the others are paused), then
    the Sim steps until a leader is known to all; the crash is ``offset`` into a
    heartbeat interval after at least one full heartbeat round with every node
    following it.

    Returns:
        The leader and the crash time (the Sim has run until then).
    """
    hb = settings.heartbeat
    first = rng.choice(names)
    head_start = settings.timeout[1] + 2 * settings.latency[1]
    for name in names:
        if name != first:
            sim.pause(name, head_start)
    leader, leader_since = _until_stable(sim, names, sim.trace.kind_counts, BOOTSTRAP_LIMIT)
    if leader is None:
        raise InvalidArgument(
            f"no stable leader within {BOOTSTRAP_LIMIT:g} s of virtual time with "
            f"timeout={settings.timeout!r}, latency={settings.latency!r}, heartbeat={hb!r}: "
            "the heartbeat cannot keep followers from timing out"
        )
    offset = rng.uniform(0.0, hb)
    rounds = math.floor((sim.now - leader_since) / hb) + 2
    crash_at = leader_since + rounds * hb + offset
    sim.run(until=crash_at)
    return leader, crash_at


def _measure(
    sim: Sim, names: list[str], old_term: int, deadline: float
) -> tuple[str | None, int, bool]:
    """Step 3: step until a new leader is known to every live node (exact event time).

    Returns:
        The new leader (``None`` past ``deadline``), its term, and whether anyone
        led the first term after the crash.
    """
    counts = sim.trace.kind_counts
    step = sim.step
    first_term_led = False
    seen = counts[_ANNOTATE]
    while step():
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
            return agreed, views[agreed]["term"], first_term_led
        if sim.now > deadline:
            break
    return None, old_term, first_term_led


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
