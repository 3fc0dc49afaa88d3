"""Token ring: raw message throughput of distsys_edu against SimPy 4.

100 nodes in a ring pass 10 tokens round and round; every link takes a constant
1 ms. The run ends after exactly ``--deliveries`` deliveries (default 200,000):
a shared budget lets only that many sends happen (the 10 initial tokens count),
so with no loss every send is delivered once and the event queue then empties.

Five implementations of the same ring, each run 3 times, interleaved; the best
(shortest) run of each is kept. Only the run is timed, never the setup.

* distsys_edu, ``trace="full"``: every send and delivery recorded.
* distsys_edu, ``trace="counts"``: tallies only.
* SimPy, processes: each node is a process that takes a token from its
  ``simpy.Store`` mailbox and sends it on through a "cable" process that waits
  out the link latency and then puts it in the next node's store: the pattern
  of SimPy's own "Event Latency" example. The sender does not wait for the
  latency itself, because a node must go on handling messages while its own
  are in flight; that is what a network with latency means, and what the
  distsys_edu runs do.
* SimPy, callbacks: no processes at all. A hop is one ``env.timeout(latency, token)``
  whose callback is the receiving node's bound ``receive`` method, looked up once
  at setup, so nothing is allocated per hop beyond SimPy's own Timeout.

* bare loop: a plain ``heapq`` loop of ``(time, seq, handler, token)`` entries
  that calls the same ``RingNode.on_token`` handlers (with a stand-in for
  ``Addr`` whose ``do_send`` pushes an entry): what the handlers cost on the
  least an event loop can do, the limit the counts trace is measured against
  (``counts_vs_bare_loop``). distsys_edu does more per message (it counts each
  type, numbers each message, knows the sender, guards the clock) but, on one
  constant delay, keeps messages in a FIFO instead of its heap, since they
  arrive in the order they are sent; the bare loop pays a heap push and pop.

* The same pair again with a uniform latency of 0.5-1.5 ms, where no FIFO
  helps: both draw a delay per hop and use their heap
  (``counts_vs_bare_loop_uniform_latency``, reported without a target: it is
  the per-message bookkeeping alone).

Every implementation counts its deliveries, and the script asserts that each
count equals the target. Targets: full trace >= 5x SimPy processes; counts trace
>= 1.0x SimPy callbacks; counts trace >= 0.65x the bare loop.

Run: ``PYTHONPATH=. python benchmarks/token_ring.py [--deliveries N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import simpy
from _common import emit, machine, progress, timed

from distsys_edu import Actor, Constant, Context, LinkConfig, Sim, Uniform

NODES = 100
TOKENS = 10
LATENCY = 0.001  # seconds of virtual time per hop
UNIFORM = (0.0005, 0.0015)  # the uniform latency's bounds, for the second pair
TARGET_FULL_VS_SIMPY_PROCESSES = 5.0
TARGET_COUNTS_VS_SIMPY_CALLBACKS = 1.0
TARGET_COUNTS_VS_BARE_LOOP = 0.65

# A prepared run: call it to run (this is what is timed), then read the deliveries.
Prepared = tuple[Callable[[], Any], Callable[[], int]]


class Budget:
    """Tallies shared by all nodes: sends allowed so far, deliveries seen."""

    __slots__ = ("delivered", "sent", "target")

    def __init__(self, target: int) -> None:
        self.target = target
        self.sent = 0
        self.delivered = 0


def first_holders() -> list[int]:
    """The nodes that receive the initial tokens: evenly spaced round the ring."""
    return [k * NODES // TOKENS for k in range(TOKENS)]


# -- distsys_edu ---------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """A token going round the ring."""

    number: int


class RingNode(Actor):
    """Counts each token it receives and passes it on to the next node."""

    def __init__(self, budget: Budget, next_name: str) -> None:
        self.budget = budget
        self.next_name = next_name
        self.next: Any = None

    def started(self, ctx: Context) -> None:
        self.next = ctx.addr(self.next_name)

    def on_token(self, token: Token, ctx: Context) -> None:
        budget = self.budget
        budget.delivered += 1
        if budget.sent < budget.target:
            budget.sent += 1
            self.next.do_send(token)


def prepare_distsys(level: str, target: int, *, uniform: bool = False) -> Prepared:
    latency = Uniform(*UNIFORM) if uniform else Constant(LATENCY)
    sim = Sim(seed=0, trace=level, network=LinkConfig(latency=latency))
    budget = Budget(target)
    for i in range(NODES):
        sim.spawn(f"n{i}", partial(RingNode, budget, f"n{(i + 1) % NODES}"))
    sim.run(until=0.0)  # the started() hooks: setup, not timed
    for number, holder in enumerate(first_holders()):
        budget.sent += 1
        sim.addr(f"n{holder}").do_send(Token(number))

    def deliveries() -> int:
        assert sim.delivered == budget.delivered, (sim.delivered, budget.delivered)
        assert sim.in_flight == 0 and not sim.failures
        if level == "full":
            assert sim.trace.counts()["events"]["deliver"] == budget.delivered
        return budget.delivered

    return sim.run, deliveries


# -- SimPy, processes and Store mailboxes ----------------------------------------


def prepare_simpy_processes(target: int) -> Prepared:
    env = simpy.Environment()
    inboxes = [simpy.Store(env) for _ in range(NODES)]
    budget = Budget(target)
    timeout = env.timeout

    def cable(token: Token, outbox: simpy.Store) -> Any:
        yield timeout(LATENCY)  # the link's latency, while the sender goes on
        outbox.put(token)

    def node(inbox: simpy.Store, outbox: simpy.Store) -> Any:
        get, process = inbox.get, env.process
        while True:
            token = yield get()
            budget.delivered += 1
            if budget.sent < budget.target:
                budget.sent += 1
                process(cable(token, outbox))

    for i in range(NODES):
        env.process(node(inboxes[i], inboxes[(i + 1) % NODES]))
    env.run(until=LATENCY / 2)  # start the processes (each waits on get): setup
    for number, holder in enumerate(first_holders()):
        budget.sent += 1
        inboxes[holder].put(Token(number))
    return env.run, lambda: budget.delivered


# -- SimPy, bare timeout callbacks -----------------------------------------------


class CallbackNode:
    """A ring node as a plain object; a delivery is a Timeout's callback."""

    __slots__ = ("budget", "next_receive", "timeout")

    def __init__(self, env: simpy.Environment, budget: Budget) -> None:
        self.budget = budget
        self.timeout = env.timeout
        self.next_receive: Callable[[simpy.Event], None] | None = None

    def receive(self, event: simpy.Event) -> None:
        budget = self.budget
        budget.delivered += 1
        if budget.sent < budget.target:
            budget.sent += 1
            self.timeout(LATENCY, event.value).callbacks.append(self.next_receive)


def prepare_simpy_callbacks(target: int) -> Prepared:
    env = simpy.Environment()
    budget = Budget(target)
    nodes = [CallbackNode(env, budget) for _ in range(NODES)]
    for i, node in enumerate(nodes):
        node.next_receive = nodes[(i + 1) % NODES].receive  # bound once, reused every hop
    for number, holder in enumerate(first_holders()):
        budget.sent += 1
        env.timeout(LATENCY, Token(number)).callbacks.append(nodes[holder].receive)
    return env.run, lambda: budget.delivered


# -- a bare heapq loop with the same handlers ------------------------------------


class BareLoop:
    """The least an event loop can do: pop ``(time, seq, handler, message)``, call it.

    ``delay()`` is the latency of one hop: the constant, or a uniform draw.
    """

    __slots__ = ("delay", "heap", "now", "seq")

    def __init__(self, delay: Callable[[], float]) -> None:
        self.heap: list[tuple[float, int, Callable[[Token, Any], None], Token]] = []
        self.now = 0.0
        self.seq = 0
        self.delay = delay

    def run(self) -> None:
        heap, pop = self.heap, heapq.heappop
        while heap:
            t, _, handler, token = pop(heap)
            self.now = t
            handler(token, None)


class BareAddr:
    """Stands in for ``Addr``: ``do_send`` schedules the next node's handler."""

    __slots__ = ("handler", "loop")

    def __init__(self, loop: BareLoop, handler: Callable[[Token, Any], None]) -> None:
        self.loop = loop
        self.handler = handler

    def do_send(self, token: Token) -> None:
        loop = self.loop
        loop.seq += 1
        heapq.heappush(loop.heap, (loop.now + loop.delay(), loop.seq, self.handler, token))


def prepare_bare_loop(target: int, *, uniform: bool = False) -> Prepared:
    rng = random.Random(0)
    loop = BareLoop(partial(rng.uniform, *UNIFORM) if uniform else partial(float, LATENCY))
    budget = Budget(target)
    nodes = [RingNode(budget, f"n{(i + 1) % NODES}") for i in range(NODES)]
    for i, node in enumerate(nodes):
        node.next = BareAddr(loop, nodes[(i + 1) % NODES].on_token)
    for number, holder in enumerate(first_holders()):
        budget.sent += 1
        BareAddr(loop, nodes[holder].on_token).do_send(Token(number))
    return loop.run, lambda: budget.delivered


# -- main ------------------------------------------------------------------------

IMPLEMENTATIONS: dict[str, Callable[[int], Prepared]] = {
    "distsys_edu_full": partial(prepare_distsys, "full"),
    "distsys_edu_counts": partial(prepare_distsys, "counts"),
    "simpy_processes": prepare_simpy_processes,
    "simpy_callbacks": prepare_simpy_callbacks,
    "bare_loop": prepare_bare_loop,
    "distsys_edu_counts_uniform_latency": partial(prepare_distsys, "counts", uniform=True),
    "bare_loop_uniform_latency": partial(prepare_bare_loop, uniform=True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per implementation")
    args = parser.parse_args()
    target = args.deliveries
    if target < TOKENS:
        parser.error(f"--deliveries must be >= {TOKENS} (the initial tokens)")

    best: dict[str, float] = {}
    for rep in range(1, args.repeat + 1):
        for name, prepare in IMPLEMENTATIONS.items():  # interleaved, to spread out noise
            run, deliveries = prepare(target)
            seconds = timed(run)
            done = deliveries()
            assert done == target, f"{name} made {done} deliveries, expected {target}"
            best[name] = min(seconds, best.get(name, seconds))
            progress(f"run {rep}/{args.repeat} {name}: {target / seconds:,.0f} deliveries/s")

    per_s = {name: target / seconds for name, seconds in best.items()}
    full_vs_processes = per_s["distsys_edu_full"] / per_s["simpy_processes"]
    counts_vs_callbacks = per_s["distsys_edu_counts"] / per_s["simpy_callbacks"]
    counts_vs_bare = per_s["distsys_edu_counts"] / per_s["bare_loop"]
    uniform = per_s["distsys_edu_counts_uniform_latency"] / per_s["bare_loop_uniform_latency"]
    emit(
        {
            "benchmark": "token_ring",
            "nodes": NODES,
            "tokens": TOKENS,
            "latency_s": LATENCY,
            "deliveries": target,
            "repeat": args.repeat,
            **{f"{name}_per_s": round(rate) for name, rate in per_s.items()},
            "full_vs_simpy_processes": round(full_vs_processes, 2),
            "counts_vs_simpy_callbacks": round(counts_vs_callbacks, 2),
            "counts_vs_bare_loop": round(counts_vs_bare, 2),
            "counts_vs_bare_loop_uniform_latency": round(uniform, 2),
            "targets_met": {
                f"full_vs_simpy_processes >= {TARGET_FULL_VS_SIMPY_PROCESSES}": (
                    full_vs_processes >= TARGET_FULL_VS_SIMPY_PROCESSES
                ),
                f"counts_vs_simpy_callbacks >= {TARGET_COUNTS_VS_SIMPY_CALLBACKS}": (
                    counts_vs_callbacks >= TARGET_COUNTS_VS_SIMPY_CALLBACKS
                ),
                f"counts_vs_bare_loop >= {TARGET_COUNTS_VS_BARE_LOOP}": (
                    counts_vs_bare >= TARGET_COUNTS_VS_BARE_LOOP
                ),
            },
            "simpy_version": simpy.__version__,
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
