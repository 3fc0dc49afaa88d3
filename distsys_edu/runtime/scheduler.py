"""The scheduler: the Sim's clock and its future, owned in one place.

Everything that will happen is an entry ``(time, seq, kind, item)`` (kinds in
``entries.py``) on one heap or, for a message on the one constant delay of a
plain network, in a FIFO in arrival order (such messages arrive in the order
they are sent, and a FIFO costs a fraction of a heap push and pop). ``seq``
grows by one for every entry, so entries at one virtual time run in the order
they were scheduled and the heap never compares two items.

The clock (``now``) lives here and moves only when the engine takes an entry
(``Engine._loop`` or ``Engine.step``) or a run ends at its ``until``.
``pop`` answers "what is next": the earlier front of the heap and the FIFO by
``(time, seq)``, so the order is the one a single heap would give. The engine's
hot loop writes the same choice out for speed; a test runs both and compares.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from typing import Any

from .entries import Entry

LATE = 1 << 62
"""Added to an entry's ``seq`` by ``push_late``: it runs after the rest of its instant."""


class Scheduler:
    """The clock and every entry still to come.

    Attributes:
        now: the virtual time in seconds (the Sim's ``now``).
        heap: entries in ``(time, seq)`` order (``heapq``).
        fifo: arrivals on the one constant delay, in arrival order (already sorted).
        next_seq: the next sequence number (a counter's ``__next__``).
    """

    # No __slots__: CPython 3.11 reads and writes these a few percent faster from an
    # instance dict, and the loop writes ``now`` on every event that moves the clock.

    def __init__(self) -> None:
        self.now = 0.0
        self.heap: list[Entry] = []
        self.fifo: deque[Entry] = deque()
        self.next_seq = itertools.count().__next__
        self._first_seq = 0  # push_first counts down from here

    def __bool__(self) -> bool:
        """Whether anything is scheduled."""
        return bool(self.heap or self.fifo)

    # -- the future ------------------------------------------------------------

    def push(self, t: float, kind: int, item: Any) -> None:
        """Schedule ``item`` at virtual time ``t``, after everything scheduled so far for ``t``."""
        heapq.heappush(self.heap, (t, self.next_seq(), kind, item))

    def push_arrival(self, t: float, kind: int, item: Any) -> None:
        """Schedule ``item`` at ``t`` in the FIFO: ``t`` must be the latest time there.

        For messages on the one constant delay, which arrive in the order they
        are sent (``Transport.send`` writes this out for speed).
        """
        self.fifo.append((t, self.next_seq(), kind, item))

    def push_late(self, t: float, kind: int, item: Any) -> None:
        """Schedule ``item`` at ``t`` after everything else that will be due at ``t``."""
        heapq.heappush(self.heap, (t, LATE + self.next_seq(), kind, item))

    def push_first(self, entries: list[tuple[int, Any]]) -> None:
        """Schedule ``(kind, item)`` pairs now, in order, before all else still due now.

        What waited (a paused node's backlog, a held link's messages) got there
        before anything else due at this instant, so it runs first: one link's
        messages stay in order. Their ``seq`` counts down from -1, below every
        ordinary entry.
        """
        base = self._first_seq - len(entries)
        self._first_seq = base
        for offset, (kind, item) in enumerate(entries):
            heapq.heappush(self.heap, (self.now, base + offset, kind, item))

    def put_back(self, entry: Entry) -> None:
        """Return an entry taken but not acted on (the heap orders anything)."""
        heapq.heappush(self.heap, entry)

    def merge_fifo_after(self, latest: float) -> None:
        """Move the FIFO to the heap if an entry there is due after ``latest``.

        After the constant delay got shorter, a message sent now would arrive
        before some already in the FIFO; the heap orders them all.
        """
        fifo = self.fifo
        if fifo and fifo[-1][0] > latest:
            for entry in fifo:
                heapq.heappush(self.heap, entry)
            fifo.clear()

    # -- what is next ----------------------------------------------------------

    def pop(self) -> Entry | None:
        """Take the next entry off: the earlier front of the heap and the FIFO (``None``: none)."""
        heap, fifo = self.heap, self.fifo
        if fifo and (not heap or fifo[0] < heap[0]):
            return fifo.popleft()
        return heapq.heappop(heap) if heap else None

    def next_time(self) -> float | None:
        """The virtual time of the next entry, or ``None`` if nothing is scheduled."""
        fronts = [queue[0][0] for queue in (self.heap, self.fifo) if queue]
        return min(fronts, default=None)

    def future(self) -> list[Entry]:
        """Every scheduled entry (heap and FIFO), in no particular order: for reading."""
        return [*self.heap, *self.fifo]

    def remove(self, entry: Entry) -> None:
        """Take ``entry`` out of the future, wherever it is (controlled mode's choice)."""
        if entry in self.fifo:
            self.fifo.remove(entry)
            return
        self.heap.remove(entry)
        heapq.heapify(self.heap)
