"""The search for a linearization: Wing & Gong's, as Lowe improved it, as Porcupine runs it.

A history is linearizable when each operation can be given a *linearization point*
between its invocation and its completion so that, taken in the order of those points,
the operations are a correct run of the sequential model (Herlihy & Wing 1990). An
operation with no answer may take its point at any time after its invocation, or never.

The search (Wing & Gong 1993; Lowe 2017; Porcupine's cache): the invocations and
completions, sorted by time (at equal times, invocations first: operations that touch
count as concurrent), are a doubly linked list. Walk it from the front; at an
invocation, try to linearize that operation now: if the model allows it, and the pair
(set of linearized operations, model state) was never seen before, lift the operation
out of the list, push it and start again at the front. At a completion, the operation
it completes was not linearized in time: pop the last choice, put it back and try the
next invocation after it. Success when every completed operation is linearized (those
with no answer that are left take effect never); failure when there is nothing to pop.

Speed (the reason some lines look as they do): the linearized set is a Python int used
as a bitset; the list is two int lists (``nxt``, ``prv``); the model's step is inlined
as a branch on a small int code; operations with no answer get no completion entry.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .models import CAS_FAILED, CAS_OK, READ, WRITE, Step

SLICE = 4096
"""Search steps between two pauses of :func:`searching` (to look at the clock, and to
let the search of another key run: see :func:`search_cells`)."""


@dataclass(frozen=True)
class Outcome:
    """What the search found for one cell.

    Attributes:
        linearizable: ``True``, ``False``, or ``None`` when the time budget ran out.
        order: indices (into the steps) in linearization order: all of them on
            success, else the longest linearizable prefix the search reached.
        stuck: on failure, the step whose completion no order of the rest reaches
            (the point where no order works), else ``None``.
        explored: how many search steps were taken.
    """

    linearizable: bool | None
    order: tuple[int, ...]
    stuck: int | None
    explored: int


def _entries(steps: Sequence[Step]) -> list[tuple[int, bool]]:
    """``(step index, is_invocation)`` in time order; at equal times invocations first."""
    events = [(s.invoke, 0, i) for i, s in enumerate(steps)]
    events += [(s.complete, 1, i) for i, s in enumerate(steps) if s.complete is not None]
    events.sort()
    return [(i, kind == 0) for _t, kind, i in events]


def searching(steps: Sequence[Step]) -> Generator[None, None, Outcome]:  # long: the hot loop
    """Find a linearization of one cell's steps, from an empty cell (``None``).

    A generator: it pauses (yields ``None``) every :data:`SLICE` search steps, and
    returns the :class:`Outcome` (as ``StopIteration.value``).

    Args:
        steps: the cell's steps (see :func:`.models.partitions`).
    """
    entries = _entries(steps)
    n = len(entries)
    if n == 0:
        return Outcome(True, (), None, 0)
    head, tail = n, n + 1  # sentinels: entries are 0..n-1
    nxt = [*range(1, n), tail, 0, -1]
    prv = [head, *range(0, n - 1), -1, n - 1]
    step_of = [i for i, _call in entries]
    calls = _calls(steps, entries)
    remaining = n - len(steps)  # completions still to reach
    cache: set[tuple[int, object]] = set()
    stack: list[tuple[int, object]] = []
    state: object = None
    linearized = 0
    best: tuple[int, ...] = ()
    stuck = None
    explored = 0  # steps of the slices done; this slice's are SLICE - budget
    budget = SLICE
    e = nxt[head]
    while remaining:
        budget -= 1
        if not budget:  # a countdown: cheaper than a modulo every step
            budget = SLICE
            explored += SLICE
            yield
        call = calls[e]
        if call is not None:
            c, a, b, bit, r, twin = call
            s = state
            # The model's step, inlined (see models.py for what each code does).
            if c == READ:
                ok, new = (a == s or (s is None and a == "")), s
            elif c == WRITE:
                ok, new = True, a
            elif c == CAS_OK:
                ok, new = a == s, b
            elif c == CAS_FAILED:
                ok, new = a != s, s
            else:  # APPEND
                ok, new = True, (a if s is None else f"{s}{a}")  # a put may have left a number
            if ok and not (twin and not linearized & twin):
                key = (linearized | bit, new)
                if key not in cache:
                    cache.add(key)
                    stack.append((e, state))
                    state, linearized = new, key[0]
                    nxt[prv[e]], prv[nxt[e]] = nxt[e], prv[e]  # lift the invocation
                    if r >= 0:  # ... and its completion
                        nxt[prv[r]], prv[nxt[r]] = nxt[r], prv[r]
                        remaining -= 1
                    e = nxt[head]
                    continue
            e = nxt[e]
            continue
        # A completion: its operation was not linearized in time.
        if len(stack) > len(best) or stuck is None:
            best, stuck = tuple(step_of[x] for x, _s in stack), step_of[e]
        undo = True
        while undo:
            if not stack:
                return Outcome(False, best, stuck, explored + SLICE - budget)
            e, state = stack.pop()
            c, _a, _b, bit, r, _twin = calls[e]  # type: ignore[misc]
            linearized ^= bit
            if r >= 0:  # put the completion back, then the invocation
                nxt[prv[r]] = prv[nxt[r]] = r
                remaining += 1
            nxt[prv[e]] = prv[nxt[e]] = e
            # A step that leaves the state as it is (a read, a failed cas) and was
            # allowed where it was placed could be placed there in any order that works
            # from there: no order does, so undo the choice before it too.
            undo = c in (READ, CAS_FAILED)
        e = nxt[e]
    return Outcome(True, tuple([step_of[x] for x, _s in stack]), None, explored + SLICE - budget)


Call = tuple[int, Any, Any, int, int, int]
"""An invocation as the hot loop reads it: ``(code, a, b, bit, completion entry, twin)``."""


def _calls(steps: Sequence[Step], entries: list[tuple[int, bool]]) -> list[Call | None]:
    """What the search needs of each entry (``None`` for a completion), in one tuple.

    ``twin`` is the bit of the last operation with no answer invoked before this one
    that does the very same thing (0 if none). Such twins can stand in for each other,
    so the search places them in invocation order only: this one not before its twin.
    Any order that places them otherwise has a twin of it that does, with the same
    states (each is placed after its own invocation, and neither has a completion).
    """
    done = {i: e for e, (i, call) in enumerate(entries) if not call}
    last_twin: dict[tuple[int, Any, Any], int] = {}
    calls: list[Call | None] = []
    for i, call in entries:
        if not call:
            calls.append(None)
            continue
        step = steps[i]
        twin = 0
        if step.complete is None:
            what = (step.code, step.a, step.b)
            try:
                twin = last_twin.get(what, 0)
                last_twin[what] = 1 << i
            except TypeError:  # an unhashable value: no twins
                twin = 0
        calls.append((step.code, step.a, step.b, 1 << i, done.get(i, -1), twin))
    return calls


def search_cells(
    cells: Mapping[Any, Sequence[Step]], deadline: float | None = None
) -> tuple[dict[Any, Outcome], int]:
    """Search every cell, a slice of each in turn, until one fails or all succeed.

    Taking turns is why a key-value history with one slow key and one failing key
    fails quickly (Porcupine gets the same by searching the keys in parallel and
    stopping the rest when one fails); the turns count search steps, not time, so the
    answer is the same on every machine.

    Args:
        cells: the steps of each cell, in the order they take turns.
        deadline: a ``time.monotonic()`` instant after which every search still running
            gives up (its outcome's verdict is ``None``).

    Returns:
        The outcome of each cell searched to its end or stopped by the deadline, in the
        order they ended (a failure is the last one; the cells still running when one
        failed have none); and the search steps taken over all cells.
    """
    running = {key: searching(steps) for key, steps in cells.items()}
    progress = dict.fromkeys(cells, 0)
    ended: dict[Any, Outcome] = {}
    while running:
        for key, search in list(running.items()):
            try:
                next(search)
                progress[key] += SLICE
            except StopIteration as stop:
                ended[key] = stop.value
                progress[key] = stop.value.explored
                del running[key]
                if stop.value.linearizable is False:
                    return ended, sum(progress.values())
        if deadline is not None and running and time.monotonic() > deadline:
            for key in running:
                ended[key] = Outcome(None, (), None, progress[key])
            return ended, sum(progress.values())
    return ended, sum(progress.values())
