"""The transport: the one send path, the network's say, and request-reply.

How a message travels (see also docs/architecture.md)::

    addr.do_send(msg)  ->  Transport.send       count its type, number it, then:
        to itself          ACCEPT entry now (no network: always delivered)
        plain network      ARRIVE entry at now + the latency (written out here for
                           speed); on one constant delay it goes to the FIFO,
                           since such messages arrive in the order they are sent
        otherwise          route: partition? loss? a latency draw; a duplicate?
    ARRIVE comes up    ->  arrive: a link cut while it travelled drops it, a
                           held link parks it until release
    ACCEPT or ARRIVE   ->  delivered (``deliver``; ``Engine._loop`` writes it
                           out), or not_up: a paused node keeps it, a down or
                           stopped one drops it

A message sent with ``addr.send`` carries its request's id; the handler's
return value goes back as a ``Reply`` over the same network (``reply``), and
``on_reply`` runs the requester's callback unless the timeout came first: the
engine hands a ``Reply`` to ``on_reply`` itself, never to a handler.

The transport owns the network (its settings, its random draws), the messages
parked on held links, the pending requests, the message ids, and ``current``:
whose code is running, the sender of a send.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from typing import TYPE_CHECKING, Any, cast

from .actor import Context, find_handler
from .address import Reply, Request
from .entries import ACCEPT, ARRIVE, CALL
from .errors import SendError, UnhandledMessage
from .immutability import check_message
from .network import LinkConfig, Network
from .node import DOWN, PAUSED, UP, Envelope, Node
from .trace import DELIVER, DROP, DUPLICATE, ROW, SEND
from .world import ReplyCallback, TimeoutCallback

if TYPE_CHECKING:
    from .face import Face


class Transport:
    """Sending, the simulated network, request-reply, and the message accounting.

    Args:
        sim: the Sim this is a part of (scheduler, trace writer, lifecycle, timers).
        network: the default settings of every link.

    Attributes:
        network: the link settings.
        held: messages parked on held links, by link, in arrival order.
        current: whose code is running now (the outside between handlers).
    """

    def __init__(self, sim: Face, network: LinkConfig) -> None:
        self._sim = sim
        self._scheduler, self._writer = sim.scheduler, sim.writer  # read on every send
        self._full, self._sent_by_type = sim.writer.full, sim.writer.sent_by_type  # the same
        self.network = Network(default=network)
        self.held: dict[tuple[str, str], list[Envelope]] = {}
        self.current: Node = sim.lifecycle.outside
        self._net_rng = random.Random(f"{sim.seed}/network")
        self._next_msg_id = itertools.count(1).__next__  # ids of messages and requests
        self._requests: dict[int, Request] = {}  # pending, by id

    # -- sending -------------------------------------------------------------

    def send(self, dst: Node, msg: Any, request_id: int = 0) -> None:
        """Put one message on its way from whoever's code is running to ``dst`` (World).

        This is the one send path: ``do_send``, ``try_send``, ``send`` and the
        replies the engine sends all come here.
        """
        sent_by_type = self._sent_by_type
        try:  # counting the type also checks the message rule, once per type
            sent_by_type[type(msg)] += 1
        except KeyError:
            check_message(msg)
            sent_by_type[type(msg)] = 1
        src, net = self.current, self.network
        env = (self._next_msg_id(), src, dst, msg, request_id)
        if src is dst:  # self-sends skip the network: always delivered, no delay
            self._writer.message(SEND, env, self._scheduler.now)
            self._scheduler.push(self._scheduler.now, ACCEPT, env)
        elif net.plain_latency is None:  # something may happen to it on the way
            self.route(env)
        else:
            # The common case, written out because a call per message costs
            # more than the work: schedule, then record (TraceWriter.message, inlined;
            # test_transport checks both ways record the same trace). On the one
            # constant delay, messages arrive in the order they are sent: the FIFO.
            scheduler, delay = self._scheduler, net.fast_delay
            now = scheduler.now
            if delay is not None:
                due = now + delay
                scheduler.fifo.append((due, scheduler.next_seq(), ARRIVE, env))
            else:  # the draw _route would make
                due = now + net.plain_latency.sample(self._net_rng)
                heapq.heappush(scheduler.heap, (due, scheduler.next_seq(), ARRIVE, env))
            if self._full:  # TraceWriter.message, inlined
                writer, code = self._writer, SEND | src.out_code | dst.in_code
                writer.add_row(ROW.pack(now, code, env[0], due))
                writer.add_object(msg)

    def reply(self, requester: Node, request_id: int, value: Any) -> None:
        """Send a handler's return ``value`` back to ``requester`` (the engine's call).

        Its own function, so that building the ``Reply`` runs in the runtime's code
        (see ``interrupts.py``: the engine's loop calls nothing else outside it but
        the handler).
        """
        self.send(requester, Reply(request_id, value))

    def network_changed(self) -> None:
        """Take in a change of the network: the fast path, and the FIFO's order.

        With a shorter constant delay, a message sent now would arrive before
        some already in the FIFO: those move to the heap, which orders anything.
        """
        self.network.refresh()
        delay = self.network.fast_delay
        if delay is not None:
            self._scheduler.merge_fifo_after(self._scheduler.now + delay)

    def route(self, env: Envelope) -> None:
        """Send ``env`` over its link: partitions, loss, latency, duplication."""
        src, dst = env[1], env[2]
        net, rng, now = self.network, self._net_rng, self._scheduler.now
        config = net.config(src.name, dst.name)
        if (src.name, dst.name) in net.blocked:
            reason = "partition"
        elif config.loss and rng.random() < config.loss:
            reason = "loss"
        else:
            due = now + config.latency.sample(rng)
            self._writer.message(SEND, env, due)
            self._scheduler.push(due, ARRIVE, env)
            if config.duplication and rng.random() < config.duplication:
                self.duplicate(env, now + config.latency.sample(rng))
            return
        self._writer.message(SEND, env, math.nan)
        self._writer.drop(env, reason)

    def duplicate(self, env: Envelope, due: float) -> None:
        """The network delivers a second copy of ``env``, counted as its own message."""
        _, src, dst, msg, request_id = env
        copy = (self._next_msg_id(), src, dst, msg, request_id)
        self._writer.kind_counts[DUPLICATE] += 1
        self._writer.message(DUPLICATE, copy, due)
        self._scheduler.push(due, ARRIVE, copy)

    def try_send(self, dst: Node, msg: Any) -> None:
        """``addr.try_send``: refuse (and record) a send to a node that is not running (World).

        Raises:
            SendError: ``dst`` is down or stopped.
        """
        check_message(msg)
        if dst.status not in (UP, PAUSED):
            self._writer.event("send_error", self.current, dst, {"msg": msg, "status": dst.status})
            raise SendError(
                f"try_send({type(msg).__name__}) to {dst.name!r} failed: the node is {dst.status}"
            )
        self.send(dst, msg)

    # -- arriving ------------------------------------------------------------

    def arrive(self, env: Envelope) -> bool:
        """The message reached the far end of its link. May it go on to the node?

        A partition drops it; a hold parks it until ``release``.
        """
        link = (env[1].name, env[2].name)
        if link in self.network.blocked:
            self._writer.drop(env, "partition")
            return False
        if link in self.network.held:
            self.held.setdefault(link, []).append(env)
            return False
        return True

    def not_up(self, env: Envelope) -> None:
        """A message reached a node that is not up: it waits (paused) or is dropped."""
        dst = env[2]
        if dst.status is PAUSED:
            dst.backlog.append((ACCEPT, env))
        else:
            self._writer.drop(env, "node_down" if dst.status is DOWN else "node_stopped")

    def deliver(self, env: Envelope) -> None:
        """Hand ``env`` to its node now: record it, then its handler runs.

        ``Engine.step``'s delivery; ``Engine._loop`` writes the same out for speed.
        A paused node keeps the message, a down one drops it (``not_up``); a
        ``Reply`` runs its requester's callback; a handler's return value goes
        back to the sender of a request (``reply``).
        """
        _, src, dst, msg, request_id = env
        if dst.status is not UP:
            self.not_up(env)
            return
        assert dst.ctx is not None  # a node that is up has its context
        self._writer.kind_counts[DELIVER] += 1
        self._writer.message(DELIVER, env, math.nan)
        if type(msg) is Reply:
            self.on_reply(dst, msg)
            return
        handler = dst.handlers.get(type(msg)) or self.find_handler(dst, msg)
        if handler is None:  # no handler for its type: a recorded failure
            return
        self.current = dst
        try:
            result = handler(msg, dst.ctx)
        except Exception as exc:
            self.current = self._sim.lifecycle.outside
            self._sim.lifecycle.fail(dst, "handler", type(msg).__name__, exc)
            return
        if request_id:
            self.reply(src, request_id, result)
        self.current = self._sim.lifecycle.outside

    def find_handler(self, node: Node, msg: Any) -> Any:
        """The handler for a message type seen for the first time by this actor.

        A type with no handler is a failure of the actor (``None`` is returned).
        """
        assert node.actor is not None  # messages reach only nodes that are up
        try:
            handler = node.handlers[type(msg)] = find_handler(node.actor, type(msg))
        except UnhandledMessage as exc:
            self._sim.lifecycle.fail(node, "handler", type(msg).__name__, exc)
            return None
        return handler

    # -- request-reply ---------------------------------------------------------

    def request(
        self,
        dst: Node,
        msg: Any,
        timeout: float,
        on_reply: ReplyCallback | None,
        on_timeout: TimeoutCallback | None,
    ) -> Request:
        """``addr.send``: send ``msg`` and wait ``timeout`` seconds for the reply (World)."""
        check_message(msg)  # before anything changes
        requester = self.current
        request = Request(self._next_msg_id(), requester, on_reply, on_timeout)
        self._requests[request.id] = request
        self.send(dst, msg, request.id)

        def request_timeout(ctx: Context | None) -> None:
            self.expire(request, ctx)

        due = self._scheduler.now + timeout
        if requester is self._sim.lifecycle.outside:
            self._scheduler.push(due, CALL, lambda: request_timeout(None))
        else:
            request.timer = self._sim.timers.start(requester, request_timeout, due, None)
        return request

    def expire(self, request: Request, ctx: Context | None) -> None:
        """The timeout came first: ``on_timeout`` runs (a late reply is ignored)."""
        if not request.pending:
            return
        request.timed_out = True
        del self._requests[request.id]
        if request.on_timeout is not None:
            requester = cast(Node, request.node)  # the Sim's requests all have one
            self._sim.lifecycle.guarded(requester, "reply", "on_timeout", request.on_timeout, ctx)

    def on_reply(self, node: Node, reply: Reply) -> None:
        """A reply reached its requester: ``on_reply`` runs, unless it came too late."""
        request = self._requests.pop(reply.request_id, None)
        if request is None or not request.pending:
            return  # a late or duplicate reply: nobody waits for it any more
        request.done = True
        request.value = reply.value
        if request.timer is not None:
            request.timer.cancelled = True
        if request.on_reply is None or request.incarnation != node.incarnation:
            return
        ctx = None if node is self._sim.lifecycle.outside else node.ctx
        self._sim.lifecycle.guarded(node, "reply", "on_reply", request.on_reply, reply.value, ctx)

    def forget_requests(self, node: Node) -> None:
        """``node``'s actor is gone: nobody will read the replies to its requests."""
        for request_id in [i for i, r in self._requests.items() if r.node is node]:
            del self._requests[request_id]

    # -- accounting ------------------------------------------------------------

    @property
    def sent(self) -> int:
        """Messages sent so far, each network-made duplicate counted as one more."""
        return self._writer.trace.sends() + self._writer.kind_counts[DUPLICATE]

    @property
    def delivered(self) -> int:
        """Messages handed to their recipient so far."""
        return self._writer.kind_counts[DELIVER]

    @property
    def dropped(self) -> int:
        """Messages dropped so far, for any reason (see ``trace.counts()["drops"]``)."""
        return self._writer.kind_counts[DROP]

    @property
    def in_flight(self) -> int:
        """Messages sent but neither delivered nor dropped yet (held or queued included)."""
        return self.sent - self.delivered - self.dropped

    @property
    def network_rng(self) -> random.Random:
        """The generator every link's latency and loss is drawn from (seed "<seed>/network")."""
        return self._net_rng
