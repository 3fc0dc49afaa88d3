"""The kinds of entry on the Sim's event heap.

An entry is ``(time, seq, kind, item)``. ``seq`` grows by one for every entry,
so entries at the same time run in the order they were scheduled and the heap
never compares items.
"""

ARRIVE = 0  # item: an envelope reaching the far end of its link
ACCEPT = 1  # item: an envelope handed to its node (self-sends, a paused node's backlog)
TIMER_DUE = 2  # item: a Timer whose due time has come
RUN_TIMER = 3  # item: an overdue Timer of a node that was paused, run on resume
CALL = 4  # item: a zero-argument callable (faults, starts, resumes, timeouts)
