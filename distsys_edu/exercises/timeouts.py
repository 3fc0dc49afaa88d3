"""Lesson 05's second exercise: choose election timeouts for a network's latency.

Raft's timing requirement (Ongaro and Ousterhout, "In Search of an Understandable
Consensus Algorithm", USENIX ATC 2014, section 5.6) is ``broadcastTime <<
electionTimeout << MTBF``; its Figure 16 (section 9.3) shows what randomness in the
timeout buys: without it, votes split again and again. The learner writes a
:class:`TimeoutChoice` that, given a network's one-way latency ``(low, high)`` in
seconds, returns an election timeout range and a heartbeat interval.

:func:`check_timeouts` measures the choice on two networks, each a scenario:

* ``5-10 ms`` (about the paper's 15 ms broadcast time) and ``30-60 ms`` (a slow one);
* the Figure 16 experiment (:func:`~distsys_edu.experiments.election_time`,
  :data:`TRIALS` seeded trials: crash the leader of five nodes, time the election),
  against the targets: at most :data:`MAX_SPLIT_VOTES` of first elections split, and
  a median time without a leader of at most :data:`MAX_MEDIAN_LATENCIES` one-way
  latencies (the high end);
* a steady run of :data:`STEADY_LATENCIES` latencies without faults: once a leader
  is known, no node may start an election (heartbeats must beat the timeout, late
  ones too).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from ..checks import leader_known_by_all
from ..experiments.election_time import ElectionTimeResult, election_time
from ..protocols import raft
from ..protocols.cluster import CANDIDATE
from ..protocols.raft import RaftConfig
from ..runtime import InvalidArgument, LinkConfig, Sim, Uniform
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register

TRIALS = 40
"""Leader crashes measured per network (the paper ran 1000; see ``docs/figure16.md``)."""

MAX_SPLIT_VOTES = 0.2
"""The largest share of first elections after a crash that may elect nobody."""

MAX_MEDIAN_LATENCIES = 30
"""The longest median time without a leader, in one-way latencies (the high end)."""

STEADY_LATENCIES = 2000
"""How long the steady run lasts, in one-way latencies (20 s on a 10 ms network)."""

GIVE_UP_LATENCIES = 100
"""A trial that elects nobody within this many latencies, or four of its highest
timeouts if that is longer, counts as unfinished."""


class TimeoutChoice:
    """Choose the election timeout range and the heartbeat for a network.

    Both methods get the network's one-way latency ``(low, high)`` in seconds.
    Think in message delays: a vote takes a request and a reply to come back, a
    heartbeat may come late, and two timers that fire less than a message delay
    apart both start elections.
    """

    def election_timeout(self, latency: tuple[float, float]) -> tuple[float, float]:
        """``(low, high)`` seconds: each timeout is drawn uniformly from it."""
        raise NotImplementedError("return (low, high) in seconds, for this latency")

    def heartbeat_interval(self, latency: tuple[float, float]) -> float:
        """Seconds between a leader's heartbeats (shorter than the lowest timeout)."""
        raise NotImplementedError("return the heartbeat interval in seconds")


@dataclass(frozen=True)
class TimingRun:
    """What one network made of a choice of timeouts.

    Attributes:
        latency: the network's one-way latency ``(low, high)``, seconds.
        config: the timeouts chosen for it.
        election: the Figure 16 measurement (``TRIALS`` leader crashes).
        needless: ``(t, node, term)`` of each election started in the steady run
            after a leader was known to all.
        steady: the steady run's Sim (to draw or replay).
    """

    latency: tuple[float, float]
    config: RaftConfig
    election: ElectionTimeResult
    needless: tuple[tuple[float, str, int], ...]
    steady: Sim


@dataclass(frozen=True)
class Rejected:
    """A choice that no Raft cluster can run with (nothing was measured).

    Attributes:
        latency: the network's one-way latency ``(low, high)``, seconds.
        reason: why :class:`~distsys_edu.protocols.raft.RaftConfig` refused it.
    """

    latency: tuple[float, float]
    reason: str


def play(latency: tuple[float, float], seed: int, choice_class: type) -> TimingRun | Rejected:
    """Ask ``choice_class()`` for timeouts; measure elections and a steady run (or,
    for timeouts no cluster accepts, say why without running anything)."""
    choice = choice_class()
    timeout, heartbeat = choice.election_timeout(latency), choice.heartbeat_interval(latency)
    try:
        config = RaftConfig(timeout, heartbeat)
    except InvalidArgument as exc:
        return Rejected(latency, str(exc))
    high = latency[1]
    election = election_time(
        timeout=config.election_timeout,
        latency=latency,
        heartbeat=config.heartbeat,
        trials=TRIALS,
        seed=seed,
        progress=False,
        max_election_time=give_up(config, high),
    )
    steady = Sim(seed=seed, network=LinkConfig(latency=Uniform(*latency)))
    raft.spawn_cluster(
        steady,
        5,
        election_timeout=config.election_timeout,
        heartbeat_interval=config.heartbeat,
    )
    steady.run(until=STEADY_LATENCIES * high)
    return TimingRun(latency, config, election, _needless_elections(steady), steady)


def _needless_elections(sim: Sim) -> tuple[tuple[float, str, int], ...]:
    """Elections started after a leader was first known to all (none if never known)."""
    known = leader_known_by_all(sim.trace)
    if known is None:
        return ()
    return tuple(
        (e.t, e.node, int(e.data["term"]))
        for e in sim.trace.events("annotate", since=known.t)
        if e.node is not None and e.data.get("role") == CANDIDATE
    )


def give_up(config: RaftConfig, latency: float) -> float:
    """Seconds after the crash before a trial counts as unfinished."""
    return max(GIVE_UP_LATENCIES * latency, 4 * config.election_timeout[1])


def judge(run: TimingRun | Rejected) -> Problem | None:
    """Split votes and median election time within the targets; no needless elections."""
    if isinstance(run, Rejected):
        return _rejected(run)
    high = run.latency[1]
    low_t, high_t = run.config.election_timeout
    chosen = f"{_ms(low_t)}-{_ms(high_t)} ms, heartbeat {_ms(run.config.heartbeat)} ms"
    net = f"on a {_ms(run.latency[0])}-{_ms(high)} ms network"
    result = run.election
    if result.split_vote_rate > MAX_SPLIT_VOTES:
        return Problem(
            f"at most {MAX_SPLIT_VOTES:.0%} of elections after a crash split the vote",
            f"with {chosen} {net}, {result.split_vote_rate:.0%} of {result.trials} "
            f"first elections split ({result.unfinished} trials elected nobody within "
            f"{give_up(run.config, high):g} s)",
            _split_hint(low_t, high_t, high),
        )
    limit = MAX_MEDIAN_LATENCIES * high
    if result.median_ms > limit * 1e3:
        return Problem(
            f"a median time without a leader of at most {_ms(limit)} ms "
            f"({MAX_MEDIAN_LATENCIES} one-way latencies)",
            f"with {chosen} {net}, the median was {_median(result)}",
            f"the lowest timeout is {low_t / high:.0f} latencies: followers wait far "
            "longer than a vote takes. Shorten it: ten to twenty latencies are plenty "
            "(Raft section 5.6: broadcastTime << electionTimeout)",
        )
    if run.needless:
        t, node, term = run.needless[0]
        return Problem(
            "no election while the leader is up and nothing fails",
            f"with {chosen} {net}, {node} stood for term {term} at t={t:g} though the "
            f"leader was up ({len(run.needless)} elections in "
            f"{STEADY_LATENCIES * high:g} s without faults)",
            "a heartbeat can arrive up to one latency spread late: keep the heartbeat "
            "interval well under the lowest timeout (a third of it, say)",
            at=t,
        )
    return None


def _rejected(run: Rejected) -> Problem:
    hint = (
        "the heartbeat interval must be well under the lowest timeout (a third of it, "
        "say): a follower's timer must never run out between two heartbeats"
        if run.reason.startswith("heartbeat_interval")
        else "return (low, high) in seconds, with 0 < low <= high"
    )
    return Problem(
        "timeouts a Raft cluster accepts: 0 < low <= high, and a heartbeat interval "
        "shorter than low",
        f"on a {_ms(run.latency[0])}-{_ms(run.latency[1])} ms network: {run.reason}",
        hint,
    )


def _split_hint(low: float, high: float, latency: float) -> str:
    if low == high:
        return (
            "no randomness: after a crash every follower's timer fires at the same moment, "
            "every one stands and votes for itself (Figure 16, 150-150 ms): give the "
            "timeout a range"
        )
    if low < 5 * latency:
        return (
            f"the lowest timeout is only {low / latency:.1f} one-way latencies: a voter's "
            "timer fires again before the new leader's heartbeat reaches it. Raft "
            "needs broadcastTime << electionTimeout (section 5.6): scale it with the latency"
        )
    return (
        f"the range is only {(high - low) / latency:.1f} one-way latencies wide: two "
        "timers that fire less than a message delay apart both stand. Widen it, in "
        "units of the latency"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:g}"


def _median(result: ElectionTimeResult) -> str:
    if result.median_ms == float("inf"):
        return f"longer than the {result.max_election_time_s:g} s a trial may take"
    return f"{result.median_ms:.0f} ms"


EXERCISE = register(
    Exercise(
        "timeouts",
        "TimeoutChoice",
        (
            Scenario("5-10 ms", partial(play, (0.005, 0.010), 1), judge, returns="run"),
            Scenario("30-60 ms", partial(play, (0.030, 0.060), 2), judge, returns="run"),
        ),
    )
)


def check_timeouts(choice_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check timeouts chosen for a network's latency against the targets (lesson 05).

    Args:
        choice_class: the class you wrote (not an instance), made with no arguments.
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(choice_class, strict=strict)
