"""The rules of a ProtocolSpec and of the registry, each shown failing on purpose, and the
built-in specs checked against what their protocols really do."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from example_protocol import SPEC, Alive
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu import InvalidArgument, MessageTypeError, Sim
from distsys_edu.checks.runs import protocol_parts
from distsys_edu.checks.schedules import FaultMix, random_schedule
from distsys_edu.net.codec import MessageCodec, Refused, protocol_message_types
from distsys_edu.net.factories import cluster_factories
from distsys_edu.protocols import Knob, ProtocolSpec, get_spec, register, registry, spawn
from distsys_edu.protocols.registry import (
    BUILTIN,
    PROTOCOLS,
    aliases,
    get_protocol,
    load_spec,
    protocol_choices,
    protocol_names,
)
from distsys_edu.runtime import Reply

BUILTIN_OPTIONS = {"raftlog": {"clients": 1}}
"""Options that make a protocol send every kind of message it has (raftlog's clients)."""


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_registered", {})


def test_an_unknown_name_is_refused_naming_the_known_ones():
    with pytest.raises(InvalidArgument, match=r"protocol='paxos' .*one of blog, bully, ring"):
        get_spec("paxos")
    assert "paxos" not in PROTOCOLS
    with pytest.raises(InvalidArgument, match=r"protocol=\['raft'\] .*must be a name"):
        get_spec(["raft"])


def test_a_duplicate_name_is_refused_unless_replace(empty_registry):
    register(SPEC)
    with pytest.raises(InvalidArgument, match=r"spec='lowest' .*replace=True"):
        register(SPEC)
    again = dataclasses.replace(SPEC, description="another")
    assert register(again, replace=True) is get_spec("lowest") is again
    with pytest.raises(InvalidArgument, match=r"spec='raft'"):
        register(dataclasses.replace(SPEC, name="raft"))  # a built-in name too


def test_a_message_type_that_is_not_a_frozen_dataclass_is_refused():
    @dataclasses.dataclass
    class Mutable:
        x: int

    for bad in (Mutable, dict, "Alive"):
        with pytest.raises(InvalidArgument, match=r"ProtocolSpec\.messages=.*frozen dataclasses"):
            dataclasses.replace(SPEC, messages=(Alive, bad))


def test_a_knob_with_min_above_max_or_a_default_outside_is_refused():
    with pytest.raises(InvalidArgument, match=r"Knob\.min=2\.0 .*<= max \(1\.0\)"):
        Knob("heartbeat", float, "s", 2.0, 1.0, 1.5, "help")
    with pytest.raises(InvalidArgument, match=r"Knob\.default=5 .*from 0\.01 to 1\.0 s"):
        Knob("heartbeat", float, "s", 0.01, 1.0, 5, "help")
    with pytest.raises(InvalidArgument, match=r"Knob\.type="):
        Knob("heartbeat", str, "s", 0.01, 1.0, 0.5, "help")


def test_a_knob_must_be_an_option_of_the_spawn_function():
    other = Knob.seconds("period", 1.0, 2.0, "not an option of spawn_lowest")
    with pytest.raises(InvalidArgument, match=r"knobs='period' .*it takes: heartbeat"):
        dataclasses.replace(SPEC, config=None, knobs=(other,))


def test_a_knob_must_be_a_field_of_the_config():
    @dataclasses.dataclass(frozen=True)
    class Other:
        period: float = 1.0

    with pytest.raises(InvalidArgument, match=r"knobs='heartbeat' .*fields of config"):
        dataclasses.replace(SPEC, config=Other)


def test_other_fields_are_checked_by_name():
    for field, value in (
        ("name", "two words"),
        ("description", "two\nlines"),
        ("actors", (int,)),
        ("actors", ()),
        ("config", 3),
        ("view", ("role", 3)),
        ("invariants", (3,)),
        ("real_network", "yes"),
        ("aliases", ("two words",)),
        ("aliases", ("lowest",)),  # its own name
        ("aliases", ("a", "a")),
        ("aliases", "kv"),  # a str, not a tuple
    ):
        with pytest.raises(InvalidArgument, match=rf"ProtocolSpec\.{field}="):
            dataclasses.replace(SPEC, **{field: value})


def test_kv_is_another_name_for_raftlog_wherever_a_name_is_taken():
    assert aliases() == {"kv": "raftlog"}
    assert get_spec("kv") is get_spec("raftlog") and get_protocol("kv") is get_spec("raftlog").spawn
    assert "kv" not in PROTOCOLS and "kv" not in protocol_names()  # one protocol, listed once
    assert "raftlog (or kv)" in protocol_choices()
    by_alias, by_name = Sim(seed=3, trace="full"), Sim(seed=3, trace="full")
    assert spawn(by_alias, "kv", 3, clients=1) == spawn(by_name, "raftlog", 3, clients=1)
    by_alias.run(until=1.0), by_name.run(until=1.0)
    assert by_alias.trace.digest() == by_name.trace.digest()
    assert protocol_parts("kv")[::2] == protocol_parts("raftlog")[::2]  # the replay says raftlog
    with pytest.raises(InvalidArgument, match=r"protocol='kvs' .*raftlog \(or kv\)"):
        get_spec("kvs")


def test_an_alias_that_is_another_protocols_name_or_alias_is_refused(empty_registry):
    for name, taken in (("lowest", ("raft",)), ("lowest", ("kv",)), ("kv", ())):
        clash = dataclasses.replace(SPEC, name=name, aliases=taken)
        with pytest.raises(InvalidArgument, match=r"another protocol's name or alias: \w+ \(ra"):
            register(clash)
    register(dataclasses.replace(SPEC, aliases=("low",)))
    assert get_spec("low") is get_spec("lowest") and aliases()["low"] == "lowest"
    register(dataclasses.replace(SPEC, aliases=("low", "least")), replace=True)  # its own
    assert aliases()["least"] == "lowest"


def test_the_codec_refuses_a_message_type_no_spec_declares():
    codec = MessageCodec(protocol_message_types("raft"), lambda name: name)
    with pytest.raises(MessageTypeError, match="Alive is not a registered message type"):
        codec.encode(Alive("n1"))
    with pytest.raises(Refused) as refused:
        codec.decode({"type": "Alive", "fields": {"sender": "n1"}})
    assert refused.value.reason == "unknown_type"


@pytest.mark.parametrize("name", BUILTIN)
def test_the_codec_allows_exactly_the_specs_messages(name):
    spec = get_spec(name)
    codec = MessageCodec(protocol_message_types(name), lambda n: n)
    assert set(codec.types.values()) == {*spec.messages, Reply}
    assert PROTOCOLS[name] == spec.description and get_protocol(name) is spec.spawn


@pytest.mark.parametrize("name", BUILTIN)
def test_each_builtin_knob_is_a_spawn_option_with_that_default(name):
    spec = get_spec(name)
    parameters = inspect.signature(spec.spawn).parameters
    for knob in spec.knobs:
        assert knob.check(parameters[knob.name].default) == knob.check(knob.default)


@pytest.mark.filterwarnings("ignore:a handler failed")  # the blog's design crashes by design
@settings(max_examples=12, deadline=None)
@given(name=st.sampled_from(BUILTIN), seed=st.integers(0, 2**32 - 1))
def test_every_message_sent_and_every_key_published_under_faults_is_in_the_spec(name, seed):
    spec = get_spec(name)
    sim = Sim(seed=seed)
    names = spawn(sim, name, 4, **BUILTIN_OPTIONS.get(name, {}))
    sim.schedule(random_schedule(seed, names, 8.0, FaultMix(quiet=2.0)))
    sim.run(until=8.0)
    sent = {t for t in sim.trace.sent_by_type if isinstance(t, type)}
    assert sent and sent <= {*spec.messages, Reply}
    published = set().union(*(sim.annotations(n).keys() for n in sim.nodes))
    assert published and published <= set(spec.view)


def test_a_spec_is_plain_data_that_says_what_it_reads_like():
    spec = ProtocolSpec(
        name="tiny",
        description="one node",
        spawn=SPEC.spawn,
        actors=SPEC.actors,
        messages=(),
    )
    assert spec.knobs == () and spec.invariants == () and spec.real_network
    assert spec.module == "example_protocol"
    with pytest.raises(InvalidArgument, match=r"knob='nope' .*knob of tiny \(none\)"):
        spec.knob("nope")


def test_net_up_refuses_a_protocol_whose_spec_says_it_cannot_run_there(empty_registry):
    register(dataclasses.replace(SPEC, name="sim_only", real_network=False))
    with pytest.raises(InvalidArgument, match=r"protocol='sim_only' .*real network"):
        cluster_factories("sim_only", ["n1", "n2"], {}, seed=0)


def test_a_node_process_finds_a_spec_by_its_module_or_says_why_not(empty_registry):
    assert load_spec("lowest", "example_protocol") is SPEC  # registered by the lookup
    with pytest.raises(InvalidArgument, match=r"module='no_such_module_here' .*importable"):
        load_spec("other", "no_such_module_here")
    with pytest.raises(InvalidArgument, match=r"module='json' .*ProtocolSpec named 'other'"):
        load_spec("other", "json")
