"""Datagrams: JSON, authenticated with the cluster's key, fresh and never twice.

A datagram is ``HMAC-SHA256(key, body) || body``, where ``body`` is the JSON of
a header and, for a message, its encoded form::

    {"src": "n1", "dst": "n2", "boot": 0, "seq": 17, "sent": 3.25, "lc": 41,
     "req": 0, "msg": {"type": "RequestVote", "fields": {...}}}

``boot`` is the sender's incarnation and ``seq`` counts its datagrams, so
``(src, boot, seq)`` names one datagram; ``sent`` is the sender's clock (seconds
since the cluster started, on the launcher's machine), ``lc`` its Lamport clock,
``req`` a request id (0: no reply wanted). The launcher's control datagrams come
from ``src = "<control>"`` and carry ``control`` instead of ``msg``.

Whoever does not hold the key cannot make a datagram that passes the check. One
that was captured cannot be played again: :class:`ReplayGuard` refuses a datagram
sent before the receiver started listening, one older than :data:`MAX_AGE`, and
one whose name it has seen (it remembers names for :data:`MAX_AGE`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from ..runtime import MessageTypeError
from .codec import Refused

CONTROL = "<control>"
"""The sender name of the launcher's control datagrams."""

TAG_SIZE = 32
MAX_DATAGRAM = 65_000
"""Bytes in one datagram at most (UDP's limit is 65,507 on IPv4)."""

MAX_AGE = 10.0
"""Seconds after which a datagram is stale (and its name forgotten)."""

MAX_AHEAD = 1.0
"""Seconds a datagram's ``sent`` may be ahead of the receiver's clock."""

MAX_COUNT = 2**63
"""Counters in a header (``boot``, ``seq``, ``lc``, ``req``) are ints in ``[0, MAX_COUNT)``."""

MAX_TIME = 1e12
"""A header's ``sent`` is a finite number of seconds below this (about 30,000 years)."""


def is_count(value: Any) -> bool:
    """Whether ``value`` may be a header's counter."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_COUNT


def is_time(value: Any) -> bool:
    """Whether ``value`` may be a header's ``sent`` (a NaN, an infinity or a number
    too large for a float would break the replay guard's arithmetic)."""
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and -MAX_TIME < value < MAX_TIME  # False for NaN
    )


HEADER_FIELDS: dict[str, Callable[[Any], bool]] = {
    "src": lambda v: isinstance(v, str),
    "dst": lambda v: isinstance(v, str),
    "boot": is_count,
    "seq": is_count,
    "sent": is_time,
    "lc": is_count,
}
"""The fields every header has, and what each allows; ``req`` (optional) is a count."""


def seal(key: bytes, header: dict[str, Any]) -> bytes:
    """The datagram for ``header``: its HMAC tag, then its JSON.

    Raises:
        MessageTypeError: too large for one datagram.
    """
    body = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    if len(body) + TAG_SIZE > MAX_DATAGRAM:
        raise MessageTypeError(
            f"msg of {len(body)} bytes is not allowed: one datagram holds {MAX_DATAGRAM} at most"
        )
    return hmac.new(key, body, hashlib.sha256).digest() + body


def unseal(key: bytes, datagram: bytes) -> dict[str, Any]:
    """The header of an authentic, well-formed datagram.

    Raises:
        Refused: ``bad_hmac`` (checked first, before any parsing) or ``malformed``.
    """
    tag, body = datagram[:TAG_SIZE], datagram[TAG_SIZE:]
    if not hmac.compare_digest(tag, hmac.new(key, body, hashlib.sha256).digest()):
        raise Refused("bad_hmac", f"{len(datagram)} bytes failed the HMAC check")
    try:
        header = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise Refused("malformed", f"not JSON: {exc}") from None
    if not isinstance(header, dict):
        raise Refused("malformed", "the datagram is not a JSON object")
    for field, allowed in HEADER_FIELDS.items():
        value = header.get(field)
        if not allowed(value):
            raise Refused("malformed", f"header field {field}={value!r:.40} is missing or wrong")
    if not is_count(header.get("req", 0)):
        raise Refused("malformed", f"header field req={header['req']!r:.40} is wrong")
    return header


class ReplayGuard:
    """Lets each datagram in once, and only while it is fresh.

    Args:
        listening_since: when the receiver's socket was bound (seconds of cluster
            time); nothing sent before then is accepted.
    """

    def __init__(self, listening_since: float) -> None:
        self.listening_since = listening_since
        self.seen: dict[tuple[str, int, int], float] = {}

    def admit(self, header: dict[str, Any], now: float) -> None:
        """Remember the datagram's name, or refuse it.

        Raises:
            Refused: ``stale`` (sent before listening, more than :data:`MAX_AGE`
                ago, or over :data:`MAX_AHEAD` in the future) or ``replayed``.
        """
        sent = float(header["sent"])
        if sent < self.listening_since or sent < now - MAX_AGE or sent > now + MAX_AHEAD:
            raise Refused("stale", f"sent at {sent:.3f}, now {now:.3f}")
        name = (header["src"], header["boot"], header["seq"])
        if name in self.seen:
            raise Refused("replayed", f"{name} was already received")
        self.seen[name] = sent

    def forget_old(self, now: float) -> None:
        """Forget names of datagrams that :meth:`admit` would refuse as stale anyway."""
        horizon = now - MAX_AGE
        self.seen = {name: sent for name, sent in self.seen.items() if sent >= horizon}
