"""A Hypothesis state machine over the public Sim API: the test that finds whole classes of bug.

A few small actors tick, send to peers and to themselves, make requests and publish; the
rules run, step, break things (crash, restart, pause, partition, one-way cuts, heal, hold,
release, loss), send from the notebook, interrupt a handler with ``KeyboardInterrupt`` and
call ``sim.step()`` from inside a handler. After every rule:

* accounting: ``sent == delivered + dropped + in_flight``, the trace's open messages are
  exactly ``in_flight``, and so are the envelopes that really exist (heap, paused nodes'
  mailboxes, held links);
* nothing is delivered over a cut link (unless it had already reached a paused node) or to
  a node that is not up, and a send from the notebook is recorded as the notebook's;
* FIFO per link: every link has the same constant latency and nothing duplicates, so
  messages on one link are delivered in the order they were sent.

At the end: the same seed and the same rules give the same digest, and ``fault_history``
replays to the same digest (when the notebook only applied faults, between whole instants;
a fault applied between two ``step()`` calls inside one instant replays after it: see
``Sim.fault_history``).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from runtime_helpers import Ledger, WorldReplay, new_events

from distsys_edu.runtime import Actor, Constant, Context, HandlerFailureWarning, LinkConfig, Sim

NAMES = ["a", "b", "c"]
LATENCY = 0.25  # one constant latency, a power of two: arrivals meet resumes and ticks exactly
TICK = 0.25


@dataclass(frozen=True)
class Note:
    n: int


@dataclass(frozen=True)
class Ask:
    n: int


class Interrupted(BaseException):
    """Plays Jupyter's "interrupt kernel" (a KeyboardInterrupt) inside a handler.

    The runtime treats every BaseException alike; a real KeyboardInterrupt that
    escaped a rule would stop the whole pytest session instead of failing this test.
    """


@dataclass(frozen=True)
class Interrupt:
    """Its handler raises :class:`Interrupted`, as Jupyter's "interrupt kernel" would."""


@dataclass(frozen=True)
class Nest:
    """Its handler calls ``sim.step()`` from inside the simulation."""


class Worker(Actor):
    def __init__(self, sim: Sim) -> None:
        self.sim = sim

    def started(self, ctx: Context) -> None:
        ctx.annotate(role="worker")
        ctx.run_interval(TICK, self.tick)

    def tick(self, ctx: Context) -> None:
        peers = ctx.peers()
        peer = peers[ctx.rng.randrange(len(peers))]
        ctx.addr(peer).do_send(Note(ctx.rng.randrange(100)))
        if ctx.rng.random() < 0.3:
            ctx.address.do_send(Note(-1))
        if ctx.rng.random() < 0.3:
            ctx.addr(peer).send(Ask(1), timeout=3 * LATENCY, on_reply=self.answered)
        if ctx.rng.random() < 0.2:
            ctx.run_later(0, self.later)

    def later(self, ctx: Context) -> None:
        ctx.annotate(later=ctx.now)

    def answered(self, value: int, ctx: Context) -> None:
        ctx.annotate(answer=value)

    def on_note(self, msg: Note, ctx: Context) -> None:
        if msg.n % 7 == 3:
            ctx.address.do_send(Note(msg.n + 1))

    def on_ask(self, msg: Ask, ctx: Context) -> int:
        return msg.n + 1

    def on_interrupt(self, msg: Interrupt, ctx: Context) -> None:
        raise Interrupted

    def on_nest(self, msg: Nest, ctx: Context) -> None:
        try:
            self.sim.step()
        except Exception as exc:
            ctx.annotate(nested=type(exc).__name__)


def real_envelopes(sim: Sim) -> int:
    """Messages that really exist on their way (white-box: the heap, mailboxes, held links)."""
    on_heap = sum(1 for entry in sim._future() if entry[2] <= 1)  # ARRIVE or ACCEPT
    nodes = sim.lifecycle.nodes.values()
    waiting = sum(1 for node in nodes for kind, _ in node.backlog if kind <= 1)
    held = sum(len(envelopes) for envelopes in sim.transport.held.values())
    return on_heap + waiting + held


Op = Callable[[Sim], None]


def build(seed: int, ops: list[Op] | None = None, faults: Any = None) -> Sim:
    """The machine's world: three workers on constant-latency links, then ``ops``, in order."""
    sim = Sim(seed, network=LinkConfig(latency=Constant(LATENCY)), faults=faults)
    for name in NAMES:
        sim.spawn(name, lambda: Worker(sim))
    for op in ops or []:
        op(sim)
    return sim


def run_through_interrupts(sim: Sim, until: float) -> None:
    """``run(until)``, going on after each interrupt a handler raises."""
    while True:
        try:
            sim.run(until=until)
            return
        except Interrupted:
            continue


node = st.sampled_from(NAMES)
pair = st.permutations(NAMES).map(lambda p: (p[0], p[1]))


class SimMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        warnings.simplefilter("ignore", HandlerFailureWarning)
        self.seed = 0
        self.sim = build(0)
        self.ops: list[Op] = []
        self.ledger = Ledger()
        self.world = WorldReplay()
        self.last_change: dict[str, float] = {}  # node -> time of its last resume
        self.delivered_on_link: dict[tuple[Any, Any], int] = {}
        self.replayable = True  # only faults, applied between whole instants, so far
        self.mid_instant = False

    # -- how every rule acts: record it for the determinism check, then do it

    def do(self, op: Op, *, fault: bool = False) -> None:
        if fault and self.mid_instant:
            self.replayable = False
        self.ops.append(op)
        op(self.sim)

    # -- rules

    @rule(seed=st.integers(0, 3))
    def reseed(self, seed: int) -> None:
        if self.ops:  # only as the first rule
            return
        self.seed = seed
        self.sim = build(seed)

    @rule(dt=st.sampled_from([0.0, 0.125, 0.25, 0.5, 1.0]))
    def run_for(self, dt: float) -> None:
        def op(sim: Sim) -> None:
            run_through_interrupts(sim, sim.now + dt)

        self.do(op)
        self.mid_instant = False

    @rule()
    def step(self) -> None:
        def op(sim: Sim) -> None:
            with contextlib.suppress(Interrupted):  # the step may deliver an Interrupt
                sim.step()

        self.do(op)
        self.mid_instant = self.sim.next_time() == self.sim.now

    @rule(name=node)
    def crash(self, name: str) -> None:
        self.do(lambda sim: sim.crash(name), fault=True)

    @rule(name=node)
    def restart(self, name: str) -> None:
        self.do(lambda sim: sim.restart(name), fault=True)

    @rule(name=node, duration=st.sampled_from([0.25, 0.5, 1.0]))
    def pause(self, name: str, duration: float) -> None:
        self.do(lambda sim: sim.pause(name, duration), fault=True)

    @rule(link=pair, one_way=st.booleans())
    def partition(self, link: tuple[str, str], one_way: bool) -> None:
        self.do(lambda sim: sim.partition(link[0], link[1], one_way=one_way), fault=True)

    @rule()
    def heal(self) -> None:
        self.do(lambda sim: sim.heal(), fault=True)

    @rule(link=pair)
    def hold(self, link: tuple[str, str]) -> None:
        self.do(lambda sim: sim.hold(*link), fault=True)

    @rule(link=st.one_of(st.none(), pair))
    def release(self, link: tuple[str, str] | None) -> None:
        self.do(lambda sim: sim.release(*(link or ())), fault=True)

    @rule(link=pair, loss=st.sampled_from([0.0, 0.3, 1.0]))
    def set_link(self, link: tuple[str, str], loss: float) -> None:
        self.do(lambda sim: sim.set_link(*link, loss=loss), fault=True)

    @rule(name=node, n=st.integers(0, 9))
    def send_from_outside(self, name: str, n: int) -> None:
        self.replayable = False
        self.do(lambda sim: sim.addr(name).do_send(Note(n)))
        (send,) = new_events(self.sim, len(self.sim.trace) - 1)
        assert send.kind == "send"
        assert send.node is None, f"a notebook send recorded as sent by {send.node}"

    @rule(name=node)
    def interrupt(self, name: str) -> None:
        self.replayable = False

        def op(sim: Sim) -> None:
            sim.addr(name).do_send(Interrupt())
            with contextlib.suppress(Interrupted):
                sim.run_for(LATENCY)

        self.do(op)
        self.mid_instant = self.sim.next_time() == self.sim.now

    @rule(name=node)
    def step_inside_a_handler(self, name: str) -> None:
        self.replayable = False
        self.do(lambda sim: sim.addr(name).do_send(Nest()))

    # -- invariants

    @invariant()
    def accounting_matches_the_envelopes_that_exist(self) -> None:
        sim = self.sim
        assert sim.sent == sim.delivered + sim.dropped + sim.in_flight
        self.check_trace()
        assert len(self.ledger.open) == sim.in_flight
        assert real_envelopes(sim) == sim.in_flight

    def check_trace(self) -> None:
        """Follow the new events: nothing over a cut link or to a node not up; FIFO."""
        events = new_events(self.sim, self.ledger.position)
        self.ledger.catch_up(self.sim)
        for e in events:
            if e.kind == "deliver":
                assert self.world.status[e.peer] == "up", e
                if e.node is not None and (e.node, e.peer) in self.world.blocked:
                    # only mail that had reached a paused node before the cut
                    assert self.last_change.get(e.peer) == e.t, e
                link = (e.node, e.peer)
                assert e.msg_id > self.delivered_on_link.get(link, 0), f"FIFO broken: {e}"
                self.delivered_on_link[link] = e.msg_id
            if e.kind == "resume":
                self.last_change[e.node] = e.t
            elif e.kind in ("pause", "crash", "restart"):
                self.last_change.pop(e.node, None)
            self.world.apply(e)

    def teardown(self) -> None:
        sim = self.sim
        again = build(self.seed, self.ops)
        assert again.trace.digest() == sim.trace.digest(), "same seed and rules, another trace"
        if self.replayable:
            run_through_interrupts(sim, sim.now)  # finish the instant, as a replay does
            replay = build(self.seed, faults=sim.fault_history)
            run_through_interrupts(replay, sim.now)
            assert [e.kind for e in replay.trace] == [e.kind for e in sim.trace]
            assert replay.trace.digest() == sim.trace.digest(), str(sim.fault_history)


SimMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestSimMachine = SimMachine.TestCase
