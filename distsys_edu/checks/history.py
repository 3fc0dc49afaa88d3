"""Histories: what clients asked of a service and what they were told, in real time.

A history is a list of :class:`Operation`: a client (Jepsen's *process*), a function
``f`` (``read``/``write``/``cas`` on a register; ``get``/``put``/``append``/``cas`` on a
key-value store, with a ``key``), its arguments, the time it was invoked, and either the
time it completed with its result, or ``complete=None``: no answer came (a timeout,
Jepsen's ``:info``), so it may have taken effect at any time after its invocation, or
never.

Histories are built from *records*, one per invocation or completion, paired per
client (a client has at most one operation open, as in Jepsen):

* ``ok``: the operation completed; the record's value is the result (the value read;
  for ``cas``, ``True``, or Jepsen's echo of the arguments, which means ``True``);
* ``fail``: it certainly did not take effect. A failed ``cas`` is kept as a ``cas``
  that returned ``False`` (its compare failed: what Jepsen's register tests and
  Porcupine mean by it); any other failed operation is left out, as if never invoked;
* ``info``: no answer; the operation stays open for ever (``complete=None``).

An invocation still open at the end of the records is open for ever too.

Where records come from: a Sim trace (:meth:`History.from_trace`, what a client records
with :func:`distsys_edu.protocols.history.record_op`) or Jepsen's text formats
(:mod:`.jepsen`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..protocols.history import HISTORY_KEY, RECORD_TYPES
from ..runtime import InvalidArgument, Trace


class HistoryError(InvalidArgument):
    """A history that cannot be read: names where (the line or event) and what is wrong."""


@dataclass(frozen=True)
class Operation:
    """One operation of a history, from its invocation to its completion.

    Attributes:
        client: who invoked it (a Jepsen process number, or a client node's name).
        f: the function: ``read``, ``write``, ``cas``, ``get``, ``put`` or ``append``.
        value: its arguments (``None`` for a read; a ``(from, to)`` pair for ``cas``).
        key: the key it touches, for a key-value store (``None`` for a register).
        invoke: when it was invoked (seconds; for text without times, the line number).
        complete: when the answer came, or ``None`` if none came (a timeout).
        result: the answer: the value read, ``True``/``False`` for ``cas``, else ``None``.
        where: where its invocation was read (``"line 12"``, ``"event 340"``), for messages.
        done_where: where its completion was read (``""`` if none was).
    """

    client: Any
    f: str
    value: Any = None
    key: Any = None
    invoke: float = 0.0
    complete: float | None = None
    result: Any = None
    where: str = field(default="", compare=False)
    done_where: str = field(default="", compare=False)

    @property
    def timed_out(self) -> bool:
        """No answer came: it may have taken effect after its invocation, or never."""
        return self.complete is None

    def describe(self) -> str:
        """``put('k', 'x')``, ``read() -> 3``, ``cas(1, 4) -> ?`` (``?``: no answer)."""
        args = [] if self.key is None else [repr(self.key)]
        if self.f == "cas" and isinstance(self.value, tuple) and len(self.value) == 2:
            args += [repr(self.value[0]), repr(self.value[1])]
        elif self.value is not None:
            args.append(repr(self.value))
        text = f"{self.f}({', '.join(args)})"
        if self.timed_out:
            return text + " -> ?"
        if self.f in ("read", "get", "cas"):
            return f"{text} -> {self.result!r}"
        return text


@dataclass(frozen=True)
class Record:
    """One invocation or completion, before pairing (see :meth:`History.from_records`)."""

    client: Any
    type: str
    f: str
    value: Any
    key: Any
    time: float
    where: str


@dataclass(frozen=True)
class History:
    """A sequence of operations in invocation order.

    Attributes:
        ops: the operations.
        source: where the history came from, for summaries (a path, ``"trace"``...).
        clock: what the times count: ``"seconds"``, or ``"line"`` for text that
            gives no times (the times are then line numbers: an order, not a duration).
    """

    ops: tuple[Operation, ...]
    source: str = ""
    clock: str = "seconds"

    def __len__(self) -> int:
        return len(self.ops)

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.ops)

    @functools.cached_property
    def _positions(self) -> dict[int, int]:
        return {id(op): i for i, op in enumerate(self.ops)}

    def index(self, op: Operation) -> int:
        """The position of ``op`` (this very object) in :attr:`ops`."""
        return self._positions[id(op)]

    @property
    def clients(self) -> list[Any]:
        """The clients, in order of first invocation."""
        return list(dict.fromkeys(op.client for op in self.ops))

    @property
    def keys(self) -> list[Any]:
        """The keys touched, in order of first invocation (``[None]`` for a register)."""
        return list(dict.fromkeys(op.key for op in self.ops))

    @classmethod
    def from_records(
        cls, records: Iterable[Record], source: str = "", clock: str = "seconds"
    ) -> History:
        """Pair each client's invocation with its completion (see the module's rules).

        Raises:
            HistoryError: a completion with no open invocation, a second invocation
                while one is open, a completion of another function, or an unknown type;
                the message names the record's place.
        """
        slots: list[Operation | None] = []
        open_: dict[Any, tuple[int, Record]] = {}
        for rec in records:
            if rec.type not in RECORD_TYPES:
                raise HistoryError(
                    f"{rec.where}: type {rec.type!r} is not allowed: must be one of {RECORD_TYPES}"
                )
            if rec.type == "invoke":
                if rec.client in open_:
                    raise HistoryError(
                        f"{rec.where}: client {rec.client!r} invokes {rec.f} while its "
                        f"{open_[rec.client][1].f} of {open_[rec.client][1].where} is still open"
                    )
                open_[rec.client] = (len(slots), rec)
                slots.append(None)
                continue
            if rec.client not in open_:
                raise HistoryError(
                    f"{rec.where}: client {rec.client!r} completes {rec.f} ({rec.type}) "
                    "but has no open invocation"
                )
            slot, start = open_.pop(rec.client)
            if rec.f != start.f:
                raise HistoryError(
                    f"{rec.where}: client {rec.client!r} completes {rec.f} but invoked "
                    f"{start.f} at {start.where}"
                )
            slots[slot] = _paired(start, rec)
        for slot, start in open_.values():
            slots[slot] = _operation(start, complete=None, result=None)
        return cls(tuple(op for op in slots if op is not None), source, clock)

    @classmethod
    def from_trace(cls, trace: Trace) -> History:
        """The history that client actors recorded in ``trace`` with ``record_op``.

        Each record is an ``annotate`` event under :data:`HISTORY_KEY`; its virtual
        time is the operation's invoke or complete time, its node the client. Works on
        a live trace and on one read back from JSON lines.

        Raises:
            HistoryError: a record that is not a ``(type, f, key, value)`` tuple, or
                records that do not pair up (see :meth:`from_records`).
            TraceLevelError: the trace keeps counts only.
        """
        records = []
        for i, t, _kind, node, _peer, data in trace.rows(trace.positions(["annotate"])):
            if not isinstance(data, dict) or HISTORY_KEY not in data:
                continue
            rec = data[HISTORY_KEY]
            if not isinstance(rec, (tuple, list)) or len(rec) != 4:
                raise HistoryError(
                    f"event {i}: {HISTORY_KEY}={rec!r} is not allowed: "
                    "must be a (type, f, key, value) tuple, as record_op writes"
                )
            type_, f, key, value = rec
            records.append(Record(node, type_, f, freeze(value), freeze(key), t, f"event {i}"))
        return cls.from_records(records, source="trace")


def freeze(value: Any) -> Any:
    """Lists (as JSON gives them back) as tuples, recursively, so values can be hashed."""
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def _operation(
    start: Record, *, complete: float | None, result: Any, end: Record | None = None
) -> Operation:
    return Operation(
        start.client,
        start.f,
        start.value,
        start.key,
        start.time,
        complete,
        result,
        start.where,
        "" if end is None else end.where,
    )


def _paired(start: Record, end: Record) -> Operation | None:
    """The operation an invocation and its completion make (``None``: it never happened)."""
    if end.type == "info":
        return _operation(start, complete=None, result=None, end=end)
    if end.type == "fail":
        if start.f != "cas":
            return None
        return _operation(start, complete=end.time, result=False, end=end)
    if start.f == "cas":
        result = end.value if isinstance(end.value, bool) else True
        return _operation(start, complete=end.time, result=result, end=end)
    if start.f in ("read", "get"):
        return _operation(start, complete=end.time, result=end.value, end=end)
    return _operation(start, complete=end.time, result=None, end=end)
