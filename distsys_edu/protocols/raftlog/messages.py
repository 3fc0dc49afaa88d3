"""The replicated log's entries, and what clients and servers say to each other.

Raft's own RPCs are :mod:`..raft.messages` (``AppendEntries`` carries ``entries``,
tuples of :class:`Entry`). A client's request is also the *command* a log entry
holds (Figure 2: "each entry contains command for state machine, and term when
entry was received by leader"), so the state machine sees the client id and
sequence number it needs for exactly-once semantics (Ongaro's thesis, section 6.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OPS = ("get", "put", "cas", "append")
"""The key-value operations: ``get(key)``, ``put(key, value)``,
``cas(key, (expected, new))`` and ``append(key, suffix)``."""


@dataclass(frozen=True)
class ClientRequest:
    """A client's operation, sent to the server it believes leads; once in the log, the
    command of an :class:`Entry`.

    Attributes:
        client: the client's node name (its id: replies go there).
        seq: the client's sequence number for this operation, from 1; a retry
            sends the same ``seq``, so the state machine applies it once.
        op: one of :data:`OPS`.
        key: the key it touches.
        value: ``None`` for ``get``; the value for ``put``; ``(expected, new)``
            for ``cas``; the suffix for ``append``.
    """

    client: str
    seq: int
    op: str
    key: str
    value: Any = None

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.client


@dataclass(frozen=True)
class ClientReply:
    """A server's answer to a :class:`ClientRequest`.

    Attributes:
        seq: the request's sequence number, so a late answer is told apart.
        ok: whether the operation was applied; ``False`` means "not the leader,
            try ``leader``" (which may be ``None``: no leader known).
        result: the result (``get``: the value or ``None``; ``cas``: ``True`` or
            ``False``; ``put`` and ``append``: ``None``).
        leader: the leader this server believes in, a hint for the client.
        server: who answers.
    """

    seq: int
    ok: bool
    result: Any
    leader: str | None
    server: str

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.server


@dataclass(frozen=True)
class Entry:
    """One log entry (Figure 2): the term when the leader received it, and its
    command (``None`` for the no-op a new leader appends, thesis section 6.4)."""

    term: int
    command: ClientRequest | None = None
