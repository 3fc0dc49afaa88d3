"""What happens when a handler raises.

A handler, timer callback or ``started`` that raises is recorded in
``sim.failures`` and in the trace; it never vanishes. Then:

* ``Sim(strict=True)``: the exception is re-raised out of ``run``/``step``
  (for tests that want the first bug to stop everything).
* the node has a :class:`Supervisor`: the actor restarts the Actix way. The
  *same* instance is kept (its fields survive), every timer and pending request
  of the old context is cancelled, ``restarting(ctx)`` then ``started(ctx)`` run
  with a fresh context. More than ``max_restarts`` restarts within ``within``
  seconds of virtual time means the fault is not transient: the node crashes.
* otherwise the node crashes, as a process with an uncaught exception would.

Either way the rest of the simulation runs on.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .errors import check_time, invalid


@dataclass(frozen=True)
class Supervisor:
    """Restart policy for one node.

    Args:
        max_restarts: restarts allowed within any window of ``within`` seconds.
        within: the window's length in virtual seconds.
    """

    max_restarts: int = 3
    within: float = 60.0

    def __post_init__(self) -> None:
        if isinstance(self.max_restarts, bool) or not isinstance(self.max_restarts, int):
            raise invalid("max_restarts", self.max_restarts, "must be an int >= 0")
        if self.max_restarts < 0:
            raise invalid("max_restarts", self.max_restarts, "must be an int >= 0")
        check_time("within", self.within, positive=True)

    def allows_restart(self, restart_times: list[float], now: float) -> bool:
        """Whether one more restart at ``now`` stays within the limit."""
        recent = [t for t in restart_times if now - t < self.within]
        return len(recent) < self.max_restarts


class HandlerFailureWarning(UserWarning):
    """Warned when a handler, timer or hook fails and the run goes on.

    The first failure of each run is warned with its node, time, what ran and
    the error; a run with more ends with a one-line count. Filter it like any
    warning: ``warnings.simplefilter("ignore", HandlerFailureWarning)``, or use
    :func:`failures_reported_elsewhere`.
    """


@contextmanager
def failures_reported_elsewhere() -> Iterator[None]:
    """Silence :class:`HandlerFailureWarning` inside, as a ``with`` block or a decorator.

    For tools that run many Sims and report ``sim.failures`` themselves (exploration,
    exercise checks, the playground), so that the learner reads each failure once.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HandlerFailureWarning)
        yield


@dataclass(frozen=True)
class Failure:
    """One exception raised by a learner's (or our) code inside the simulation.

    Attributes:
        t: virtual time it happened.
        node: the node whose code raised.
        during: ``"handler"``, ``"timer"``, ``"started"``, ``"stopped"``,
            ``"restarting"`` or ``"reply"``.
        what: the message type or callback name being run.
        error: ``"TypeName: message"`` of the exception.
        outcome: ``"crashed"``, ``"restarted"`` or ``"raised"`` (strict mode).
        traceback: the formatted traceback, for reading in a notebook.
    """

    t: float
    node: str
    during: str
    what: str
    error: str
    outcome: str
    traceback: str = ""

    def __str__(self) -> str:
        return f"t={self.t:g} {self.node} {self.during} {self.what}: {self.error} -> {self.outcome}"
