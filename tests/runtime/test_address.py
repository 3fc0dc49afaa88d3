"""Addresses: do_send, try_send (SendError), send (request-reply with timeouts).

A test that takes the ``any_world`` fixture runs twice: in a Sim and in the exercises' Probe
(``runtime_worlds.py``), which hand the actor the same ``Addr``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from runtime_helpers import Gossip, MutableMsg, Ping, Recorder, Stop
from runtime_worlds import AnyWorld, SimWorld

from distsys_edu.runtime import (
    Actor,
    Addr,
    Context,
    InvalidArgument,
    LinkConfig,
    MessageTypeError,
    Reply,
    Request,
    SendError,
    Sim,
)

# --------------------------------------------------------------------------- Addr itself


def test_addr_names_the_node_and_is_equal_to_itself_only(any_world: AnyWorld) -> None:
    any_world.start(Recorder, peers=["b"])
    a, b = any_world.addr("a"), any_world.addr("b")
    assert isinstance(a, Addr) and a.name == "a" and repr(a) == "Addr('a')"
    assert a == any_world.addr("a") and a != b and a != "a"
    assert len({a, any_world.addr("a"), b}) == 2


# Sim only: a probe has no restart.
def test_addr_names_the_node_and_survives_restarts() -> None:
    sim = Sim()
    a = sim.spawn("a", Recorder)
    b = sim.spawn("b", Recorder)
    assert a.name == "a" and repr(a) == "Addr('a')"
    assert a == sim.addr("a") and a != b and a != "a"
    assert len({a, sim.addr("a"), b}) == 2
    sim.crash("a")
    sim.restart("a")
    assert sim.addr("a") == a
    a.do_send(Ping(7))
    sim.run(until=1)
    actor = sim.actor("a")
    assert isinstance(actor, Recorder) and actor.received == [Ping(7)]


def test_an_addr_in_a_message_is_traced_as_its_name() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.addr("a").do_send(Gossip(sim.addr("a"), frozenset({"z", "b", "a"})))
    sim.run(until=1)
    line = next(ln for ln in sim.trace.lines() if '"kind":"deliver"' in ln)
    assert '"origin":{"addr":"a"}' in line
    assert '"seen":["a","b","z"]' in line  # sets are sorted


# --------------------------------------------------------------------------- do_send


def test_do_send_from_outside_is_delivered_after_the_default_latency() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.addr("a").do_send(Ping(1))
    sim.run(until=1)
    (send,) = sim.trace.events("send")
    (deliver,) = sim.trace.events("deliver")
    assert send.node is None and send.peer == "a"  # None: the world outside the actors
    assert send.due == deliver.t == 0.001
    assert send.msg_id == deliver.msg_id


def test_do_send_to_a_down_node_raises_nothing_and_is_dropped() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.crash("a")
    sim.addr("a").do_send(Ping(1))
    sim.run(until=1)
    (drop,) = sim.trace.events("drop")
    assert drop.reason == "node_down"


# --------------------------------------------------------------------------- try_send


def test_try_send_to_a_running_or_paused_node_sends() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.addr("a").try_send(Ping(1))
    sim.pause("a", 1)
    sim.addr("a").try_send(Ping(2))  # paused is still running: it will get it
    sim.run(until=2)
    actor = sim.actor("a")
    assert isinstance(actor, Recorder)
    assert actor.received == [Ping(1), Ping(2)]


@pytest.mark.parametrize("how", ["crash", "stop"])
def test_try_send_raises_send_error_naming_the_node_when_it_is_not_running(how: str) -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.spawn("worker", Recorder)
    if how == "crash":
        sim.crash("worker")
    else:
        sim.addr("worker").do_send(Stop())
        sim.run(until=1)
    state = "down" if how == "crash" else "stopped"
    assert sim.status("worker") == state
    sent = sim.sent
    with pytest.raises(SendError) as info:
        sim.addr("worker").try_send(Ping(1))
    assert "'worker'" in str(info.value) and state in str(info.value)
    assert "Ping" in str(info.value)
    assert sim.sent == sent  # nothing was sent
    (event,) = sim.trace.events("send_error")
    assert event.peer == "worker" and event.data["status"] == state


def test_try_send_error_inside_a_handler_can_be_caught(any_world: AnyWorld) -> None:
    caught: list[str] = []

    class Careful(Actor):
        def on_ping(self, msg: Ping, ctx: Context) -> None:
            try:
                ctx.addr("b").try_send(Ping(msg.n))
            except SendError as exc:
                caught.append(str(exc))

    any_world.start(Careful, peers=["b"])
    any_world.mark_down("b")
    any_world.deliver(Ping(3))  # raises in either any_world if the SendError escaped
    assert len(caught) == 1 and "'b'" in caught[0] and "Ping" in caught[0]
    assert any_world.sent() == []
    any_world.lacks("no trace to record the send_error in")
    assert isinstance(any_world, SimWorld)
    sim = any_world.sim
    (event,) = sim.trace.events("send_error")
    assert event.node == "a" and event.peer == "b"
    assert sim.failures == []


# --------------------------------------------------------------------------- send


def test_send_from_outside_gets_the_handlers_return_value() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    got: list[Any] = []
    request = sim.addr("a").send(
        Ping(41), timeout=1, on_reply=lambda value, ctx: got.append((value, ctx))
    )
    assert isinstance(request, Request) and request.pending
    assert repr(request) == f"<Request {request.id} pending>"
    sim.run(until=2)
    assert request.done and not request.timed_out and not request.pending
    assert request.value == 42
    assert got == [(42, None)]  # outside any actor, ctx is None
    assert repr(request) == f"<Request {request.id} done value=42>"
    replies = [e for e in sim.trace.events("deliver") if e.msg_type == "Reply"]
    assert len(replies) == 1 and replies[0].msg == Reply(request.id, 42)
    assert replies[0].node == "a" and replies[0].peer is None


class Asker(Actor):
    """Sends a Ping request to ``b`` when started and records what came of it."""

    def __init__(self, timeout: float = 1.0) -> None:
        self.timeout = timeout
        self.outcome: list[Any] = []

    def started(self, ctx: Context) -> None:
        self.request = ctx.addr("b").send(
            Ping(1), timeout=self.timeout, on_reply=self.reply, on_timeout=self.expired
        )

    def reply(self, value: Any, ctx: Context) -> None:
        self.outcome.append(("reply", value, ctx.now, ctx.name))

    def expired(self, ctx: Context) -> None:
        self.outcome.append(("timeout", ctx.now, ctx.name))


def test_a_request_nobody_answers_times_out_with_the_requesters_context(
    any_world: AnyWorld,
) -> None:
    # b is crashed in a Sim; a probe answers nothing by itself anyway
    any_world.start(lambda: Asker(timeout=0.5), peers=["b"], down=["b"])
    assert any_world.sent() == [("b", Ping(1))]
    any_world.run(until=0.4)
    asker = any_world.actor
    assert isinstance(asker, Asker) and asker.request.pending and asker.outcome == []
    any_world.run(until=5)
    assert asker.outcome == [("timeout", 0.5, "a")]
    assert asker.request.timed_out and not asker.request.done


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"timeout": 0}, "timeout=0"),
        ({"timeout": -1}, "timeout=-1"),
        ({"timeout": float("nan")}, "timeout=nan"),
        ({"timeout": 1, "on_reply": 5}, "on_reply=5"),
        ({"timeout": 1, "on_timeout": "later"}, "on_timeout='later'"),
    ],
)
def test_a_request_with_a_bad_timeout_or_callback_is_refused_naming_it(
    any_world: AnyWorld, kwargs: dict[str, Any], fragment: str
) -> None:
    errors: list[Exception] = []

    class BadAsker(Actor):
        def started(self, ctx: Context) -> None:
            try:
                ctx.addr("b").send(Ping(1), **kwargs)
            except InvalidArgument as exc:
                errors.append(exc)

    any_world.start(BadAsker, peers=["b"])
    assert len(errors) == 1 and fragment in str(errors[0])
    assert any_world.sent() == []  # refused before anything was sent


# Sim only: a probe does not deliver what its node sends (Probe.reply answers a request).
def test_send_between_actors_calls_on_reply_with_the_requesters_context() -> None:
    sim = Sim()
    sim.spawn("a", Asker)
    sim.spawn("b", Recorder)
    sim.run(until=5)
    asker = sim.actor("a")
    assert isinstance(asker, Asker)
    assert asker.outcome == [("reply", 2, 0.002, "a")]
    assert asker.request.done and asker.request.value == 2


@pytest.mark.parametrize("fault", ["partition", "loss", "reply lost", "crash b"])
def test_send_times_out_when_the_request_or_reply_is_lost(fault: str) -> None:
    sim = Sim()
    sim.spawn("a", lambda: Asker(timeout=0.5))
    sim.spawn("b", Recorder)
    if fault == "partition":
        sim.partition("a", "b")
    elif fault == "loss":
        sim.set_link("a", "b", loss=1.0)
    elif fault == "reply lost":
        sim.set_link("b", "a", loss=1.0)
    else:
        sim.crash("b")
    sim.run(until=5)
    asker = sim.actor("a")
    assert isinstance(asker, Asker)
    assert asker.outcome == [("timeout", 0.5, "a")]
    assert asker.request.timed_out and not asker.request.done
    assert "timed out" in repr(asker.request)
    b = sim.actor("b")
    handled = isinstance(b, Recorder) and b.received == [Ping(1)]
    assert handled == (fault == "reply lost")


def test_send_from_outside_times_out_with_ctx_none() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.crash("a")
    got: list[Any] = []
    request = sim.addr("a").send(Ping(1), timeout=2, on_timeout=got.append)
    sim.run(until=1.9)
    assert request.pending and got == []
    sim.run(until=3)
    assert request.timed_out and got == [None]


def test_a_late_reply_after_the_timeout_is_ignored() -> None:
    sim = Sim()
    sim.spawn("a", lambda: Asker(timeout=0.5))
    sim.spawn("b", Recorder)
    sim.hold("b", "a")
    sim.run(until=1)
    sim.release()
    sim.run(until=2)
    asker = sim.actor("a")
    assert isinstance(asker, Asker)
    assert asker.outcome == [("timeout", 0.5, "a")]
    assert asker.request.timed_out and asker.request.value is None
    late = [e for e in sim.trace.events("deliver") if e.msg_type == "Reply"]
    assert len(late) == 1 and late[0].t == 1.0  # delivered, then nobody waited for it


def test_a_reply_to_a_crashed_requester_does_not_call_the_callback() -> None:
    calls: list[Any] = []

    class Slow(Actor):
        def on_ping(self, msg: Ping, ctx: Context) -> int:
            return 99

    class Req(Actor):
        def started(self, ctx: Context) -> None:
            ctx.addr("b").send(
                Ping(), timeout=5, on_reply=lambda v, c: calls.append(v), on_timeout=calls.append
            )

    sim = Sim()
    sim.spawn("a", Req)
    sim.spawn("b", Slow)
    sim.set_link("a", "b", latency="1s")
    sim.run(until=0.5)
    sim.crash("a")
    sim.run(until=10)
    assert calls == []
    (drop,) = sim.trace.events("drop")
    assert drop.msg_type == "Reply" and drop.reason == "node_down"


def test_a_reply_to_a_restarted_requester_does_not_call_the_old_callback() -> None:
    sim = Sim()
    sim.spawn("a", lambda: Asker(timeout=5))
    sim.spawn("b", Recorder)
    sim.set_link("a", "b", latency="1s")
    sim.run(until=0.5)
    old = sim.actor("a")
    assert isinstance(old, Asker)
    sim.restart("a")  # the new instance sends its own request at 0.5
    sim.run(until=10)
    new = sim.actor("a")
    assert isinstance(new, Asker) and new is not old
    assert old.outcome == []
    assert new.outcome == [("reply", 2, 1.501, "a")]
    assert len([e for e in sim.trace.events("deliver") if e.msg_type == "Reply"]) == 2


def test_duplicate_requests_run_the_handler_twice_but_reply_once() -> None:
    sim = Sim()
    sim.spawn("a", lambda: Asker(timeout=1))
    sim.spawn("b", Recorder)
    sim.set_link("a", "b", duplication=1.0)
    sim.run(until=2)
    asker, b = sim.actor("a"), sim.actor("b")
    assert isinstance(asker, Asker) and isinstance(b, Recorder)
    assert b.received == [Ping(1), Ping(1)]
    assert asker.outcome == [("reply", 2, 0.002, "a")]


@pytest.mark.filterwarnings("ignore::distsys_edu.runtime.HandlerFailureWarning")
def test_a_raising_handler_sends_no_reply_and_the_request_times_out() -> None:
    class Grumpy(Actor):
        def on_ping(self, msg: Ping, ctx: Context) -> int:
            raise KeyError("nope")

    sim = Sim()
    sim.spawn("a", lambda: Asker(timeout=1))
    sim.spawn("b", Grumpy)
    sim.run(until=2)
    asker = sim.actor("a")
    assert isinstance(asker, Asker)
    assert asker.outcome == [("timeout", 1.0, "a")]
    assert [f.node for f in sim.failures] == ["b"]


def test_a_request_to_self_is_answered() -> None:
    class SelfAsk(Actor):
        def started(self, ctx: Context) -> None:
            self.got: list[int] = []
            ctx.address.send(Ping(9), timeout=1, on_reply=lambda v, c: self.got.append(v))

        def on_ping(self, msg: Ping, ctx: Context) -> int:
            return msg.n * 2

    sim = Sim(network=LinkConfig(loss=1.0))
    sim.spawn("a", SelfAsk)
    sim.run(until=1)
    actor = sim.actor("a")
    assert isinstance(actor, SelfAsk) and actor.got == [18]


def test_addr_is_exported_as_a_type() -> None:
    sim = Sim()
    assert isinstance(sim.spawn("a", Recorder), Addr)


# --------------------------------------------------------------------------- the fast path


def test_do_send_on_a_plain_network_behaves_like_the_general_path() -> None:
    # A plain network (one constant latency, no loss, duplication, partition or hold)
    # lets do_send skip the network's general path; what happens must not change.
    def run(general: bool) -> Sim:
        sim = Sim(5)
        for name in ("n0", "n1", "n2"):
            sim.spawn(name, Recorder)
        sim.spawn("x", Recorder)
        if general:  # a setting on an unused link turns the plain network off
            sim.set_link("x", "n0", loss=0.0)
        assert (sim.network.plain_latency is None) == general
        for i in range(30):
            sim.addr(f"n{i % 3}").do_send(Ping(i))
            sim.addr(f"n{i % 3}").do_send(Gossip(sim.addr("x"), frozenset({"a"}), i))
        sim.run(until=1)
        return sim

    fast, general = run(False), run(True)

    def lines(sim: Sim) -> list[dict[str, Any]]:
        rows = [json.loads(ln) for ln in list(sim.trace.lines())[1:]]
        return [{k: v for k, v in r.items() if k != "i"} for r in rows if r["kind"] != "link"]

    assert lines(fast) == lines(general)
    assert (fast.sent, fast.delivered, fast.in_flight) == (60, 60, 0)
    assert fast.trace.counts()["sent_by_type"] == {"Gossip": 30, "Ping": 30}


@pytest.mark.parametrize("how", ["do_send", "try_send", "send"])
def test_an_actor_sending_a_mutable_message_is_refused_and_nothing_is_sent(
    any_world: AnyWorld, how: str
) -> None:
    errors: list[Exception] = []

    class Careless(Actor):
        def started(self, ctx: Context) -> None:
            b = ctx.addr("b")
            send: Any = {"do_send": b.do_send, "try_send": b.try_send}.get(how)
            try:
                send(MutableMsg(1)) if send else b.send(MutableMsg(1), timeout=1)
            except MessageTypeError as exc:
                errors.append(exc)

    any_world.start(Careless, peers=["b"])
    assert len(errors) == 1 and "not frozen" in str(errors[0])
    assert any_world.sent() == []


def test_the_fast_path_still_checks_every_new_message_type() -> None:
    sim = Sim()
    sim.spawn("a", Recorder)
    for i in range(3):
        sim.addr("a").do_send(Ping(i))
    before = (len(sim.trace), sim.sent)
    with pytest.raises(MessageTypeError, match="not frozen"):
        sim.addr("a").do_send(MutableMsg(1))
    with pytest.raises(MessageTypeError):
        sim.addr("a").do_send(MutableMsg(2))  # refused again, not remembered as sent
    assert (len(sim.trace), sim.sent) == before
    sim.run(until=1)
    assert sim.delivered == 3


def test_message_types_that_share_a_name_are_counted_together_by_name() -> None:
    Other = dataclasses.make_dataclass("Ping", [("n", int)], frozen=True)
    sim = Sim()
    sim.spawn("a", Recorder)
    sim.addr("a").do_send(Ping(1))
    sim.addr("a").do_send(Other(2))
    sim.addr("a").do_send(Other(3))
    assert sim.trace.counts()["sent_by_type"] == {"Ping": 3}
    assert sim.sent == 3
