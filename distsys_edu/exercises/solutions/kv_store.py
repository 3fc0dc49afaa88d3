"""Worked answers to lesson 09's exercises (:mod:`distsys_edu.exercises.kv_store`)."""

from __future__ import annotations

from typing import Any

from ...protocols.raftlog import ClientRequest
from ...protocols.raftlog.kv import KVMap


class SessionStore(KVMap):
    """The key-value state machine, applying each client's command once."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions: dict[str, tuple[int, Any]] = {}

    def apply(self, command: ClientRequest) -> Any:
        """Apply one committed command, exactly once; return its result."""
        last = self.sessions.get(command.client)
        if last is not None and command.seq <= last[0]:
            return last[1] if command.seq == last[0] else None
        result = self.execute(command.op, command.key, command.value)
        self.sessions[command.client] = (command.seq, result)
        return result


def cas_step(value: Any, expected: Any, new: Any, returned: bool | None) -> tuple[bool, Any]:
    """The key-value model's ``cas`` step for one key whose value is ``value``."""
    if returned is False:
        return value != expected, value
    if value == expected:
        return True, new
    return False, value
