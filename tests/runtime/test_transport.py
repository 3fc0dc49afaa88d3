"""The one send path: its common case, written out for speed, records what the general path does.

``Transport.send`` schedules and records a message itself when nothing can
happen to it but the network's latency (into the FIFO when that latency is one
constant delay), and hands it to ``route`` otherwise. Both must leave the same
trace: here whole runs compare, once as they are and once with the written-out
case switched off (the network is told it is never plain), counting the
messages ``route`` sees each time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.protocols.registry import PROTOCOLS, spawn
from distsys_edu.runtime import Actor, Constant, Context, LinkConfig, Network, Sim
from distsys_edu.runtime.node import Envelope
from distsys_edu.runtime.transport import Transport


@contextmanager
def routed_messages(*, general_path_only: bool) -> Iterator[list[Envelope]]:
    """Yield a list of every envelope ``route`` handles inside the block."""
    routed: list[Envelope] = []
    refresh, route = Network.refresh, Transport.route

    def refresh_without_fast_paths(self: Network) -> None:
        refresh(self)
        self.plain_latency = self.fast_delay = None

    def counting_route(self: Transport, env: Envelope) -> None:
        routed.append(env)
        route(self, env)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Transport, "route", counting_route)
        if general_path_only:
            patch.setattr(Network, "refresh", refresh_without_fast_paths)
        yield routed


def digests(protocol: str, nodes: int, seed: int, latency: str) -> tuple[str, str, int]:
    """The full and counts digests of a 3-second run, and how many messages it sent."""
    sims = []
    for level in ("full", "counts"):
        sim = Sim(seed=seed, trace=level, network=LinkConfig(latency=latency))
        spawn(sim, protocol, nodes)
        sim.run(until=3)
        sims.append(sim)
    return sims[0].trace.digest(), sims[1].trace.digest(), sims[0].sent


@settings(max_examples=10, deadline=None)
@given(
    protocol=st.sampled_from(sorted(PROTOCOLS)),
    nodes=st.integers(3, 5),
    seed=st.integers(0, 1000),
    latency=st.sampled_from(["1ms", "0.5ms", "3ms", "1ms:3ms", "lognormal:2ms:0.5"]),
)
def test_the_written_out_send_records_what_the_general_path_records(
    protocol: str, nodes: int, seed: int, latency: str
) -> None:
    with routed_messages(general_path_only=False) as fast_routed:
        fast = digests(protocol, nodes, seed, latency)
    with routed_messages(general_path_only=True) as general_routed:
        general = digests(protocol, nodes, seed, latency)
    assert fast_routed == []  # every message took the written-out case
    assert len(general_routed) > 0  # ... and here every one between two nodes took _route
    assert general == fast


FAULT_LINES = [
    "latency 0.5ms",
    "latency 30ms",
    "latency 1ms:3ms",
    "loss 0.2",
    "loss 0",
    "partition n1|n2,n3",
    "heal",
    "hold n2 n1",
    "release",
    "pause n2 0.2s",
    "crash n3",
    "restart n3",
]


def digest_under(protocol: str, seed: int, faults: list[str]) -> str:
    """The full digest of a 3-second, 4-node run under ``faults``."""
    sim = Sim(seed=seed, trace="full", network=LinkConfig(latency=Constant(0.003)))
    spawn(sim, protocol, 4)
    sim.schedule(faults)
    sim.run(until=3)
    return sim.trace.digest()


@settings(max_examples=30, deadline=None)
@given(
    protocol=st.sampled_from(sorted(PROTOCOLS)),
    seed=st.integers(0, 1000),
    slow_at=st.integers(1, 2000),
    slow=st.sampled_from(["30ms", "100ms"]),
    fast_after=st.integers(1, 400),
    fast=st.sampled_from(["0.5ms", "1ms"]),
    faults=st.lists(st.tuples(st.integers(1, 2500), st.sampled_from(FAULT_LINES)), max_size=6),
)
def test_the_fifo_keeps_the_order_of_one_heap_while_the_network_changes(
    protocol: str,
    seed: int,
    slow_at: int,
    slow: str,
    fast_after: int,
    fast: str,
    faults: list[tuple[int, str]],
) -> None:
    """Messages on the constant delay wait in a FIFO; everything else on the heap.

    A shorter delay while messages are in flight moves the FIFO onto the heap
    (a new message would overtake those in it). Whatever the changes, the run
    equals one with every message on the heap.
    """
    lines = [f"{slow_at}ms latency {slow}", f"{slow_at + fast_after}ms latency {fast}"]
    lines += [f"{ms}ms {line}" for ms, line in faults]
    with routed_messages(general_path_only=False):
        with_fifo = digest_under(protocol, seed, lines)
    with routed_messages(general_path_only=True):
        heap_only = digest_under(protocol, seed, lines)
    assert with_fifo == heap_only


@dataclass(frozen=True)
class Note:
    text: str


class Recorder(Actor):
    """Writes down when each note arrives."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str]] = []

    def on_note(self, note: Note, ctx: Context) -> None:
        self.arrivals.append((ctx.now, note.text))


def test_after_a_shorter_delay_a_later_message_overtakes_an_earlier_one() -> None:
    recorder = Recorder()
    sim = Sim(seed=0, network=LinkConfig(latency=Constant(0.010)))
    sim.spawn("r", lambda: recorder)
    sim.run(until=1.0)
    sim.addr("r").do_send(Note("slow"))  # due at 1.010
    sim.set_network(latency=Constant(0.001))
    assert not sim.scheduler.fifo  # it moved to the heap, or the next note would wait behind it
    sim.run(until=1.0005)
    sim.addr("r").do_send(Note("fast"))  # due at 1.0015
    sim.run(until=1.02)
    assert [text for _, text in recorder.arrivals] == ["fast", "slow"]
    assert [t for t, _ in recorder.arrivals] == pytest.approx([1.0015, 1.01])


@settings(max_examples=10, deadline=None)
@given(protocol=st.sampled_from(sorted(PROTOCOLS)), nodes=st.integers(3, 5), seed=st.integers())
def test_next_time_is_the_time_of_the_entry_step_runs_from_either_queue(
    protocol: str, nodes: int, seed: int
) -> None:
    sim = Sim(seed=seed)  # the default network: messages in the FIFO, timers on the heap
    spawn(sim, protocol, nodes)
    from_fifo = from_heap = 0
    while sim.now < 3.0:
        due = sim.next_time()
        from_fifo += bool(sim.scheduler.fifo) and sim.scheduler.fifo[0][0] == due
        from_heap += bool(sim.scheduler.heap) and sim.scheduler.heap[0][0] == due
        assert sim.step()
        assert sim.now == due
    assert from_fifo > 0 and from_heap > 0
