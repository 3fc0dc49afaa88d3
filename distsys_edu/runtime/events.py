"""What a trace is made of, as readers see it: events, and messages in JSON form.

An :class:`Event` is one thing that happened; ``Trace`` builds them on demand
from its packed columns. :func:`encode_value` is the one way a message or an
annotation becomes JSON data, in every process alike (the digest and the
real-network codec rely on it).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

FORMAT = "distsys_edu.trace"
FORMAT_VERSION = 1

KINDS = (
    "send",
    "deliver",
    "drop",
    "duplicate",
    "timer",
    "spawn",
    "crash",
    "restart",
    "supervised_restart",
    "stop",
    "pause",
    "resume",
    "failure",
    "annotate",
    "partition",
    "heal",
    "hold",
    "release",
    "link",
    "send_error",
)
"""Every kind of event, in the order of their codes (what a trace's rows store)."""

MESSAGE_KIND_NAMES = frozenset(KINDS[:4])
"""The kinds of event that carry a message: send, deliver, drop, duplicate."""

DROP_REASONS = ("loss", "partition", "node_down", "node_stopped")
"""Why a message was dropped: lost on the link, cut by a partition, or the
recipient was crashed or stopped when it arrived."""


@dataclass(frozen=True)
class MessageRecord:
    """A message read back from a JSON-lines trace: its type name and fields."""

    type: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Event:
    """One thing that happened, at virtual time ``t``.

    Attributes:
        index: position in the trace (0-based).
        t: virtual time in seconds.
        kind: one of :data:`KINDS`.
        node: the node it happened at (the *sender*, for message events); ``None``
            for the world outside any actor and for network-wide events.
        peer: the other end (the recipient, for message events), else ``None``.
        msg_id: the message's id for message events, else ``None``. A duplicate
            made by the network has an id of its own.
        msg: the message object (a :class:`MessageRecord` after import), else ``None``.
        due: for ``send``/``duplicate``, the virtual time it is due to arrive
            (``None`` when dropped at once).
        reason: for ``drop``, one of :data:`DROP_REASONS`.
        data: kind-specific details (annotations, fault arguments, timer name...).
    """

    index: int
    t: float
    kind: str
    node: str | None
    peer: str | None
    msg_id: int | None
    msg: Any
    due: float | None
    reason: str | None
    data: Any

    @property
    def msg_type(self) -> str | None:
        """The message's type name (works for imported traces too)."""
        if self.msg is None:
            return None
        if isinstance(self.msg, MessageRecord):
            return self.msg.type
        return type(self.msg).__name__


def encode_value(value: Any) -> Any:
    """Turn a message field into JSON data, the same way in every process.

    Dataclasses become ``{"type": name, "fields": {...}}`` (fields whose
    ``repr`` is off, which are derived, are left out); tuples and lists become
    lists; sets become sorted lists (set order depends on the hash seed);
    anything with a ``name`` used as an address (``Addr``) becomes ``{"addr": name}``.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, MessageRecord):
        return {"type": value.type, "fields": value.fields}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: encode_value(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.repr
        }
        return {"type": type(value).__name__, "fields": fields}
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((encode_value(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {
            str(k): encode_value(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
        }
    address = getattr(value, "__sim_address__", None)
    if address is not None:
        return {"addr": address}
    return repr(value)
