"""One node as an operating-system process: the same Actor, on asyncio and UDP.

A :class:`NetNode` implements the runtime's ``World`` interface
(``distsys_edu/runtime/world.py``), so its actor gets the simulator's own
``Context`` and ``Addr`` classes, talking to this process instead of a Sim. It
delivers authenticated datagrams to the actor's handlers (found with
the runtime's ``find_handler``), runs timers on the event loop, and writes the
node's trace rows (with Lamport clocks) for :mod:`.merge` to join.

Time: ``ctx.now`` is the time (seconds of the launcher machine's monotonic
clock since the cluster started) at which the current callback began, and it
stays put during the callback, as virtual time does in the simulator; every
event a callback records carries that time. What cannot be as in the simulator:

* ``try_send`` never raises: a real network has no oracle that says the
  recipient is down (a partition does not raise there either). It sends like
  ``do_send``.
* Supervisors are not supported: a handler that raises is recorded (``failure``
  and ``crash`` rows) and the process exits with status 1, as a real process would.
* ``ctx.rng`` is seeded as in the simulator, but what happens still depends on
  real timing, so a run does not repeat.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import traceback
from collections.abc import Callable
from typing import Any, cast

from ..runtime import (
    Actor,
    Addr,
    Context,
    Reply,
    Request,
    Timer,
    UnhandledMessage,
    UnknownNode,
    check_message,
)
from ..runtime.actor import TimerCallback, find_handler
from ..runtime.errors import invalid
from .codec import MessageCodec, Refused
from .factories import cluster_factories, node_spec
from .records import NodeRecords
from .rundir import RunDir, cluster_clock
from .storage import PersistentStorage
from .wire import CONTROL, ReplayGuard, seal, unseal

HOUSEKEEPING = 0.1
"""Seconds between two writes of the status file (when something changed)."""

WATCH_EVERY = 10
"""Housekeeping rounds between two checks that the run directory and parent live
(about a second)."""


class Peer:
    """A node of the cluster as an ``Addr`` here sees it: its name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class NetNode(NodeRecords, asyncio.DatagramProtocol):
    """One node of a cluster, in this process: runs its actor, sends and receives.

    Args:
        run: the run directory.
        name: this node's name.
        incarnation: how many times it was started before.
        listening_since: when its socket was bound (cluster time); datagrams
            sent earlier are refused.
        parent: the pid whose death ends this process, or ``None``.
    """

    def __init__(
        self,
        run: RunDir,
        name: str,
        incarnation: int,
        listening_since: float,
        parent: int | None = None,
    ) -> None:
        super().__init__(run, name, incarnation, parent)
        self.key = run.key()
        config = self.config
        spec = node_spec(config.protocol, config.module, config.module_path)
        self.factory = cluster_factories(
            config.protocol, config.servers, config.options, config.seed
        )[name]
        self.codec = MessageCodec(spec.messages, self.addr)
        self.storage = PersistentStorage(run.node_file(name, "storage.json"), self.codec)
        self.guard = ReplayGuard(listening_since)
        self.where = {n: (config.host, port) for n, port in config.ports.items()}
        self.addresses = {n: Addr(self, Peer(n)) for n in config.nodes}
        self.seq = 0
        self.next_request = incarnation << 32  # never a live id of an earlier incarnation
        self.requests: dict[int, Request] = {}
        self.handles: dict[Timer, asyncio.TimerHandle] = {}
        self.rounds = 0
        self.ctx = Context(self, self)
        self.actor: Actor | None = None
        self.transport: asyncio.DatagramTransport | None = None
        self.done: asyncio.Future[int] | None = None

    # -- the process -----------------------------------------------------------

    async def serve(self, sock: socket.socket) -> int:
        """Run the node until it stops, fails, or is told to end; returns the exit status."""
        loop = asyncio.get_running_loop()
        self.done = loop.create_future()
        await loop.create_datagram_endpoint(lambda: self, sock=sock)
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.finish, 0)
        loop.add_signal_handler(signal.SIGCONT, self.read_filter)  # filters set while paused
        self.tick()
        self.record("restart" if self.incarnation else "spawn")
        actor = self.factory()
        if not isinstance(actor, Actor):
            raise invalid("factory", self.factory, f"must return an Actor, not {actor!r}")
        self.actor = actor
        self.guarded("started", "started", actor.started, self.ctx)
        self.housekeeping()
        code = await self.done
        if self.transport is not None:
            self.transport.close()
        self.write_status()
        self.trace_file.close()
        return code

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def finish(self, code: int) -> None:
        """End the process with exit status ``code`` (once)."""
        if self.done is not None and not self.done.done():
            self.done.set_result(code)

    def housekeeping(self) -> None:
        """Publish the status file; about every second, check that the run goes on and
        that this node runs with the cluster's current drop filter."""
        self.rounds += 1
        if self.rounds % WATCH_EVERY == 0:
            self.guard.forget_old(cluster_clock(self.config.start))
            self.read_filter()
            if not self.run_goes_on():
                self.finish(0)
        if self.dirty:
            self.write_status()
        assert self.done is not None
        asyncio.get_running_loop().call_later(HOUSEKEEPING, self.housekeeping)

    # -- running the actor's code -----------------------------------------------

    def guarded(self, during: str, what: str, fn: Callable[..., Any], *args: Any) -> Any:
        """Run the actor's ``fn(*args)``, then write what it changed in place in its
        storage; an exception is recorded and ends the process."""
        if self.status != "up" and during != "stopped":
            return None
        try:
            value = fn(*args)
            self.storage.flush()
            return value
        except Exception as exc:
            self.fail(during, what, exc)
            return None

    def fail(self, during: str, what: str, exc: Exception) -> None:
        """Record a failure; a running node then crashes (its process exits with 1)."""
        traceback.print_exception(exc, file=sys.stderr)
        outcome = "crashed" if self.status == "up" else self.status
        error = f"{type(exc).__name__}: {exc}"
        self.record(
            "failure", data={"during": during, "what": what, "error": error, "outcome": outcome}
        )
        if self.status == "up":
            self.status = "down"
            self.annotations = {}
            self.record("crash")
            self.finish(1)

    def _stop(self, node: NetNode) -> None:
        """``ctx.stop`` (World): ``stopped(ctx)`` runs, timers end, the process exits with 0."""
        if self.status != "up" or self.actor is None:
            return
        self.status = "stopped"
        self.guarded("stopped", "stopped", self.actor.stopped, self.ctx)
        for handle in self.handles.values():
            handle.cancel()
        self.handles.clear()
        self.annotations = {}
        self.record("stop")
        self.finish(0)

    # -- timers ------------------------------------------------------------------

    def _start_timer(
        self, node: NetNode, callback: TimerCallback, start: float, every: float | None
    ) -> Timer:
        """A timer due at ``start`` (one-shot) or every ``every`` from ``start`` (World)."""
        timer = Timer(node, callback, start, every, self.now)
        self.schedule(timer)
        return timer

    def _cancel_timer(self, timer: Timer) -> None:
        """``ctx.cancel`` (World): the timer never fires, and leaves the event loop."""
        timer.cancelled = True
        handle = self.handles.pop(timer, None)
        if handle is not None:
            handle.cancel()

    def schedule(self, timer: Timer) -> None:
        """Put ``timer``'s next firing on the event loop (its clock is the monotonic one)."""
        loop = asyncio.get_running_loop()
        self.handles[timer] = loop.call_at(self.config.start + timer.due(), self.fire, timer)

    def fire(self, timer: Timer) -> None:
        """A timer is due. An interval timer late by several ticks runs once, on its grid."""
        self.handles.pop(timer, None)
        if not timer.active or self.status != "up":
            return
        self.tick()
        if timer.every is None:
            timer.cancelled = True
        else:
            timer.fired = max(timer.fired + 1, int((self.now - timer.start) // timer.every))
            self.schedule(timer)
        self.record("timer", data=timer.name)
        self.guarded("timer", timer.name, timer.callback, self.ctx)

    # -- sending -----------------------------------------------------------------

    @property
    def nodes(self) -> list[str]:
        """Every node of the cluster, in the cluster's order (World)."""
        return list(self.config.nodes)

    def addr(self, name: str) -> Addr:
        """The address of node ``name`` (World)."""
        found = self.addresses.get(name)
        if found is None:
            raise UnknownNode(
                f"node={name!r} is not allowed: no such node (known: {', '.join(self.where)})"
            )
        return found

    def _send(self, dst: Peer, msg: Any, request_id: int = 0) -> None:
        """``addr.do_send`` (World): see :meth:`send`."""
        self.send(dst.name, msg, request_id)

    def _try_send(self, dst: Peer, msg: Any) -> None:
        """``addr.try_send`` (World): sends like ``do_send``; a real network has no oracle."""
        self.send(dst.name, msg)

    def send(self, dst: str, msg: Any, request_id: int = 0) -> None:
        """Send ``msg`` to ``dst``: to itself at once, else in one datagram unless filtered.
        The storage is written first (Figure 2 of Raft: persistent state is "updated on
        stable storage before responding to RPCs")."""
        check_message(msg)
        self.addr(dst)
        data = self.codec.encode(msg)
        self.storage.flush()
        self.seq += 1
        mid = [self.name, self.incarnation, self.seq]
        lamport = self.record("send", peer=dst, mid=mid, msg=data)
        if dst == self.name:  # a self-send never crosses the network
            asyncio.get_running_loop().call_soon(self.deliver_own, mid, msg, request_id)
            return
        reason = self.filter.outgoing(self.name, dst)
        if reason is not None:
            self.drop(mid, self.name, dst, reason)
            return
        header = {
            "src": self.name,
            "dst": dst,
            "boot": self.incarnation,
            "seq": self.seq,
            "sent": self.now,
            "lc": lamport,
            "req": request_id,
            "msg": data,
        }
        assert self.transport is not None
        self.transport.sendto(seal(self.key, header), self.where[dst])

    def _request(
        self,
        dst: Peer,
        msg: Any,
        timeout: float,
        on_reply: Callable[[Any, Context | None], Any] | None,
        on_timeout: Callable[[Context | None], Any] | None,
    ) -> Request:
        """``addr.send`` (World): send ``msg``, wait ``timeout`` real seconds for the reply."""
        self.next_request += 1
        request = Request(self.next_request, None, on_reply, on_timeout)

        def request_timeout(ctx: Context) -> None:
            if request.pending:
                request.timed_out = True
                self.requests.pop(request.id, None)
                if on_timeout is not None:
                    on_timeout(ctx)

        request.timer = self._start_timer(self, request_timeout, self.now + timeout, None)
        self.requests[request.id] = request
        self.send(dst.name, msg, request.id)
        return request

    # -- receiving ---------------------------------------------------------------

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        """Check a datagram and hand its message to the actor; refuse it otherwise."""
        if self.status != "up":
            return
        self.tick()
        try:
            header = unseal(self.key, data)
            self.guard.admit(header, self.now)
            if header["src"] == CONTROL:
                self.apply_filter(header.get("control"))
                return
            request_id = header.get("req", 0)
            if header["dst"] != self.name or header["src"] not in self.where:
                raise Refused("malformed", f"from {header['src']!r:.40} to {header['dst']!r:.40}")
            msg = self.codec.decode(header.get("msg"))
            self.handler_for(msg)
        except Refused as refusal:
            self.refuse(refusal)
            return
        src = header["src"]
        self.lamport = max(self.lamport, header["lc"])
        mid = [src, header["boot"], header["seq"]]
        if (src, self.name) in self.filter.blocked:  # nothing arrives over a cut link
            self.drop(mid, src, self.name, "partition")
            return
        self.record("deliver", node=src, peer=self.name, mid=mid)
        self.dispatch(src, msg, request_id)

    def deliver_own(self, mid: list[Any], msg: Any, request_id: int) -> None:
        """A self-send arrives."""
        if self.status != "up":
            return
        self.tick()
        self.record("deliver", peer=self.name, mid=mid)
        self.dispatch(self.name, msg, request_id)

    def handler_for(self, msg: Any) -> Callable[[Any, Context], Any] | None:
        """The actor's handler for ``msg`` (``None`` for a reply).

        Raises:
            Refused: ``unhandled``, when the actor has none.
        """
        if isinstance(msg, Reply):
            return None
        assert self.actor is not None
        try:
            return find_handler(self.actor, type(msg))
        except UnhandledMessage as exc:
            raise Refused("unhandled", str(exc)) from None

    def dispatch(self, src: str, msg: Any, request_id: int) -> None:
        """Run the handler (or the reply callback); answer a request."""
        if isinstance(msg, Reply):
            request = self.requests.pop(msg.request_id, None)
            if request is not None and request.pending:
                request.done, request.value = True, msg.value
                self.ctx.cancel(request.timer)
                if request.on_reply is not None:
                    self.guarded("reply", "on_reply", request.on_reply, msg.value, self.ctx)
            return
        handler = self.handler_for(msg)
        assert handler is not None

        def handle(ctx: Context) -> None:
            value = handler(msg, ctx)
            if request_id:
                self.send(src, Reply(request_id, value))

        self.guarded("handler", getattr(handler, "__name__", "handler"), handle, self.ctx)
