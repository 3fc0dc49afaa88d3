"""``run`` (the written-out hot loop) and repeated ``step()`` (the short reference) agree.

``Engine._loop`` writes the scheduler's choice of the next entry and a message's
delivery out for speed; ``Engine.step`` says the same in a few lines through
``Scheduler.pop`` and ``Engine._dispatch``. For every registered protocol, random
seeds, random fault schedules (every kind of fault) and both trace levels (and the
``Chatter`` of the runtime's tests, which makes requests: no protocol does), running
and stepping to the same time must give the same trace (or, with ``trace="counts"``,
the same tallies), the same failures and the same fault history.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import Chatter, schedule_strategy

from distsys_edu.protocols.registry import PROTOCOLS, spawn
from distsys_edu.runtime import Constant, Fault, LinkConfig, Sim

NODES = ["n1", "n2", "n3", "n4"]  # the names every protocol's spawn gives 4 nodes
UNTIL = 3.0


WORKLOADS = [*PROTOCOLS, "chatter"]


LATENCIES = [Constant(0.001), Constant(0.125), Constant(0.25)]
"""The default, and constant delays on which arrivals (in the FIFO) meet timers (on the
heap) at one instant, where the order of the two fronts decides."""


def world(
    workload: str, seed: int, level: str, faults: list[Fault], latency: Constant = LATENCIES[0]
) -> Sim:
    sim = Sim(seed, trace=level, faults=faults, network=LinkConfig(latency=latency))
    if workload == "chatter":
        for name in NODES:
            sim.spawn(name, Chatter)
    else:
        assert spawn(sim, workload, len(NODES)) == NODES
    return sim


def stepped_until(sim: Sim, until: float) -> Sim:
    """``step()`` while the next event is due by ``until``; then ``run`` ends at ``until``."""
    while (t := sim.next_time()) is not None and t <= until:
        assert sim.step()
    sim.run(until=until)  # nothing left to run by then: only the clock and trace.end move
    return sim


def outcome(sim: Sim) -> dict[str, object]:
    """What must agree: the trace (or its tallies), the accounting, failures, history."""
    return {
        "trace": sim.trace.digest() if sim.trace.full else sim.trace.counts(),
        "accounting": (sim.sent, sim.delivered, sim.dropped, sim.in_flight),
        "failures": [(f.t, f.node, f.during, f.what, f.outcome) for f in sim.failures],
        "history": str(sim.fault_history),
        "now": sim.now,
    }


@pytest.mark.filterwarnings("ignore::distsys_edu.runtime.HandlerFailureWarning")
@pytest.mark.parametrize("level", ["full", "counts"])
@pytest.mark.parametrize("workload", WORKLOADS)
@given(
    seed=st.integers(0, 2**32),
    faults=schedule_strategy(NODES, UNTIL, max_size=8),
    latency=st.sampled_from(LATENCIES),
)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_stepping_gives_the_trace_of_running(
    workload: str, level: str, seed: int, faults: list[Fault], latency: Constant
) -> None:
    ran = world(workload, seed, level, faults, latency)
    ran.run(until=UNTIL)
    stepped = stepped_until(world(workload, seed, level, faults, latency), UNTIL)
    assert outcome(stepped) == outcome(ran)


def test_step_runs_one_event_and_says_when_none_is_left() -> None:
    """One ``step`` moves the clock to the next event and runs it alone."""
    sim = world("raft", 1, "full", [])
    first = sim.next_time()
    assert sim.step() and sim.now == first and len(sim.trace) == len(NODES) + 1
    empty = Sim(0)
    assert not empty.step() and empty.now == 0.0
