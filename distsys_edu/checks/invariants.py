"""Invariants over a full trace: what must always (or eventually) hold.

Each check reads only a :class:`~distsys_edu.runtime.Trace` (live or read back
from JSON lines) or a :class:`~distsys_edu.runtime.Snapshot`, never an actor's
fields, and reads them through the shared annotation keys of
:mod:`distsys_edu.protocols.cluster`: ``role``, ``term``, ``leader`` and
``suspects``. Each walks the trace once (see :mod:`.replay`).

A check returns a list of :class:`Violation` (empty when the invariant holds),
so that a lesson can print them and the explorer can shrink a schedule that
produces one.

Safety:

* :func:`one_leader_per_term`: never two leaders of one term (Raft's Election
  Safety), read after every event.
* :func:`one_leader_among_reachable`: never, for longer than a grace period in
  all within a window, two leaders that can talk to each other (split brain that
  outlives a partition).

Checks that measure how long something lasted measure up to the run's end: how
far the Sim was run (``trace.end``), not only its last event.

Failure detection:

* :func:`detection_times`, :func:`completeness`: how soon each live node
  suspects a crashed one, and whether it ever does.
* :func:`false_suspicions`: suspicions of nodes that were up.

Liveness:

* :func:`leader_known_by_all`, :func:`liveness`: when every live node agrees on
  one leader that is up and leads, and whether that happens soon enough after
  the last fault.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import asdict, dataclass
from typing import Any, overload

from ..runtime import Snapshot, Trace
from ..runtime.errors import check_time, invalid
from ..runtime.snapshot import CLEARS_NOTES
from .replay import (
    PAUSED,
    UP,
    ClusterState,
    end_time,
    instants,
    last_fault_time,
    snapshot_state,
    steps,
)
from .replay import agreed_leader as _agreed_leader

DEFAULT_GRACE = 2.0
"""Seconds two mutually reachable leaders are tolerated by :func:`one_leader_among_reachable`.

Why a grace at all: a stale leader cannot know that a newer one exists until a
message tells it, and messages take time. After a partition heals, the old
leader learns of the new one at the earliest when the next heartbeat (or vote
request, or reply) crosses the healed link: one heartbeat interval plus a
latency, and several intervals when messages are lost. Every protocol here
heartbeats at least once a second (Raft every 75 ms, the blog every 1 s), so
two seconds covers a lost beat or two, while a real split brain, two leaders
that never give way, lasts until the run ends.
"""

DEFAULT_WINDOW = 10.0
"""Seconds over which :func:`one_leader_among_reachable` adds up co-leadership.

Why add up at all: a split brain interrupted now and then (a 10 ms pause of one
leader every 1.5 s) never lasts ``grace`` in one piece, yet it is as much a
split brain as an unbroken one. A stale leader is excused ``grace`` seconds after
each heal; ten seconds holds one heal or two of the fault schedules here, so a
pair that co-leads more than :data:`DEFAULT_GRACE` seconds in any ten has not
been giving way.
"""


@dataclass(frozen=True)
class Violation:
    """One way an invariant failed.

    Attributes:
        invariant: the invariant's name (the check function's name).
        t: virtual time at which it failed (for a lasting condition: when it began).
        nodes: the nodes involved, in spawn order where it matters.
        detail: what went wrong, in words a learner can read.
    """

    invariant: str
    t: float
    nodes: tuple[str, ...]
    detail: str

    def __str__(self) -> str:
        return f"{self.invariant} at t={self.t:.3f} ({', '.join(self.nodes)}): {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "invariant": self.invariant,
            "t": self.t,
            "nodes": list(self.nodes),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Detection:
    """How long ``observer`` took to suspect ``node`` after ``node`` crashed.

    Attributes:
        observer: the node that should suspect.
        node: the node that crashed.
        crashed_at: when ``node`` crashed.
        since: when the observer could start suspecting: the crash, or the
            observer's own (re)start if that came later (a restarted node
            remembers nothing, so it must find out afresh).
        detected_at: the first time at or after ``since`` at which the observer's
            ``suspects`` held ``node``, or ``None`` if it never did while
            ``node`` was down.
        recovered_at: when ``node`` came back up, or ``None`` if it was still
            down when the trace ended.
    """

    observer: str
    node: str
    crashed_at: float
    since: float
    detected_at: float | None
    recovered_at: float | None

    @property
    def delay(self) -> float | None:
        """``detected_at - since``, or ``None`` if never detected."""
        return None if self.detected_at is None else self.detected_at - self.since

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (with ``delay``)."""
        return {**asdict(self), "delay": self.delay}


@dataclass(frozen=True)
class Suspicion:
    """``observer`` began to suspect ``node`` at ``t`` while ``node`` was up.

    Attributes:
        t: when the suspicion began.
        observer: the node that suspected.
        node: the suspected node, which was up (not down, paused or stopped).
    """

    t: float
    observer: str
    node: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return asdict(self)


@dataclass(frozen=True)
class LeaderAgreement:
    """Every live node agreed on ``leader`` at time ``t``."""

    t: float
    leader: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return asdict(self)


# -- safety -------------------------------------------------------------------


def one_leader_per_term(trace: Trace) -> list[Violation]:
    """No two distinct nodes are ever leader of the same term.

    A node claims term ``T`` when its annotations show ``role="leader"`` and
    ``term=T`` after any event, even if it steps down again within the same
    instant; the whole history counts, whether or not the two claims overlapped
    in time. Leaders without a ``term`` are ignored. Publish ``role`` and
    ``term`` in one ``annotate`` call: a view written in two calls is read after
    each, as any observer of the node would read it.

    Returns:
        One violation for each node that claims a term some other node claimed
        before, at the time of its claim, naming every claimant so far.
    """
    claims: dict[Hashable, list[str]] = {}
    found: list[Violation] = []
    for e, state in steps(trace):
        if e.kind != "annotate":
            continue
        node = e.node
        assert node is not None
        view = state.notes.get(node, {})
        term = view.get("term")
        if view.get("role") != "leader" or term is None:
            continue
        claimants = claims.setdefault(term, [])
        if node in claimants:
            continue
        claimants.append(node)
        if len(claimants) > 1:
            found.append(
                Violation(
                    "one_leader_per_term",
                    e.t,
                    tuple(claimants),
                    f"{node} became leader of term {term}, "
                    f"already led by {', '.join(claimants[:-1])}",
                )
            )
    return found


def one_leader_among_reachable(
    trace: Trace,
    grace: float = DEFAULT_GRACE,
    *,
    window: float = DEFAULT_WINDOW,
    end: float | None = None,
) -> list[Violation]:
    """Two up leaders that can reach each other: at most ``grace`` seconds in any ``window``.

    Two leaders on either side of a partition are expected (each side may elect
    one); once nothing cuts either direction between them, one must give way.
    See :data:`DEFAULT_GRACE` for why a stale leader needs some time to notice.

    The time is added up, not only measured in one piece: a split brain broken
    every 1.5 s by a 10 ms pause of one leader is still a split brain, and its
    pieces add up to more than ``grace`` within ``window`` (see
    :data:`DEFAULT_WINDOW`).

    Args:
        trace: a full trace.
        grace: seconds the condition may last in all within any ``window``
            seconds; ``0`` flags every stretch of time at which it holds.
        window: the length of the sliding window, at least ``grace``.
        end: when the run ended (default: :func:`~.replay.end_time`, how far
            the Sim was run); a pair still both leading then is measured up to
            ``end``.

    Returns:
        One violation per pair of nodes and episode during which both were up,
        both annotated ``role="leader"`` and neither direction between them was
        cut, for more than ``grace`` seconds within some ``window`` seconds; ``t``
        is when the first stretch of that window began, and the detail says how
        long the pair co-led in all, in how many stretches.

    Raises:
        InvalidArgument: ``grace`` or ``window`` not seconds >= 0, or ``window``
            shorter than ``grace``.
    """
    grace = check_time("grace", grace)
    if check_time("window", window) < grace:
        raise invalid("window", window, f"must be seconds >= grace ({grace:g} s)")
    stretches: dict[tuple[str, str], list[tuple[float, float]]] = {}
    since: dict[tuple[str, str], float] = {}

    def close(pair: tuple[str, str], until: float) -> None:
        began = since.pop(pair)
        stretches.setdefault(pair, []).append((began, max(until, began)))

    for t, _, state in instants(trace):
        leaders = state.leaders()
        now = {
            (a, b)
            for i, a in enumerate(leaders)
            for b in leaders[i + 1 :]
            if state.can_reach(a, b) and state.can_reach(b, a)
        }
        for pair in [p for p in since if p not in now]:
            close(pair, t)
        for pair in now:
            since.setdefault(pair, t)
    stop = end_time(trace) if end is None else end
    for pair in list(since):
        close(pair, stop)
    found = [
        violation
        for pair, pieces in stretches.items()
        for episode in _episodes(pieces, window)
        if (violation := _split_brain(pair, episode, grace, window)) is not None
    ]
    found.sort(key=lambda v: (v.t, v.nodes))
    return found


def _episodes(
    stretches: list[tuple[float, float]], window: float
) -> list[list[tuple[float, float]]]:
    """Stretches in time order, grouped where less than ``window`` apart (no window
    holds parts of two stretches further apart than that)."""
    episodes: list[list[tuple[float, float]]] = []
    for stretch in stretches:
        if episodes and stretch[0] - episodes[-1][-1][1] < window:
            episodes[-1].append(stretch)
        else:
            episodes.append([stretch])
    return episodes


def _split_brain(
    pair: tuple[str, str], episode: list[tuple[float, float]], grace: float, window: float
) -> Violation | None:
    """The violation of one episode of co-leadership, if some window holds over ``grace``.

    The window holding the most co-leadership can be taken to start where a
    stretch starts, so only those windows are measured.
    """
    for i, (opened, _) in enumerate(episode):
        closes = opened + window
        held = sum(min(b, closes) - a for a, b in episode[i:] if a < closes)
        if held > grace or grace == 0:
            rest = episode[i:]
            total = sum(b - a for a, b in rest)
            span = f"from t={opened:.3f} to t={rest[-1][1]:.3f}"
            if len(rest) == 1:
                how = f"for {total:.3f} s ({span}; grace {grace:g} s)"
            else:
                how = (
                    f"for {total:.3f} s in {len(rest)} stretches ({span}), {held:.3f} s of it "
                    f"within {window:g} s (grace: {grace:g} s in any {window:g} s)"
                )
            return Violation(
                "one_leader_among_reachable",
                opened,
                pair,
                f"{pair[0]} and {pair[1]} were both leader and could reach each other {how}",
            )
    return None


# -- failure detection ----------------------------------------------------------


def detection_times(trace: Trace) -> list[Detection]:
    """For each crash and each node up when it ends, how long until it was suspected.

    A crash *episode* of node ``x`` runs from its crash to its restart (or to
    the end of the trace). Every node ``o`` that is up when the episode ends
    gets one :class:`Detection`: the first instant, from ``since = max(crash,
    o's last (re)start)``, at which ``o``'s ``suspects`` held ``x``.

    Returns:
        Detections ordered by crash time, then observer in spawn order.
    """
    done: list[Detection] = []
    # open episodes: crashed node -> (crash time, {observer: first detection})
    episodes: dict[str, tuple[float, dict[str, float]]] = {}

    def close(node: str, state: ClusterState, recovered_at: float | None) -> None:
        crashed_at, seen = episodes.pop(node)
        for observer in state.up():
            if observer == node:
                continue
            since = max(crashed_at, state.booted.get(observer, 0.0))
            done.append(
                Detection(observer, node, crashed_at, since, seen.get(observer), recovered_at)
            )

    state = None
    for t, events, state in instants(trace):  # state: read after the loop too
        watchers: dict[str, None] = {}
        for e in events:
            node = e.node
            if node is None:
                continue
            if e.kind == "crash" and node not in episodes:
                episodes[node] = (t, {})
                watchers.update(dict.fromkeys(state.status))  # someone may suspect already
            elif e.kind in ("spawn", "restart") and node in episodes:
                close(node, state, t)
            if e.kind in CLEARS_NOTES:
                for _, seen in episodes.values():  # a fresh incarnation starts over
                    seen.pop(node, None)
            if e.kind in ("annotate", "crash", "restart", "spawn"):
                watchers[node] = None
        for node, (_, seen) in episodes.items():
            for observer in watchers:
                if (
                    observer != node
                    and observer not in seen
                    and state.status.get(observer) in (UP, PAUSED)
                    and node in state.suspects(observer)
                ):
                    seen[observer] = t
    for node in list(episodes):  # still down when the trace ends
        assert state is not None  # an episode began at some instant
        close(node, state, None)
    done.sort(key=lambda d: (d.crashed_at, d.node))  # stable: observers stay in spawn order
    return done


def completeness(
    trace: Trace,
    within: float | None = None,
    *,
    restarted: bool = False,
    end: float | None = None,
) -> list[Violation]:
    """Every crashed node is suspected by every live node (strong completeness).

    Looks at every node still down when the trace ends and every node up then:
    the observer must have suspected the crashed node (its ``suspects``
    annotation held it) at some instant since the crash, or since its own
    restart if that came later (see :class:`Detection`).

    Args:
        trace: a full trace.
        within: if given, the suspicion must come at most this many seconds
            after the crash (or the observer's restart). A crash too recent to
            tell (the trace ends before ``within`` has passed) is not flagged.
        restarted: also check crashes that ended in a restart, as seen by the
            nodes up at that restart. Needs ``within``: a crash that lasted
            less than ``within`` is not flagged.
        end: when the run ended (default: the last event's time).

    Returns:
        One violation per (crashed node, observer) pair that missed.

    Raises:
        ValueError: ``restarted=True`` without ``within``, or a negative ``within``.
    """
    if within is not None and not within >= 0:
        raise ValueError(f"within={within!r} is not allowed: must be seconds >= 0")
    if restarted and within is None:
        raise ValueError("restarted=True needs within=SECONDS: a short crash may end unseen")
    stop = end_time(trace) if end is None else end
    found = []
    for d in detection_times(trace):
        if d.recovered_at is not None and not restarted:
            continue
        until = stop if d.recovered_at is None else d.recovered_at
        if within is None:
            if d.detected_at is None:
                found.append(
                    Violation(
                        "completeness",
                        d.crashed_at,
                        (d.node, d.observer),
                        f"{d.observer} never suspected {d.node}, down since t={d.crashed_at:.3f}",
                    )
                )
            continue
        deadline = d.since + within
        if d.detected_at is None and until > deadline:
            found.append(
                Violation(
                    "completeness",
                    d.crashed_at,
                    (d.node, d.observer),
                    f"{d.observer} did not suspect {d.node} within {within:g} s of t={d.since:.3f} "
                    f"(it never did while {d.node} was down)",
                )
            )
        elif d.detected_at is not None and d.detected_at > deadline:
            found.append(
                Violation(
                    "completeness",
                    d.crashed_at,
                    (d.node, d.observer),
                    f"{d.observer} suspected {d.node} only {d.detected_at - d.since:.3f} s after "
                    f"t={d.since:.3f}, not within {within:g} s",
                )
            )
    return found


def false_suspicions(trace: Trace) -> list[Suspicion]:
    """Suspicions that began while the suspected node was up.

    A suspicion begins when a node's ``suspects`` gains a name (or holds it
    when the node starts). It is false when the suspected node is up at the end
    of that instant: not down, stopped, or paused (a long pause looks like a
    crash from outside, so suspecting a paused node is not a mistake). A
    suspicion that merely outlives the suspect's recovery is not counted again.

    Returns:
        The false suspicions in time order; ``len()`` is their count.
    """
    held: dict[str, frozenset[str]] = {}
    found: list[Suspicion] = []
    for t, events, state in instants(trace):
        touched = dict.fromkeys(e.node for e in events if e.node is not None)
        for observer in touched:
            assert observer is not None
            before = held.get(observer, frozenset())
            if any(e.node == observer and e.kind in CLEARS_NOTES for e in events):
                before = frozenset()
            alive = state.status.get(observer) in (UP, PAUSED)
            now = state.suspects(observer) if alive else frozenset()
            held[observer] = now
            for node in sorted(now - before, key=_spawn_order(state)):
                if state.status.get(node) == UP:
                    found.append(Suspicion(t, observer, node))
    return found


def _spawn_order(state: ClusterState) -> Any:
    order = {name: i for i, name in enumerate(state.status)}
    return lambda name: (order.get(name, math.inf), name)


# -- liveness -------------------------------------------------------------------


@overload
def leader_known_by_all(source: Snapshot) -> str | None: ...


@overload
def leader_known_by_all(source: Trace, since: float = 0.0) -> LeaderAgreement | None: ...


def leader_known_by_all(
    source: Snapshot | Trace, since: float = 0.0
) -> str | LeaderAgreement | None:
    """When every live node agrees on one leader that is up and leads.

    Agreement means: at least one node is up; some up node ``L`` annotates
    ``role="leader"``; and every up node annotates ``leader=L`` (``L`` may leave
    its own ``leader`` out). Down, paused and stopped nodes are not asked.

    Args:
        source: a snapshot (is there agreement now?) or a full trace (when is
            there agreement first, at or after ``since``?).
        since: for a trace, the earliest time to consider; the state standing
            at ``since`` counts.

    Returns:
        For a snapshot, the leader's name or ``None``. For a trace, a
        :class:`LeaderAgreement` with the first such time and leader, or ``None``
        if it never happens.
    """
    if isinstance(source, Snapshot):
        return _agreed_leader(*snapshot_state(source))
    standing: str | None = None  # the agreement in force at ``since``
    for t, _, state in instants(source):
        if t <= since:
            standing = state.agreed_leader()
            continue
        if standing is not None:
            break
        leader = state.agreed_leader()
        if leader is not None:
            return LeaderAgreement(t, leader)
    return None if standing is None else LeaderAgreement(since, standing)


def liveness(trace: Trace, after: float | None = None, within: float = 3.0) -> list[Violation]:
    """After the last fault, a leader known to every live node appears soon.

    Args:
        trace: a full trace; run it at least until ``after + within``.
        after: when the last fault ended; default: the last fault in the trace
            (see :func:`~distsys_edu.checks.replay.last_fault_time`), or 0.0
            if there was none.
        within: seconds allowed for :func:`leader_known_by_all` to hold (the
            default, 3 s, is ten of Raft's longest election timeouts).

    Returns:
        One violation if no agreement came by ``after + within``, else none.

    Raises:
        ValueError: a negative or NaN ``within``.
    """
    if not within >= 0:
        raise ValueError(f"within={within!r} is not allowed: must be seconds >= 0")
    if after is None:
        after = last_fault_time(trace) or 0.0
    agreement = leader_known_by_all(trace, since=after)
    if agreement is not None and agreement.t - after <= within:
        return []
    if agreement is None:
        detail = (
            f"no leader was known to every live node after t={after:.3f} "
            f"(the trace ends at t={end_time(trace):.3f})"
        )
    else:
        detail = (
            f"every live node knew {agreement.leader} as leader only "
            f"{agreement.t - after:.3f} s after t={after:.3f}, not within {within:g} s"
        )
    nodes = (agreement.leader,) if agreement is not None else ()
    return [Violation("liveness", after, nodes, detail)]


__all__ = [
    "DEFAULT_GRACE",
    "DEFAULT_WINDOW",
    "Detection",
    "LeaderAgreement",
    "Suspicion",
    "Violation",
    "completeness",
    "detection_times",
    "false_suspicions",
    "leader_known_by_all",
    "liveness",
    "one_leader_among_reachable",
    "one_leader_per_term",
]
