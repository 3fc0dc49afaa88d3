"""Safety over a trace: never two leaders of a term, never a lasting split brain.

* :func:`one_leader_per_term`: never two leaders of one term (Raft's Election
  Safety), read after every event.
* :func:`one_leader_among_reachable`: never, for longer than a grace period in
  all within a window, two leaders that can talk to each other (split brain that
  outlives a partition).
"""

from __future__ import annotations

from collections.abc import Hashable

from ..runtime import Trace
from ..runtime.errors import invalid
from ..runtime.units import as_seconds
from .arguments import optional_seconds, trace_of
from .cluster_state import end_time, instants, steps
from .violation import Violation

__all__ = [
    "DEFAULT_GRACE",
    "DEFAULT_WINDOW",
    "one_leader_among_reachable",
    "one_leader_per_term",
]

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
        InvalidArgument: ``grace`` or ``window`` not seconds >= 0, ``window``
            shorter than ``grace``, or ``end`` not seconds >= 0 (durations may
            carry a unit: ``"500ms"``).
    """
    trace = trace_of(trace)
    grace = as_seconds("grace", grace)
    given_window, window = window, as_seconds("window", window)
    if window < grace:
        raise invalid("window", given_window, f"must be seconds >= grace ({grace:g} s)")
    stop = optional_seconds("end", end)
    stretches = _co_leading(trace, end_time(trace) if stop is None else stop)
    found = [
        violation
        for pair, pieces in stretches.items()
        for episode in _episodes(pieces, window)
        if (violation := _split_brain(pair, episode, grace, window)) is not None
    ]
    found.sort(key=lambda v: (v.t, v.nodes))
    return found


def _co_leading(trace: Trace, stop: float) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """For each pair of up leaders that could reach each other, the stretches of
    time ``(from, to)`` during which they did, in time order; ``stop`` ends the last."""
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
    for pair in list(since):
        close(pair, stop)
    return stretches


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
