"""What goes into the trace cannot change afterwards (issue 6, item 8).

A frozen message with a list field, or a list given to ``ctx.annotate``, could be
changed after the send: the receiver, the trace and earlier snapshots changed with
it. Messages now refuse mutable containers (with what to use instead), and
annotations are frozen as they are published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from runtime_helpers import Gossip
from runtime_worlds import AnyWorld

from distsys_edu.runtime import (
    Actor,
    Context,
    HandlerFailureWarning,
    MessageTypeError,
    Sim,
    check_message,
)
from distsys_edu.runtime.immutability import frozen
from distsys_edu.runtime.snapshot import Replay


@dataclass(frozen=True)
class Members:
    names: list[str]


@dataclass(frozen=True)
class Loose:
    names: Any


@dataclass(frozen=True)
class Nested:
    inner: tuple[Loose, ...]


def test_a_message_type_with_a_list_field_is_refused_naming_the_field() -> None:
    with pytest.raises(MessageTypeError, match=r"Members\.names: list\[str\] .* use a tuple"):
        check_message(Members(["a"]))


@pytest.mark.parametrize(
    ("msg", "where"),
    [
        (Loose(["a"]), "Loose=['a']"),
        (Loose({"a": 1}), "Loose={'a': 1}"),
        (Loose({"a"}), "Loose={'a'}"),
        (Loose(("a", ["b"])), "Loose[1]=['b']"),
        (Nested((Loose(()), Loose(["x"]))), "Nested[1]"),
    ],
    ids=["list", "dict", "set", "list-in-tuple", "nested-dataclass"],
)
def test_a_mutable_value_anywhere_in_a_message_is_refused(msg: Any, where: str) -> None:
    with pytest.raises(MessageTypeError, match="can change after the send") as info:
        check_message(msg)
    assert where.split("=")[0].split("[")[0] in str(info.value)


def test_immutable_values_pass() -> None:
    check_message(Loose(("a", frozenset({"b"}), 1, 2.5, None, b"x")))
    check_message(Nested((Loose(("a",)),)))
    check_message(Gossip("a", frozenset({"b"})))


class Sender(Actor):
    def __init__(self, send: bool = False) -> None:
        self.names = ["b"]
        self.send = send

    def started(self, ctx: Context) -> None:
        ctx.annotate(peers=self.names, seen={"b"}, info={"k": ["v"]})
        if self.send:
            ctx.addr("b").do_send(Loose(self.names))


class Sink(Actor):
    def on_loose(self, msg: Loose, ctx: Context) -> None:
        pass


def test_the_first_send_of_a_type_with_a_list_value_fails_in_the_sender() -> None:
    sim = Sim(seed=0)
    sim.spawn("a", lambda: Sender(send=True))
    sim.spawn("b", Sink)
    with pytest.warns(HandlerFailureWarning, match="MessageTypeError"):
        sim.run(until=1)
    assert [f.error.split(":")[0] for f in sim.failures] == ["MessageTypeError"]
    assert "Loose.names=['b'] is not allowed in a message" in sim.failures[0].error
    assert sim.sent == 0 == sim.in_flight  # nothing was counted that does not exist


def test_annotations_are_frozen_as_they_are_published(any_world: AnyWorld) -> None:
    any_world.start(Sender, peers=["b"])
    published = any_world.annotations()
    actor = any_world.actor
    assert isinstance(actor, Sender)
    actor.names.append("c")  # the actor changes its own list after publishing it
    assert published == {"peers": ("b",), "seen": frozenset({"b"}), "info": {"k": ("v",)}}
    assert any_world.annotations() == published


def test_a_message_with_a_list_value_is_refused_in_the_sender(any_world: AnyWorld) -> None:
    with pytest.raises(MessageTypeError, match=r"Loose.names=\['b'\] is not allowed"):
        any_world.start(lambda: Sender(send=True), peers=["b"])  # strict: it raises


def test_annotations_are_frozen_so_the_trace_and_snapshots_never_change() -> None:
    sim = Sim(seed=0)
    sim.spawn("a", Sender)
    sim.spawn("b", Sink)
    sim.run(until=1)
    digest = sim.trace.digest()
    before = sim.snapshot(1).nodes["a"].annotations
    actor = sim.actor("a")
    assert isinstance(actor, Sender)
    actor.names.append("c")  # the actor changes its own list after publishing it
    assert before == {"peers": ("b",), "seen": frozenset({"b"}), "info": {"k": ("v",)}}
    assert sim.snapshot(1).nodes["a"].annotations == before
    assert sim.annotations("a")["peers"] == ("b",)
    assert sim.trace.digest() == digest


def test_a_snapshot_does_not_change_when_the_replay_goes_on() -> None:
    sim = Sim(seed=0)
    sim.spawn("a", Sender)
    sim.spawn("b", Sink)
    sim.run(until=1)
    replay = Replay()
    for e in sim.trace:
        replay.apply(e)
    snapshot = replay.snapshot(1, sim.trace.nodes)
    published = dict(snapshot.nodes["a"].annotations)
    replay.notes["a"]["role"] = "leader"  # as a later annotate event would
    assert snapshot.nodes["a"].annotations == published


def test_freezing_keeps_what_cannot_change_as_it_is() -> None:
    ping = Gossip("a")
    assert frozen(ping) is ping
    assert frozen(b"x") == b"x"
    assert frozen([1, {2}, {"k": [3]}]) == (1, frozenset({2}), {"k": (3,)})
