"""The scheduler answers "what is next" in the order one heap of ``(time, seq)`` would.

Entries go on its heap (``push``, ``push_late``, ``push_first``) or, for messages on
one constant delay, in its FIFO (``push_arrival``, times never decreasing). ``pop``
takes the earlier front; whatever the mix, the entries come off in ``(time, seq)``
order, ``next_time`` names the time of the next one, and nothing is lost.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.runtime.entries import ARRIVE, CALL
from distsys_edu.runtime.scheduler import Scheduler

# One operation: ("heap" | "late" | "fifo" | "first" | "advance", a time step >= 0)
OPS = st.lists(
    st.tuples(
        st.sampled_from(["heap", "late", "fifo", "first", "advance"]),
        st.sampled_from([0.0, 0.0, 0.5, 1.0, 2.5]),
    ),
    max_size=60,
)


def fill(ops: list[tuple[str, float]]) -> Scheduler:
    """A scheduler after ``ops``; the FIFO's times never decrease, as the transport's."""
    scheduler = Scheduler()
    last_arrival = 0.0
    for number, (op, step) in enumerate(ops):
        if op == "advance":  # the clock may only reach what is next
            ahead = scheduler.next_time()
            if ahead is not None:
                scheduler.now = ahead
        elif op == "heap":
            scheduler.push(scheduler.now + step, CALL, number)
        elif op == "late":
            scheduler.push_late(scheduler.now + step, CALL, number)
        elif op == "fifo":
            last_arrival = max(last_arrival, scheduler.now + step)
            scheduler.push_arrival(last_arrival, ARRIVE, number)
        else:
            scheduler.push_first([(CALL, number), (CALL, -number)])
    return scheduler


@settings(max_examples=300, deadline=None)
@given(ops=OPS)
def test_pop_takes_entries_in_the_order_of_one_heap(ops: list[tuple[str, float]]) -> None:
    scheduler = fill(ops)
    expected = sorted(scheduler.future())
    taken = []
    while scheduler:
        ahead = scheduler.next_time()
        entry = scheduler.pop()
        assert entry is not None and entry[0] == ahead
        taken.append(entry)
    assert taken == expected
    assert scheduler.pop() is None and scheduler.next_time() is None


@settings(max_examples=100, deadline=None)
@given(ops=OPS, latest=st.sampled_from([0.0, 0.5, 1.0, 3.0]))
def test_merging_the_fifo_into_the_heap_keeps_the_order(
    ops: list[tuple[str, float]], latest: float
) -> None:
    """A shorter constant delay moves the FIFO onto the heap; the order stays that of one heap."""
    scheduler = fill(ops)
    expected = sorted(scheduler.future())
    scheduler.merge_fifo_after(latest)
    assert not scheduler.fifo or scheduler.fifo[-1][0] <= latest
    taken = []
    while (entry := scheduler.pop()) is not None:
        taken.append(entry)
    assert taken == expected
