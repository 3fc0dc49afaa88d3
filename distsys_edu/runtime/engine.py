"""The engine: the event loop, and ``run``, ``run_for`` and ``step`` around it.

``Engine._loop`` is the whole engine. It takes the earliest entry (off the
heap or the FIFO, see ``entries.py``), moves the clock to it, and acts on it by
kind: a timer fires, a call runs, a message is delivered to its handler.
``run(until=t)`` is the loop with a limit, ``step()`` is the loop on a queue of
one entry.
"""

from __future__ import annotations

import gc
import heapq
import math
import sys
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

from .address import Reply
from .entries import ACCEPT, ARRIVE, CALL, RUN_TIMER, TIMER_DUE, Entry
from .errors import ClockStuckError, InvalidArgument, check_time, invalid
from .interrupts import InterruptShield
from .lifecycle import Lifecycle
from .node import UP
from .trace import DELIVER, ROW
from .transport import Transport

if TYPE_CHECKING:
    from .face import Face

GEN2_THRESHOLD_IN_RUN = 1000
"""The collector's generation-2 threshold while the loop runs (Python's default: 10).

A full trace keeps every message alive, and each full collection rescans all of
them, so a long run paid more per event the longer it went. While the loop runs,
a full collection waits for 1000 generation-1 collections instead of 10 (about
7 million surviving allocations with the default thresholds); the young
generations are collected as usual, so short-lived cycles are still freed at
once. The thresholds in force before the run are put back when it ends.
"""


@contextmanager
def fewer_full_collections() -> Iterator[None]:
    """Within the block, full collections wait as they do while the loop runs.

    For spawning a large cluster: each node is a few dozen objects that all live
    on, so every full collection rescanned all nodes spawned so far; 100,000 Raft
    nodes took three times as long as with the collector off. The thresholds in
    force before are put back at the end.
    """
    young, older, oldest = thresholds = gc.get_threshold()
    gc.set_threshold(young, older, max(oldest, GEN2_THRESHOLD_IN_RUN))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _describe(kind: int, item: Any) -> str:
    """What a heap entry will do, for an error message: ``node 'a' gets Tick``."""
    if kind <= ACCEPT:
        return f"node {item[2].name!r} gets {type(item[3]).__name__}"
    if kind == CALL:
        return f"the runtime's {getattr(item, '__name__', 'call')}"
    return f"node {item.node.name!r} runs timer {item.name}"


class Engine:
    """The clock moves only here: take the next entry, advance, act.

    Ctrl-C during a run is taken only between two entries or inside the actor's
    code, never inside the runtime's own steps (see ``interrupts.py``), and a loop
    that was left without its cleanup all the same (an exception where CPython's
    exception table has a gap: the ``NOP`` of a ``try`` inside the loop) is
    noticed and cleaned up by the next ``run`` or ``step``.

    Args:
        sim: the Sim this is a part of (it drives every other part).
        max_events_per_instant: as for ``Sim``, already checked.

    Attributes:
        running: whether the loop runs now (a handler's code is inside a run).
        events_now: how many events ran at ``now`` so far.
        max_events_per_instant: as given.
    """

    def __init__(self, sim: Face, max_events_per_instant: int) -> None:
        self._sim = sim
        self.max_events_per_instant = max_events_per_instant
        self.running = False
        self.events_now = 0
        self._gc_thresholds = (0, 0, 0)  # the collector's, before the current run
        self._shield = InterruptShield(HANDOVER)
        self._loop_frame: FrameType | None = None  # the frame of the running loop

    def run(self, until: float | None = None) -> None:
        """Run events in time order up to and including virtual time ``until``.

        Afterwards ``now == until``. Without ``until`` it runs until nothing is
        left to do (which never happens while a ``run_interval`` timer lives).

        Raises:
            InvalidArgument: ``until`` is not a finite time >= ``now``, or
                ``run`` was called from inside the simulation.
            ClockStuckError: more than ``max_events_per_instant`` events ran at
                one instant; the Sim stays usable (fix the loop, run on).
        """
        scheduler = self._sim.scheduler
        if until is None:
            self._loop(scheduler.heap, scheduler.fifo, math.inf)
            return
        allowed = f"must be a finite time >= now ({self._sim.now!r})"
        try:
            end = check_time("until", until)
        except InvalidArgument:
            raise invalid("until", until, allowed) from None
        if end < self._sim.now:
            raise invalid("until", until, allowed)
        self._run_until(end)

    def run_for(self, duration: float) -> None:
        """Run for ``duration`` more seconds of virtual time (``run(now + duration)``).

        Raises:
            InvalidArgument: ``duration`` is not a finite number >= 0, or
                ``now + duration`` is too large for a float.
        """
        end = self._sim.now + check_time("duration", duration)
        if not math.isfinite(end):
            allowed = f"must keep now + duration finite (now={self._sim.now!r})"
            raise invalid("duration", duration, allowed)
        self._run_until(end)

    def _run_until(self, end: float) -> None:
        scheduler = self._sim.scheduler
        self._loop(scheduler.heap, scheduler.fifo, end)
        self._sim.trace.end = end  # the checks measure up to here
        if end != scheduler.now:
            scheduler.now = end
            self.events_now = 0

    def step(self) -> bool:
        """Run the single next event; ``False`` if there was none. The engine, in short.

        Take the next entry from the scheduler, move the clock to it, act on it.
        ``run`` does the same, written out for speed (``_loop``); a test checks
        that running and stepping give the same trace.

        Raises:
            InvalidArgument: called from inside the simulation (a handler or a
                timer); nothing is taken off the scheduler then.
        """
        self.refuse_nesting("step")
        scheduler = self._sim.scheduler
        if not scheduler:
            return False
        self._begin_loop()  # Ctrl-C waits until the entry is acted on (interrupts.py)
        start, ran = scheduler.now, 0
        try:
            entry = scheduler.pop()
            assert entry is not None  # checked above
            t, _, kind, item = entry
            scheduler.now, ran = t, 1
            self._dispatch(kind, item)
        finally:
            self._end_loop(ran, clock_moved=scheduler.now != start)
        return True

    def _dispatch(self, kind: int, item: Any) -> None:
        """Act on an entry just taken, at ``now``: a timer fires, a call runs, a message arrives."""
        sim = self._sim
        if kind == TIMER_DUE:
            sim.timers.fire(item)
        elif kind == RUN_TIMER:
            sim.timers.run(item)
        elif kind == CALL:
            item()
        elif kind == ACCEPT or sim.transport.arrive(item):  # an ARRIVE may be cut or parked
            sim.transport.deliver(item)

    def run_entry(self, entry: Entry) -> None:
        """Run one entry, taken off the scheduler by the caller, at its time (controlled mode)."""
        self._loop([entry], deque(), math.inf)

    def _loop(  # long: the hot path, inlined
        self, heap: list[Entry], fifo: deque[Entry], limit: float
    ) -> None:
        """The event loop: run the entries of ``heap`` and ``fifo`` with time <= ``limit``.

        Take the earlier front, advance the clock, act. A message's delivery is
        written out here: a call per message would cost more than the delivery.
        Events at one instant are counted while the clock stands still
        (``_stuck``). Whatever escapes leaves the Sim consistent: an entry taken
        but not acted on goes back (onto the heap, which orders anything). A
        deferred Ctrl-C (``pending``) is taken once an entry is in hand, so that
        it goes back. ``step`` and ``_dispatch`` say the same in short.
        """
        self._begin_loop()
        sim = self._sim  # every part, read once: locals cost less than attributes
        scheduler, writer, transport = sim.scheduler, sim.writer, sim.transport
        lifecycle = sim.lifecycle
        timers, outside, net = sim.timers, lifecycle.outside, transport.network
        pop, popleft = heapq.heappop, fifo.popleft
        full, kind_counts = writer.full, writer.kind_counts
        add_row, add_object, pack_row = writer.add_row, writer.add_object, ROW.pack
        now, most, same, entry = scheduler.now, self.max_events_per_instant, 0, None
        start, pending = now, self._shield.pending
        try:
            while True:  # each entry is read before it is taken: an interrupt cannot lose it
                if fifo:  # Scheduler.pop, written out for speed
                    entry = fifo[0]
                    if heap and heap[0] < entry:
                        entry = heap[0]
                        pop(heap)
                    else:
                        popleft()
                elif heap:
                    entry = heap[0]
                    pop(heap)
                else:
                    break
                if pending:  # Ctrl-C came during the runtime's own work: take it now
                    self._shield.take()
                t, _, kind, item = entry
                if t == now:  # the clock stands still: count
                    same += 1
                    if same > most:
                        self._stuck(entry, most)
                elif t > limit:  # one entry too far: put it back (once per run)
                    scheduler.put_back(entry)
                    entry = None
                    break
                else:
                    scheduler.now = now = t
                    same = 1
                if kind > ACCEPT:  # not a message: a timer or a call
                    entry = None
                    if kind == TIMER_DUE:
                        timers.fire(item)
                    elif kind == RUN_TIMER:
                        timers.run(item)
                    else:
                        item()
                    continue
                if kind == ARRIVE and (net.blocked or net.held) and not transport.arrive(item):
                    entry = None  # cut or parked on the way in
                    continue
                msg_id, src, dst, msg, request_id = item
                if dst.status is not UP:
                    entry = None
                    transport.not_up(item)
                    continue
                kind_counts[DELIVER] += 1
                entry = None  # delivered: handled from here on, even if interrupted
                if full:  # TraceWriter.message, inlined for speed
                    add_row(pack_row(t, DELIVER | src.out_code | dst.in_code, msg_id, math.nan))
                    add_object(msg)
                handler = dst.handlers.get(type(msg))
                if handler is None:  # a reply, or the first message of its type here
                    if type(msg) is Reply:  # the runtime's own: the requester's callback
                        transport.on_reply(dst, msg)
                        continue
                    handler = transport.find_handler(dst, msg)
                    if handler is None:  # no handler for its type: a recorded failure
                        continue
                transport.current = dst
                try:
                    result = handler(msg, dst.ctx)
                except Exception as exc:
                    transport.current = outside
                    lifecycle.fail(dst, "handler", type(msg).__name__, exc)
                    continue
                if request_id:
                    transport.reply(src, request_id, result)
                transport.current = outside
        except BaseException:
            if entry is not None:  # taken off the heap, not acted on: it goes back
                scheduler.put_back(entry)
                same -= 1
            raise
        finally:
            self._end_loop(same, clock_moved=now != start)

    def _begin_loop(self) -> None:
        """Refuse a nested run; remember where this run's failures begin; full GC less often.

        The shield takes SIGINT first, so that a Ctrl-C cannot leave the running
        flag set; anything else that cuts this short leaves the flag for the next
        run's check, which cleans up.
        """
        self.refuse_nesting("run")
        self._gc_thresholds = young, older, oldest = gc.get_threshold()  # before the flag
        self._shield.install()
        self.running = True
        lifecycle = self._sim.lifecycle
        lifecycle.failures_before_run = len(lifecycle.failures)
        gc.set_threshold(young, older, max(oldest, GEN2_THRESHOLD_IN_RUN))
        self._loop_frame = sys._getframe(1)

    def _end_loop(self, same: int, *, clock_moved: bool) -> None:
        """The loop is left (normally or not): the outside is the sender again.

        Idempotent up to the running flag, which is cleared last but for the
        shield: if this is cut short, the next run's check finds the flag and calls
        it again. A Ctrl-C deferred until here is taken at the end.

        Args:
            same: events this loop ran at the instant where it stopped.
            clock_moved: whether that instant is later than where it began.
        """
        self._sim.transport.current = self._sim.lifecycle.outside
        gc.set_threshold(*self._gc_thresholds)
        self.events_now = same if clock_moved else self.events_now + same
        self._loop_frame = None
        self.running = False
        self._shield.uninstall()
        self._sim.lifecycle.warn_failure_count()
        self._shield.take()

    def refuse_nesting(self, what: str) -> None:
        """Refuse a run inside a run; clean up after a loop that left without doing so."""
        if not self.running:
            return
        frame: FrameType | None = sys._getframe(1)
        while frame is not None:
            if frame is self._loop_frame:
                raise InvalidArgument(
                    f"{what}() was called from inside the simulation (a handler or timer); "
                    "it cannot nest: call it from outside the actors"
                )
            frame = frame.f_back
        self._shield.pending.clear()  # that interrupt was taken: it is what ended the loop
        self._end_loop(0, clock_moved=False)

    def _stuck(self, entry: Entry, most: int) -> None:
        """Raise ``ClockStuckError`` naming what keeps running at ``entry``'s instant."""
        t = entry[0]
        due = Counter(
            _describe(kind, item)
            for at, _, kind, item in [entry, *self._sim.scheduler.future()]
            if at == t
        )
        looping = "; ".join(f"{what} (x{count})" for what, count in due.most_common(3))
        raise ClockStuckError(
            f"virtual time is stuck at t={t!r}: {most} events ran at this one instant "
            f"and more are due ({looping}), so the run stopped "
            f"(max_events_per_instant={most}). Something schedules itself at the same "
            "instant again and again: a node that sends to itself in every handler, or "
            "ctx.run_later(0, ...) that sets itself again. Give the loop a delay (a "
            "timer with a positive interval), or raise Sim(max_events_per_instant=...) "
            "if so many events at once are intended. Nothing was lost: fix it "
            "(for example sim.crash(...)) and run on."
        )


HANDOVER = frozenset(
    {
        Engine._loop.__code__,
        Transport.deliver.__code__,
        Lifecycle.guarded.__code__,
        Lifecycle.make_actor.__code__,
    }
)
"""The runtime's functions that call actor code (a handler, a hook, a factory)."""
