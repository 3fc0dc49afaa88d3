"""A key-value client: an actor that invokes operations one at a time, finds the
leader, retries, and records its history in the trace.

How it runs, in virtual time: after ``think`` seconds it picks an operation at
random (its own ``ctx.rng``) and sends a :class:`~.messages.ClientRequest` to the
server it believes leads. A :class:`~.messages.ClientReply` that says "not the
leader" sends it to the leader named in the reply (or the next server when none
is named); no reply within ``retry_after`` sends it to the next server. Every
retry carries the same sequence number, so the servers apply it once (see
:mod:`.kv`). An operation without an answer after ``give_up`` seconds ends as a
timeout: it may have taken effect, or may not; the next one gets a new number.

The history: each invocation and each completion is recorded with
:func:`distsys_edu.protocols.history.record_op` (one ``annotate`` event at the client's
node): ``invoke`` with the arguments when it starts, then ``ok`` with the result, or
``info`` for a timeout, at the virtual time of the invocation or completion. This is
what ``distsys_edu.checks.History.from_trace`` reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...runtime import Actor, Context, Timer
from ...runtime.errors import check_time, invalid
from ..history import record_op
from .messages import OPS, ClientReply, ClientRequest


@dataclass(frozen=True)
class Workload:
    """What a client asks, and how patiently, in seconds of virtual time.

    Args:
        keys: the keys it touches, picked uniformly.
        ops: the operations it picks from, uniformly (see :data:`~.messages.OPS`).
        think: the pause before each operation.
        retry_after: how long to wait for an answer before trying the next server.
        give_up: how long an operation may take before it ends as a timeout.
        limit: how many operations in all (``None``: no end).

    Raises:
        InvalidArgument: an unknown op, no keys, a time that is not > 0, a
            ``give_up`` shorter than ``retry_after``, a ``limit`` that is not an int >= 0.
    """

    keys: tuple[str, ...] = ("x", "y")
    ops: tuple[str, ...] = OPS
    think: float = 0.05
    retry_after: float = 0.2
    give_up: float = 1.0
    limit: int | None = None

    def __post_init__(self) -> None:
        if not self.keys or not all(isinstance(k, str) for k in self.keys):
            raise invalid("keys", self.keys, "must be a non-empty tuple of strings")
        if not self.ops or any(op not in OPS for op in self.ops):
            raise invalid("ops", self.ops, f"must be a non-empty tuple of {', '.join(OPS)}")
        for name in ("think", "retry_after", "give_up"):
            object.__setattr__(self, name, check_time(name, getattr(self, name), positive=True))
        if self.give_up < self.retry_after:
            raise invalid("give_up", self.give_up, "must be at least retry_after")
        bad_limit = isinstance(self.limit, bool) or not isinstance(self.limit, int | None)
        if bad_limit or (self.limit is not None and self.limit < 0):
            raise invalid("limit", self.limit, "must be None or an int >= 0")


def as_workload(workload: Workload | dict[str, Any] | None) -> Workload:
    """``workload`` as a :class:`Workload`: a dict (JSON options of a real cluster,
    lists for tuples) gives its fields; ``None`` the default.

    Raises:
        InvalidArgument: anything else, or a dict with fields a Workload does not have.
    """
    if workload is None or isinstance(workload, Workload):
        return workload or Workload()
    if not isinstance(workload, dict):
        raise invalid("workload", workload, "must be a Workload, a dict of its fields, or None")
    fields: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in workload.items()
    }
    try:
        return Workload(**fields)
    except TypeError as exc:
        raise invalid("workload", workload, f"must hold fields of Workload ({exc})") from None


class KVClient(Actor):
    """A client of the key-value service (one operation outstanding at a time).

    Args:
        servers: the names of the servers.
        workload: what it asks.
    """

    def __init__(self, servers: Sequence[str], workload: Workload | None = None) -> None:
        self.servers = tuple(servers)
        self.workload = workload or Workload()
        self.seq = 0  # the sequence number of the current (or last) operation
        self.request: ClientRequest | None = None  # outstanding, if any
        self.leader = self.servers[0]  # where the next attempt goes
        self.invoked_at = 0.0
        self.retry_timer: Timer | None = None

    def started(self, ctx: Context) -> None:
        """Begin the first operation after one think time."""
        ctx.run_later(self.workload.think, self.invoke)

    def invoke(self, ctx: Context) -> None:
        """Pick the next operation, record its invocation, send it."""
        w = self.workload
        if w.limit is not None and self.seq >= w.limit:
            return
        self.seq += 1
        op, key = ctx.rng.choice(w.ops), ctx.rng.choice(w.keys)
        value = self.arguments(op, ctx)
        self.request = ClientRequest(ctx.name, self.seq, op, key, value)
        self.invoked_at = ctx.now
        record_op(ctx, "invoke", op, value, key=key)
        self.attempt(ctx)

    def arguments(self, op: str, ctx: Context) -> Any:
        """Random arguments: small values, so that ``cas`` sometimes succeeds."""
        if op == "get":
            return None
        if op == "cas":
            return (ctx.rng.randrange(3), ctx.rng.randrange(3))
        if op == "append":
            return f"{ctx.name}.{self.seq} "
        return ctx.rng.randrange(3)

    def attempt(self, ctx: Context) -> None:
        """Send the outstanding request to :attr:`leader`, or give up if it is too late."""
        ctx.cancel(self.retry_timer)
        request = self.request
        if request is None:
            return
        if ctx.now - self.invoked_at >= self.workload.give_up:
            self.complete(ctx, "info", None)
            return
        ctx.addr(self.leader).do_send(request)
        self.retry_timer = ctx.run_later(self.workload.retry_after, self.try_next_server)

    def try_next_server(self, ctx: Context) -> None:
        """No answer in time: the next server round the list."""
        at = self.servers.index(self.leader)
        self.leader = self.servers[(at + 1) % len(self.servers)]
        self.attempt(ctx)

    def on_client_reply(self, msg: ClientReply, ctx: Context) -> None:
        """An answer to the outstanding operation completes it; "not the leader" sends
        it on to the leader named (or the next server, a little later)."""
        if self.request is None or msg.seq != self.request.seq:
            return  # an answer to an earlier attempt, already complete
        if msg.ok:
            self.leader = msg.server
            self.complete(ctx, "ok", msg.result)
        elif msg.leader is not None and msg.leader != msg.server:
            self.leader = msg.leader
            self.attempt(ctx)
        else:  # nobody knows a leader yet: wait a moment, then the next server
            ctx.cancel(self.retry_timer)
            self.retry_timer = ctx.run_later(self.workload.think, self.try_next_server)

    def complete(self, ctx: Context, outcome: str, result: Any) -> None:
        """Record the completion (``ok`` with its result, or ``info``), then think."""
        assert self.request is not None
        ctx.cancel(self.retry_timer)
        record_op(ctx, outcome, self.request.op, result, key=self.request.key)
        self.request = None
        ctx.run_later(self.workload.think, self.invoke)
