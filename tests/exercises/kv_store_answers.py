"""Lesson 09's worked answers with one rule left out each, and wrong answers a
learner might write from the lesson text alone."""

from __future__ import annotations

from typing import Any

from distsys_edu.exercises.solutions.kv_store import SessionStore
from distsys_edu.protocols.raftlog import ClientRequest


class NoSessions(SessionStore):
    """Rules 2 and 3 left out: every command is executed, retries too."""

    def apply(self, command: ClientRequest) -> Any:
        result = self.execute(command.op, command.key, command.value)
        self.sessions[command.client] = (command.seq, result)
        return result


class RetryGetsNone(SessionStore):
    """Rule 2's second half left out: a retry is not executed, but gets ``None``."""

    def apply(self, command: ClientRequest) -> Any:
        last = self.sessions.get(command.client)
        if last is not None and command.seq <= last[0]:
            return None
        return super().apply(command)


class ForgetsResult(SessionStore):
    """The saved result left out: the session keeps the seq only."""

    def apply(self, command: ClientRequest) -> Any:
        result = super().apply(command)
        seq = self.sessions[command.client][0]
        self.sessions[command.client] = (seq, None)
        return result


class OnlySameSeq(SessionStore):
    """Rule 3 left out: only the same seq is a retry; an older one is executed again."""

    def apply(self, command: ClientRequest) -> Any:
        last = self.sessions.get(command.client)
        if last is not None and command.seq == last[0]:
            return last[1]
        result = self.execute(command.op, command.key, command.value)
        self.sessions[command.client] = (command.seq, result)
        return result


class OneSessionForAll(SessionStore):
    """Rule 4 left out: one sequence number for all clients (written from the text:
    "remember the last seq")."""

    def apply(self, command: ClientRequest) -> Any:
        last = self.sessions.get("all")
        if last is not None and command.seq <= last[0]:
            return last[1] if command.seq == last[0] else None
        result = self.execute(command.op, command.key, command.value)
        self.sessions["all"] = (command.seq, result)
        return result


class NeverExecutes(SessionStore):
    """Rule 1 left out: remembers the command but does not carry it out."""

    def apply(self, command: ClientRequest) -> Any:
        self.sessions[command.client] = (command.seq, None)
        return None


def cas_timeout_failed(value: Any, expected: Any, new: Any, returned: bool | None) -> Any:
    """No answer taken as "failed" (the third case of the docstring left out)."""
    if returned is not True:
        return value != expected, value
    return (True, new) if value == expected else (False, value)


def cas_ignores_result(value: Any, expected: Any, new: Any, returned: bool | None) -> Any:
    """What the cas returned left out: always the store's compare-and-set."""
    return (True, new) if value == expected else (True, value)


def cas_false_writes(value: Any, expected: Any, new: Any, returned: bool | None) -> Any:
    """A failed cas that still writes (the "changes nothing" left out)."""
    if returned is False:
        return value != expected, new
    return (True, new) if value == expected else (False, value)


def cas_impossible_writes(value: Any, expected: Any, new: Any, returned: bool | None) -> Any:
    """When not possible, the value after is new (the "value stays" left out)."""
    if returned is False:
        return value != expected, value
    return value == expected, new


def cas_failed_always_possible(value: Any, expected: Any, new: Any, returned: bool | None) -> Any:
    """A cas that returned False taken as always possible (its compare left out)."""
    if returned is False:
        return True, value
    return (True, new) if value == expected else (False, value)


def cas_unwritten_fails(value: Any, expected: Any, new: Any, returned: bool | None) -> Any:
    """A key never written taken as having no value to compare (from the text alone)."""
    if value is None:
        return (returned is False), value
    if returned is False:
        return value != expected, value
    return (True, new) if value == expected else (False, value)


def cas_success_keeps_value(value: Any, expected: Any, new: Any, returned: bool | None) -> Any:
    """A cas that succeeded, but the value stays (the "value becomes new" left out)."""
    if returned is False:
        return value != expected, value
    return value == expected, value


def cas_timeout_either_way(value: Any, expected: Any, new: Any, returned: bool | None) -> Any:
    """No answer taken as "it succeeded or it failed", so always possible (the "searched as
    one that returned True" left out for a value that is not expected)."""
    if returned is None:
        return True, new if value == expected else value
    if returned is False:
        return value != expected, value
    return (True, new) if value == expected else (False, value)
