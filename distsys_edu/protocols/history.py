"""How a client actor records its history in the trace, for the linearizability check.

A client that talks to a replicated service (a register, a key-value store) records
each operation twice, in virtual time: when it *invokes* the operation and when the
operation *completes* (``"ok"``), *fails* for certain (``"fail"``: it did not take
effect) or ends without an answer (``"info"``: a timeout; it may have taken effect,
or may not). Each record is one ``annotate`` event at the client's node, under the key
:data:`HISTORY_KEY`, so the history travels with the trace (into JSON lines and back)
and :meth:`distsys_edu.checks.History.from_trace` reads it out again::

    record_op(ctx, "invoke", "put", "x", key="k")     # at t = 1.0
    record_op(ctx, "ok", "put", "x", key="k")         # at t = 1.3, when the reply came
    record_op(ctx, "invoke", "get", key="k")
    record_op(ctx, "info", "get", key="k")            # the client gave up waiting

The client's node name is the history's client. A client has at most one operation
open at a time (as in Jepsen): its next record after an invoke completes that invoke.
"""

from __future__ import annotations

from typing import Any

from ..runtime import Context
from ..runtime.errors import invalid

HISTORY_KEY = "history"
"""The annotation key under which a client records its operations."""

RECORD_TYPES = ("invoke", "ok", "fail", "info")
"""What a record says: an invocation, or how it ended (Jepsen's ``:type``)."""


def record_op(ctx: Context, type: str, f: str, value: Any = None, *, key: Any = None) -> None:
    """Record one invocation or completion of an operation, at ``ctx.now``.

    Args:
        ctx: the client actor's context (its node is the history's client).
        type: ``"invoke"``, ``"ok"``, ``"fail"`` or ``"info"`` (see :data:`RECORD_TYPES`).
        f: the operation: ``read``/``write``/``cas`` on a register, ``get``/``put``/
            ``append``/``cas`` on a key-value store.
        value: the arguments at ``invoke`` (a ``(from, to)`` pair for ``cas``), the
            result at ``ok`` (the value read; ``True``/``False`` for a ``cas``).
        key: the key, for a key-value store.

    Raises:
        InvalidArgument: an unknown ``type`` or an ``f`` that is not a non-empty string.
    """
    if type not in RECORD_TYPES:
        raise invalid("type", type, f"must be one of {RECORD_TYPES}")
    if not isinstance(f, str) or not f:
        raise invalid("f", f, "must be the operation's name, a non-empty string")
    ctx.annotate(**{HISTORY_KEY: (type, f, key, value)})
