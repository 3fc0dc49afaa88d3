"""``trace.events(kind, node=..., peer=...)``: which side each filter means (issue 6, item 16)."""

from __future__ import annotations

import pytest
from runtime_helpers import Ping, Recorder

from distsys_edu.runtime import Actor, Context, InvalidArgument, Sim


class Talker(Actor):
    def started(self, ctx: Context) -> None:
        ctx.addr("b").do_send(Ping(2))
        ctx.addr("c").do_send(Ping(3))


def test_node_is_the_sender_and_peer_the_recipient_of_message_events() -> None:
    sim = Sim(seed=0)
    sim.spawn("a", Talker)
    sim.spawn("b", Recorder)
    sim.spawn("c", Recorder)
    sim.addr("b").do_send(Ping(1))  # from outside: no sending node
    sim.run(until=1)
    received_by_b = sim.trace.events("deliver", peer="b")
    assert sorted(e.msg.n for e in received_by_b) == [1, 2]
    assert [e.node for e in received_by_b if e.msg.n == 2] == ["a"]
    sent_by_a = sim.trace.events("send", node="a")
    assert [(e.peer, e.msg.n) for e in sent_by_a] == [("b", 2), ("c", 3)]
    assert [e.msg.n for e in sim.trace.events("send", node="a", peer="c")] == [3]
    assert sim.trace.events("deliver", node="b") == []  # b sent nothing
    assert sim.trace.events("deliver", peer="b", since=1.5) == []


def test_since_and_until_must_be_times() -> None:
    sim = Sim(seed=0)
    with pytest.raises(InvalidArgument, match="since='x'"):
        sim.trace.events(since="x")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="until=nan"):
        sim.trace.events(until=float("nan"))
