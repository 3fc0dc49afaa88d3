"""The transport's pieces without processes: codec, datagrams, replay guard, storage, merge."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.net.codec import MessageCodec, Refused, protocol_message_types
from distsys_edu.net.merge import Row, merge_order, repair_times
from distsys_edu.net.rundir import write_private
from distsys_edu.net.storage import PersistentStorage
from distsys_edu.net.wire import MAX_AGE, ReplayGuard, seal, unseal
from distsys_edu.protocols.raft import (
    AppendEntries,
    PreVote,
    PreVoteReply,
    RequestVote,
    RequestVoteReply,
)
from distsys_edu.protocols.swim import Ack, Alive, Suspect
from distsys_edu.runtime import InvalidArgument, MessageTypeError, Reply

KEY = b"k" * 32


@dataclass(frozen=True)
class Unregistered:
    n: int


@dataclass(frozen=True)
class WithList:
    items: list[int]


def swim_codec() -> MessageCodec:
    return MessageCodec(protocol_message_types("swim"), lambda name: ("addr", name))


def raft_codec() -> MessageCodec:
    return MessageCodec(protocol_message_types("raft"), lambda name: ("addr", name))


names = st.text("abcn123", min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(
    sender=names,
    seq=st.integers(0, 2**40),
    updates=st.lists(
        st.builds(Alive, names, st.integers(0, 9)) | st.builds(Suspect, names, st.integers(0, 9)),
        max_size=4,
    ),
)
def test_a_registered_message_comes_back_equal_from_json(sender, seq, updates):
    codec = swim_codec()
    msg = Ack(sender, seq, "target", tuple(updates))
    data = json.loads(json.dumps(codec.encode(msg)))  # as it travels
    assert codec.decode(data) == msg


def test_the_registry_holds_the_protocols_dataclasses_generically():
    types = protocol_message_types("raft")
    assert {RequestVote, RequestVoteReply, AppendEntries, PreVote, PreVoteReply} <= set(types)
    codec = raft_codec()
    assert codec.decode(codec.encode(Reply(3, "ok"))) == Reply(3, "ok")


def test_unknown_and_malformed_messages_are_refused():
    codec = raft_codec()
    with pytest.raises(Refused) as unknown:
        codec.decode({"type": "Evil", "fields": {}})
    assert unknown.value.reason == "unknown_type"
    reply = "RequestVoteReply"
    for bad in ({"type": reply, "fields": {"term": 1}}, [1, 2], {"type": reply}, reply):
        with pytest.raises(Refused) as malformed:
            codec.decode(bad)
        assert malformed.value.reason == "malformed"


def test_a_message_that_json_would_change_fails_at_the_send():
    codec = MessageCodec([WithList], lambda name: name)
    with pytest.raises(MessageTypeError, match="does not survive JSON"):
        codec.encode(WithList([1, 2]))
    with pytest.raises(MessageTypeError, match="not a registered message type"):
        codec.encode(Unregistered(1))


def test_a_datagram_with_a_bad_tag_or_body_is_refused():
    header = {"src": "n1", "dst": "n2", "boot": 0, "seq": 1, "sent": 1.0, "lc": 3}
    datagram = seal(KEY, header)
    assert unseal(KEY, datagram) == header
    tampered = datagram[:-2] + b"9}"
    for bad, reason in (
        (tampered, "bad_hmac"),
        (seal(b"x" * 32, header), "bad_hmac"),
        (b"", "bad_hmac"),
        (seal(KEY, {**header, "seq": "1"}), "malformed"),
        (seal(KEY, {**header, "lc": True}), "malformed"),
    ):
        with pytest.raises(Refused) as refused:
            unseal(KEY, bad)
        assert refused.value.reason == reason
    for body in (b"{not json", b"[" * 100_000 + b"]" * 100_000):  # the second: too deep
        with pytest.raises(Refused, match="malformed"):
            unseal(KEY, hmac.new(KEY, body, hashlib.sha256).digest() + body)


def test_the_replay_guard_lets_each_datagram_in_once_and_only_while_fresh():
    guard = ReplayGuard(listening_since=5.0)
    header = {"src": "n1", "boot": 0, "seq": 1, "sent": 6.0}
    guard.admit(header, now=6.1)
    for bad, now, reason in (
        (header, 6.2, "replayed"),
        ({**header, "seq": 2, "sent": 4.9}, 6.2, "stale"),  # before it listened
        ({**header, "seq": 3, "sent": 6.0}, 6.0 + MAX_AGE + 1, "stale"),  # too old
        ({**header, "seq": 4, "sent": 60.0}, 6.2, "stale"),  # from the future
    ):
        with pytest.raises(Refused) as refused:
            guard.admit(bad, now)
        assert refused.value.reason == reason
    guard.admit({**header, "boot": 1}, now=6.2)  # a new incarnation numbers afresh
    guard.forget_old(now=6.0 + MAX_AGE + 0.5)
    assert guard.seen == {}


def test_storage_survives_reopening_and_refuses_what_json_cannot_hold(tmp_path):
    path = tmp_path / "n1.storage.json"
    storage = PersistentStorage(path)
    storage.update(term=3, voted_for="n2")
    storage["log"] = [1, 2]
    storage.pop("log")
    with pytest.raises(InvalidArgument, match="storage="):
        storage["bad"] = {1, 2}
    assert dict(storage) == {"term": 3, "voted_for": "n2"}  # unchanged by the refusal
    assert PersistentStorage(path) == {"term": 3, "voted_for": "n2"}
    assert not path.with_name(path.name + ".tmp").exists()


def test_private_files_are_the_owners_alone(tmp_path):
    path = tmp_path / "key"
    write_private(path, "secret")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


SKEWS = st.floats(-5, 5)


@st.composite
def skewed_runs(draw, skews=SKEWS):
    """Rows of two processes exchanging messages, on one time line that process 1's
    clock misreads by ``skew``; either process may restart (its Lamport clock starts
    at 0 again, its rows go on in its file)."""
    skew = draw(skews)
    rows: list[Row] = []
    lamport = [0, 0]
    boot = [0, 0]
    now = 0.0
    seq = [0, 0]
    in_flight: list[tuple[int, tuple[str, int, int]]] = []
    for _ in range(draw(st.integers(1, 30))):
        src = draw(st.integers(0, 1))
        now += draw(st.floats(0, 1))
        step = draw(st.sampled_from(["deliver", "send", "send", "restart"]))
        if step == "deliver" and in_flight:
            who, mid = in_flight.pop(0)
            lamport[who] = max(lamport[who], mid[2]) + 1
            data = {"kind": "deliver", "mid": list(mid)}
        elif step == "restart":
            who = src
            boot[who] += 1
            lamport[who] = 1
            data = {"kind": "restart"}
        else:
            who = src
            lamport[who] += 1
            mid = (f"n{who}", boot[who], lamport[who])
            in_flight.append((1 - who, mid))
            data = {"kind": "send", "mid": list(mid)}
        t = now + (skew if who else 0.0)
        rows.append(Row(data, who, seq[who], lamport[who], t))
        seq[who] += 1
    return rows


@settings(max_examples=200, deadline=None)
@given(skewed_runs())
def test_merged_order_puts_causes_first_and_never_goes_back_in_time(rows):
    repair_times(rows)
    rows.sort(key=merge_order)
    times = [r.t for r in rows]
    assert times == sorted(times)
    seen_sends = set()
    last_seq: dict[int, int] = {}
    for row in rows:
        assert row.seq > last_seq.get(row.source, -1)  # each process keeps its order
        last_seq[row.source] = row.seq
        if row.data["kind"] == "send":
            seen_sends.add(tuple(row.data["mid"]))
        elif row.data["kind"] == "deliver":
            assert tuple(row.data["mid"]) in seen_sends


@settings(max_examples=200, deadline=None)
@given(skewed_runs(skews=st.just(0.0)))
def test_where_clocks_agree_the_merge_keeps_every_time_across_restarts(rows):
    written = [(r.source, r.seq, r.t) for r in rows]
    repair_times(rows)
    assert [(r.source, r.seq, r.t) for r in rows] == written
