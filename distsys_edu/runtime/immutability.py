"""The message rule: every message is an instance of a frozen dataclass, all the way down.

Why: a message is a fact that was said at one moment. In a real network the
receiver gets a copy, so nothing it does can change what the sender (or another
receiver of a broadcast) sees. Our in-process network passes the same object to
everyone, and the trace keeps that same object, so the object must not change:
``@dataclass(frozen=True)`` makes that so for its fields, and a field may not
hold a list, dict or set either (the sender could change it after the send, and
the receiver, the trace and every earlier snapshot would see the change). Use a
tuple, a frozenset, or a tuple of pairs instead. Name message classes for what
they mean: ``Heartbeat``, ``RequestVote``, ``VoteGranted``.

What the check costs: the type (frozen, no field annotated as a list, dict or
set) is checked once and remembered; the values are checked on the first send
of each type in a Sim and on every ``try_send`` and ``send``, never on every
``do_send``, which stays as fast as before.

Annotations (``ctx.annotate``) follow the same rule the friendly way: a list
becomes a tuple, a set a frozenset and a dict a copy, see :func:`frozen`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import MutableMapping, MutableSequence, MutableSet
from typing import Any

from .address import Reply
from .errors import MessageTypeError

CHECKED_TYPES: set[type] = set()
"""Message types whose type passed the check once (values are checked per message)."""

MUTABLE = (MutableSequence, MutableMapping, MutableSet, bytearray)
"""Containers that can change after a send (list, dict, set, deque, bytearray...)."""

_MUTABLE_ANNOTATION = re.compile(
    r"\b(list|dict|set|bytearray|deque|defaultdict|OrderedDict|Counter|"
    r"List|Dict|Set|DefaultDict|Deque|MutableSequence|MutableMapping|MutableSet)\b"
)

_INSTEAD = "use a tuple (a frozenset for a set, a tuple of (key, value) pairs for a dict)"


def check_message(msg: Any) -> None:
    """Raise :class:`MessageTypeError` unless ``msg`` follows the message rule.

    The type's part of the check is done once a type; the values' part (no
    list, dict or set anywhere in the message, however deep in tuples and
    nested dataclasses) every time this is called.
    """
    cls = type(msg)
    if cls not in CHECKED_TYPES:
        _check_type(msg, cls)
        CHECKED_TYPES.add(cls)
    if cls is not Reply:  # the runtime's own carries a handler's return value as it is
        _check_values(msg, cls.__name__)


def _check_type(msg: Any, cls: type) -> None:
    if not dataclasses.is_dataclass(cls) or isinstance(msg, type):
        raise MessageTypeError(
            f"msg={msg!r} is not allowed: a message must be an instance of a frozen "
            "dataclass, e.g. @dataclass(frozen=True) class Heartbeat: term: int"
        )
    if not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise MessageTypeError(
            f"msg={msg!r} is not allowed: {cls.__name__} is a dataclass but not frozen; "
            f"write @dataclass(frozen=True) so no receiver can change what others see"
        )
    for f in dataclasses.fields(cls):
        annotation = f.type if isinstance(f.type, str) else repr(f.type)
        if _MUTABLE_ANNOTATION.search(annotation):
            raise MessageTypeError(
                f"{cls.__name__}.{f.name}: {annotation} is not allowed in a message: it can "
                f"change after the send, and the receiver and the trace would see the "
                f"change; {_INSTEAD}"
            )


def _check_values(value: Any, where: str) -> None:
    """Raise if ``value`` holds a mutable container; ``where`` names the path to it."""
    if isinstance(value, (str, int, float, type(None))):
        return
    if isinstance(value, MUTABLE):
        raise MessageTypeError(
            f"{where}={value!r} is not allowed in a message: a {type(value).__name__} can "
            f"change after the send, and the receiver and the trace would see the change; "
            f"{_INSTEAD}"
        )
    if isinstance(value, (tuple, frozenset)):
        for i, item in enumerate(value):
            _check_values(item, f"{where}[{i}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _check_values(getattr(value, f.name), f"{where}.{f.name}")


def frozen(value: Any) -> Any:
    """An unchangeable copy of ``value`` for the trace: lists become tuples, sets
    frozensets, dicts fresh dicts; inside tuples and dicts too. Anything else is
    kept as it is. Lists and tuples (sets and frozensets) look the same in a
    trace's JSON, so freezing never changes a digest."""
    if isinstance(value, (str, int, float, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if isinstance(value, dict):
        return {k: frozen(v) for k, v in value.items()}
    return value
