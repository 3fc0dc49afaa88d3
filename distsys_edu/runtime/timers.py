"""Timers in virtual time: ``ctx.run_later`` and ``ctx.run_interval``.

A timer is an entry on the heap (``TIMER_DUE``). When it comes due, an interval
timer first schedules its next firing (``start + n * every``, so it never
drifts), then its callback runs as the node's code. A timer of a paused node
waits in the node's backlog (``RUN_TIMER``) and runs once on resume, however
many ticks it missed. A crash, stop or restart makes every timer of the old
incarnation stale: it is skipped when it comes up, never searched for.

The timers own no state of their own: a timer is its ``Timer`` object and its
entry in the scheduler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .actor import Timer, TimerCallback
from .entries import RUN_TIMER, TIMER_DUE
from .node import PAUSED, Node

if TYPE_CHECKING:
    from .face import Face


class Timers:
    """Setting, cancelling and firing timers.

    Args:
        sim: the Sim this is a part of (its scheduler, trace writer and lifecycle).
    """

    def __init__(self, sim: Face) -> None:
        self._sim = sim

    def start(
        self, node: Node, callback: TimerCallback, start: float, every: float | None
    ) -> Timer:
        """A timer of ``node`` due at ``start`` (or every ``every`` after it) (World)."""
        timer = Timer(node, callback, start, every, self._sim.now)
        self._sim.scheduler.push(timer.due(), TIMER_DUE, timer)
        return timer

    def cancel(self, timer: Timer) -> None:
        """``ctx.cancel``: the timer stays on the heap and is skipped there (World)."""
        timer.cancelled = True

    def fire(self, timer: Timer) -> None:
        """A timer's due time has come. Interval timers schedule their next firing first."""
        if not timer.active:
            return
        if timer.every is not None:
            timer.fired += 1
            self._sim.scheduler.push(timer.due(), TIMER_DUE, timer)
        node: Node = timer.node  # type: ignore[assignment]  # the Sim's timers have Nodes
        if timer.backlogged or timer.last_run == self._sim.now:
            return  # it waits to run once on resume, or ran overdue just now: that covers it
        if node.status is PAUSED:  # an overdue timer runs once on resume, not once a tick
            timer.backlogged = True
            node.backlog.append((RUN_TIMER, timer))
            return
        self.run(timer)

    def run(self, timer: Timer) -> None:
        """Run ``timer``'s callback now as its node's code (unless it went stale or paused)."""
        timer.backlogged = False
        node: Node = timer.node  # type: ignore[assignment]
        if not timer.active:
            return
        if node.status is PAUSED:  # paused again before its overdue run came up
            timer.backlogged = True
            node.backlog.append((RUN_TIMER, timer))
            return
        timer.last_run = self._sim.now
        if timer.every is None:
            timer.cancelled = True  # a one-shot timer is spent
        self._sim.writer.event("timer", node, None, timer.name)
        self._sim.lifecycle.guarded(node, "timer", timer.name, timer.callback, node.ctx)
