"""Lesson 09's exercises: exactly-once with client sessions, and the ``cas`` step of
the key-value model.

* :class:`SessionStore`: the state machine of the key-value service, with the
  sessions of Ongaro's thesis, section 6.3. :func:`check_sessions` applies
  commands to a fresh store, one situation per rule, as a server applies
  committed entries in log order (no Sim: the state machine is a plain object).
* :func:`cas_step`: what the linearizability checker's key-value model does with a
  ``cas``. :func:`check_cas_step` asks it about one cell at a time, one situation
  per rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..protocols.raftlog import ClientRequest
from ..protocols.raftlog.kv import KVMap
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register


class SessionStore(KVMap):
    """The key-value state machine, applying each client's command once.

    ``self.execute(op, key, value)`` (inherited) carries out an operation and
    returns its result. Keep, per client, ``self.sessions[client] = (seq, result)``:
    the last sequence number applied for that client and its result. Then, for a
    command (``command.client``, ``command.seq``, ``command.op``, ``command.key``,
    ``command.value``):

    1. newer than the client's last (or the client's first): execute it,
       remember its ``seq`` and result, return the result;
    2. a retry of the client's last command (the same ``seq``): do not execute it
       again; return the saved result;
    3. older than the client's last: do not execute it; return ``None`` (the
       client no longer waits for its answer);
    4. each client has its own session: one client's numbers say nothing about
       another's.
    """

    def __init__(self) -> None:
        super().__init__()
        self.sessions: dict[str, tuple[int, Any]] = {}

    def apply(self, command: ClientRequest) -> Any:
        """Apply one committed command, exactly once; return its result."""
        raise NotImplementedError("look up the client's session, then follow rules 1-3")


def cas_step(value: Any, expected: Any, new: Any, returned: bool | None) -> tuple[bool, Any]:
    """The key-value model's ``cas`` step, for one key whose value is ``value``
    (``None`` if it was never written).

    A ``cas(expected, new)`` that returned ``True`` is possible only if the value
    is ``expected``, and then the value becomes ``new``. One that returned
    ``False`` is possible only if the value is not ``expected``, and changes
    nothing. One with no answer (``returned is None``, a timeout) is searched as one
    that returned ``True``: if its compare failed it changed nothing, which is what
    an operation that never took effect does, and the search tries that too.

    Returns:
        ``(possible, value after)``; when it is not possible, the value after is
        the value before.
    """
    raise NotImplementedError("compare value with expected; then what returned says")


# -- sessions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """What a store did with a list of commands: each result, and the map after."""

    commands: tuple[ClientRequest, ...]
    results: tuple[Any, ...]
    data: dict[str, Any]


def apply_all(commands: Sequence[ClientRequest], store_class: type) -> Applied:
    """Apply ``commands`` in order to a fresh ``store_class()``, as a server does."""
    store = store_class()
    results = tuple(store.apply(c) for c in commands)
    return Applied(tuple(commands), results, dict(store.data))


def put(client: str, seq: int, value: Any, key: str = "x") -> ClientRequest:
    """``client``'s command number ``seq``: put ``value``."""
    return ClientRequest(client, seq, "put", key, value)


def _said(commands: Sequence[ClientRequest]) -> str:
    return "; ".join(f"{c.client} #{c.seq} {c.op}({c.key!r}, {c.value!r})" for c in commands)


@dataclass(frozen=True)
class SessionRule:
    """One situation: commands, the map and results they must give, and the hint."""

    name: str
    commands: tuple[ClientRequest, ...]
    data: dict[str, Any]
    results: tuple[Any, ...]
    hint: str

    def judge(self, got: Applied) -> Problem | None:
        """The map and the results must be the ones the rule gives."""
        if got.data == self.data and got.results == self.results:
            return None
        return Problem(
            expected=f"after {_said(self.commands)}: the map {self.data}, results "
            f"{list(self.results)}",
            happened=f"the map {got.data}, results {list(got.results)}",
            hint=self.hint,
        )


SESSION_RULES = (
    SessionRule(
        "new commands are applied",
        (put("c1", 1, 1), ClientRequest("c1", 2, "get", "x")),
        {"x": 1},
        (None, 1),
        "rule 1: execute a command newer than the client's last one with "
        "self.execute(op, key, value), remember (seq, result), return the result",
    ),
    SessionRule(
        "each client has its own session",
        (put("c1", 3, 1), put("c2", 1, 2), ClientRequest("c2", 2, "get", "x")),
        {"x": 2},
        (None, None, 2),
        "rule 4: each client has its own session: compare a command's seq with that "
        "client's last, self.sessions[command.client], not with other clients'",
    ),
    SessionRule(
        "a retried put is applied once",
        (put("c1", 1, 1), put("c2", 1, 2), put("c1", 1, 1)),
        {"x": 2},
        (None, None, None),
        "rule 2: a retry (the same seq as the client's last) must not be executed "
        "again: here it put 1 back over c2's 2",
    ),
    SessionRule(
        "a retried cas gets its saved result",
        (
            ClientRequest("c1", 1, "cas", "x", (None, 5)),
            ClientRequest("c1", 1, "cas", "x", (None, 5)),
        ),
        {"x": 5},
        (True, True),
        "rule 2: give a retry the saved result of the client's last command: the "
        "client is still waiting for it (its cas did succeed)",
    ),
    SessionRule(
        "an older command is not applied",
        (put("c1", 1, 1), put("c1", 2, 2), put("c1", 1, 1)),
        {"x": 2},
        (None, None, None),
        "rule 3: a command older than the client's last (a lower seq, arriving "
        "late) must not be executed; return None",
    ),
)


SESSIONS = register(
    Exercise(
        "sessions",
        "SessionStore",
        tuple(
            Scenario(rule.name, partial(apply_all, rule.commands), rule.judge, "applied")
            for rule in SESSION_RULES
        ),
    )
)


def check_sessions(store_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check a :class:`SessionStore`: rules 1-4 of its docstring, one situation each."""
    return SESSIONS.check(store_class, strict=strict)


# -- the cas step ---------------------------------------------------------------------


@dataclass(frozen=True)
class CasCase:
    """One question to ``cas_step``, its answer, and the hint when it is wrong."""

    name: str
    value: Any
    expected: Any
    new: Any
    returned: bool | None
    answer: tuple[bool, Any]
    hint: str

    def ask(self, step: Callable[..., Any]) -> Any:
        """Ask the learner's step."""
        return step(self.value, self.expected, self.new, self.returned)

    def judge(self, got: Any) -> Problem | None:
        """The step must answer ``(possible, value after)`` as the rule says."""
        if got == self.answer:
            return None
        said = {True: "returned True", False: "returned False", None: "had no answer"}
        return Problem(
            expected=f"value {self.value!r}, cas({self.expected!r}, {self.new!r}) that "
            f"{said[self.returned]}: {self.answer!r}",
            happened=f"cas_step returned {got!r}",
            hint=self.hint,
        )


CAS_CASES = (
    CasCase(
        "succeeded",
        1,
        1,
        2,
        True,
        (True, 2),
        "a cas that returned True is possible "
        "when the value is expected, and then the value becomes new",
    ),
    CasCase(
        "cannot have succeeded",
        3,
        1,
        2,
        True,
        (False, 3),
        "a cas that returned True is not possible when the value is not expected (the value stays)",
    ),
    CasCase(
        "failed",
        3,
        1,
        2,
        False,
        (True, 3),
        "a cas that returned False is possible when the value is not expected, and changes nothing",
    ),
    CasCase(
        "cannot have failed",
        1,
        1,
        2,
        False,
        (False, 1),
        "a cas that returned False "
        "is not possible when the value is expected: its compare would have succeeded",
    ),
    CasCase(
        "no answer",
        1,
        1,
        2,
        None,
        (True, 2),
        "a cas with no answer is searched as one that returned True: the value becomes new",
    ),
    CasCase(
        "no answer, other value",
        3,
        1,
        2,
        None,
        (False, 3),
        "a cas with no answer is searched as one that returned True, so here it is not possible",
    ),
    CasCase(
        "a key never written",
        None,
        None,
        7,
        True,
        (True, 7),
        "a key never written holds None: cas(None, new) on it succeeds",
    ),
)


CAS_STEP = register(
    Exercise(
        "cas_step",
        "cas_step",
        tuple(Scenario(c.name, c.ask, c.judge, "answer") for c in CAS_CASES),
        writes="function",
    )
)


def check_cas_step(step: Callable[..., Any], *, strict: bool | None = None) -> ExerciseResult:
    """Check a :func:`cas_step`: every case its docstring names, one cell at a time."""
    return CAS_STEP.check(step, strict=strict)
