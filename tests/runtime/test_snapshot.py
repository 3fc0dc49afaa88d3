"""Snapshots: the cluster at time t, rebuilt from live and imported traces."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_helpers import (
    Boom,
    Chatter,
    Ping,
    Recorder,
    Stop,
    WorldReplay,
    message_fields,
    names,
    schedule_strategy,
    spawn_all,
)

from distsys_edu.runtime import (
    Actor,
    Context,
    Fault,
    InFlight,
    InvalidArgument,
    LinkConfig,
    MessageRecord,
    NodeView,
    Reply,
    Sim,
    Snapshot,
    Supervisor,
    Trace,
    Uniform,
    snapshot_at,
)


class Annotated(Recorder):
    def started(self, ctx: Context) -> None:
        super().started(ctx)
        ctx.annotate(role="follower", term=ctx.incarnation)
        ctx.run_later(1, lambda c: c.annotate(role="leader"))
        ctx.run_later(2, lambda c: c.annotate(term=None))


def story() -> Sim:
    """a: annotates, crashes at 3, restarts at 4; b: paused 1..2, stops at 5; c: sends."""
    sim = Sim(
        network=LinkConfig(latency=0.5),
        faults=[
            "1 pause b 1",
            "1.5 partition a|b,c",
            "2.5 one_way c|b",
            "2.75 heal",
            "3 crash a",
            "3.5 hold c a",
            "4 restart a",
            "4.5 release",
        ],
    )
    sim.spawn("a", Annotated)
    sim.spawn("b", Recorder)
    sim.spawn("c", Recorder)
    sim.run(until=5)
    sim.addr("b").do_send(Stop())
    sim.run(until=6)
    return sim


def test_node_statuses_and_annotations_over_time() -> None:
    sim = story()

    def view(t: float) -> dict[str, tuple[str, dict]]:
        return {n: (v.status, v.annotations) for n, v in sim.snapshot(t).nodes.items()}

    assert view(0) == {
        "a": ("up", {"role": "follower", "term": 0}),
        "b": ("up", {}),
        "c": ("up", {}),
    }
    assert view(1.2)["a"] == ("up", {"role": "leader", "term": 0})
    assert view(1.2)["b"] == ("paused", {})
    assert view(2.1)["a"] == ("up", {"role": "leader"})
    assert view(2.1)["b"] == ("up", {})
    assert view(3.2)["a"] == ("down", {})
    assert view(4.2)["a"] == ("up", {"role": "follower", "term": 2})
    assert view(5.9)["b"] == ("stopped", {})
    snap = sim.snapshot(1.2)
    assert isinstance(snap, Snapshot) and snap.t == 1.2
    assert snap.up() == ["a", "c"]
    assert snap.nodes["a"] == NodeView("a", "up", {"role": "leader", "term": 0})


def test_blocked_and_held_links_over_time() -> None:
    sim = story()
    assert sim.snapshot(1.4).blocked == frozenset()
    cut = sim.snapshot(2).blocked
    assert cut == {("a", "b"), ("a", "c"), ("b", "a"), ("c", "a")}
    assert not sim.snapshot(2).can_reach("a", "b") and sim.snapshot(2).can_reach("b", "c")
    assert sim.snapshot(2.6).blocked == cut | {("c", "b")}
    assert sim.snapshot(2.8).blocked == frozenset()
    assert sim.snapshot(3.6).held == {("c", "a")}
    assert sim.snapshot(4.6).held == frozenset()


def test_messages_in_flight_with_their_times() -> None:
    sim = Sim(network=LinkConfig(latency="1s"))
    sim.spawn("a", Recorder)

    class Sender(Actor):
        def started(self, ctx: Context) -> None:
            ctx.run_later(0.25, lambda c: c.addr("a").do_send(Ping(7)))

    sim.spawn("s", Sender)
    sim.addr("a").do_send(Ping(1))
    request = sim.addr("a").send(Ping(2), timeout=5)
    sim.run(until=3)
    assert request.done
    assert sim.snapshot(0.1).in_flight == (
        InFlight(1, None, "a", Ping(1), 0.0, 1.0),
        InFlight(3, None, "a", Ping(2), 0.0, 1.0),
    )
    assert sim.snapshot(0.3).in_flight[-1] == InFlight(4, "s", "a", Ping(7), 0.25, 1.25)
    # the reply to the outside is in flight from a to nobody (None)
    assert sim.snapshot(1.5).in_flight == (InFlight(5, "a", None, Reply(2, 3), 1.0, 2.0),)
    assert sim.snapshot().in_flight == ()


def test_snapshot_of_an_imported_trace_equals_the_live_one() -> None:
    sim = story()
    imported = Trace.from_jsonl(io.StringIO(sim.trace.to_jsonl_string()))
    for t in [0, 0.5, 1, 1.2, 1.5, 2, 2.6, 3, 3.6, 4, 4.2, 4.6, 5.5, 6]:
        live, again = sim.snapshot(t), snapshot_at(imported, t)
        assert (live.t, live.nodes, live.blocked, live.held) == (
            again.t,
            again.nodes,
            again.blocked,
            again.held,
        )
        assert len(live.in_flight) == len(again.in_flight)
        for x, y in zip(live.in_flight, again.in_flight, strict=True):
            assert (x.msg_id, x.src, x.dst, x.sent_at, x.due) == (
                y.msg_id,
                y.src,
                y.dst,
                y.sent_at,
                y.due,
            )
            assert isinstance(y.msg, MessageRecord) and y.msg.type == type(x.msg).__name__
            assert y.msg.fields == message_fields(x.msg)


def test_snapshot_in_the_future_is_refused_and_the_sim_goes_on() -> None:
    sim = story()
    with pytest.raises(InvalidArgument) as info:
        sim.snapshot(7)
    assert "t=7" in str(info.value) and "now" in str(info.value)
    with pytest.raises(InvalidArgument):
        sim.snapshot(float("nan"))
    sim.run(until=7)
    assert sim.snapshot(7).t == 7


@given(seed=st.integers(0, 2**16), faults=schedule_strategy(names(4), 4.0, max_size=10))
@settings(max_examples=25, deadline=None)
def test_snapshot_agrees_with_an_independent_replay_and_with_the_sim(
    seed: int, faults: list[Fault]
) -> None:
    sim = Sim(seed, network=LinkConfig(latency=Uniform(0.001, 0.3)), faults=faults)
    spawn_all(sim, 4, lambda: Chatter(every=0.2))
    sim.run(until=4)
    snap = sim.snapshot()
    assert {n: v.status for n, v in snap.nodes.items()} == {n: sim.status(n) for n in sim.nodes}
    assert snap.blocked == frozenset(sim.network.blocked)
    assert snap.held == frozenset(sim.network.held)
    assert len(snap.in_flight) == sim.in_flight
    for name in sim.nodes:
        assert snap.nodes[name].annotations == sim.annotations(name)
    world = WorldReplay()
    for e in sim.trace:
        world.apply(e)
    assert world.status == {n: v.status for n, v in snap.nodes.items()}
    assert world.blocked == snap.blocked
    assert world.held == snap.held


def test_live_annotations_agree_with_the_snapshot_after_stop_and_restart() -> None:
    class Note(Recorder):
        def started(self, ctx: Context) -> None:
            if ctx.incarnation == 0:
                ctx.annotate(role="leader")

    sim = Sim()
    sim.spawn("a", Note)
    sim.addr("a").do_send(Stop())
    sim.run(until=1)
    assert sim.snapshot().nodes["a"].annotations == {}
    assert sim.annotations("a") == {}
    sim.restart("a")
    sim.run(until=2)
    assert sim.annotations("a") == sim.snapshot().nodes["a"].annotations == {}


@pytest.mark.filterwarnings("ignore::distsys_edu.runtime.HandlerFailureWarning")
@pytest.mark.parametrize("end", ["stop", "crash", "restart", "supervised"])
def test_live_annotations_agree_with_the_snapshot_whatever_ends_an_incarnation(end: str) -> None:
    class Note(Recorder):
        def started(self, ctx: Context) -> None:
            super().started(ctx)
            ctx.annotate(role="leader", term=ctx.incarnation)

    sim = Sim()
    sim.spawn("a", Note, supervisor=Supervisor() if end == "supervised" else None)
    sim.run(until=1)
    assert sim.annotations("a") == {"role": "leader", "term": 0}
    if end == "stop":
        sim.addr("a").do_send(Stop())
    elif end == "crash":
        sim.crash("a")
    elif end == "restart":
        sim.restart("a")
    else:
        sim.addr("a").do_send(Boom())
    sim.run(until=2)
    live, snap = sim.annotations("a"), sim.snapshot().nodes["a"].annotations
    assert live == snap
    expected = {
        "stop": {},
        "crash": {},
        "restart": {"role": "leader", "term": 2},
        "supervised": {"role": "leader", "term": 1},
    }
    assert live == expected[end]
