"""The kinds of entry in the Sim's future: its event heap and its FIFO.

An entry is ``(time, seq, kind, item)``. ``seq`` grows by one for every entry,
so entries at the same time run in the order they were scheduled and the heap
never compares items.

Messages on a plain network all take the one constant delay, so they arrive
in the order they were sent: they wait in a FIFO beside the heap (``Scheduler.fifo``),
which costs a fraction of a heap push and pop. The engine takes whichever of
the two fronts is earlier by ``(time, seq)``, so the order is the same as with
one heap.
"""

from typing import Any

Entry = tuple[float, int, int, Any]
"""A scheduled entry: ``(time, seq, kind, item)``."""

ARRIVE = 0  # item: an envelope reaching the far end of its link
ACCEPT = 1  # item: an envelope handed to its node (self-sends, a paused node's backlog)
TIMER_DUE = 2  # item: a Timer whose due time has come
RUN_TIMER = 3  # item: an overdue Timer of a node that was paused, run on resume
CALL = 4  # item: a zero-argument callable (faults, starts, resumes, timeouts)
