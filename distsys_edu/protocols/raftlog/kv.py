"""The key-value state machine that every server applies the log to, in log order.

Operations (:data:`~.messages.OPS`): ``get`` returns the value (``None`` if the key
has none), ``put`` sets it, ``cas(key, (expected, new))`` sets it to ``new`` only if
it is ``expected`` and says whether it did, ``append`` concatenates a string suffix
(a missing key counts as ``""``).

Exactly-once (Ongaro's thesis, section 6.3): each client numbers its operations
``1, 2, ...`` and has at most one outstanding, so the store keeps, per client, the
last sequence number it applied and that operation's result (the client's
*session*). A command whose ``seq`` is not newer is a retry: it is not applied
again, and the saved result is returned (for the latest) or ``None`` (for an older
one, whose answer the client no longer waits for). With ``sessions=False`` every
command is applied, retries too: the bug lesson 09 shows.

The store lives in memory: after a restart a server starts empty and rebuilds it by
applying the log from the first entry again, as its commit index advances.
"""

from __future__ import annotations

from typing import Any

from ...runtime.errors import invalid
from .messages import OPS, ClientRequest


class KVMap:
    """The key-value map alone: :meth:`execute` carries out one operation, and
    :meth:`apply` applies every command it is given (retries too: no sessions).

    Attributes:
        data: the map.
    """

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def apply(self, command: ClientRequest) -> Any:
        """Apply one committed command; return its result."""
        return self.execute(command.op, command.key, command.value)

    def execute(self, op: str, key: str, value: Any) -> Any:
        """Carry out one operation on :attr:`data`, sessions aside.

        Raises:
            InvalidArgument: an unknown ``op``, or a ``cas`` value that is not a pair.
        """
        if op == "get":
            return self.data.get(key)
        if op == "put":
            self.data[key] = value
            return None
        if op == "append":
            current = self.data.get(key)
            self.data[key] = f"{'' if current is None else current}{value}"
            return None
        if op == "cas":
            if not (isinstance(value, tuple) and len(value) == 2):
                raise invalid("value", value, "must be (expected, new) for cas")
            expected, new = value
            if self.data.get(key) != expected:
                return False
            self.data[key] = new
            return True
        raise invalid("op", op, f"must be one of {', '.join(OPS)}")


class KVStore(KVMap):
    """A key-value map with client sessions; :meth:`apply` is the state machine.

    Args:
        sessions: remember each client's last ``seq`` and result (exactly-once).

    Attributes:
        data: the map.
        sessions: per client, ``(last seq applied, its result)``.
        duplicates: how many retried commands were recognised and not applied.
    """

    def __init__(self, sessions: bool = True) -> None:
        if not isinstance(sessions, bool):
            raise invalid("sessions", sessions, "must be True or False")
        super().__init__()
        self.keep_sessions = sessions
        self.sessions: dict[str, tuple[int, Any]] = {}
        self.duplicates = 0

    def apply(self, command: ClientRequest) -> Any:
        """Apply one committed command; return its result (the saved one for a retry)."""
        if self.keep_sessions:
            last = self.sessions.get(command.client)
            if last is not None and command.seq <= last[0]:
                self.duplicates += 1
                return last[1] if command.seq == last[0] else None
        result = self.execute(command.op, command.key, command.value)
        if self.keep_sessions:
            self.sessions[command.client] = (command.seq, result)
        return result
