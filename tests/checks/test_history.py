"""Histories: read from Jepsen's EDN and jepsen.util log lines, and from a Sim trace."""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from distsys_edu.checks import History, HistoryError, Operation, linearizable, load_history
from distsys_edu.protocols.history import record_op
from distsys_edu.runtime import Actor, Constant, Context, InvalidArgument, LinkConfig, Sim, Trace

EDN = """\
{:process 0, :type :invoke, :f :write, :value 1}
{:process 1, :type :invoke, :f :cas, :value [1 4]}
{:process :nemesis, :type :info, :f :start, :value nil}
{:process 0, :type :ok, :f :write, :value 1}
{:process 1, :type :fail, :f :cas, :value [1 4]}
{:process 0, :type :invoke, :f :read, :value nil}
{:process 0, :type :ok, :f :read, :value 1}
{:process 2, :type :invoke, :f :write, :value 7}
{:process 2, :type :info, :f :write, :value :timed-out}
{:process 3, :type :invoke, :f :write, :value 9}
"""

LOG = """\
2017-03-01 INFO  jepsen.core - a line from elsewhere
INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]
INFO  jepsen.util - :nemesis\t:info\t:start\tnil
INFO  jepsen.util - 3\t:ok\t:cas\t[1 4]
INFO  jepsen.util - 4   :invoke :read   nil
INFO  jepsen.util - 4   :fail   :read   :timed-out
"""


def test_edn_lines_pair_per_process_with_every_completion_type() -> None:
    h = load_history(EDN)
    assert [(op.client, op.f, op.value, op.result, op.complete) for op in h] == [
        (0, "write", 1, None, 4.0),
        (1, "cas", (1, 4), False, 5.0),  # a failed cas: its compare failed
        (0, "read", None, 1, 7.0),
        (2, "write", 7, None, None),  # :info: no answer, open for ever
        (3, "write", 9, None, None),  # never completed
    ]
    assert [op.invoke for op in h] == [1.0, 2.0, 6.0, 8.0, 10.0]  # line numbers
    assert h.ops[1].where == "line 2" and h.ops[1].done_where == "line 5"


def test_jepsen_log_lines_skip_other_loggers_the_nemesis_and_failed_reads() -> None:
    h = load_history(LOG)
    assert [(op.client, op.f, op.value, op.result) for op in h] == [(3, "cas", (1, 4), True)]


def test_edn_keys_strings_and_times() -> None:
    text = (
        '{:process 0, :type :invoke, :f :put, :key "k", :value "x y", :time 1500000000}\n'
        '{:process 0, :type :ok, :f :put, :key "k", :value "x y", :time 2000000000}\n'
    )
    (op,) = load_history(text).ops
    assert (op.key, op.value, op.invoke, op.complete) == ("k", "x y", 1.5, 2.0)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{:process 0, :type :ok, :f :read, :value 1}\n", "line 1: client 0 completes read"),
        (
            "{:process 0, :type :invoke, :f :read}\n{:process 0, :type :invoke, :f :read}\n",
            "line 2: client 0 invokes read while its read of line 1 is still open",
        ),
        (
            "{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :write}\n",
            "line 2: client 0 completes write but invoked read at line 1",
        ),
        ("{:process 0, :type :begin, :f :read}\n", "line 1: type 'begin' is not allowed"),
        ("{:process 0, :type :invoke, :f :read\n", "line 1: '{:process 0, :type :invoke, :f"),
        ("{:process 0, :type :invoke, :f :read}\n{:process 1 :f}\n", "line 2"),
        ("{:process 0, :type :invoke, :value 1}\n", "line 1: '{:process 0, :type :invoke,"),
        ("INFO  jepsen.util - 3\t:invoke\n", "line 1: 'INFO  jepsen.util - 3"),
        ("just some words\nand more\n", "text: not a history"),
    ],
)
def test_bad_lines_are_named(text: str, words: str) -> None:
    with pytest.raises(HistoryError, match="^" + re.escape(words)):
        load_history(text)


def test_sources_a_path_a_history_and_bad_ones(tmp_path: Path) -> None:
    path = tmp_path / "h.edn"
    path.write_text(EDN)
    assert load_history(path).ops == load_history(str(path)).ops == load_history(EDN).ops
    assert load_history(path).source == str(path)
    h = load_history(EDN)
    assert load_history(h) is h
    with pytest.raises(InvalidArgument, match=r"history='nowhere\.edn' is not allowed: no such"):
        load_history("nowhere.edn")
    with pytest.raises(InvalidArgument, match=r"history=42 is not allowed: must be a History"):
        load_history(42)


def test_describe_says_what_each_operation_did() -> None:
    ops = [
        Operation(0, "read", None, None, 0.0, 1.0, 3),
        Operation(1, "cas", (1, 4), None, 0.0, None),
        Operation(2, "put", "x", "k", 0.0, 1.0),
    ]
    assert [op.describe() for op in ops] == ["read() -> 3", "cas(1, 4) -> ?", "put('k', 'x')"]


# -- a history recorded in a Sim trace by a toy client and server -------------------


@dataclass(frozen=True)
class Put:
    key: str
    value: int


@dataclass(frozen=True)
class Get:
    key: str


class Store(Actor):
    """A one-node key-value store: answers at once (a correct, linearizable service)."""

    def __init__(self) -> None:
        self.data: dict[str, int] = {}

    def on_put(self, msg: Put, ctx: Context) -> None:
        self.data[msg.key] = msg.value

    def on_get(self, msg: Get, ctx: Context) -> int | None:
        return self.data.get(msg.key)


class Client(Actor):
    """Every 0.5 s a request to the store, a put of its number or a get, in turn.

    Records each invocation, and its reply or timeout, with ``record_op``.
    """

    def __init__(self, number: int) -> None:
        self.number = number
        self.ticks = 0
        self.f = ""

    def started(self, ctx: Context) -> None:
        ctx.run_interval(0.5, self.tick)

    def tick(self, ctx: Context) -> None:
        self.ticks += 1
        msg: Put | Get
        if self.ticks % 2:
            self.f, msg, value = "put", Put("k", self.number), self.number
        else:
            self.f, msg, value = "get", Get("k"), None
        record_op(ctx, "invoke", self.f, value, key="k")
        ctx.addr("store").send(msg, timeout=0.2, on_reply=self.replied, on_timeout=self.gave_up)

    def replied(self, result: int | None, ctx: Context | None) -> None:
        assert ctx is not None
        record_op(ctx, "ok", self.f, result, key="k")

    def gave_up(self, ctx: Context | None) -> None:
        assert ctx is not None
        record_op(ctx, "info", self.f, key="k")


def recorded_sim(latency: float) -> Sim:
    sim = Sim(seed=3, network=LinkConfig(latency=Constant(latency)))
    sim.spawn("store", Store)
    for i in (1, 2):
        sim.spawn(f"c{i}", functools.partial(Client, i))
    sim.run(until=2.2)
    return sim


def test_from_trace_reads_what_clients_recorded_live_and_from_json_lines() -> None:
    sim = recorded_sim(latency=0.01)
    h = History.from_trace(sim.trace)
    assert h.clients == ["c1", "c2"] and len(h) == 8
    assert [(op.client, op.f, op.value) for op in h.ops[:4]] == [
        ("c1", "put", 1),
        ("c2", "put", 2),
        ("c1", "get", None),
        ("c2", "get", None),
    ]
    assert {op.result for op in h if op.f == "get"} <= {1, 2}
    assert all(op.complete is not None and op.complete > op.invoke for op in h)
    again = History.from_trace(Trace.from_jsonl(io.StringIO(sim.trace.to_jsonl_string())))
    assert again.ops == h.ops
    assert linearizable(sim.trace, model="kv").linearizable is True


def test_from_trace_a_timeout_is_an_operation_with_no_answer() -> None:
    h = History.from_trace(recorded_sim(latency=0.15).trace)  # 0.3 s there and back
    assert h.ops and all(op.timed_out for op in h)


def test_from_trace_rejects_a_record_that_is_not_a_tuple_of_four() -> None:
    class Bad(Actor):
        def started(self, ctx: Context) -> None:
            ctx.annotate(history=("invoke", "get"))

    sim = Sim(seed=0)
    sim.spawn("b", Bad)
    sim.run(until=1)
    with pytest.raises(HistoryError, match=r"^event \d+: history=\('invoke', 'get'\)"):
        History.from_trace(sim.trace)


def test_record_op_names_a_bad_type() -> None:
    class Bad(Actor):
        def started(self, ctx: Context) -> None:
            record_op(ctx, "done", "get")

    sim = Sim(seed=0, strict=True)
    sim.spawn("b", Bad)
    with pytest.raises(InvalidArgument, match="type='done' is not allowed"):
        sim.run(until=1)


def test_a_trace_file_is_read_as_a_history(tmp_path: Path) -> None:
    sim = recorded_sim(latency=0.01)
    path = tmp_path / "run.jsonl"
    sim.trace.to_jsonl(str(path))
    assert load_history(path).ops == History.from_trace(sim.trace).ops
    assert linearizable(path, model="kv").linearizable is True
