"""Ctrl-C during a run, taken only where it splits nothing.

Python raises ``KeyboardInterrupt`` between any two bytecodes. Taken inside the
runtime's own bookkeeping it would split one step in two: a trace row without
its object, a send counted but never queued, an entry taken off the heap and
lost. While a run goes on (``Engine._loop``), an :class:`InterruptShield`
handles SIGINT instead, and looks at where the program is:

* in the actor's code (a handler, a timer callback, a factory: any code the
  runtime handed control to, however deep): it is taken at once, as usual. An
  endless ``while True`` in a handler can always be stopped, and the runtime's
  step around that call is already whole (the delivery is recorded; a handler
  that raises is how a run ends anyway).
* in the runtime's own code (``distsys_edu/runtime``: the loop, a send, a
  record, a crash...): it is deferred. The loop takes it before its next entry,
  and the end of the run takes it if the loop ended first: so each record and
  each send is one step.

Control is handed to actor code only by the functions in ``handover`` (the
loop's handler call, ``step``'s in ``Transport.deliver``, ``Lifecycle.guarded``,
the actor factory's call): an interrupt lands in actor code when the innermost
runtime frame around it is one of those, calling out. Everything else those
functions call must be runtime code (``Transport.reply`` exists for that reason).

The shield is installed only in the main thread (the only one Python delivers
signals to), and only over a handler that raises (``default_int_handler``, or
one of the program's own, which it calls in its turn); over ``SIG_IGN`` (a
worker process of ``jobs``) or ``SIG_DFL`` nothing changes.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any

RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
"""Frames of code in this folder are the runtime's own."""

Handler = Callable[[int, FrameType | None], Any]


class InterruptShield:
    """SIGINT deferred out of the runtime's code while a run goes on.

    Args:
        handover: the code objects of the runtime's functions that call actor code.

    Attributes:
        pending: non-empty when an interrupt waits; the loop reads it as a local
            (``if pending:`` costs next to nothing per event).
    """

    def __init__(self, handover: frozenset[CodeType]) -> None:
        self.pending: list[int] = []
        self._handover = handover
        self._wrapped: Handler | None = None  # the handler in force before install
        self._installed = False

    def install(self) -> None:
        """Handle SIGINT from now (main thread, over a handler that raises; else nothing)."""
        if self._installed or threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGINT)
        if callable(previous):
            self._wrapped = previous
            signal.signal(signal.SIGINT, self._on_sigint)
            self._installed = True

    def uninstall(self) -> None:
        """Give SIGINT back to the handler in force before :meth:`install`."""
        if self._installed and self._wrapped is not None:
            signal.signal(signal.SIGINT, self._wrapped)
        self._installed = False

    def take(self) -> None:
        """Act on a deferred interrupt now (the caller is at a safe point): usually raise."""
        if not self.pending:
            return
        signum = self.pending[0]
        self.pending.clear()
        if self._wrapped is None:
            raise KeyboardInterrupt
        self._wrapped(signum, sys._getframe(1))

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        if self._in_runtime(frame):
            self.pending.append(signum)
        elif self._wrapped is not None:
            self._wrapped(signum, frame)

    def _in_runtime(self, frame: FrameType | None) -> bool:
        """Whether ``frame`` runs the runtime's own code, not code it handed control to."""
        inner = None
        while frame is not None:
            code = frame.f_code
            if code.co_filename.startswith(RUNTIME_DIR):
                return not (inner is not None and code in self._handover)
            inner, frame = frame, frame.f_back
        return False
