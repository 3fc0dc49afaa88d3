"""An authentic datagram whose contents are wrong is refused, never handed to an actor."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.net.codec import MAX_DEPTH, MessageCodec, Refused, protocol_message_types
from distsys_edu.net.dropfilter import DropFilter
from distsys_edu.net.fields import fits
from distsys_edu.net.wire import ReplayGuard, unseal
from distsys_edu.protocols.raft import RequestVote
from distsys_edu.protocols.registry import PROTOCOLS
from distsys_edu.runtime.trace import encode_value

KEY = b"k" * 32
CODECS = {
    p: MessageCodec(protocol_message_types(p), lambda name: ("addr", name)) for p in PROTOCOLS
}
TYPES = sorted((p, name) for p, codec in CODECS.items() for name in codec.types)


def header(**change):
    base = {"src": "n1", "dst": "n2", "boot": 0, "seq": 1, "sent": 1.0, "lc": 1, "req": 0}
    return {**base, **change}


def test_a_field_of_the_wrong_type_is_refused_naming_it():
    data = encode_value(RequestVote(3, "n1"))
    data["fields"]["term"] = "zzz"
    with pytest.raises(Refused, match=r"malformed: RequestVote\.term='zzz' does not fit"):
        CODECS["raft"].decode(data)
    data["fields"] = {"term": 3, "candidate_id": "n1", "extra": 1}
    with pytest.raises(Refused, match="RequestVote has no field 'extra'"):
        CODECS["raft"].decode(data)


def sealed(body: str) -> bytes:
    """An authentic datagram with exactly this body (whatever JSON it holds)."""
    return hmac.new(KEY, body.encode(), hashlib.sha256).digest() + body.encode()


def test_deep_nesting_is_refused_not_a_recursion_error():
    for depth in (MAX_DEPTH + 1, 1_000, 30_000):  # the last fills a whole datagram
        nested = "[" * depth + "1" + "]" * depth
        msg = f'{{"type":"Reply","fields":{{"request_id":1,"value":{nested}}}}}'
        body = json.dumps(header(msg=0), separators=(",", ":")).replace('"msg":0', f'"msg":{msg}')
        with pytest.raises(Refused, match="malformed"):
            CODECS["raft"].decode(unseal(KEY, sealed(body))["msg"])


@pytest.mark.parametrize(
    "change",
    [
        {"sent": 10**400},
        {"sent": float("nan")},
        {"sent": float("inf")},
        {"sent": True},
        {"lc": 10**400},
        {"lc": -1},
        {"seq": 1.5},
        {"boot": "0"},
        {"req": 2**64},
        {"req": "x"},
        {"src": 1},
    ],
)
def test_a_header_field_out_of_range_is_refused(change):
    body = json.dumps(header(**change), separators=(",", ":"))  # NaN, inf as JSON allows
    with pytest.raises(Refused, match="malformed: header field"):
        header_read = unseal(KEY, sealed(body))
        ReplayGuard(0.0).admit(header_read, 1.0)


@pytest.mark.parametrize(
    "control",
    [
        {"version": 2, "blocked": [["n1"]], "loss": 0.0},
        {"version": 2, "blocked": [], "loss": "nan"},
        {"version": 2, "blocked": [], "loss": 1.5},
        {"version": "2", "blocked": [], "loss": 0.0},
        {"version": 2, "blocked": [[["n1"], "n2"]], "loss": 0.0},
        [1, 2, 3],
    ],
)
def test_malformed_control_data_is_refused_and_the_filter_kept(control):
    drop = DropFilter(random.Random(0))
    assert drop.adopt({"version": 1, "blocked": [["n1", "n2"]], "loss": 0.25})
    with pytest.raises(Refused, match="malformed: control data"):
        drop.adopt(control)
    assert (drop.version, drop.blocked, drop.loss) == (1, {("n1", "n2")}, 0.25)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(TYPES), data=st.data())
def test_junk_in_any_field_is_refused_or_fits_every_annotation(kind, data):
    protocol, name = kind
    codec = CODECS[protocol]
    hints = typing.get_type_hints(codec.types[name])
    fields = {f: data.draw(json_values, label=f) for f in hints}
    try:
        msg = codec.decode(json.loads(json.dumps({"type": name, "fields": fields})))
    except Refused as refusal:
        assert refusal.reason in ("malformed", "unknown_type")
        return
    for field, annotation in hints.items():  # what got through is what a sender could send
        value = getattr(msg, field)
        assert fits(value, annotation)
        if annotation is int:
            assert type(value) is int
        elif annotation is str:
            assert type(value) is str


@pytest.mark.parametrize(
    ("value", "annotation", "expected"),
    [
        (True, int, False),
        (3, float, True),
        (float("nan"), float, False),
        ((1, "a"), tuple[int, str], True),
        ((1, 2), tuple[int, str], False),
        ((1, 2, 3), tuple[int, ...], True),
        ([1], tuple[int, ...], False),
        (None, float | None, True),
        ("x", float | None, False),
        ({"a": 1}, dict[str, int], True),
        ({"a": "b"}, dict[str, int], False),
        ([1], list[int], False),
        (1, typing.Literal[1, 2], True),
        (True, typing.Literal[1], False),
    ],
)
def test_fits_reads_each_kind_of_annotation(value, annotation, expected):
    assert fits(value, annotation) is expected


header_keys = st.sampled_from(["src", "dst", "boot", "seq", "sent", "lc", "req", "msg", "x"])


@settings(max_examples=400, deadline=None)
@given(junk=st.dictionaries(header_keys, json_values, max_size=8), base=st.booleans())
def test_any_authentic_junk_is_refused_or_admitted_never_raises_otherwise(junk, base):
    body = json.dumps({**(header() if base else {}), **junk})
    try:
        read = unseal(KEY, sealed(body))
        ReplayGuard(0.0).admit(read, 1.0)
        CODECS["swim"].decode(read.get("msg"))
    except Refused:
        return
