"""Shrinking: from a fault schedule that breaks an invariant to a minimal one.

A random schedule that breaks an invariant usually holds many faults that have
nothing to do with the failure. :func:`shrink_schedule` removes them by delta
debugging (Zeller and Hildebrandt, "Simplifying and Isolating
Failure-Inducing Input", IEEE TSE 2002), then rounds the remaining times, then
makes sure the result is *1-minimal*: removing any single fault makes the
failure go away.

The test is a function ``fails(schedule) -> bool`` that re-runs the same
protocol with the same seed under the candidate schedule. Every candidate is
tried in a fixed order and results are cached, so shrinking is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..runtime import Fault, FaultSchedule

Fails = Callable[[FaultSchedule], bool]

_TIME_GRAINS = (1.0, 0.5, 0.1)  # coarsest first: "3 crash n1" reads better than "3.17 crash n1"


@dataclass(frozen=True)
class Shrunk:
    """The outcome of shrinking.

    Attributes:
        schedule: the smallest failing schedule found (1-minimal).
        tests: how many distinct schedules were run to find it.
    """

    schedule: FaultSchedule
    tests: int


class _CachedTest:
    """``fails`` with memory: each distinct schedule runs once."""

    def __init__(self, fails: Fails) -> None:
        self.fails = fails
        self.seen: dict[tuple[Fault, ...], bool] = {}

    def __call__(self, faults: Sequence[Fault]) -> bool:
        schedule = FaultSchedule(faults)
        key = tuple(schedule)
        if key not in self.seen:
            self.seen[key] = self.fails(schedule)
        return self.seen[key]


def _chunks(items: list[Fault], n: int) -> list[list[Fault]]:
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return [c for c in out if c]


def ddmin(faults: Sequence[Fault], fails: Callable[[Sequence[Fault]], bool]) -> list[Fault]:
    """Zeller's ddmin: a failing subset of ``faults`` that is 1-minimal.

    Args:
        faults: a failing list (``fails(faults)`` is true).
        fails: the test.

    Returns:
        A sublist, in the original order, from which no single fault can be
        removed without the test passing.
    """
    items = list(faults)
    if fails([]):
        return []
    n = 2
    while len(items) >= 2:
        chunks = _chunks(items, n)
        for chunk in chunks:  # reduce to a subset
            if fails(chunk):
                items, n = chunk, 2
                break
        else:
            for i in range(len(chunks)):  # reduce to a complement
                rest = [f for j, c in enumerate(chunks) if j != i for f in c]
                if fails(rest):
                    items, n = rest, max(n - 1, 2)
                    break
            else:
                if n >= len(items):
                    break
                n = min(2 * n, len(items))
    return items


def _rounded(value: float) -> list[float]:
    out = []
    for grain in _TIME_GRAINS:
        r = round(round(value / grain) * grain, 2)
        if r > 0 and r != value and r not in out:
            out.append(r)
    return out


def _simpler(fault: Fault) -> list[Fault]:
    """Versions of ``fault`` with rounder numbers, roundest first."""
    out = [replace(fault, at=t) for t in _rounded(fault.at)]
    if fault.action == "pause":
        node, seconds = fault.args
        out += [replace(fault, args=(node, s)) for s in _rounded(float(seconds))]
    return out


def shrink_schedule(schedule: Sequence[Fault], fails: Fails) -> Shrunk:
    """Shrink a failing schedule to a 1-minimal one with round times.

    Args:
        schedule: a schedule under which ``fails`` is true.
        fails: re-runs the scenario under a candidate schedule and says
            whether the invariant still breaks. It must be deterministic.

    Returns:
        The shrunk schedule and how many schedules were tried.

    Raises:
        ValueError: ``fails(schedule)`` is false: there is nothing to shrink.
    """
    test = _CachedTest(fails)
    if not test(list(schedule)):
        raise ValueError("the schedule given does not fail: nothing to shrink")
    items = list(FaultSchedule(ddmin(list(FaultSchedule(schedule)), test)))
    # Round times (and pause lengths) where the failure survives it.
    for i in range(len(items)):
        for candidate in _simpler(items[i]):
            trial = [*items[:i], candidate, *items[i + 1 :]]
            if test(trial):
                items[i] = candidate
                break
    items = list(FaultSchedule(items))
    # Rounding may make a fault unnecessary: remove single faults until none can go.
    removed = True
    while removed:
        removed = False
        for i in range(len(items)):
            trial = items[:i] + items[i + 1 :]
            if test(trial):
                items, removed = trial, True
                break
    return Shrunk(FaultSchedule(items), len(test.seen))
