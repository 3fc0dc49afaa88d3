"""The message rule: every message is an instance of a frozen dataclass.

Why: a message is a fact that was said at one moment. In a real network the
receiver gets a copy, so nothing it does can change what the sender (or another
receiver of a broadcast) sees. Our in-process network passes the same object to
everyone, so the object itself must not change: ``@dataclass(frozen=True)``
makes that so, and gives each message a readable ``repr`` and fields the trace
can export. Name message classes for what they mean: ``Heartbeat``,
``RequestVote``, ``VoteGranted``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .errors import MessageTypeError

CHECKED_TYPES: set[type] = set()
"""Message types that passed the check once (the Sim looks here before calling it)."""


def check_message(msg: Any) -> None:
    """Raise :class:`MessageTypeError` unless ``msg`` follows the message rule.

    A type that passed once is remembered, so the check costs one set lookup.
    """
    cls = type(msg)
    if cls in CHECKED_TYPES:
        return
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
    CHECKED_TYPES.add(cls)
