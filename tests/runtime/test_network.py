"""The simulated network: latency laws, loss, duplication, reordering, partitions, holds."""

from __future__ import annotations

import math
import random
import statistics
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_helpers import Chatter, Ping, Recorder, WorldReplay, spawn_all

from distsys_edu.runtime import (
    Actor,
    Constant,
    Context,
    Fault,
    InvalidArgument,
    LinkConfig,
    LogNormal,
    Network,
    Sim,
    Uniform,
)


class Blaster(Actor):
    """Sends ``count`` numbered Pings to ``target`` when started (all at time 0)."""

    def __init__(self, target: str = "b", count: int = 100) -> None:
        self.target = target
        self.count = count

    def started(self, ctx: Context) -> None:
        for i in range(self.count):
            ctx.addr(self.target).do_send(Ping(i))


def blast(sim: Sim, count: int, target: str = "b") -> Recorder:
    sim.spawn("a", lambda: Blaster(target, count))
    if target not in sim.nodes:
        sim.spawn(target, Recorder)
    sim.run(until=1000)
    actor = sim.actor(target)
    assert isinstance(actor, Recorder)
    return actor


def delays(sim: Sim) -> list[float]:
    """One-way delays drawn for the sends (and duplicates) that were not dropped at once."""
    return [e.due - e.t for e in sim.trace.events(("send", "duplicate")) if e.due is not None]


# --------------------------------------------------------------------------- latency


def test_default_latency_is_a_constant_millisecond() -> None:
    assert Network().default == LinkConfig()
    assert LinkConfig().latency == Constant(0.001)
    sim = Sim()
    blast(sim, 20)
    assert set(delays(sim)) == {0.001}


@given(st.floats(0, 5, allow_nan=False), st.integers(0, 2**32))
@settings(max_examples=30, deadline=None)
def test_constant_latency_is_exact_and_keeps_links_fifo(seconds: float, seed: int) -> None:
    sim = Sim(seed, network=LinkConfig(latency=Constant(seconds)))
    b = blast(sim, 30)
    assert [e.due - e.t for e in sim.trace.events("send")] == [seconds] * 30
    assert [m.n for m in b.received] == list(range(30))


def test_uniform_latency_stays_within_bounds_and_averages_the_middle() -> None:
    sim = Sim(3, network=LinkConfig(latency=Uniform(0.01, 0.05)))
    blast(sim, 3000)
    drawn = delays(sim)
    assert len(drawn) == 3000
    assert all(0.01 <= d <= 0.05 for d in drawn)
    assert statistics.fmean(drawn) == pytest.approx(0.03, abs=0.001)
    assert min(drawn) < 0.0105 and max(drawn) > 0.0495  # the whole range is used


def test_lognormal_median_and_tail_are_roughly_right() -> None:
    sim = Sim(5, network=LinkConfig(latency=LogNormal(median=0.01, sigma=0.5)))
    blast(sim, 4001)
    drawn = delays(sim)
    assert statistics.median(drawn) == pytest.approx(0.01, rel=0.05)
    beyond_p99 = sum(d > 0.01 * math.exp(0.5 * 2.3263) for d in drawn) / len(drawn)
    assert 0.005 < beyond_p99 < 0.015  # about 1% beyond the documented p99


def test_lognormal_maximum_caps_every_draw() -> None:
    law = LogNormal(median=0.01, sigma=1.0, maximum=0.02)
    rng = random.Random(1)
    draws = [law.sample(rng) for _ in range(2000)]
    assert max(draws) == 0.02
    assert sum(d == 0.02 for d in draws) / len(draws) == pytest.approx(0.25, abs=0.05)


@pytest.mark.parametrize(
    "law", [Constant(0.2), Uniform(0.1, 0.3), LogNormal(0.2, 0.3)], ids=lambda x: type(x).__name__
)
def test_latency_laws_use_only_the_rng_they_are_given(law: Any) -> None:
    a = [law.sample(random.Random(8)) for _ in range(5)]
    random.seed(12345)  # the global generator is not involved
    b = [law.sample(random.Random(8)) for _ in range(5)]
    assert a == b


# --------------------------------------------------------------------------- loss


@given(p=st.floats(0, 1), seed=st.integers(0, 2**32))
@settings(max_examples=25, deadline=None, derandomize=True)
def test_loss_drops_about_p_of_messages(p: float, seed: int) -> None:
    n = 1000
    sim = Sim(seed, network=LinkConfig(loss=p))
    b = blast(sim, n)
    lost = sim.trace.counts()["drops"].get("loss", 0)
    assert lost + len(b.received) == n
    tolerance = 5 * math.sqrt(n * p * (1 - p)) + 1
    assert abs(lost - p * n) <= tolerance
    if p == 0:
        assert lost == 0
    if p == 1:
        assert lost == n
    assert all(e.reason == "loss" and e.t == 0 for e in sim.trace.events("drop"))


def test_loss_of_a_message_is_recorded_as_a_send_then_a_drop() -> None:
    sim = Sim(network=LinkConfig(loss=1.0))
    blast(sim, 1)
    send, drop = sim.trace.events(("send", "drop"))
    assert send.due is None and drop.msg_id == send.msg_id and drop.reason == "loss"


# --------------------------------------------------------------------------- duplication


def test_duplication_creates_an_extra_copy_with_its_own_id() -> None:
    sim = Sim(network=LinkConfig(duplication=1.0))
    b = blast(sim, 5)
    sends = sim.trace.events("send")
    dups = sim.trace.events("duplicate")
    assert len(sends) == len(dups) == 5
    assert {e.msg_id for e in sends}.isdisjoint({e.msg_id for e in dups})
    assert [d.msg for d in dups] == [s.msg for s in sends]
    assert all(d.node == "a" and d.peer == "b" for d in dups)
    assert sorted(m.n for m in b.received) == sorted(list(range(5)) * 2)
    assert sim.sent == 10 and sim.delivered == 10


@given(p=st.floats(0, 1), seed=st.integers(0, 2**32))
@settings(max_examples=20, deadline=None, derandomize=True)
def test_duplication_copies_about_p_of_messages(p: float, seed: int) -> None:
    n = 800
    sim = Sim(seed, network=LinkConfig(duplication=p))
    b = blast(sim, n)
    dups = len(sim.trace.events("duplicate"))
    assert len(b.received) == n + dups
    assert abs(dups - p * n) <= 5 * math.sqrt(n * p * (1 - p)) + 1


# --------------------------------------------------------------------------- reordering


def test_latency_spread_reorders_and_constant_latency_does_not() -> None:
    spread = blast(Sim(1, network=LinkConfig(latency=Uniform(0, 0.1))), 100)
    order = [m.n for m in spread.received]
    assert sorted(order) == list(range(100)) and order != list(range(100))
    steady = blast(Sim(1, network=LinkConfig(latency=0.05)), 100)
    assert [m.n for m in steady.received] == list(range(100))


# --------------------------------------------------------------------------- self-sends


class SelfTalker(Actor):
    def started(self, ctx: Context) -> None:
        self.got: list[tuple[float, int]] = []
        for i in range(5):
            ctx.address.do_send(Ping(i))

    def on_ping(self, msg: Ping, ctx: Context) -> None:
        self.got.append((ctx.now, msg.n))


def test_self_sends_are_always_delivered_now_and_in_order() -> None:
    sim = Sim(network=LinkConfig(latency=Uniform(1, 2), loss=1.0, duplication=1.0))
    sim.spawn("a", SelfTalker)
    sim.spawn("b", Recorder)
    sim.partition("a", "b")
    sim.set_link("a", "a", loss=1.0)  # even a per-link setting cannot touch them
    sim.run(until=5)
    actor = sim.actor("a")
    assert isinstance(actor, SelfTalker)
    assert actor.got == [(0.0, i) for i in range(5)]
    assert sim.trace.events(("drop", "duplicate")) == []
    assert all(e.due == e.t for e in sim.trace.events("send"))


# --------------------------------------------------------------------------- partitions


def partition_world() -> Sim:
    sim = Sim()
    for name in ("a", "b", "c"):
        sim.spawn(name, Recorder)
    return sim


def delivered_links(sim: Sim) -> set[tuple[str, str]]:
    return {(e.node, e.peer) for e in sim.trace.events("deliver") if e.node is not None}


class AllPairs(Actor):
    """Every ``period`` seconds sends a Ping to every other node."""

    def __init__(self, period: float = 1.0) -> None:
        self.period = period

    def started(self, ctx: Context) -> None:
        ctx.run_interval(self.period, self.tick)

    def tick(self, ctx: Context) -> None:
        for peer in ctx.peers():
            ctx.addr(peer).do_send(Ping())

    def on_ping(self, msg: Ping, ctx: Context) -> None:
        pass


def pairs_world(**kw: Any) -> Sim:
    sim = Sim(**kw)
    for name in ("a", "b", "c"):
        sim.spawn(name, AllPairs)
    return sim


ALL_LINKS = {(x, y) for x in "abc" for y in "abc" if x != y}


def test_partition_drops_both_ways() -> None:
    sim = pairs_world()
    sim.partition("a", ["b", "c"])
    sim.run(until=1.5)
    assert delivered_links(sim) == {("b", "c"), ("c", "b")}
    drops = sim.trace.events("drop")
    assert {(e.node, e.peer) for e in drops} == ALL_LINKS - {("b", "c"), ("c", "b")}
    assert {e.reason for e in drops} == {"partition"}
    assert sim.network.blocked == ALL_LINKS - {("b", "c"), ("c", "b")}


def test_one_way_partition_drops_only_one_way() -> None:
    sim = pairs_world()
    sim.partition("a", ["b"], one_way=True)
    sim.run(until=1.5)
    assert delivered_links(sim) == ALL_LINKS - {("a", "b")}
    (drop,) = sim.trace.events("drop")
    assert (drop.node, drop.peer, drop.reason) == ("a", "b", "partition")


def test_a_message_in_flight_when_the_link_is_cut_is_dropped_on_arrival() -> None:
    sim = Sim(network=LinkConfig(latency="1s"))
    sim.spawn("a", lambda: Blaster("b", 1))
    sim.spawn("b", Recorder)
    sim.run(until=0.5)
    sim.partition("a", "b")
    sim.run(until=2)
    (drop,) = sim.trace.events("drop")
    assert drop.t == 1.0 and drop.reason == "partition"
    assert sim.trace.events("deliver") == []


def test_partitions_add_up_until_heal() -> None:
    sim = pairs_world()
    sim.partition("a", "b")
    sim.partition("b", "c")
    sim.run(until=1.5)
    assert delivered_links(sim) == {("a", "c"), ("c", "a")}
    sim.heal()
    assert sim.network.blocked == set()
    sim.run(until=2.5)
    assert delivered_links(sim) == ALL_LINKS


def test_the_outside_is_never_cut_off() -> None:
    sim = partition_world()
    sim.partition("a", ["b", "c"])
    sim.addr("a").do_send(Ping(1))
    sim.run(until=1)
    actor = sim.actor("a")
    assert isinstance(actor, Recorder) and actor.received == [Ping(1)]


GROUPING = st.lists(st.sampled_from("ab-"), min_size=4, max_size=4).filter(
    lambda g: "a" in g and "b" in g
)
NET_FAULT = st.one_of(
    st.tuples(st.sampled_from(["partition", "one_way"]), GROUPING),
    st.tuples(st.just("heal"), st.none()),
    st.tuples(st.just("hold"), st.permutations(range(4))),
    st.tuples(st.just("release"), st.none()),
    st.tuples(st.just("pause"), st.tuples(st.integers(0, 3), st.floats(0.05, 1.5))),
)


def as_fault(at: float, op: tuple[str, Any]) -> Fault:
    action, arg = op
    if action in ("partition", "one_way"):
        a = tuple(f"n{i}" for i, g in enumerate(arg) if g == "a")
        b = tuple(f"n{i}" for i, g in enumerate(arg) if g == "b")
        return Fault(at, action, ((a, b),))
    if action == "hold":
        return Fault(at, "hold", (f"n{arg[0]}", f"n{arg[1]}"))
    if action == "pause":
        return Fault(at, "pause", (f"n{arg[0]}", arg[1]))
    return Fault(at, action)


@given(
    seed=st.integers(0, 2**16),
    ops=st.lists(st.tuples(st.floats(0, 5), NET_FAULT), max_size=12),
)
@settings(max_examples=40, deadline=None)
def test_nothing_is_ever_delivered_over_a_cut_link(
    seed: int, ops: list[tuple[float, tuple[str, Any]]]
) -> None:
    sim = Sim(
        seed,
        network=LinkConfig(latency=Uniform(0.001, 0.3)),
        faults=[as_fault(at, op) for at, op in ops],
    )
    spawn_all(sim, 4, lambda: Chatter(every=0.2))
    sim.run(until=5.5)
    world = WorldReplay()
    cut_since: dict[tuple[str, str], float] = {}  # when each cut link was cut
    due: dict[int, float] = {}
    checked = 0
    for e in sim.trace:
        world.apply(e)
        if e.kind in ("partition", "heal"):
            cut_since = {link: cut_since.get(link, e.t) for link in world.blocked}
        if e.kind in ("send", "duplicate") and e.due is not None:
            due[e.msg_id] = e.due
        if e.node is None or e.peer is None or e.node == e.peer:
            continue
        link = (e.node, e.peer)
        if e.kind == "deliver":
            checked += 1
            if link in world.blocked:
                # Only a message that arrived at a paused node before the cut, handed
                # over when the node resumed, may be delivered while its link is cut.
                assert due[e.msg_id] <= cut_since[link] < e.t, e
                resumed = sim.trace.events("resume", node=e.peer, since=e.t, until=e.t)
                assert resumed, e
        elif e.kind == "drop" and e.reason == "partition":
            assert link in world.blocked, e
    assert checked > 0
    assert sim.snapshot().blocked == frozenset(world.blocked)
    assert sim.snapshot().held == frozenset(world.held)


# --------------------------------------------------------------------------- hold / release


def test_hold_parks_messages_and_release_lets_them_arrive_in_arrival_order() -> None:
    sim = Sim(3, network=LinkConfig(latency=Uniform(0.01, 0.5)))
    sim.spawn("a", lambda: Blaster("b", 20))
    sim.spawn("b", Recorder)
    sim.hold("a", "b")
    sim.run(until=2)
    b = sim.actor("b")
    assert isinstance(b, Recorder) and b.received == []
    assert sim.in_flight == 20 and len(sim.snapshot().in_flight) == 20
    arrival_order = [e.msg.n for e in sorted(sim.trace.events("send"), key=lambda e: e.due)]
    sim.release("a", "b")
    assert sim.network.held == set()
    sim.run(until=3)
    assert [m.n for m in b.received] == arrival_order
    assert {e.t for e in sim.trace.events("deliver")} == {2.0}


def test_release_of_one_link_keeps_the_others_held_and_release_all_frees_them() -> None:
    sim = pairs_world()
    sim.hold("a", "b")
    sim.hold("c", "b")
    sim.run(until=1.5)
    assert delivered_links(sim) == ALL_LINKS - {("a", "b"), ("c", "b")}
    sim.release("a", "b")
    sim.run(until=1.6)
    assert delivered_links(sim) == ALL_LINKS - {("c", "b")}
    sim.release()
    sim.run(until=1.7)
    assert delivered_links(sim) == ALL_LINKS
    assert [e.data for e in sim.trace.events("release")] == [
        {"links": [["a", "b"]]},
        {"links": [["c", "b"]]},
    ]


def test_heal_does_not_release_a_hold_and_a_released_message_still_meets_a_partition() -> None:
    sim = Sim()
    sim.spawn("a", lambda: Blaster("b", 3))
    sim.spawn("b", Recorder)
    sim.hold("a", "b")
    sim.run(until=1)
    sim.partition("a", "b")
    sim.heal()
    assert sim.network.held == {("a", "b")}
    sim.partition("a", "b")
    sim.release()
    sim.run(until=2)
    drops = sim.trace.events("drop")
    assert len(drops) == 3 and {e.reason for e in drops} == {"partition"}


# --------------------------------------------------------------------------- per-link settings


def test_set_link_overrides_the_default_for_that_link_only() -> None:
    sim = pairs_world(network=LinkConfig(latency=0.01))
    sim.set_link("a", "b", latency=0.2, loss=0.0)
    sim.set_link("b", "c", loss=1.0)
    assert sim.network.config("a", "b") == LinkConfig(latency=0.2)
    assert sim.network.config("b", "a") == LinkConfig(latency=0.01)
    sim.run(until=1.5)
    due = {(e.node, e.peer): round(e.due - e.t, 9) for e in sim.trace.events("send") if e.due}
    assert due == {link: 0.01 for link in ALL_LINKS - {("a", "b"), ("b", "c")}} | {("a", "b"): 0.2}
    assert {(e.node, e.peer) for e in sim.trace.events("drop")} == {("b", "c")}


def test_set_link_keeps_unset_settings_and_set_network_changes_the_default() -> None:
    sim = pairs_world()
    sim.set_link("a", "b", loss=0.5)
    sim.set_link("a", "b", duplication=0.25)
    assert sim.network.config("a", "b") == LinkConfig(loss=0.5, duplication=0.25)
    sim.set_network(latency=Uniform(0.1, 0.2))
    assert sim.network.default == LinkConfig(latency=Uniform(0.1, 0.2))
    # a link with its own settings keeps them, latency included
    assert sim.network.config("a", "b").latency == Constant(0.001)
    links = sim.trace.events("link")
    assert [(e.node, e.peer) for e in links] == [("a", "b"), ("a", "b"), (None, None)]
    assert [e.data for e in links] == [
        {"loss": 0.5},
        {"duplication": 0.25},
        {"latency": Uniform(0.1, 0.2)},
    ]


def test_each_setting_changed_is_its_own_link_event_and_fault() -> None:
    sim = pairs_world()
    sim.run(until=1)
    sim.set_link("a", "b", latency=LogNormal(0.01, 0.5), duplication=0.5)
    sim.set_network(loss=0.1, latency=0.02, duplication=None)
    sim.set_link("b", "a")  # nothing to change: nothing happens
    links = sim.trace.events("link")
    assert [(e.t, e.node, e.peer, e.data) for e in links] == [
        (1.0, "a", "b", {"latency": LogNormal(0.01, 0.5)}),
        (1.0, "a", "b", {"duplication": 0.5}),
        (1.0, None, None, {"latency": Constant(0.02)}),
        (1.0, None, None, {"loss": 0.1}),
    ]
    assert [str(f) for f in sim.fault_history] == [
        "1 latency lognormal:10ms:0.5 a b",
        "1 duplication 0.5 a b",
        "1 latency 20ms",
        "1 loss 0.1",
    ]
    assert sim.network.config("a", "b") == LinkConfig(LogNormal(0.01, 0.5), 0.0, 0.5)
    assert sim.network.default == LinkConfig(Constant(0.02), 0.1, 0.0)
    line = next(ln for ln in sim.trace.lines() if '"kind":"link"' in ln)
    assert '"data":{"latency":{"fields":{"maximum":"inf","median":0.01,"sigma":0.5},' in line


def test_a_bad_setting_changes_no_setting() -> None:
    sim = pairs_world()
    with pytest.raises(InvalidArgument, match="duplication=2"):
        sim.set_link("a", "b", latency=0.5, duplication=2)
    with pytest.raises(InvalidArgument, match="loss=-1"):
        sim.set_network(latency=0.5, loss=-1)
    assert sim.network == Network()
    assert sim.trace.events("link") == [] and list(sim.fault_history) == []


def test_a_message_that_arrived_at_a_paused_node_before_a_cut_is_handled_on_resume() -> None:
    # Nothing ARRIVES over a cut link; this one had arrived (at 0.001) before the cut.
    sim = Sim()
    sim.spawn("a", lambda: Blaster("b", 1))
    sim.spawn("b", Recorder)
    sim.pause("b", 1)
    sim.run(until=0.5)  # the message arrived at 0.001 and waits at b
    assert sim.in_flight == 1 and sim.snapshot().in_flight[0].due == 0.001
    sim.partition("a", "b")
    sim.run(until=2)
    (deliver,) = sim.trace.events("deliver")
    assert (deliver.t, deliver.node, deliver.peer) == (1.0, "a", "b")
    assert sim.trace.events("drop") == []
    b = sim.actor("b")
    assert isinstance(b, Recorder) and b.received == [Ping(0)]


def test_a_message_that_would_arrive_at_a_paused_node_after_a_cut_is_dropped() -> None:
    sim = Sim(network=LinkConfig(latency=0.5))
    sim.spawn("a", lambda: Blaster("b", 1))
    sim.spawn("b", Recorder)
    sim.pause("b", 1)
    sim.run(until=0.25)  # still travelling: due at 0.5
    sim.partition("a", "b")
    sim.run(until=2)
    (drop,) = sim.trace.events("drop")
    assert (drop.t, drop.reason) == (0.5, "partition")
    assert sim.trace.events("deliver") == [] and sim.in_flight == 0
    b = sim.actor("b")
    assert isinstance(b, Recorder) and b.received == []


@pytest.mark.parametrize("junk", [[0.005], {"ms": 5}, object(), b"5ms"])
def test_a_latency_of_no_known_form_is_refused_by_name(junk: Any) -> None:
    refused = r"^latency=.* is not allowed: must be seconds >= 0, text like"
    with pytest.raises(InvalidArgument, match=refused):
        LinkConfig(latency=junk)
    sim = Sim()
    before = sim.network.default
    with pytest.raises(InvalidArgument, match=refused):
        sim.set_network(latency=junk)
    assert sim.network.default == before
    assert len(sim.fault_history) == 0
