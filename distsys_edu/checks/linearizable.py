"""``linearizable(history, model)``: is there an order that explains what the clients saw?

    >>> from distsys_edu.checks import linearizable
    >>> result = linearizable('''
    ... {:process 0, :type :invoke, :f :write, :value 1}
    ... {:process 1, :type :invoke, :f :read, :value nil}
    ... {:process 0, :type :ok, :f :write, :value 1}
    ... {:process 1, :type :ok, :f :read, :value 2}
    ... ''')
    >>> result.linearizable
    False
    >>> print(result.summary())
    not linearizable (register model, 2 operations, 2 clients)
    no order works by line 5: 1: read() -> 2
    the longest linearizable prefix: 1 operation: 0: write(1)

The history may be a :class:`.History`, a ``Trace`` whose clients recorded one, a path,
or Jepsen's text (see :mod:`.jepsen`); the models are in :mod:`.models`; the search in
:mod:`.linsearch`. A key-value history is checked key by key (a key-value map is
linearizable exactly when each key is: P-compositionality). Draw a result with
``distsys_edu.viz.history(result)``: one lane per client, each operation a bar from
its invocation to its completion, the point where no order works marked.

The time budget is wall-clock seconds (this is a check, not a simulation): when it
runs out, the verdict is ``None``, "unknown", and the summary says so.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from ..runtime.errors import check_time, invalid
from .history import History, Operation
from .jepsen import load_history
from .linsearch import search_cells
from .models import MODELS, partitions
from .violation import Violation


@dataclass(frozen=True)
class LinearizabilityResult:
    """The verdict on a history, and where it fails.

    Attributes:
        linearizable: ``True``; ``False``; or ``None``: the time budget ran out first.
        model: ``"register"`` or ``"kv"``.
        history: the history checked.
        key: the key that fails (or whose check ran out of time); ``None`` for a
            register, or when every key is linearizable.
        ops: the operations of that key (all of a register's): the smallest failing part.
        prefix: on failure, the longest linearizable prefix the search reached, in
            its linearization order; on success, a whole linearization of ``ops``
            (for a ``kv`` history, of the last key checked).
        stuck: on failure, the completed operation that no order reaches in time:
            the point where no order works is its completion.
        timeout: the time budget in seconds, or ``None``.
        seconds: how long the check took (wall clock; not part of the summary).
        explored: how many search steps were taken, over all keys (those stopped
            when another failed included).
    """

    linearizable: bool | None
    model: str
    history: History
    key: Any
    ops: tuple[Operation, ...]
    prefix: tuple[Operation, ...]
    stuck: Operation | None
    timeout: float | None
    seconds: float
    explored: int

    def __bool__(self) -> bool:
        return self.linearizable is True

    def summary(self) -> str:
        """A few lines a learner can read: the verdict, and where it fails."""
        h = self.history
        size = f"{len(h)} operation{'s' * (len(h) != 1)}"
        n_clients = len(h.clients)
        about = f"({self.model} model, {size}, {n_clients} client{'s' * (n_clients != 1)})"
        key = "" if self.key is None else f"key {self.key!r}: "
        if self.linearizable is True:
            return f"linearizable {about}"
        if self.linearizable is None:
            where = "the history" if self.key is None else f"key {self.key!r}"
            return (
                f"unknown {about}: the time budget of {self.timeout} s ran out while "
                f"checking {where}, after {self.explored} search steps; give a larger timeout"
            )
        stuck = self.stuck
        where = stuck.done_where if stuck is not None and stuck.done_where else "its completion"
        prefix = ", ".join(_label(self.history, op) for op in self.prefix[:6])
        more = ", ..." if len(self.prefix) > 6 else ""
        n = len(self.prefix)
        return (
            f"not linearizable {about}\n"
            f"{key}no order works by {where}: {_label(self.history, stuck)}\n"
            f"the longest linearizable prefix: {n} operation{'s' * (n != 1)}"
            f"{': ' if n else ''}{prefix}{more}"
        )

    __str__ = summary

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``: the verdict, the failing key, prefix and point."""
        return {
            "linearizable": self.linearizable,
            "model": self.model,
            "operations": len(self.history),
            "clients": len(self.history.clients),
            "key": self.key,
            "stuck": None if self.stuck is None else _label(self.history, self.stuck),
            "prefix": [_label(self.history, op) for op in self.prefix],
            "timeout": self.timeout,
            "seconds": self.seconds,
            "summary": self.summary(),
        }


def _label(history: History, op: Operation | None) -> str:
    """``3: read() -> 2``: the operation's index in the history and what it did."""
    if op is None:
        return "?"
    return f"{history.index(op)}: {op.describe()}"


def linearizable(
    history: Any, model: str = "register", timeout: float | None = None
) -> LinearizabilityResult:
    """Check that ``history`` is linearizable for ``model``.

    Args:
        history: a :class:`.History`, a ``Trace`` with client records, a path to a
            history file, or the text of one (EDN maps or ``jepsen.util`` log lines).
        model: ``"register"`` (``read``/``write``/``cas``) or ``"kv"``
            (``get``/``put``/``append``/``cas`` per key).
        timeout: a budget in wall-clock seconds for the whole check, or ``None`` for
            no limit; when it runs out the verdict is ``None`` (unknown).

    Returns:
        The :class:`LinearizabilityResult`.

    Raises:
        InvalidArgument: an unknown model, a timeout that is not a positive number,
            or a history that cannot be read (a ``HistoryError`` naming the line).
    """
    if model not in MODELS:
        raise invalid("model", model, f"must be one of {MODELS}")
    if timeout is not None:
        timeout = check_time("timeout", timeout, positive=True)
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    h = load_history(history)
    cells = partitions(h.ops, model)
    ordered = {key: cells[key] for key in sorted(cells, key=_sort_key)}
    outcomes, explored = search_cells(ordered, deadline)
    verdicts = [o.linearizable for o in outcomes.values()]
    verdict = False if False in verdicts else None if None in verdicts else True
    found: tuple[Any, tuple[int, ...], tuple[int, ...], int | None] = (None, (), (), None)
    for key, outcome in outcomes.items():
        if outcome.linearizable is verdict:
            steps = ordered[key]
            found = (
                key,
                tuple(s.op for s in steps),
                tuple(steps[i].op for i in outcome.order),
                None if outcome.stuck is None else steps[outcome.stuck].op,
            )
            if verdict is not True:
                break
    key, ops, prefix, stuck = found
    return LinearizabilityResult(
        linearizable=verdict,
        model=model,
        history=h,
        key=None if verdict is True else key,
        ops=tuple(h.ops[i] for i in ops) if verdict is not True or len(cells) == 1 else h.ops,
        prefix=tuple(h.ops[i] for i in prefix),
        stuck=None if stuck is None else h.ops[stuck],
        timeout=timeout,
        seconds=time.monotonic() - started,
        explored=explored,
    )


def _sort_key(key: Any) -> tuple[str, str]:
    """Keys in a fixed order whatever their types (never by hash)."""
    if isinstance(key, float) and math.isnan(key):
        return ("float", "nan")
    return (type(key).__name__, repr(key))


def history_linearizable(
    trace: Any, model: str = "kv", timeout: float | None = None
) -> list[Violation]:
    """The clients' history in ``trace`` as an invariant for ``explore``: no violation
    when it is linearizable; one, at the completion where no order works, when not.

    A check that runs out of its ``timeout`` (wall-clock seconds) is not a violation
    (the verdict is unknown, not "broken"); give no timeout to always decide.

    Args:
        trace: a trace whose clients recorded a history (``record_op``).
        model: as :func:`linearizable`.
        timeout: as :func:`linearizable`.
    """
    result = linearizable(History.from_trace(trace), model, timeout)
    if result.linearizable is not False:
        return []
    stuck = result.stuck
    at = stuck.complete if stuck is not None and stuck.complete is not None else 0.0
    client = () if stuck is None else (str(stuck.client),)
    detail = result.summary().replace("\n", "; ")
    return [Violation("history_linearizable", at, client, detail)]
