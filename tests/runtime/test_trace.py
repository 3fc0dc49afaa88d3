"""The trace: full vs counts, events and filters, JSON-lines export/import, digests."""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_helpers import (
    Chatter,
    Gossip,
    Ping,
    Recorder,
    message_fields,
    names,
    scenario,
    schedule_strategy,
    spawn_all,
)

from distsys_edu.runtime import (
    DROP_REASONS,
    KINDS,
    Actor,
    Context,
    Event,
    Fault,
    LinkConfig,
    MessageRecord,
    Sim,
    SimError,
    Trace,
    TraceLevelError,
    Uniform,
    snapshot_at,
)
from distsys_edu.runtime.trace import encode_value

# --------------------------------------------------------------------------- levels


def test_counts_level_keeps_the_same_tallies_as_full() -> None:
    full, counts = scenario(11), scenario(11, trace="counts")
    assert counts.trace.counts() == full.trace.counts()
    assert (counts.sent, counts.delivered, counts.dropped, counts.in_flight) == (
        full.sent,
        full.delivered,
        full.dropped,
        full.in_flight,
    )
    tallies = full.trace.counts()
    assert tallies["events"]["send"] + tallies["events"].get("duplicate", 0) == full.sent
    assert sum(tallies["drops"].values()) == full.dropped == tallies["events"]["drop"]
    assert sum(tallies["sent_by_type"].values()) == tallies["events"]["send"]
    assert set(tallies["drops"]) <= set(DROP_REASONS)
    assert len(counts.trace) == 0 and len(full.trace) > 0


def test_counts_level_digest_follows_the_tallies() -> None:
    a, b = scenario(11, trace="counts"), scenario(11, trace="counts")
    assert a.trace.digest() == b.trace.digest()
    a.run(until=7)
    assert a.trace.digest() != b.trace.digest()


def test_reading_events_at_counts_level_raises_trace_level_error() -> None:
    sim = scenario(1, trace="counts")
    with pytest.raises(TraceLevelError, match="trace='full'"):
        sim.trace[0]
    with pytest.raises(TraceLevelError):
        list(sim.trace.lines())
    with pytest.raises(TraceLevelError):
        sim.trace.to_jsonl(io.StringIO())
    assert sim.trace.level == "counts"


@pytest.mark.parametrize("read", ["events", "iterate", "snapshot", "snapshot_at", "digest"])
def test_every_read_of_events_at_counts_level_raises(read: str) -> None:
    sim = scenario(1, trace="counts")
    if read == "digest":  # the one reading that works: a digest of the tallies
        assert len(sim.trace.digest()) == 64
        return
    with pytest.raises(TraceLevelError, match="trace='counts'"):
        if read == "events":
            sim.trace.events("send")
        elif read == "iterate":
            list(sim.trace)
        elif read == "snapshot":
            sim.snapshot()
        else:
            snapshot_at(sim.trace, 1.0)


# --------------------------------------------------------------------------- events


def test_events_carry_what_happened() -> None:
    sim = Sim(network=LinkConfig(latency=0.5))
    sim.spawn("a", Recorder)
    sim.spawn("b", Recorder)
    sim.addr("a").do_send(Ping(3))
    sim.crash("b")
    sim.addr("b").do_send(Ping(4))
    sim.run(until=1)
    events = list(sim.trace)
    assert [e.kind for e in events] == [
        "spawn",
        "spawn",
        "send",
        "crash",
        "send",
        "deliver",
        "drop",
    ]
    assert all(isinstance(e, Event) for e in events)
    assert [e.index for e in events] == list(range(7))
    send, deliver, drop = events[2], events[5], events[6]
    assert (send.t, send.node, send.peer, send.due, send.msg) == (0.0, None, "a", 0.5, Ping(3))
    assert send.msg_type == "Ping" and send.reason is None and send.data is None
    assert (deliver.t, deliver.msg_id, deliver.due) == (0.5, send.msg_id, None)
    assert (drop.peer, drop.reason, drop.msg) == ("b", "node_down", Ping(4))
    assert events[3].msg_id is None and events[3].msg is None and events[3].msg_type is None
    assert sim.trace[-1] == drop
    assert {e.kind for e in events} <= set(KINDS)


def test_events_filter_by_kind_node_and_time() -> None:
    sim = scenario(2)
    trace = sim.trace
    everything = list(trace)
    assert trace.events() == everything
    assert trace.events("crash") == [e for e in everything if e.kind == "crash"]
    both = trace.events(["crash", "restart"])
    assert both == [e for e in everything if e.kind in ("crash", "restart")]
    assert trace.events(node="n1") == [e for e in everything if e.node == "n1"]
    window = trace.events(since=2, until=3)
    assert window == [e for e in everything if 2 <= e.t <= 3]
    assert window and window[0].t >= 2 and window[-1].t <= 3


def test_a_duplicate_event_is_a_message_of_its_own() -> None:
    # As Event documents: a duplicate made by the network has an id of its own (and, like
    # every message event, no data); it is delivered, or dropped, on its own.
    sim = Sim(network=LinkConfig(latency=Uniform(0.1, 0.2), duplication=1.0))
    sim.spawn("a", Recorder)

    class Once(Actor):
        def started(self, ctx: Context) -> None:
            ctx.addr("a").do_send(Ping(1))

    sim.spawn("c", Once)
    sim.run(until=1)
    (send,) = sim.trace.events("send")
    (dup,) = sim.trace.events("duplicate")
    assert dup.msg_id != send.msg_id
    assert (dup.t, dup.node, dup.peer, dup.msg) == (send.t, "c", "a", Ping(1))
    assert dup.data is None and send.data is None and dup.reason is None
    assert 0.1 <= dup.due - dup.t <= 0.2 and dup.due != send.due  # its own delay
    delivered = {e.msg_id: e.t for e in sim.trace.events("deliver")}
    assert delivered == {send.msg_id: send.due, dup.msg_id: dup.due}
    assert sim.sent == 2 and sim.trace.counts()["sent_by_type"] == {"Ping": 1}


def test_annotate_failure_and_fault_events_keep_their_details() -> None:
    sim = Sim(faults=["0.5 partition a|b", "0.6 pause b 0.1", "0.8 hold a b"])
    sim.spawn("a", Recorder)
    sim.spawn("b", Recorder)
    sim.run(until=1)
    assert sim.trace.events("partition")[0].data == {"a": ["a"], "b": ["b"], "one_way": False}
    assert sim.trace.events("pause")[0].data == {"duration": 0.1}
    hold = sim.trace.events("hold")[0]
    assert (hold.node, hold.peer) == ("a", "b")


# --------------------------------------------------------------------------- encoding


@dataclass(frozen=True)
class Nested:
    inner: Ping
    items: tuple[int, ...]
    table: Any
    weird: float


def test_encode_value_is_plain_json_independent_of_set_order() -> None:
    value = Nested(Ping(1), (1, 2), {"z": {3, 1, 2}, 1: frozenset({"b", "a"}), "a": None}, math.nan)
    encoded = encode_value(value)
    assert encoded == {
        "type": "Nested",
        "fields": {
            "inner": {"type": "Ping", "fields": {"n": 1}},
            "items": [1, 2],
            "table": {"1": ["a", "b"], "a": None, "z": [1, 2, 3]},
            "weird": "nan",
        },
    }
    json.dumps(encoded)  # plain JSON
    assert encode_value(object()).startswith("<object object")
    assert encode_value(MessageRecord("Ping", {"n": 1})) == {"type": "Ping", "fields": {"n": 1}}
    assert encode_value(-math.inf) == "-inf"


@dataclass(frozen=True)
class WithDerived:
    n: int
    double: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "double", 2 * self.n)


def test_derived_fields_with_repr_off_are_not_exported() -> None:
    assert encode_value(WithDerived(3)) == {"type": "WithDerived", "fields": {"n": 3}}
    assert encode_value(LinkConfig(latency=0.5)) == {
        "type": "LinkConfig",
        "fields": {
            "latency": {"type": "Constant", "fields": {"seconds": 0.5}},
            "loss": 0.0,
            "duplication": 0.0,
        },
    }
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.addr("a").do_send(WithDerived(4))
    sim.run(until=1)
    assert '"msg":{"fields":{"n":4},"type":"WithDerived"}' in sim.trace.to_jsonl_string()
    imported = Trace.from_jsonl(io.StringIO(sim.trace.to_jsonl_string()))
    assert imported.events("deliver")[0].msg == MessageRecord("WithDerived", {"n": 4})
    assert imported.digest() == sim.trace.digest()


# --------------------------------------------------------------------------- JSON lines


def assert_same_events(live: Trace, imported: Trace) -> None:
    assert len(live) == len(imported)
    assert imported.nodes == live.nodes
    for a, b in zip(live, imported, strict=True):
        assert (a.index, a.t, a.kind, a.node, a.peer, a.msg_id, a.due, a.reason) == (
            b.index,
            b.t,
            b.kind,
            b.node,
            b.peer,
            b.msg_id,
            b.due,
            b.reason,
        )
        assert a.msg_type == b.msg_type
        if a.msg is not None:
            assert isinstance(b.msg, MessageRecord)
            assert encode_value(message_fields(a.msg)) == b.msg.fields
        assert encode_value(a.data) == b.data


def test_jsonl_export_then_import_gives_equal_digest_and_events(tmp_path: Path) -> None:
    sim = scenario(5)
    path = tmp_path / "run.jsonl"
    sim.trace.to_jsonl(str(path))
    text = path.read_text(encoding="utf-8")
    assert text == sim.trace.to_jsonl_string()
    lines = text.splitlines()
    assert len(lines) == len(sim.trace) + 1
    header = json.loads(lines[0])
    assert header["format"] == "distsys_edu.trace" and header["nodes"] == sim.nodes
    assert header["seed"] == 5
    imported = Trace.from_jsonl(str(path))
    assert imported.digest() == sim.trace.digest()
    assert imported.meta == {"seed": 5}
    assert imported.counts() == sim.trace.counts()
    assert_same_events(sim.trace, imported)
    # and the imported trace exports the very same text
    assert imported.to_jsonl_string() == text


@given(seed=st.integers(0, 2**20), faults=schedule_strategy(names(4), 4.0, max_size=8))
@settings(max_examples=25, deadline=None)
def test_jsonl_round_trip_for_random_faulty_runs(seed: int, faults: list[Fault]) -> None:
    sim = Sim(seed, network=LinkConfig(latency=Uniform(0.001, 0.1), duplication=0.05))
    sim.schedule(faults)
    spawn_all(sim, 4, lambda: Chatter(every=0.2))
    sim.run(until=4)
    imported = Trace.from_jsonl(io.StringIO(sim.trace.to_jsonl_string()))
    assert imported.digest() == sim.trace.digest()
    assert imported.counts() == sim.trace.counts()
    assert_same_events(sim.trace, imported)


def test_a_message_holding_an_address_and_a_set_survives_the_round_trip() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.addr("a").do_send(Gossip(sim.addr("a"), frozenset({"q", "p"}), 2))
    sim.run(until=1)
    imported = Trace.from_jsonl(io.StringIO(sim.trace.to_jsonl_string()))
    deliver = imported.events("deliver")[0]
    assert deliver.msg == MessageRecord(
        "Gossip", {"origin": {"addr": "a"}, "seen": ["p", "q"], "hops": 2}
    )


@dataclass(frozen=True)
class Typed:
    type: str
    n: int


def test_a_message_with_a_field_called_type_keeps_its_type_name() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.addr("a").do_send(Typed("vote", 2))
    sim.addr("a").do_send(Typed("fields", 3))
    sim.run(until=1)
    imported = Trace.from_jsonl(io.StringIO(sim.trace.to_jsonl_string()))
    delivered = imported.events("deliver")
    assert [e.msg_type for e in delivered] == ["Typed", "Typed"]
    assert [e.msg for e in delivered] == [
        MessageRecord("Typed", {"type": "vote", "n": 2}),
        MessageRecord("Typed", {"type": "fields", "n": 3}),
    ]
    assert imported.counts() == sim.trace.counts()
    assert imported.digest() == sim.trace.digest()


def test_importing_something_that_is_not_a_trace_raises_sim_error() -> None:
    with pytest.raises(SimError, match="not a distsys_edu trace"):
        Trace.from_jsonl(io.StringIO('{"hello": 1}\n'))
    with pytest.raises(SimError, match="not a distsys_edu trace"):
        Trace.from_jsonl(io.StringIO(""))
    good = scenario(1, until=0.5).trace.to_jsonl_string().splitlines()
    broken = "\n".join([*good[:3], '{"t": 1.0}', *good[3:]]) + "\n"
    with pytest.raises(SimError, match="line 4: i=None"):
        Trace.from_jsonl(io.StringIO(broken))
    unknown = "\n".join([good[0], '{"t": 1.0, "kind": "teleport", "i": 0}']) + "\n"
    with pytest.raises(SimError, match="line 2"):
        Trace.from_jsonl(io.StringIO(unknown))


def test_digest_changes_when_any_event_changes() -> None:
    a = scenario(3, until=2)
    b = scenario(3, until=2)
    assert a.trace.digest() == b.trace.digest()
    b.addr("n0").do_send(Ping(1))
    assert a.trace.digest() != b.trace.digest()


def test_trace_level_is_checked() -> None:
    assert Trace("full").full and not Trace("counts").full


# ------------------------------------------------------------------------- positions


@given(
    seed=st.integers(0, 2**20),
    faults=schedule_strategy(names(4), 4.0, max_size=8),
    kinds=st.sets(st.sampled_from([*KINDS, "drop"]), max_size=5),
)
@settings(max_examples=25, deadline=None)
def test_positions_find_exactly_the_events_of_the_kinds_asked_for(
    seed: int, faults: list[Fault], kinds: set[str]
) -> None:
    sim = Sim(seed, network=LinkConfig(latency=Uniform(0.001, 0.1), loss=0.1))
    sim.schedule(faults)
    spawn_all(sim, 4, lambda: Chatter(every=0.2))
    sim.run(until=4)
    trace = sim.trace
    expected = [e.index for e in trace if e.kind in kinds]
    assert trace.positions(kinds) == expected
    assert [e.index for e in trace.events(kinds)] == expected


def test_positions_reject_an_unknown_kind_and_a_counts_trace() -> None:
    sim = Sim(0)
    spawn_all(sim, 2, lambda: Chatter(every=0.2))
    sim.run(until=1)
    with pytest.raises(ValueError, match=r"kind='delivery' is not allowed: must be one of"):
        sim.trace.positions(["delivery"])
    assert sim.trace.positions("deliver") == [e.index for e in sim.trace if e.kind == "deliver"]
    with pytest.raises(TraceLevelError):
        Sim(0, trace="counts").trace.positions(["send"])
