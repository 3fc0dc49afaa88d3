"""The linearizability check on hand-made histories and on Porcupine's test histories."""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from distsys_edu.checks import History, HistoryError, Operation, linearizable
from distsys_edu.runtime import InvalidArgument

DATA = Path(__file__).parent / "data" / "porcupine"
NONE = object()  # "no answer": the operation timed out


def op(
    client: Any, f: str, value: Any, start: float, end: Any, result: Any = None, key: Any = None
) -> Operation:
    """An operation; ``end=NONE`` for one that got no answer."""
    return Operation(client, f, value, key, start, None if end is NONE else end, result)


def check(*ops: Operation, model: str = "register") -> bool | None:
    return linearizable(History(ops), model=model).linearizable


W1 = op(0, "write", 1, 0, 1)  # write(1), over by t = 1


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        ((W1, op(1, "read", None, 2, 3, 1)), True),
        ((W1, op(1, "read", None, 2, 3, None)), False),  # a stale read after the write
        (
            (
                op(0, "write", 1, 0, 10),
                op(1, "read", None, 1, 2, None),
                op(1, "read", None, 3, 4, 1),
            ),
            True,
        ),
        # once a read saw the new value, a later read cannot see the old one
        (
            (
                op(0, "write", 1, 0, 10),
                op(1, "read", None, 1, 2, 1),
                op(1, "read", None, 3, 4, None),
            ),
            False,
        ),
        # operations that touch (end of one = start of the other) count as concurrent
        ((op(0, "write", 1, 0, 2), op(1, "read", None, 2, 3, None)), True),
        ((W1, op(0, "cas", (1, 4), 2, 3, True), op(1, "read", None, 4, 5, 4)), True),
        ((W1, op(0, "cas", (1, 4), 2, 3, True), op(1, "read", None, 4, 5, 1)), False),
        ((W1, op(0, "cas", (2, 3), 2, 3, False), op(1, "read", None, 4, 5, 1)), True),
        ((W1, op(0, "cas", (1, 3), 2, 3, False)), False),  # its compare could not fail
    ],
)
def test_register_histories(ops: tuple[Operation, ...], expected: bool) -> None:
    assert check(*ops) is expected


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        # a write with no answer may take effect any time after its invocation...
        ((op(0, "write", 1, 0, NONE), op(1, "read", None, 5, 6, 1)), True),
        # ... or never
        ((op(0, "write", 1, 0, NONE), op(1, "read", None, 5, 6, None)), True),
        # but once seen, it has taken effect
        (
            (
                op(0, "write", 1, 0, NONE),
                op(1, "read", None, 5, 6, 1),
                op(1, "read", None, 7, 8, None),
            ),
            False,
        ),
        # and never before its invocation
        ((op(1, "read", None, 0, 1, 1), op(0, "write", 1, 2, NONE)), False),
        # a cas with no answer: took effect (4) or not (1), either is fine, not both in turn
        ((W1, op(0, "cas", (1, 4), 2, NONE), op(1, "read", None, 3, 4, 4)), True),
        ((W1, op(0, "cas", (1, 4), 2, NONE), op(1, "read", None, 3, 4, 1)), True),
        (
            (
                W1,
                op(0, "cas", (1, 4), 2, NONE),
                op(1, "read", None, 3, 4, 4),
                op(1, "read", None, 5, 6, 1),
            ),
            False,
        ),
        # a read with no answer constrains nothing
        ((W1, op(1, "read", None, 2, NONE)), True),
    ],
)
def test_operations_with_no_answer(ops: tuple[Operation, ...], expected: bool) -> None:
    assert check(*ops) is expected


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        ((op(0, "get", None, 0, 1, "", key="k"),), True),  # a missing key reads as "" (6.824)
        ((op(0, "get", None, 0, 1, None, key="k"),), True),  # or as nil (Jepsen)
        ((op(0, "put", "a", 0, 1, key="x"), op(1, "get", None, 2, 3, None, key="y")), True),
        # two concurrent appends, in either order
        (
            (
                op(0, "append", "x", 0, 1, key="k"),
                op(1, "append", "y", 0, 1, key="k"),
                op(2, "get", None, 2, 3, "yx", key="k"),
            ),
            True,
        ),
        (
            (
                op(0, "append", "x", 0, 1, key="k"),
                op(1, "append", "y", 0, 1, key="k"),
                op(2, "get", None, 2, 3, "x", key="k"),
            ),
            False,
        ),
        # an append to a number that a put left: its text, as raftlog's store does
        (
            (
                op(0, "put", 0, 0, 1, key="k"),
                op(0, "append", "a", 2, 3, key="k"),
                op(1, "get", None, 4, 5, "0a", key="k"),
            ),
            True,
        ),
    ],
)
def test_kv_histories(ops: tuple[Operation, ...], expected: bool) -> None:
    assert check(*ops, model="kv") is expected


def test_a_failure_names_the_key_the_stuck_operation_and_the_longest_prefix() -> None:
    ops = (
        op(0, "put", "a", 0, 1, key="x"),
        op(1, "get", None, 2, 3, "a", key="x"),
        op(0, "put", "b", 4, 5, key="y"),
        op(1, "get", None, 6, 7, None, key="y"),  # stale: y is "b" by now
    )
    result = linearizable(History(ops), model="kv")
    assert result.linearizable is False and not result
    assert result.key == "y"
    assert result.ops == (ops[2], ops[3])  # the smallest failing part: key y only
    assert result.prefix == (ops[2],) and result.stuck == ops[3]
    assert result.summary() == (
        "not linearizable (kv model, 4 operations, 2 clients)\n"
        "key 'y': no order works by its completion: 3: get('y') -> None\n"
        "the longest linearizable prefix: 1 operation: 2: put('y', 'b')"
    )
    assert json.loads(json.dumps(result.to_dict()))["linearizable"] is False


def test_success_gives_a_whole_linearization() -> None:
    ops = (op(0, "write", 1, 0, 10), op(1, "read", None, 1, 2, None), op(1, "read", None, 3, 4, 1))
    result = linearizable(History(ops))
    assert result.linearizable is True and result.key is None
    assert result.prefix == (ops[1], ops[0], ops[2])
    assert str(result) == "linearizable (register model, 3 operations, 2 clients)"


def test_a_time_budget_that_runs_out_gives_unknown_and_says_so() -> None:
    # 24 concurrent writes, then a read of a value nobody wrote: every order of every
    # subset of the writes is a dead end, far more than a millisecond's search.
    writes = tuple(op(i, "write", i, 0, 10) for i in range(24))
    result = linearizable(History((*writes, op(99, "read", None, 11, 12, -1))), timeout=0.001)
    assert result.linearizable is None
    assert result.summary().startswith("unknown (register model, 25 operations, 25 clients): ")
    assert "the time budget of 0.001 s ran out" in result.summary()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"model": "queue"}, "model='queue' is not allowed: must be one of ('register', 'kv')"),
        ({"timeout": 0}, "timeout=0 is not allowed"),
        ({"timeout": "1s"}, "timeout='1s' is not allowed"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidArgument, match=words.replace("(", r"\(").replace(")", r"\)")):
        linearizable(History((W1,)), **kwargs)


@pytest.mark.parametrize(
    ("text", "model", "words"),
    [
        (
            "{:process 0, :type :invoke, :f :put, :value 1}",
            "register",
            "line 1: f='put' is not allowed in the register model",
        ),
        (
            '{:process 0, :type :invoke, :f :read, :key "k"}',
            "register",
            "the register model has no keys",
        ),
        (
            "{:process 0, :type :invoke, :f :get}",
            "kv",
            "line 1: get() -> ?: the kv model needs a key",
        ),
        (
            "{:process 0, :type :invoke, :f :cas, :value 3}",
            "register",
            "line 1: cas value=3 is not allowed",
        ),
        (
            '{:process 0, :type :invoke, :f :append, :key "k", :value 3}',
            "kv",
            "append value=3 is not allowed",
        ),
    ],
)
def test_operations_a_model_does_not_have_are_named(text: str, model: str, words: str) -> None:
    with pytest.raises(
        HistoryError, match=words.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")
    ):
        linearizable(text + "\n", model=model)


VERDICTS = json.loads((DATA / "verdicts.json").read_text())


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_porcupine_test_histories_get_porcupines_verdicts(name: str) -> None:
    model = "register" if name.startswith("etcd") else "kv"
    assert linearizable(DATA / name, model=model).linearizable is VERDICTS[name]


def test_a_real_jepsen_etcd_history_fails_at_a_named_line() -> None:
    result = linearizable(DATA / "etcd_000.log")
    assert result.linearizable is False and result.stuck is not None
    assert result.stuck.done_where.startswith("line ") and result.stuck.f == "read"
    # 85 invocations by 19 processes (Jepsen gives a client a new process after a timeout)
    assert len(result.history) == 85 and len(result.history.clients) == 19


def test_the_modules_example_runs() -> None:
    module = importlib.import_module("distsys_edu.checks.linearizable")
    assert doctest.testmod(module).failed == 0


def test_lists_are_values_like_tuples() -> None:
    ops = (
        op(0, "write", [1, 2], 0, 1),
        op(1, "cas", [[1, 2], [3]], 2, 3, True),
        op(1, "read", None, 4, 5, [3]),
    )
    assert check(*ops) is True


def test_identical_operations_with_no_answer_are_tried_in_one_order_only() -> None:
    # 14 writes of the same value with no answer, then a read of a value nobody wrote:
    # which of the writes took effect does not matter, only how many did, so the search
    # tries 15 choices, not 2**14 subsets (counted in steps, not time).
    writes = tuple(op(i, "write", 1, 0, NONE) for i in range(14))
    result = linearizable(History((*writes, op(99, "read", None, 1, 2, 5))))
    assert result.linearizable is False
    assert result.explored < 2_000


def test_a_read_allowed_where_it_was_placed_is_not_a_choice_to_change() -> None:
    # 14 concurrent reads that all fit anywhere, then a read of a value nobody wrote:
    # undoing one of the first reads can never help, so the search does not try the
    # 2**14 subsets of them (counted in steps, not time).
    reads = tuple(op(i, "read", None, 0, 10, None) for i in range(14))
    result = linearizable(History((*reads, op(99, "read", None, 11, 12, 5))))
    assert result.linearizable is False
    assert result.explored < 2_000
