"""Ctrl-C at every bytecode of a run: the Sim is never bricked, nothing is split or lost.

The interrupt is injected by a ``sys.settrace`` function with ``f_trace_opcodes``,
at opcode number ``k`` of a short run, for every ``k``. Two ways:

* as CPython takes a real Ctrl-C: the trace function calls the SIGINT handler in
  force with the frame it interrupts (what the interpreter does at its next check
  of pending signals); the runtime's shield defers it out of its own code;
* as a bare ``raise KeyboardInterrupt`` at any bytecode of ``Engine._loop`` itself,
  which no handler can defer: the cleanup of the loop must hold anyway.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from runtime_helpers import Chatter, spawn_all
from test_sim_state_machine import real_envelopes

import distsys_edu.runtime
from distsys_edu.runtime import DROP_REASONS, LinkConfig, Sim, Uniform
from distsys_edu.runtime.engine import Engine
from distsys_edu.runtime.trace import KINDS, SEND, unpack

UNTIL = 0.3
RUNTIME_DIR = os.path.dirname(distsys_edu.runtime.__file__) + os.sep
ENGINE_FILE = Engine._loop.__code__.co_filename


def plain() -> Sim:
    """Two chatters on the default network: the FIFO, self-sends, requests and replies."""
    sim = Sim(1)
    spawn_all(sim, 2, lambda: Chatter(every=0.12))
    return sim


def faulty() -> Sim:
    """Loss, duplicates, random latency, a pause, a partition, a crash and a restart."""
    sim = Sim(
        3,
        network=LinkConfig(latency=Uniform(0.001, 0.05), loss=0.2, duplication=0.2),
        faults=[
            "0.1 pause n1 0.05",
            "0.13 partition n0|n1",
            "0.2 crash n1",
            "0.22 heal",
            "0.25 restart n1",
        ],
    )
    spawn_all(sim, 2, lambda: Chatter(every=0.06))
    return sim


WORLDS = {"plain": plain, "faulty": faulty}


class Injector:
    """A trace function that interrupts at the ``k``-th opcode of the frames it watches."""

    def __init__(self, k: int, watch: Callable[[FrameType], bool], act: Callable[..., Any]) -> None:
        self.k, self.watch, self.act = k, watch, act
        self.seen = 0
        self.where: str | None = None  # the file of the frame interrupted

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        if self.where is not None or not self.watch(frame):
            return None
        frame.f_trace_opcodes = True
        return self.local

    def local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "opcode" and self.where is None:
            if self.seen == self.k:
                self.where = frame.f_code.co_filename
                self.act(frame)
            self.seen += 1
        return self.local if self.where is None else None


def run_with(sim: Sim, injector: Injector) -> bool:
    """``run(until=UNTIL)`` under ``injector``; whether a ``KeyboardInterrupt`` came out.
    The trace function found before (coverage's, under ``--cov``) is put back after."""
    before = sys.gettrace()
    sys.settrace(injector)
    try:
        sim.run(until=UNTIL)
    except KeyboardInterrupt:
        return True
    finally:
        sys.settrace(before)
    return False


class Positions(Injector):
    """Counts the watched opcodes of a run, and the first ``k`` of each bytecode position."""

    def __init__(self, watch: Callable[[FrameType], bool]) -> None:
        super().__init__(-1, watch, lambda frame: None)
        self.first: dict[tuple[Any, int], int] = {}

    def local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "opcode":
            self.first.setdefault((frame.f_code, frame.f_lasti), self.seen)
            self.seen += 1
        return self.local


def positions(world: Callable[[], Sim], watch: Callable[[FrameType], bool]) -> dict[Any, int]:
    """Every bytecode position (code, offset) a run of ``world`` reaches in the watched
    frames, with the number ``k`` of the opcode where it is first reached."""
    found = Positions(watch)
    assert not run_with(world(), found)
    assert found.seen > 100
    return found.first


def every_position(watch: Callable[[FrameType], bool]) -> list[tuple[str, int]]:
    """``(world, k)`` to interrupt at each bytecode position the worlds reach, once each:
    the first time it is reached, in the first world that reaches it."""
    done: set[Any] = set()
    cases = []
    for name, world in WORLDS.items():
        for position, k in positions(world, watch).items():
            if position not in done:
                done.add(position)
                cases.append((name, k))
    return cases


def sigint_now(frame: FrameType) -> None:
    """What CPython does with a pending SIGINT at this bytecode: call the handler in force."""
    handler = signal.getsignal(signal.SIGINT)
    assert callable(handler)
    handler(signal.SIGINT, frame)


def raise_now(frame: FrameType) -> None:
    raise KeyboardInterrupt


def in_runtime(frame: FrameType) -> bool:
    return frame.f_code.co_filename.startswith(RUNTIME_DIR)


def in_runtime_or_actor(frame: FrameType) -> bool:
    return in_runtime(frame) or frame.f_code.co_filename.endswith("runtime_helpers.py")


def in_the_engine(frame: FrameType) -> bool:
    return frame.f_code.co_filename == ENGINE_FILE


def in_the_loop(frame: FrameType) -> bool:
    return frame.f_code is Engine._loop.__code__


def assert_whole(sim: Sim) -> None:
    """Rows and objects agree, tallies match the rows, every message is accounted for."""
    trace = sim.trace
    rows = trace._rows
    assert len(rows) == 4 * len(trace._obj), "a record was split"
    kinds = [0] * len(KINDS)
    reasons = [0] * len(DROP_REASONS)
    for i in range(len(trace)):
        code = unpack(int(rows[4 * i + 1]))[0]
        kinds[code] += 1
        if KINDS[code] == "drop":
            reasons[int(rows[4 * i + 3])] += 1
    assert kinds[SEND] == trace.sends()
    assert [n for c, n in enumerate(kinds) if c != SEND] == [
        n for c, n in enumerate(trace.kind_counts) if c != SEND
    ]
    assert reasons == trace.drop_counts
    assert sim.sent == sim.delivered + sim.dropped + sim.in_flight
    assert real_envelopes(sim) == sim.in_flight, "a message counted but not queued, or lost"
    assert not sim.engine.running
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_at_any_bytecode_splits_nothing_and_loses_nothing() -> None:
    """Item 9: a Ctrl-C at each bytecode position of the runtime's and the actors' code
    that two short runs reach (about 3,500): the record and the accounting stay whole;
    taken in the runtime's code, resuming gives the very trace of an uninterrupted run."""
    references = {}
    for name, world in WORLDS.items():
        reference = world()
        reference.run(until=UNTIL)
        references[name] = reference.trace.digest()
    thresholds = gc.get_threshold()
    cases = every_position(in_runtime_or_actor)
    interrupted = 0
    for name, k in cases:
        sim = WORLDS[name]()
        injector = Injector(k, in_runtime_or_actor, sigint_now)
        interrupted += run_with(sim, injector)
        assert_whole(sim)
        assert gc.get_threshold() == thresholds
        sim.run(until=UNTIL)  # never "cannot nest"
        assert_whole(sim)
        if injector.where is not None and injector.where.startswith(RUNTIME_DIR):
            assert sim.trace.digest() == references[name], (name, k)
    assert interrupted > len(cases) // 2  # the interrupts were taken, not lost


def test_a_bare_interrupt_anywhere_in_the_loop_never_bricks_the_sim() -> None:
    """Item 8: ``KeyboardInterrupt`` raised at each bytecode of ``Engine._loop`` (where no
    handler can defer it; once at each position the runs reach, and at every opcode of
    the plain run): the Sim runs again afterwards, with its collector and SIGINT restored."""
    thresholds = gc.get_threshold()
    cases = every_position(in_the_loop)
    cases += [("plain", k) for k in range(max(positions(plain, in_the_loop).values()) + 1)]
    for name, k in cases:
        sim = WORLDS[name]()
        assert run_with(sim, Injector(k, in_the_loop, raise_now))
        sim.run(until=UNTIL)
        assert not sim.engine.running and sim.now == UNTIL
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert gc.get_threshold() == thresholds


def steps(sim: Sim, tracer: Injector | None = None) -> bool:
    """``step()`` up to ``UNTIL`` under ``tracer`` (``None``: under the trace function
    found, put back after, as in :func:`run_with`); whether a ``KeyboardInterrupt`` came out."""
    before = sys.gettrace()
    sys.settrace(tracer if tracer is not None else before)
    try:
        while (t := sim.next_time()) is not None and t <= UNTIL:
            sim.step()
    except KeyboardInterrupt:
        return True
    finally:
        sys.settrace(before)
    return False


def test_step_under_ctrl_c_at_any_bytecode_loses_no_entry() -> None:
    """``step`` takes its entry inside the shield: a Ctrl-C at any bytecode position of
    the engine's code while stepping puts it back (the rest of the runtime's code is
    the same as in a run, tested above)."""
    reference = faulty()
    steps(reference)
    found = Positions(in_the_engine)
    assert not steps(faulty(), found)
    for k in found.first.values():
        sim = faulty()
        assert steps(sim, Injector(k, in_the_engine, sigint_now))
        assert_whole(sim)
        steps(sim)
        assert sim.trace.digest() == reference.trace.digest(), k


def test_a_custom_sigint_handler_is_called_in_its_turn() -> None:
    """A program's own SIGINT handler (one that does not raise) still hears of Ctrl-C."""
    heard: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: heard.append(signum))
    try:
        sim = faulty()
        total = Positions(in_runtime)
        assert not run_with(faulty(), total)
        assert not run_with(sim, Injector(total.seen // 2, in_runtime, sigint_now))
        assert heard == [signal.SIGINT]
        assert_whole_but_the_handler = sim.trace.digest()
        reference = faulty()
        reference.run(until=UNTIL)
        assert assert_whole_but_the_handler == reference.trace.digest()
    finally:
        signal.signal(signal.SIGINT, previous)
