"""Messages as JSON: the message types a protocol's spec declares, and no others.

A message travels as ``{"type": "RequestVote", "fields": {...}}``, the form the
trace already uses (:func:`~distsys_edu.runtime.trace.encode_value`). Only types
in the registry come back as objects; anything else is refused. Never pickle:
unpickling runs code chosen by whoever wrote the bytes.

Reading back, a JSON list becomes a tuple (messages are immutable facts),
``{"addr": name}`` becomes the address of node ``name``, and a dict stays a dict.
Data nested deeper than :data:`MAX_DEPTH` is refused, and so is a message whose
fields do not fit its type's annotations (:mod:`.fields`): the actor only ever
sees a message that its sender could have sent.
Before a message leaves, :meth:`MessageCodec.encode` checks that it comes back
equal from its JSON form, so a field that JSON cannot carry (a set, a list, an
arbitrary object, a NaN) fails at the send with a clear error instead of arriving
changed.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable
from typing import Any

from ..protocols.registry import get_spec
from ..runtime import MessageTypeError, Reply, SimError
from ..runtime.trace import encode_value
from .fields import fits

MAX_DEPTH = 32
"""Levels of nesting a received message may have (lists, dicts, messages in messages)."""


class Refused(SimError):
    """A datagram or message that the transport does not accept.

    Attributes:
        reason: one of :data:`REFUSALS`.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


REFUSALS = ("bad_hmac", "malformed", "unknown_type", "stale", "replayed", "unhandled")
"""Why a datagram was refused: a failed authentication check, bytes that are not
a well-formed datagram, a message type outside the registry, a datagram sent too
long ago (or before this process listened), one already received, or a message
type the actor has no handler for."""


def protocol_message_types(protocol: str) -> list[type]:
    """The message types that may travel between the nodes of ``protocol``: exactly
    those its :class:`~distsys_edu.protocols.spec.ProtocolSpec` declares.

    Raises:
        InvalidArgument: an unknown protocol name.
    """
    return list(get_spec(protocol).messages)


class MessageCodec:
    """Turns registered message objects into JSON data and back.

    Args:
        types: the message types (frozen dataclasses) that may travel;
            the runtime's ``Reply`` is always added.
        address: makes the address of a node from its name (for ``{"addr": name}``).
    """

    def __init__(self, types: Iterable[type], address: Callable[[str], Any]) -> None:
        self.types: dict[str, type] = {"Reply": Reply}
        for cls in types:
            self.types[cls.__name__] = cls
        self.hints = {name: typing.get_type_hints(cls) for name, cls in self.types.items()}
        self.address = address

    def encode(self, msg: Any) -> dict[str, Any]:
        """The JSON data of ``msg``.

        Raises:
            MessageTypeError: ``msg``'s type is not registered, or it would not
                come back equal from JSON (the message names what to change).
        """
        if type(msg).__name__ not in self.types:
            raise MessageTypeError(
                f"msg={msg!r} is not allowed: {type(msg).__name__} is not a registered "
                f"message type (known: {', '.join(sorted(self.types))})"
            )
        data: dict[str, Any] = encode_value(msg)
        try:
            same = self.decode(data) == msg
        except Refused:
            same = False
        if not same:
            raise MessageTypeError(
                f"msg={msg!r} is not allowed on a real network: it does not survive JSON; "
                "use str, int, float, bool, None, tuples, dicts with str keys, addresses "
                "and registered dataclasses in message fields"
            )
        return data

    def decode(self, data: Any) -> Any:
        """The message that ``data`` (from :meth:`encode`) describes.

        Raises:
            Refused: ``unknown_type`` for a type outside the registry,
                ``malformed`` for data that does not fit the type.
        """
        if not (isinstance(data, dict) and data.keys() == {"type", "fields"}):
            raise Refused("malformed", f"a message must be {{type, fields}}, not {data!r:.80}")
        return self._value(data, 0)

    def _value(self, data: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise Refused("malformed", f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(data, list):
            return tuple(self._value(v, depth + 1) for v in data)
        if not isinstance(data, dict):
            return data
        if data.keys() == {"addr"} and isinstance(data["addr"], str):
            return self.address(data["addr"])
        if data.keys() == {"type", "fields"} and isinstance(data["fields"], dict):
            return self._message(data["type"], data["fields"], depth)
        return {k: self._value(v, depth + 1) for k, v in data.items()}

    def _message(self, name: Any, data: dict[str, Any], depth: int) -> Any:
        """The registered message ``name`` with the fields ``data``, each checked
        against the type's annotation (see :mod:`.fields`)."""
        cls = self.types.get(name) if isinstance(name, str) else None
        if cls is None:
            raise Refused("unknown_type", f"{name!r:.80} is not a registered type")
        hints = self.hints[name]
        fields = {}
        for field, raw in data.items():
            if field not in hints:
                raise Refused("malformed", f"{name} has no field {field!r:.40}")
            value = self._value(raw, depth + 1)
            if not fits(value, hints[field]):
                raise Refused(
                    "malformed", f"{name}.{field}={value!r:.40} does not fit {hints[field]}"
                )
            fields[field] = value
        try:
            return cls(**fields)
        except (TypeError, ValueError, SimError) as exc:  # missing fields, a check of its own
            raise Refused("malformed", f"{name}: {exc}") from None
