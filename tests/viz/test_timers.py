"""Sim.pending_timers: a read-only view of the timers still to run, for the timer arcs."""

from __future__ import annotations

import pytest
from scenarios import leader, raft

from distsys_edu.runtime import Actor, Context, Sim


class Waiter(Actor):
    """Sets one timer of each kind at start, and a second one-shot it cancels."""

    def started(self, ctx: Context) -> None:
        ctx.run_later(2.0, self.ring)
        ctx.run_interval(0.5, self.tick)
        ctx.cancel(ctx.run_later(1.0, self.ring))

    def ring(self, ctx: Context) -> None:
        pass

    def tick(self, ctx: Context) -> None:
        pass


def test_lists_live_timers_soonest_first_with_when_set_and_due() -> None:
    sim = Sim()
    sim.spawn("a", Waiter)
    sim.run(until=0.7)
    views = sim.pending_timers()
    assert [(v.node, v.name, v.due, v.every) for v in views] == [
        ("a", "tick", 1.0, 0.5),
        ("a", "ring", 2.0, None),
    ]
    tick, ring = views
    assert tick.set_at == 0.5  # an interval timer's current period began at its last firing
    assert ring.set_at == 0.0  # a one-shot: when run_later was called


def test_reading_changes_nothing() -> None:
    sim = raft(1.0)
    before = sim.trace.digest()
    sim.pending_timers()
    sim.run(until=2.0)
    again = raft(2.0)
    assert sim.trace.digest() == again.trace.digest() != before


def test_crashed_node_has_no_timers_and_restart_brings_fresh_ones() -> None:
    sim = raft(1.0)
    boss = leader(sim)
    sim.crash(boss)
    assert boss not in {v.node for v in sim.pending_timers()}
    sim.restart(boss)
    sim.run_for(0.01)
    assert {v.name for v in sim.pending_timers() if v.node == boss} == {"start_election"}


def test_timer_waiting_on_a_paused_node_is_listed_overdue() -> None:
    sim = Sim()
    sim.spawn("a", Waiter)
    sim.run(until=1.5)
    sim.pause("a", 1.0)
    sim.run(until=2.2)  # "ring" came due at 2.0 while paused: it waits for the resume
    ring = next(v for v in sim.pending_timers() if v.name == "ring")
    assert ring.due == 2.0 < sim.now
    sim.run(until=2.6)
    assert "ring" not in {v.name for v in sim.pending_timers()}


@pytest.mark.parametrize("role", ["leader", "follower"])
def test_raft_leader_has_heartbeat_and_followers_election_timer(role: str) -> None:
    sim = raft(1.0)
    boss = leader(sim)
    node = boss if role == "leader" else next(n for n in sim.nodes if n != boss)
    names = {v.name for v in sim.pending_timers() if v.node == node}
    assert names == ({"send_heartbeats"} if role == "leader" else {"start_election"})
