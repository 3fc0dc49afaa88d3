"""Nothing disappears unrecorded: every message is delivered, dropped or still in flight."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_helpers import Chatter, Ledger, Ping, Recorder, names, schedule_strategy, spawn_all

from distsys_edu.runtime import DROP_REASONS, Fault, LinkConfig, Sim, Uniform

HORIZON = 4.0


def faulty_world(seed: int, faults: list[Fault], trace: str = "full") -> Sim:
    sim = Sim(
        seed,
        trace=trace,
        network=LinkConfig(latency=Uniform(0.001, 0.4), duplication=0.05),
        faults=faults,
    )
    spawn_all(sim, 4, lambda: Chatter(every=0.15))
    return sim


def check_counters(sim: Sim) -> None:
    assert sim.sent == sim.delivered + sim.dropped + sim.in_flight
    assert sim.in_flight >= 0


@given(seed=st.integers(0, 2**32), faults=schedule_strategy(names(4), HORIZON, max_size=20))
@settings(max_examples=60, deadline=None)
def test_accounting_holds_after_every_step_under_random_faults(
    seed: int, faults: list[Fault]
) -> None:
    sim = faulty_world(seed, faults)
    ledger = Ledger()
    steps = 0
    while (t := sim.next_time()) is not None and t <= HORIZON:
        assert sim.step()
        steps += 1
        check_counters(sim)
        ledger.catch_up(sim)
        assert (ledger.sent, ledger.delivered, ledger.dropped) == (
            sim.sent,
            sim.delivered,
            sim.dropped,
        )
        assert len(ledger.open) == sim.in_flight
    assert steps > 0
    # every id still open is exactly what the snapshot shows in flight
    snap = sim.snapshot()
    assert {f.msg_id for f in snap.in_flight} == set(ledger.open)
    assert sum(sim.trace.counts()["drops"].values()) == sim.dropped
    assert {e.reason for e in sim.trace.events("drop")} <= set(DROP_REASONS)

    # Drain: end every partition and hold, crash every node, let everything land.
    sim.heal()
    sim.release()
    for name in sim.nodes:
        sim.crash(name)
    check_counters(sim)
    sim.run(until=sim.now + 5)
    ledger.catch_up(sim)
    check_counters(sim)
    assert sim.in_flight == 0 and ledger.open == {}
    assert ledger.sent == ledger.delivered + ledger.dropped == len(ledger.ended)


@given(seed=st.integers(0, 2**32), faults=schedule_strategy(names(4), HORIZON, max_size=12))
@settings(max_examples=15, deadline=None)
def test_counts_level_accounting_matches_full(seed: int, faults: list[Fault]) -> None:
    full, counts = faulty_world(seed, faults), faulty_world(seed, faults, trace="counts")
    for t in (1.0, 2.5, HORIZON):
        full.run(until=t)
        counts.run(until=t)
        check_counters(counts)
        assert (counts.sent, counts.delivered, counts.dropped, counts.in_flight) == (
            full.sent,
            full.delivered,
            full.dropped,
            full.in_flight,
        )
        assert counts.trace.counts() == full.trace.counts()


def test_every_kind_of_in_flight_message_is_counted() -> None:
    sim = Sim(network=LinkConfig(latency="1s"))
    sim.spawn("a", Recorder)
    sim.spawn("b", Recorder)
    sim.spawn("c", Recorder)
    sim.addr("a").do_send(Ping(1))  # travelling
    sim.pause("b", 10)
    sim.addr("b").do_send(Ping(2))  # will wait at paused b
    sim.run(until=1.5)
    assert sim.in_flight == 1  # the one waiting at b
    assert sim.delivered == 1
    sim.addr("c").do_send(Ping(3))
    assert sim.in_flight == 2
    sim.run(until=2)
    assert sim.in_flight == 2
    sim.crash("b")  # drops the waiting message
    check_counters(sim)
    assert sim.in_flight == 1 and sim.dropped == 1
    sim.run(until=3)
    assert sim.in_flight == 0 and sim.delivered == 2
