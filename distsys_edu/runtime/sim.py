"""The Sim: a seeded virtual clock, one event heap, nodes, and the fault API.

Everything that will happen is an entry ``(time, seq, kind, item)`` on one
heap. ``seq`` grows by one for every entry, so entries at the same virtual time
run in the order they were scheduled, and the heap never compares two items.
``run`` pops entries in order and hands each to its kind's method; that loop
and the send/arrive/accept path below it are the hot path and are written for
speed where a comment says so.

Priorities, in order: correctness and determinism, then clarity, then speed.
The same seed and code give the same trace, byte for byte, in any process: all
randomness comes from generators seeded with strings derived from the seed
(``random.Random`` hashes a str seed with SHA-512, not ``hash()``).
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import random
import sys
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from .actor import Actor, Context, Timer, TimerCallback, find_handler
from .address import Addr, Reply, Request
from .errors import (
    ClockStuckError,
    FaultScheduleError,
    InvalidArgument,
    UnhandledMessage,
    UnknownNode,
    check_time,
    invalid,
)
from .faults import Fault, FaultSchedule, as_fault
from .heap import ACCEPT, ARRIVE, CALL, RUN_TIMER, TIMER_DUE
from .messages import check_message
from .network import LinkConfig, Network
from .snapshot import Snapshot, snapshot_at
from .supervisor import Failure, HandlerFailureWarning, Supervisor
from .trace import (
    DELIVER,
    DROP,
    DROP_REASONS,
    DUPLICATE,
    NODE_SHIFT,
    PEER_SHIFT,
    ROW,
    SEND,
    TIMER,
    K,
    Trace,
)

UP, DOWN, PAUSED, STOPPED = "up", "down", "paused", "stopped"
NODE_STATES = (UP, DOWN, PAUSED, STOPPED)

_FORBIDDEN_IN_NAMES = set(" \t\n,|:#<>")  # <> keeps "<outside>" (the notebook) reserved
_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__))
_LATE = 1 << 62  # added to a scheduled fault's seq: it runs after the rest of its instant
SETTLE = "settle"  # the fault history's mark: what is due at this instant runs first

ActorFactory = Callable[[], Actor]


def _caller_outside_runtime() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside the runtime."""
    frame, level = sys._getframe(2), 2  # 1 is the caller's own warnings.warn line
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_RUNTIME_DIR):
        frame, level = frame.f_back, level + 1
    return level


def _describe(kind: int, item: Any) -> str:
    """What a heap entry will do, for an error message: ``node 'a' gets Tick``."""
    if kind <= ACCEPT:
        return f"node {item[2].name!r} gets {type(item[3]).__name__}"
    if kind == CALL:
        return f"the runtime's {getattr(item, '__name__', 'call')}"
    return f"node {item.node.name!r} runs timer {item.name}"


class Node:
    """The runtime's record of one node; it outlives crashes and restarts."""

    __slots__ = (
        "actor",
        "addr",
        "annotations",
        "backlog",
        "ctx",
        "factory",
        "handlers",
        "in_code",
        "incarnation",
        "index",
        "name",
        "out_code",
        "pause_until",
        "restart_times",
        "status",
        "storage",
        "supervisor",
    )

    def __init__(
        self,
        sim: Sim,
        name: str,
        index: int,
        factory: ActorFactory | None,
        supervisor: Supervisor | None,
    ) -> None:
        self.name = name
        self.index = index
        # This node's part of a trace event's packed code, as sender and as
        # receiver (see trace.pack), computed once for the hot path.
        self.out_code = (index + 1) << NODE_SHIFT
        self.in_code = (index + 1) << PEER_SHIFT
        self.factory = factory
        self.supervisor = supervisor
        self.actor: Actor | None = None
        self.ctx: Context | None = None
        self.status = UP
        self.incarnation = 0
        self.storage: dict[str, Any] = {}
        self.backlog: list[tuple[int, Any]] = []  # what waits for a paused node
        self.handlers: dict[type, Callable[[Any, Context], Any]] = {}
        self.restart_times: list[float] = []
        self.annotations: dict[str, Any] = {}
        self.pause_until = 0.0
        self.addr = Addr(sim, self)


Envelope = tuple[int, Node, Node, Any, int]
"""One copy of one message on its way: ``(msg_id, src, dst, msg, request_id)``;
``request_id`` is 0 unless the sender waits for a reply."""


class Sim:
    """A deterministic world of actors on a simulated network.

    Build it, ``spawn`` nodes, then ``run(until=...)``, ``run_for(...)`` or
    ``step()``; break things with ``crash``, ``restart``, ``pause``,
    ``partition``, ``heal``, ``hold``/``release``, ``set_link`` and
    ``set_network``, by hand or from a ``schedule``.

    Args:
        seed: the only source of randomness (network delays and losses, each
            node's ``ctx.rng``).
        trace: ``"full"`` keeps every event; ``"counts"`` keeps tallies only.
        strict: re-raise a handler's exception out of ``run`` instead of
            recording it and crashing the node.
        network: the default settings of every link (``LinkConfig``).
        faults: a fault schedule to apply as virtual time passes.
        max_events_per_instant: how many events may run at one virtual instant
            before the run stops with ``ClockStuckError`` (a loop that never
            advances time, such as a node that sends to itself in every
            handler). The default, a million, is more than a 1,000-node cluster
            sending all-to-all at one instant needs.

    Attributes:
        now: the virtual time in seconds.
        trace: every event so far (``sim.trace.events("drop")``,
            ``sim.trace.counts()``, ``sim.trace.digest()``).
        failures: every exception a handler, timer or hook raised, as
            ``Failure`` records (``sim.failures[0].traceback`` to read one).
        nodes: every node's name, in spawn order (``status(name)``,
            ``actor(name)``, ``annotations(name)``, ``storage(name)`` per node).
        network: the link settings (``network.default``, ``network.links``).
        fault_history: every fault applied so far, as a schedule that replays
            the same run in a fresh Sim.
        sent, delivered, dropped, in_flight: the message accounting;
            ``sent == delivered + dropped + in_flight`` at every moment.
        seed, strict, max_events_per_instant: as given.

    Raises:
        InvalidArgument: a seed that is not an int, an unknown trace level, or
            a ``max_events_per_instant`` that is not an int >= 1.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        trace: str = "full",
        strict: bool = False,
        network: LinkConfig | None = None,
        faults: Iterable[Fault | str | dict[str, Any]] | None = None,
        max_events_per_instant: int = 1_000_000,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise invalid("seed", seed, "must be an int")
        if (
            isinstance(max_events_per_instant, bool)
            or not isinstance(max_events_per_instant, int)
            or max_events_per_instant < 1
        ):
            raise invalid("max_events_per_instant", max_events_per_instant, "must be an int >= 1")
        if not isinstance(strict, bool):
            raise invalid("strict", strict, "must be True or False")
        if network is not None and not isinstance(network, LinkConfig):
            raise invalid("network", network, "must be a LinkConfig or None")
        self.seed = seed
        self.strict = strict
        self.max_events_per_instant = max_events_per_instant
        self.now = 0.0
        self.trace = Trace(trace)
        self.trace.meta["seed"] = seed
        self.network = Network(default=network or LinkConfig())
        self.failures: list[Failure] = []
        self._heap: list[tuple[float, int, int, Any]] = []
        self._next_seq = itertools.count().__next__
        self._next_msg_id = itertools.count(1).__next__
        self._net_rng = random.Random(f"{seed}/network")
        self._nodes: dict[str, Node] = {}
        self._outside = Node(self, "<outside>", -1, None, None)
        self._current = self._outside  # whose code is running: the sender of a send
        self._requests: dict[int, Request] = {}
        self._held: dict[tuple[str, str], list[Envelope]] = {}
        self._fault_history: list[Fault] = []
        self._fault_groups: dict[float, list[Fault]] = {}  # scheduled, by instant
        self._running = False
        self._first_seq = 0  # _push_first counts down from here
        self._events_now = 0  # events run at `now` so far (see _loop)
        self._events_at_last_fault = 0  # _events_now when the last fault was remembered
        self._failures_before_run = 0  # len(failures) when the current run began
        self._full = self.trace.full
        self._kind_counts = self.trace.kind_counts
        self._add_row, self._add_object = self.trace.appenders()
        self._sent_by_type = self.trace.sent_by_type
        if faults is not None:
            self.schedule(faults)

    # -- nodes -------------------------------------------------------------

    def spawn(
        self, name: str, factory: ActorFactory, *, supervisor: Supervisor | None = None
    ) -> Addr:
        """Create node ``name`` running the actor ``factory()`` returns.

        The actor's ``started(ctx)`` runs at the current virtual time, after
        the code that called ``spawn`` (so spawn every node, then run).

        Raises:
            InvalidArgument: a bad or already used name, a factory that is not
                callable or does not return an ``Actor``.
        """
        if not isinstance(name, str) or not name or _FORBIDDEN_IN_NAMES & set(name):
            raise invalid("name", name, "must be a non-empty str without spaces or , | : # < >")
        if name in self._nodes:
            raise invalid("name", name, "is already used by another node; names must be unique")
        if supervisor is not None and not isinstance(supervisor, Supervisor):
            raise invalid("supervisor", supervisor, "must be a Supervisor or None")
        node = Node(self, name, len(self._nodes), factory, supervisor)
        actor = self._make_actor(node)
        self._nodes[name] = node
        self.trace.nodes.append(name)
        self._boot(node, actor, "spawn")
        return node.addr

    def _make_actor(self, node: Node) -> Actor:
        factory = node.factory
        if not callable(factory):
            raise invalid("factory", factory, "must be a callable that returns an Actor")
        actor = factory()
        if not isinstance(actor, Actor):
            raise invalid(
                "factory", factory, f"must return an Actor instance, but it returned {actor!r}"
            )
        return actor

    def _boot(self, node: Node, actor: Actor, event: str) -> None:
        node.actor = actor
        node.status = UP
        node.handlers = {}
        node.ctx = Context(self, node)
        self._log(event, node)
        self._call_soon(node, "started", actor.started)

    def _node(self, name: str) -> Node:
        if not isinstance(name, str):
            raise invalid("node", name, "must be a node's name (a str)")
        node = self._nodes.get(name)
        if node is None:
            known = ", ".join(self._nodes) or "none yet"
            raise UnknownNode(f"node={name!r} is not allowed: no such node (known: {known})")
        return node

    @property
    def nodes(self) -> list[str]:
        """Every node's name, in spawn order."""
        return list(self._nodes)

    def addr(self, name: str) -> Addr:
        """The address of node ``name``."""
        return self._node(name).addr

    def status(self, name: str) -> str:
        """``"up"``, ``"down"``, ``"paused"`` or ``"stopped"``."""
        return self._node(name).status

    def actor(self, name: str) -> Actor | None:
        """The actor instance now running on ``name`` (``None`` while it is down)."""
        return self._node(name).actor

    def storage(self, name: str) -> dict[str, Any]:
        """Node ``name``'s persistent storage (survives crashes, like a disk)."""
        return self._node(name).storage

    def annotations(self, name: str) -> dict[str, Any]:
        """A copy of what node ``name`` last published with ``ctx.annotate``."""
        return dict(self._node(name).annotations)

    # -- running -----------------------------------------------------------

    def run(self, until: float | None = None) -> None:
        """Run events in time order up to and including virtual time ``until``.

        Afterwards ``now == until``. Without ``until`` it runs until nothing is
        left to do (which never happens while a ``run_interval`` timer lives).

        Raises:
            InvalidArgument: ``until`` is not a finite time >= ``now``, or
                ``run`` was called from inside the simulation.
            ClockStuckError: more than ``max_events_per_instant`` events ran at
                one instant; the Sim stays usable (fix the loop, run on).
        """
        if until is None:
            self._loop(self._heap, math.inf)
            return
        allowed = f"must be a finite time >= now ({self.now!r})"
        try:
            end = check_time("until", until)
        except InvalidArgument:
            raise invalid("until", until, allowed) from None
        if end < self.now:
            raise invalid("until", until, allowed)
        self._run_until(end)

    def run_for(self, duration: float) -> None:
        """Run for ``duration`` more seconds of virtual time (``run(now + duration)``).

        Raises:
            InvalidArgument: ``duration`` is not a finite number >= 0, or
                ``now + duration`` is too large for a float.
        """
        end = self.now + check_time("duration", duration)
        if not math.isfinite(end):
            allowed = f"must keep now + duration finite (now={self.now!r})"
            raise invalid("duration", duration, allowed)
        self._run_until(end)

    def _run_until(self, end: float) -> None:
        self._loop(self._heap, end)
        self.trace.end = end  # the checks measure up to here
        if end != self.now:
            self.now = end
            self._events_now = 0

    def step(self) -> bool:
        """Run the single next event. Returns ``False`` if there was none.

        Raises:
            InvalidArgument: called from inside the simulation (a handler or a
                timer); nothing is taken off the heap then.
        """
        self._refuse_nesting("step")
        if not self._heap:
            return False
        # Pop the entry here and let the loop work on a queue of just that
        # one; whatever it schedules still goes onto the Sim's heap.
        self._loop([heapq.heappop(self._heap)], math.inf)
        return True

    def _refuse_nesting(self, what: str) -> None:
        if self._running:
            raise InvalidArgument(
                f"{what}() was called from inside the simulation (a handler or timer); "
                "it cannot nest: call it from outside the actors"
            )

    def _loop(self, queue: list[tuple[float, int, int, Any]], limit: float) -> None:
        """The event loop: run the entries of ``queue`` (a heap) with time <= ``limit``.

        Pop the earliest entry, advance the clock, act on it. Delivering a
        message (the common case) is written out here rather than in a method
        because a call per message costs more than the rest of the delivery;
        everything else is a method call.

        Events at one instant are counted only while the clock stands still (a
        compare per event, nothing more): more than ``max_events_per_instant``
        is a loop that never advances virtual time, and stops the run.

        Whatever escapes (a strict-mode failure, Ctrl-C in a handler, a stuck
        clock) leaves the Sim consistent: the outside is the sender again, and
        an entry taken off the heap but not yet acted on goes back on it.
        """
        self._refuse_nesting("run")
        self._running = True
        self._failures_before_run = len(self.failures)
        heap, pop, net = queue, heapq.heappop, self.network
        full, kind_counts, outside = self._full, self._kind_counts, self._outside
        add_row, add_object, pack_row = self._add_row, self._add_object, ROW.pack
        now, most = self.now, self.max_events_per_instant
        start, same = now, 0  # same: events run at `now` by this call
        entry = None  # the entry being acted on, until it is handled
        try:
            while heap:
                entry = heap[0]  # read before the pop: an interrupt cannot lose it
                pop(heap)
                t, _, kind, item = entry
                if t == now:  # the clock stands still: count
                    same += 1
                    if same > most:
                        self._stuck(entry, most)
                elif t > limit:  # one pop too far: put it back (once per run)
                    heapq.heappush(heap, entry)
                    entry = None
                    break
                else:
                    self.now = now = t
                    same = 1
                if kind > ACCEPT:  # not a message
                    entry = None
                    if kind == TIMER_DUE:
                        self._fire(item)
                    elif kind == RUN_TIMER:
                        self._run_timer(item)
                    else:
                        item()
                    continue
                # A message. On arrival a partition or hold may stop it first.
                if kind == ARRIVE and (net.blocked or net.held) and not self._arrive(item):
                    entry = None
                    continue
                msg_id, src, dst, msg, request_id = item
                if dst.status is not UP:
                    entry = None
                    self._not_up(item)
                    continue
                kind_counts[DELIVER] += 1
                entry = None  # delivered: handled from here on, even if interrupted
                if full:  # Trace.record, inlined for speed
                    code = DELIVER | src.out_code | dst.in_code
                    add_row(pack_row(t, code, msg_id, math.nan))
                    add_object(msg)
                handler = dst.handlers.get(type(msg))
                if handler is None:
                    handler = self._find_handler(dst, msg)
                    if handler is None:
                        continue
                self._current = dst
                try:
                    result = handler(msg, dst.ctx)
                except Exception as exc:
                    self._current = outside
                    self._fail(dst, "handler", type(msg).__name__, exc)
                    continue
                if request_id:
                    self._send(src, Reply(request_id, result), 0)
                self._current = outside
        except BaseException:
            if entry is not None:  # taken off the heap, not acted on: it goes back
                heapq.heappush(self._heap, entry)
                same -= 1
            raise
        finally:
            self._current = outside
            self._running = False
            self._events_now = same + (self._events_now if now == start else 0)
            self._warn_failure_count()

    def next_time(self) -> float | None:
        """The virtual time of the next event, or ``None`` if nothing is scheduled."""
        return self._heap[0][0] if self._heap else None

    def pending_timers(self) -> list[Timer.View]:
        """Every live timer still to run, soonest first: a read-only view for pictures.

        Nothing changes: these are copies. A timer that came due while its node
        was paused and waits to run on resume is listed with its past due time.
        """
        timers = [item for _, _, kind, item in sorted(self._heap) if kind == TIMER_DUE]
        for node in self._nodes.values():
            timers.extend(item for kind, item in node.backlog if kind == RUN_TIMER)
        views = {id(timer): timer.view() for timer in timers if timer.active}
        return sorted(views.values(), key=lambda view: view.due)

    def _push(self, t: float, kind: int, item: Any) -> None:
        heapq.heappush(self._heap, (t, self._next_seq(), kind, item))

    def _push_first(self, entries: list[tuple[int, Any]]) -> None:
        """Schedule ``(kind, item)`` pairs now, in order, before all else still due now.

        What waited (a paused node's backlog, a held link's messages) got there
        before anything else due at this instant, so it runs first: one link's
        messages stay in order. Their ``seq`` counts down from -1, below every
        ordinary entry.
        """
        base = self._first_seq - len(entries)
        self._first_seq = base
        for offset, (kind, item) in enumerate(entries):
            heapq.heappush(self._heap, (self.now, base + offset, kind, item))

    def _stuck(self, entry: tuple[float, int, int, Any], most: int) -> None:
        """Raise ``ClockStuckError`` naming what keeps running at ``entry``'s instant."""
        t = entry[0]
        due = Counter(
            _describe(kind, item) for at, _, kind, item in [entry, *self._heap] if at == t
        )
        looping = "; ".join(f"{what} (x{count})" for what, count in due.most_common(3))
        raise ClockStuckError(
            f"virtual time is stuck at t={t!r}: {most} events ran at this one instant "
            f"and more are due ({looping}), so the run stopped "
            f"(max_events_per_instant={most}). Something schedules itself at the same "
            "instant again and again: a node that sends to itself in every handler, or "
            "ctx.run_later(0, ...) that sets itself again. Give the loop a delay (a "
            "timer with a positive interval), or raise Sim(max_events_per_instant=...) "
            "if so many events at once are intended. Nothing was lost: fix it "
            "(for example sim.crash(...)) and run on."
        )

    # -- messages (hot path) -------------------------------------------------

    def _send(self, dst: Node, msg: Any, request_id: int) -> None:
        """Put one message on its way from whoever's code is running to ``dst``.

        ``Addr.do_send`` has a faster copy of the common case (see there).
        """
        try:  # counting the type also checks the message rule, once per type
            self._sent_by_type[type(msg)] += 1
        except KeyError:
            check_message(msg)
            self._sent_by_type[type(msg)] = 1
        src = self._current
        env = (self._next_msg_id(), src, dst, msg, request_id)
        if src is dst:  # self-sends skip the network: always delivered, no delay
            self._log_message(SEND, env, self.now)
            self._push(self.now, ACCEPT, env)
        else:
            self._route(env)

    def _route(self, env: Envelope) -> None:
        """Send ``env`` over its link: partitions, loss, latency, duplication."""
        src, dst = env[1], env[2]
        net, rng, now = self.network, self._net_rng, self.now
        if net.fast_delay is not None:  # nothing can happen to it but the one delay
            due = now + net.fast_delay
            self._log_message(SEND, env, due)
            self._push(due, ARRIVE, env)
            return
        config = net.config(src.name, dst.name)
        if (src.name, dst.name) in net.blocked:
            reason = "partition"
        elif config.loss and rng.random() < config.loss:
            reason = "loss"
        else:
            due = now + config.latency.sample(rng)
            self._log_message(SEND, env, due)
            self._push(due, ARRIVE, env)
            if config.duplication and rng.random() < config.duplication:
                self._duplicate(env, now + config.latency.sample(rng))
            return
        self._log_message(SEND, env, math.nan)
        self._drop(env, reason)

    def _duplicate(self, env: Envelope, due: float) -> None:
        """The network delivers a second copy of ``env``, counted as its own message."""
        _, src, dst, msg, request_id = env
        copy = (self._next_msg_id(), src, dst, msg, request_id)
        self._kind_counts[DUPLICATE] += 1
        self._log_message(DUPLICATE, copy, due)
        self._push(due, ARRIVE, copy)

    def _log_message(self, kind: int, env: Envelope, due: float) -> None:
        """Record a message event (full trace only; the caller counts it)."""
        if self._full:
            msg_id, src, dst, msg, _ = env
            self.trace.record(self.now, kind, src.index, dst.index, msg_id, due, msg)

    def _arrive(self, env: Envelope) -> bool:
        """The message reached the far end of its link. May it go on to the node?

        A partition drops it; a hold parks it until ``release``.
        """
        link = (env[1].name, env[2].name)
        if link in self.network.blocked:
            self._drop(env, "partition")
            return False
        if link in self.network.held:
            self._held.setdefault(link, []).append(env)
            return False
        return True

    def _not_up(self, env: Envelope) -> None:
        """A message reached a node that is not up: it waits (paused) or is dropped."""
        dst = env[2]
        if dst.status is PAUSED:
            dst.backlog.append((ACCEPT, env))
        else:
            self._drop(env, "node_down" if dst.status is DOWN else "node_stopped")

    def _find_handler(self, node: Node, msg: Any) -> Callable[[Any, Context], Any] | None:
        """The handler for a message type seen for the first time by this actor.

        Replies are the runtime's own business and are never cached; a type with
        no handler is a failure of the actor (``None`` is returned).
        """
        if node is self._outside or type(msg) is Reply:
            self._on_reply(node, msg)
            return None
        assert node.actor is not None  # messages reach only nodes that are up
        try:
            handler = node.handlers[type(msg)] = find_handler(node.actor, type(msg))
        except UnhandledMessage as exc:
            self._fail(node, "handler", type(msg).__name__, exc)
            return None
        return handler

    def _drop(self, env: Envelope, reason: str) -> None:
        self.trace.drop_counts[DROP_REASONS.index(reason)] += 1
        self._kind_counts[DROP] += 1
        self._log_message(self.trace.drop_code(reason), env, math.nan)

    @property
    def sent(self) -> int:
        """Messages sent so far, each network-made duplicate counted as one more."""
        return self.trace.sends() + self._kind_counts[DUPLICATE]

    @property
    def delivered(self) -> int:
        """Messages handed to their recipient so far."""
        return self._kind_counts[DELIVER]

    @property
    def dropped(self) -> int:
        """Messages dropped so far, for any reason (see ``trace.counts()["drops"]``)."""
        return self._kind_counts[DROP]

    @property
    def in_flight(self) -> int:
        """Messages sent but neither delivered nor dropped yet (held or queued included)."""
        return self.sent - self.delivered - self.dropped

    def _send_error(self, dst: Node, msg: Any, status: str) -> None:
        self._log("send_error", self._current, dst, {"msg": msg, "status": status})

    # -- request-reply -------------------------------------------------------

    def _request(
        self,
        dst: Node,
        msg: Any,
        timeout: float,
        on_reply: Callable[[Any, Context | None], Any] | None,
        on_timeout: Callable[[Context | None], Any] | None,
    ) -> Request:
        check_message(msg)  # before anything changes
        requester = self._current
        request = Request(self._next_msg_id(), requester, on_reply, on_timeout)
        self._requests[request.id] = request
        self._send(dst, msg, request.id)

        def request_timeout(ctx: Context | None) -> None:
            self._expire(request, ctx)

        if requester is self._outside:
            self._push(self.now + timeout, CALL, lambda: request_timeout(None))
        else:
            request.timer = self._start_timer(requester, request_timeout, self.now + timeout, None)
        return request

    def _expire(self, request: Request, ctx: Context | None) -> None:
        if not request.pending:
            return
        request.timed_out = True
        del self._requests[request.id]
        if request.on_timeout is not None:
            requester = self._outside if request.node is None else request.node
            self._guarded(requester, "reply", "on_timeout", request.on_timeout, ctx)

    def _on_reply(self, node: Node, reply: Reply) -> None:
        request = self._requests.pop(reply.request_id, None)
        if request is None or not request.pending:
            return  # a late or duplicate reply: nobody waits for it any more
        request.done = True
        request.value = reply.value
        if request.timer is not None:
            request.timer.cancelled = True
        if request.on_reply is None or request.incarnation != node.incarnation:
            return
        ctx = None if node is self._outside else node.ctx
        self._guarded(node, "reply", "on_reply", request.on_reply, reply.value, ctx)

    # -- timers ------------------------------------------------------------

    def _start_timer(
        self, node: Node, callback: TimerCallback, start: float, every: float | None
    ) -> Timer:
        timer = Timer(node, callback, start, every, self.now)
        self._push(timer.due(), TIMER_DUE, timer)
        return timer

    def _fire(self, timer: Timer) -> None:
        """A timer's due time has come. Interval timers schedule their next firing first."""
        if not timer.active:
            return
        if timer.every is not None:
            timer.fired += 1
            self._push(timer.due(), TIMER_DUE, timer)
        node = timer.node
        if timer.backlogged or timer.last_run == self.now:
            return  # it waits to run once on resume, or ran overdue just now: that covers it
        if node.status is PAUSED:  # an overdue timer runs once on resume, not once a tick
            timer.backlogged = True
            node.backlog.append((RUN_TIMER, timer))
            return
        self._run_timer(timer)

    def _run_timer(self, timer: Timer) -> None:
        timer.backlogged = False
        node = timer.node
        if not timer.active:
            return
        if node.status is PAUSED:  # paused again before its overdue run came up
            timer.backlogged = True
            node.backlog.append((RUN_TIMER, timer))
            return
        timer.last_run = self.now
        if timer.every is None:
            timer.cancelled = True  # a one-shot timer is spent
        if self._full:
            self.trace.record(self.now, TIMER, node.index, -1, -1, math.nan, timer.name)
        self._kind_counts[TIMER] += 1
        self._guarded(node, "timer", timer.name, timer.callback, node.ctx)

    # -- failures ------------------------------------------------------------

    def _guarded(
        self, node: Node, during: str, what: str, fn: Callable[..., Any], *args: Any
    ) -> None:
        """Run ``fn(*args)`` as ``node``'s code; an exception becomes a recorded failure."""
        previous = self._current
        self._current = node
        try:
            fn(*args)
        except Exception as exc:
            self._current = previous
            self._fail(node, during, what, exc)
        finally:  # also when something else escapes (Ctrl-C, strict mode)
            self._current = previous

    def _call_soon(self, node: Node, during: str, hook: Callable[[Context], Any]) -> None:
        """Run an actor hook at the current time, after what is already scheduled now."""
        incarnation = node.incarnation

        def call() -> None:
            if node.incarnation != incarnation:
                return
            if node.status is PAUSED:
                node.backlog.append((CALL, call))
            elif node.status is UP:
                self._guarded(node, during, during, hook, node.ctx)

        self._push(self.now, CALL, call)

    def _fail(self, node: Node, during: str, what: str, exc: Exception) -> None:
        if getattr(exc, "_distsys_recorded", False):
            raise exc  # recorded where it was raised; now on its way out (strict mode)
        supervisor = node.supervisor
        if self.strict or node is self._outside:  # the outside is your own code: it raises
            outcome = "raised"
        elif (
            node.status in (UP, PAUSED)
            and supervisor is not None
            and (supervisor.allows_restart(node.restart_times, self.now))
        ):
            outcome = "restarted"
        elif node.status in (UP, PAUSED):
            outcome = "crashed"
        else:
            outcome = node.status  # it stopped or crashed itself before raising
        failure = Failure(
            t=self.now,
            node=node.name,
            during=during,
            what=what,
            error=f"{type(exc).__name__}: {exc}",
            outcome=outcome,
            traceback="".join(traceback.format_exception(exc)),
        )
        self.failures.append(failure)
        if outcome != "raised":  # what is raised is seen anyway
            self._warn_first_failure()
        self._log(
            "failure",
            node,
            None,
            {
                "during": during,
                "what": what,
                "error": failure.error,
                "outcome": outcome,
            },
        )
        if outcome == "raised":
            exc._distsys_recorded = True  # type: ignore[attr-defined]
            raise exc
        if outcome == "restarted":
            self._supervised_restart(node)
        elif outcome == "crashed":
            self._crash(node)

    def _warn_first_failure(self) -> None:
        """Warn about the run's first failure (every failure outside a run)."""
        index = len(self.failures) - 1
        if self._running and index != self._failures_before_run:
            return
        warnings.warn(
            f"a handler failed: {self.failures[index]}. The run goes on; "
            f"sim.failures[{index}].traceback shows where it raised "
            "(Sim(strict=True) stops at the first failure instead).",
            HandlerFailureWarning,
            stacklevel=_caller_outside_runtime(),
        )

    def _warn_failure_count(self) -> None:
        """At the end of a run: say how many more failures followed the first."""
        more = len(self.failures) - self._failures_before_run - 1
        if more > 0:
            warnings.warn(
                f"{more} more handler failure(s) after the first in this run; "
                f"sim.failures holds all {len(self.failures)}.",
                HandlerFailureWarning,
                stacklevel=_caller_outside_runtime(),
            )

    def _supervised_restart(self, node: Node) -> None:
        """Actix-style restart: same instance, fresh context, timers and requests gone."""
        node.restart_times.append(self.now)
        node.incarnation += 1
        node.ctx = Context(self, node)
        self._log("supervised_restart", node)
        actor = node.actor
        assert actor is not None
        self._call_soon(node, "restarting", actor.restarting)
        self._call_soon(node, "started", actor.started)

    # -- trace helpers --------------------------------------------------------

    def _log(
        self, kind: str, node: Node | None = None, peer: Node | None = None, data: Any = None
    ) -> None:
        """Record a non-message event."""
        code = K[kind]
        self._kind_counts[code] += 1
        if self._full:
            self.trace.record(
                self.now,
                code,
                -1 if node is None else node.index,
                -1 if peer is None else peer.index,
                -1,
                math.nan,
                data,
            )

    def _annotate(self, node: Node, state: dict[str, Any]) -> None:
        for key, value in state.items():
            if value is None:
                node.annotations.pop(key, None)
            else:
                node.annotations[key] = value
        self._log("annotate", node, None, dict(state))

    def snapshot(self, t: float | None = None) -> Snapshot:
        """The cluster as it was at virtual time ``t`` (default: now), from the trace.

        Raises:
            TraceLevelError: the Sim keeps only counts.
            InvalidArgument: ``t`` is in the future.
        """
        allowed = f"must be a time between 0 and now ({self.now!r}); the future is not known"
        try:
            when = self.now if t is None else check_time("t", t)
        except InvalidArgument:
            raise invalid("t", t, allowed) from None
        if when > self.now:
            raise invalid("t", t, allowed)
        return snapshot_at(self.trace, when)

    # -- faults --------------------------------------------------------------

    def _remember(self, action: str, *args: Any) -> None:
        """Add a fault to the history, after a ``settle`` mark if a replay needs one.

        A replay applies the faults of one instant together, after what is due
        then (or, at 0, before it). A fault applied by hand after events of its
        instant ran since the last fault (``restart a; run_for(0); crash a``,
        or ``run(until=0); crash a``) gets a ``settle`` mark first, so the
        replay runs those events before it too. Faults applied inside the loop
        (a schedule) copy their marks from the schedule instead.
        """
        history, now = self._fault_history, self.now
        if not self._running:
            same_instant = bool(history) and history[-1].at == now
            before = self._events_at_last_fault if same_instant else 0
            if self._events_now > before and (same_instant or now == 0):
                history.append(Fault(now, SETTLE))
        history.append(Fault(now, action, args))
        self._events_at_last_fault = -1 if self._running else self._events_now

    @property
    def fault_history(self) -> FaultSchedule:
        """Every fault applied so far, by schedule or by hand, as a replayable schedule.

        Between two faults of one instant, a ``settle`` line marks that what was
        due then ran in between (you ran ``run_for(0)``, or ``run(until=0)``
        before a fault at 0); a replay does the same. Faults applied between two
        ``step()`` calls inside one instant replay after the rest of it.
        """
        return FaultSchedule(self._fault_history)

    def crash(self, name: str) -> None:
        """Crash ``name`` now: timers cancelled, mailbox dropped, later mail dropped.

        Crashing a node that is already down or stopped changes nothing.
        """
        node = self._node(name)
        self._remember("crash", name)
        if node.status in (UP, PAUSED):
            self._crash(node)

    def _crash(self, node: Node) -> None:
        node.status = DOWN
        self._end_incarnation(node)
        node.actor = None
        node.ctx = None
        self._log("crash", node)
        backlog, node.backlog = node.backlog, []
        for kind, item in backlog:
            if kind == ACCEPT:
                self._drop(item, "node_down")

    def restart(self, name: str) -> None:
        """Start a fresh actor on ``name`` from its factory (crashing it first if it is up).

        Only ``ctx.storage`` survives, as a disk would.
        """
        node = self._node(name)
        actor = self._make_actor(node)
        self._remember("restart", name)
        if node.status in (UP, PAUSED):
            self._crash(node)
        node.incarnation += 1
        self._boot(node, actor, "restart")

    def _stop(self, node: Node) -> None:
        if node.status not in (UP, PAUSED):
            return
        ctx, actor = node.ctx, node.actor
        assert ctx is not None and actor is not None
        node.status = STOPPED  # first, so a stopped() that raises is recorded, not acted on
        try:
            self._guarded(node, "stopped", "stopped", actor.stopped, ctx)
        finally:  # even when strict mode re-raises
            self._end_incarnation(node)
            self._log("stop", node)

    def _end_incarnation(self, node: Node) -> None:
        """Forget what belongs to the running actor: timers, requests, pause, annotations."""
        node.incarnation += 1  # every timer and request callback of the old one is now stale
        node.pause_until = 0.0
        node.annotations = {}
        for request_id in [i for i, r in self._requests.items() if r.node is node]:
            del self._requests[request_id]  # its requester is gone: nobody will read a reply

    def pause(self, name: str, duration: float) -> None:
        """Freeze ``name`` for ``duration`` seconds (a GC pause).

        Deliveries and timers wait and then run, in order, when it resumes (an
        interval timer runs once, not once per missed tick). Pausing a paused
        node extends the pause; a down node cannot pause.
        """
        node = self._node(name)
        duration = check_time("duration", duration, positive=True)
        self._remember("pause", name, duration)
        if node.status not in (UP, PAUSED):
            return
        node.status = PAUSED
        node.pause_until = max(node.pause_until, self.now + duration)
        self._log("pause", node, None, {"duration": duration})
        incarnation = node.incarnation

        def resume() -> None:
            if (
                node.incarnation == incarnation
                and node.status is PAUSED
                and (self.now >= node.pause_until)
            ):
                node.status = UP
                self._log("resume", node)
                backlog, node.backlog = node.backlog, []
                self._push_first(backlog)  # what waited runs first, in order

        self._push(self.now + duration, CALL, resume)

    def _names(self, param: str, group: str | Iterable[str]) -> list[str]:
        allowed = "must be a node's name or a list of names, at least one"
        if isinstance(group, str):
            names = [group]
        elif isinstance(group, Iterable) and not isinstance(group, dict):
            names = list(group)
        else:
            raise invalid(param, group, allowed)
        if not names or not all(isinstance(name, str) for name in names):
            raise invalid(param, group, allowed)
        for name in names:
            self._node(name)
        return names

    def partition(
        self,
        group_a: str | Iterable[str],
        group_b: str | Iterable[str],
        *,
        one_way: bool = False,
    ) -> None:
        """Cut the links between two groups of nodes (only ``a -> b`` if ``one_way``).

        Messages sent over a cut link, or arriving over one, are dropped with
        reason ``"partition"``. Partitions add up until ``heal``.
        """
        a, b = self._names("group_a", group_a), self._names("group_b", group_b)
        if set(a) & set(b):
            raise invalid("group_b", group_b, f"must not share nodes with group_a={a!r}")
        self._remember("one_way" if one_way else "partition", (tuple(a), tuple(b)))
        cut = {(x, y) for x in a for y in b}
        if not one_way:
            cut |= {(y, x) for x in a for y in b}
        self.network.blocked |= cut
        self.network.refresh()
        self._log("partition", None, None, {"a": a, "b": b, "one_way": one_way})

    def heal(self) -> None:
        """End every partition (held links stay held)."""
        self._remember("heal")
        self.network.blocked.clear()
        self.network.refresh()
        self._log("heal")

    def hold(self, src: str, dst: str) -> None:
        """Park messages arriving over ``src -> dst`` until ``release`` (a slow link)."""
        a, b = self._node(src), self._node(dst)
        if a is b:
            raise invalid("dst", dst, "must differ from src: self-sends are always delivered")
        self._remember("hold", src, dst)
        self.network.held.add((src, dst))
        self.network.refresh()
        self._log("hold", a, b)

    def release(self, src: str | None = None, dst: str | None = None) -> None:
        """Stop holding ``src -> dst`` (every held link if both are ``None``).

        The parked messages arrive now, in the order they arrived.
        """
        if (src is None) != (dst is None):
            raise invalid(
                "dst" if dst is None else "src", None, "give both src and dst, or neither"
            )
        if src is not None and dst is not None:
            self._node(src), self._node(dst)
            links = [(src, dst)]
            self._remember("release", src, dst)
        else:
            links = sorted(self.network.held)
            self._remember("release")
        self.network.held.difference_update(links)
        self.network.refresh()
        self._log("release", None, None, {"links": [list(link) for link in links]})
        self._push_first([(ARRIVE, env) for link in links for env in self._held.pop(link, [])])

    def set_network(
        self, *, latency: Any = None, loss: float | None = None, duplication: float | None = None
    ) -> None:
        """Change the default link settings (``None`` keeps a setting)."""
        self._change_links(None, latency=latency, loss=loss, duplication=duplication)

    def set_link(
        self,
        src: str,
        dst: str,
        *,
        latency: Any = None,
        loss: float | None = None,
        duplication: float | None = None,
    ) -> None:
        """Change the settings of the directed link ``src -> dst`` only."""
        self._node(src), self._node(dst)
        self._change_links((src, dst), latency=latency, loss=loss, duplication=duplication)

    def _change_links(self, link: tuple[str, str] | None, **settings: Any) -> None:
        """Change one link (``None``: the default), one recorded fault per setting."""
        net = self.network
        current = net.default if link is None else net.config(*link)
        current.changed(**settings)  # check every value before changing anything
        src, dst = (None, None) if link is None else (self._nodes[link[0]], self._nodes[link[1]])
        for setting, value in settings.items():
            if value is None:
                continue
            current = net.default if link is None else net.config(*link)
            config = current.changed(**{setting: value})
            if link is None:
                net.default = config
            else:
                net.links[link] = config
            net.refresh()
            value = getattr(config, setting)
            self._remember(setting, value, *(link or ()))
            self._log("link", src, dst, {setting: value})

    def schedule(self, faults: Fault | str | dict[str, Any] | Iterable[Any]) -> None:
        """Apply each fault when virtual time reaches its ``at``.

        Raises:
            FaultScheduleError: an entry cannot be parsed, or its time has passed.
        """
        if isinstance(faults, (Fault, str, dict)):
            faults = [faults]
        elif not isinstance(faults, Iterable):
            raise FaultScheduleError(
                f"faults={faults!r} is not allowed: give a Fault, a line such as "
                "'2.5 crash n1', a dict, or a list of those"
            )
        parsed = [as_fault(f) for f in faults]  # parse all before scheduling any
        for fault in parsed:
            if fault.at < self.now:
                raise FaultScheduleError(
                    f"fault '{fault}' is not allowed: at={fault.at!r} is before now ({self.now!r})"
                )
        for fault in parsed:
            group = self._fault_groups.get(fault.at)
            if group is not None:
                group.append(fault)
                continue
            self._fault_groups[fault.at] = [fault]
            # Faults at one instant are applied together, as you would apply them
            # by hand: after everything else due then (run until then, then act),
            # but a fault due right now goes before what is still due now (act,
            # then run). So a fault_history replays to the same trace.
            if fault.at == self.now:
                self._push(fault.at, CALL, self._group_call(fault.at))
            else:
                self._push_late(fault.at)

    def _push_late(self, at: float) -> None:
        """Schedule the fault group for ``at`` after everything else due at ``at``."""
        heapq.heappush(self._heap, (at, _LATE + self._next_seq(), CALL, self._group_call(at)))

    def _group_call(self, at: float) -> Callable[[], None]:
        apply_group = partial(self._apply_group, at)
        apply_group.__name__ = "fault schedule"  # type: ignore[attr-defined]
        return apply_group

    def _apply_group(self, at: float) -> None:
        """Apply every fault scheduled for ``at``; one that fails stops none of the others.

        At a ``settle`` mark the rest waits until everything due now has run
        (it goes on the heap after the rest of the instant, as a new group).
        """
        errors = []
        group = self._fault_groups.pop(at)
        for index, fault in enumerate(group):
            if fault.action == SETTLE:
                self._remember(SETTLE)
                self._fault_groups[at] = group[index + 1 :]
                self._push_late(at)
                break
            try:
                self.apply(fault)
            except FaultScheduleError as exc:
                errors.append(exc)
        if errors:
            raise errors[0]

    def apply(self, fault: Fault | str | dict[str, Any]) -> None:
        """Apply one fault now (its ``at`` is ignored); ``settle`` is ``run_for(0)``.

        Raises:
            FaultScheduleError: the fault names an unknown node or is otherwise invalid.
        """
        fault = as_fault(fault)
        action, args = fault.action, fault.args
        try:
            if action == SETTLE:
                self.run_for(0)
            elif action in ("partition", "one_way"):
                self.partition(*args[0], one_way=action == "one_way")
            elif action in ("loss", "duplication", "latency"):
                setting = {action: args[0]}
                if len(args) == 3:
                    self.set_link(args[1], args[2], **setting)
                else:
                    self.set_network(**setting)
            else:
                getattr(self, action)(*args)
        except (InvalidArgument, UnknownNode) as exc:
            raise FaultScheduleError(f"fault '{fault}' cannot be applied: {exc}") from None

    def __repr__(self) -> str:
        states = ", ".join(f"{n.name}:{n.status}" for n in self._nodes.values())
        return f"<Sim seed={self.seed} now={self.now:g} nodes=[{states}]>"
