"""The trace: everything that happened, in order, readable by pictures and checks.

Two levels:

* ``"full"`` keeps every event (sends, deliveries, drops with their reason,
  timers, crashes, restarts, pauses, partitions, annotations...). It is stored
  column by column in typed arrays (about 40 bytes an event plus the message
  objects, which are shared, not copied), exported as JSON lines, and replayed
  into a :class:`Snapshot` of the cluster at any time.
* ``"counts"`` keeps tallies only: events by kind, drops by reason, sends by
  message type. Use it for sweeps of thousands of runs.

``digest()`` is a SHA-256 of the canonical JSON-lines form, so two runs with the
same seed and code have the same digest in any process.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import struct
from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from .errors import SimError, TraceLevelError, check_instant, invalid
from .events import (
    DROP_REASONS,
    FORMAT,
    FORMAT_VERSION,
    KINDS,
    MESSAGE_KIND_NAMES,
    Event,
    encode_value,
)
from .trace_rows import RowReader, check_header, parse_line

TRACE_LEVELS = ("full", "counts")

# Event kind codes. The public face is the name; the code is what the arrays store.
K = {name: code for code, name in enumerate(KINDS)}
SEND, DELIVER, DROP, DUPLICATE, TIMER = (K[k] for k in KINDS[:5])
MESSAGE_KINDS = frozenset(K[name] for name in MESSAGE_KIND_NAMES)


NODE_SHIFT, PEER_SHIFT, INDEX_MASK, KIND_MASK = 6, 29, (1 << 23) - 1, 0x3F
ROW = struct.Struct("=4d")
"""One event's numbers as stored: (t, code, msg_id, due) as four doubles. A drop is
due nowhere: its ``due`` holds the index of its reason in :data:`DROP_REASONS`."""


def pack(kind: int, node: int, peer: int) -> int:
    """One int for an event's kind code, node index and peer index (-1: none).

    Bits 0-5 hold the kind, 6-28 the node index + 1, 29-51 the peer index + 1:
    under 2**53, so a double stores it exactly.
    """
    return kind | (node + 1) << NODE_SHIFT | (peer + 1) << PEER_SHIFT


def unpack(packed: int) -> tuple[int, int, int]:
    """The inverse of :func:`pack`: ``(kind, node, peer)``."""
    node = ((packed >> NODE_SHIFT) & INDEX_MASK) - 1
    return packed & KIND_MASK, node, (packed >> PEER_SHIFT) - 1


class Trace:
    """The record of one simulation. The Sim appends; readers iterate.

    Args:
        level: ``"full"`` or ``"counts"``.

    Raises:
        InvalidArgument: an unknown level.
    """

    def __init__(self, level: str = "full") -> None:
        if level not in TRACE_LEVELS:
            raise invalid("trace", level, f"must be one of {TRACE_LEVELS}")
        self.level = level
        self.full = level == "full"
        self.nodes: list[str] = []
        self.meta: dict[str, Any] = {}
        # How far the run went (Sim.run(until=...) sets it): checks measure a
        # lasting condition up to here, not only up to the last event.
        self.end: float | None = None
        self.kind_counts = [0] * len(KINDS)  # but "send": see sends(), for speed
        self.drop_counts = [0] * len(DROP_REASONS)
        self.sent_by_type: dict[type | str, int] = {}  # types live, names once imported
        # The full trace: four numbers an event in one array of doubles,
        # (t, code, msg_id, due) (see ROW), where ``code`` packs the kind, the node and the
        # peer (see ``pack``; it fits a double exactly), and the event's object
        # (message, annotations...) in a list. A row goes in as bytes packed by
        # ROW: twice as fast as array.extend with a tuple.
        self._rows = array("d")
        self._obj: list[Any] = []

    # -- writing (called by the Sim) ---------------------------------------

    def appenders(self) -> tuple[Callable[[bytes], None], Callable[[Any], None]]:
        """``(add_row, add_object)``, for a writer that inlines :meth:`record`.

        Write an event as ``add_row(ROW.pack(t, pack(kind, node, peer), msg_id, due))``
        then ``add_object(obj)``.
        """
        return self._rows.frombytes, self._obj.append

    def record(
        self, t: float, kind: int, node: int, peer: int, msg_id: int, due: float, obj: Any
    ) -> None:
        """Append one event (full level only). Node index ``-1`` means none/outside."""
        self._rows.frombytes(ROW.pack(t, pack(kind, node, peer), msg_id, due))
        self._obj.append(obj)

    # -- reading -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self._obj)

    def _need_full(self, what: str) -> None:
        if not self.full:
            raise TraceLevelError(
                f"{what} needs the full trace, but this Sim was made with trace='counts'; "
                "use Sim(trace='full')"
            )

    def _name(self, index: int) -> str | None:
        return None if index < 0 else self.nodes[index]

    def __getitem__(self, i: int) -> Event:
        self._need_full("reading events")
        if i < 0:
            i += len(self)
        t, packed, msg_id, due = self._rows[4 * i : 4 * i + 4]
        code, node, peer = unpack(int(packed))
        is_message, is_drop = code in MESSAGE_KINDS, code == DROP
        obj = self._obj[i]
        return Event(
            index=i,
            t=t,
            kind=KINDS[code],
            node=self._name(node),
            peer=self._name(peer),
            msg_id=int(msg_id) if is_message else None,
            msg=obj if is_message else None,
            due=None if is_drop or math.isnan(due) else due,
            reason=DROP_REASONS[int(due)] if is_drop else None,
            data=None if is_message else obj,
        )

    def __iter__(self) -> Iterator[Event]:
        self._need_full("reading events")
        return (self[i] for i in range(len(self)))

    def positions(self, kinds: Iterable[str]) -> list[int]:
        """The indexes of the events whose kind is one of ``kinds``, in order.

        Fast: it reads the packed kind codes and builds no :class:`Event`, so a
        check that needs one event in five pays for one in five.

        Raises:
            TraceLevelError: the trace keeps counts only.
            InvalidArgument: an unknown kind.
        """
        self._need_full("finding events")
        wanted: set[int] = set()
        for kind in {kinds} if isinstance(kinds, str) else set(kinds):
            if kind in K:
                wanted.add(K[kind])
            else:
                raise invalid("kind", kind, f"must be one of {', '.join(KINDS)}")
        return [i for i, code in enumerate(self._rows[1::4]) if int(code) & KIND_MASK in wanted]

    def rows(
        self, positions: Iterable[int]
    ) -> Iterator[tuple[int, float, str, str | None, str | None, Any]]:
        """``(index, t, kind, node, peer, obj)`` of the events at ``positions``, in order.

        The fast way to walk many events (checks over thousands of traces): it builds
        no :class:`Event`. ``obj`` is the message of a message event, else its data.

        Raises:
            TraceLevelError: the trace keeps counts only.
        """
        self._need_full("reading events")
        rows, objects, names = self._rows, self._obj, self.nodes
        for i in positions:
            code, node, peer = unpack(int(rows[4 * i + 1]))
            yield (
                i,
                rows[4 * i],
                KINDS[code],
                None if node < 0 else names[node],
                None if peer < 0 else names[peer],
                objects[i],
            )

    def events(
        self,
        kind: str | Iterable[str] | None = None,
        *,
        node: str | None = None,
        peer: str | None = None,
        since: float = -math.inf,
        until: float = math.inf,
    ) -> list[Event]:
        """The events of the given kind(s), with ``since <= t <= until``, in order.

        Args:
            kind: one kind or several (default: every kind).
            node: only events whose ``node`` is this: for message events the
                *sender* (``events("send", node="a")``: what a sent), for other
                events the node it happened at.
            peer: only events whose ``peer`` is this: for message events the
                *recipient* (``events("deliver", peer="a")``: what a received).
            since: the earliest virtual time, in seconds.
            until: the latest virtual time, in seconds.

        Raises:
            TraceLevelError: the trace keeps counts only.
            InvalidArgument: an unknown kind, or a time that is not a number.
        """
        self._need_full("reading events")
        since, until = check_instant("since", since), check_instant("until", until)
        found = (
            (self[i] for i in range(len(self)))
            if kind is None
            else (self[i] for i in self.positions(kind))
        )
        return [
            e
            for e in found
            if (node is None or e.node == node)
            and (peer is None or e.peer == peer)
            and since <= e.t <= until
        ]

    def sends(self) -> int:
        """How many messages were sent (not counting network-made duplicates)."""
        return sum(self.sent_by_type.values())

    def counts(self) -> dict[str, Any]:
        """Tallies: events by kind, drops by reason, sends by message type."""
        tallies = list(self.kind_counts)
        tallies[SEND] = self.sends()
        by_kind = {name: n for name, n in zip(KINDS, tallies, strict=True) if n}
        drops = {name: n for name, n in zip(DROP_REASONS, self.drop_counts, strict=True) if n}
        by_type: dict[str, int] = {}
        for key, n in self.sent_by_type.items():
            name = key if isinstance(key, str) else key.__name__
            by_type[name] = by_type.get(name, 0) + n
        return {
            "events": by_kind,
            "drops": drops,
            "sent_by_type": dict(sorted(by_type.items())),
        }

    # -- export, import, digest --------------------------------------------

    def _header(self, *, end: bool = True) -> dict[str, Any]:
        header = {"format": FORMAT, "version": FORMAT_VERSION, "nodes": self.nodes, **self.meta}
        if end and self.end is not None:
            header["end"] = self.end
        return header

    def _event_json(self, e: Event) -> dict[str, Any]:
        row: dict[str, Any] = {"i": e.index, "t": e.t, "kind": e.kind}
        for key in ("node", "peer", "msg_id", "due", "reason"):
            value = getattr(e, key)
            if value is not None:
                row[key] = value
        if e.msg is not None:
            row["msg"] = encode_value(e.msg)
        if e.data is not None:
            row["data"] = encode_value(e.data)
        return row

    def lines(self, *, end: bool = True) -> Iterator[str]:
        """The canonical JSON-lines form: a header line, then one line an event.

        Args:
            end: put :attr:`end` (how far the run went) in the header.
        """
        self._need_full("export")
        yield json.dumps(self._header(end=end), sort_keys=True, separators=(",", ":"))
        for e in self:
            yield json.dumps(self._event_json(e), sort_keys=True, separators=(",", ":"))

    def to_jsonl(self, file: str | IO[str]) -> None:
        """Write the JSON-lines form to a path or an open text file."""
        if isinstance(file, str):
            with open(file, "w", encoding="utf-8") as fh:
                self.to_jsonl(fh)
            return
        for line in self.lines():
            file.write(line + "\n")

    def digest(self) -> str:
        """SHA-256 hex of the canonical form (of the tallies, at level ``"counts"``).

        The form without :attr:`end`: the digest says what happened, and two runs
        that did the same things have the same digest however long each was run
        past its last event.
        """
        h = hashlib.sha256()
        if self.full:
            for line in self.lines(end=False):
                h.update(line.encode())
                h.update(b"\n")
        else:
            h.update(json.dumps(self.counts(), sort_keys=True).encode())
        return h.hexdigest()

    @classmethod
    def from_jsonl(cls, file: str | IO[str] | Iterable[str]) -> Trace:
        """Read a trace written by :meth:`to_jsonl`. Messages come back as records.

        Every line is checked as it is read (see :mod:`.trace_rows` for what a
        line may hold), so a trace that reads is one the checks can walk.

        Args:
            file: a path, an open text file, or any iterable of lines.

        Raises:
            SimError: the file is not a distsys_edu trace, is not UTF-8, or a line
                is malformed (the message names the line and what is wrong).
        """
        if isinstance(file, str):
            try:
                with open(file, encoding="utf-8") as fh:
                    return cls.from_jsonl(fh)
            except OSError as exc:
                raise SimError(f"cannot read the trace {file!r}: {exc}") from None
        trace = cls("full")
        lineno = 1
        try:
            lines = iter(file)
            first = next(lines, "")
            if not isinstance(first, str):
                raise SimError(f"trace line 1 is not text but {type(first).__name__}")
            trace.nodes, trace.end, trace.meta = check_header(parse_line(first or "null", 1))
            reader = RowReader(trace.nodes)
            for lineno, line in enumerate(lines, start=2):
                if not isinstance(line, str):
                    raise SimError(f"trace line {lineno} is not text but {type(line).__name__}")
                if line.strip():
                    trace._import_row(*reader.read(parse_line(line, lineno), lineno))
        except UnicodeDecodeError as exc:
            raise SimError(f"the trace is not UTF-8 text (after line {lineno}): {exc}") from None
        return trace

    def _import_row(
        self, t: float, code: int, node: int, peer: int, msg_id: int, due: float, obj: Any
    ) -> None:
        """Append a checked row and tally it as the Sim would have."""
        self.record(t, code, node, peer, msg_id, due, obj)
        if code == SEND:  # sends are tallied by type only, as the Sim does
            self.sent_by_type[obj.type] = self.sent_by_type.get(obj.type, 0) + 1
            return
        self.kind_counts[code] += 1
        if code == DROP:
            self.drop_counts[int(due)] += 1

    def to_jsonl_string(self) -> str:
        """The JSON-lines form as one string (handy in notebooks and tests)."""
        buf = io.StringIO()
        self.to_jsonl(buf)
        return buf.getvalue()
