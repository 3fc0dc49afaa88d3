"""Properties of the linearizability check, over histories made from sequential runs.

A history is made by running random operations one after another on a plain dict
(the sequential specification, written here apart from the checker's models), giving
operation ``i`` the linearization point ``i + 0.5`` and a random window around it
(so windows overlap), and leaving some writes without an answer (some of which never
took effect). Such a history is linearizable by construction. Changing it in ways that
no order can explain makes it never linearizable.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.checks import History, Operation, linearizable

VALUES = ("a", "b", "c")
NEVER_WRITTEN = "z"
KEYS = ("k1", "k2")
FUNCTIONS = {
    "register": ("read", "write", "cas"),
    "kv": ("get", "put", "append", "cas"),
}


def sequential_history(
    seed: int, n: int, model: str, timeouts: bool
) -> tuple[list[Operation], dict[Any, Any]]:
    """``n`` operations run in order on a dict, with overlapping windows; and the final state."""
    rng = random.Random(seed)
    state: dict[Any, Any] = {}
    ops = []
    for i in range(n):
        f = rng.choice(FUNCTIONS[model])
        key = rng.choice(KEYS) if model == "kv" else None
        point = i + 0.5
        start = point - rng.uniform(0, 3)
        end: float | None = point + rng.uniform(0, 3)
        value: Any = None
        result: Any = None
        applies = True
        if f in ("write", "put", "append"):
            value = rng.choice(VALUES)
            if timeouts and rng.random() < 0.3:
                end, applies = None, rng.random() < 0.5  # no answer; maybe never took effect
            if applies:
                old = state.get(key)
                state[key] = value if f != "append" or old is None else old + value
        elif f == "cas":
            value = (rng.choice((None, *VALUES)), rng.choice(VALUES))
            result = state.get(key) == value[0]
            if result:
                state[key] = value[1]
        else:
            result = state.get(key)
        ops.append(Operation(i % 5, f, value, key, start, end, result))
    return ops, state


def history_cases(timeouts: st.SearchStrategy[bool]) -> st.SearchStrategy[Any]:
    """``((ops, final state), model)`` for a random sequential run."""
    return st.builds(
        lambda seed, n, model, t: (sequential_history(seed, n, model, t), model),
        st.integers(0, 2**32),
        st.integers(1, 40),
        st.sampled_from(("register", "kv")),
        timeouts,
    )


histories = history_cases(st.booleans())
answered_histories = history_cases(st.just(False))


@settings(max_examples=150, deadline=None)
@given(histories)
def test_a_history_made_from_a_sequential_run_is_linearizable(case: Any) -> None:
    (ops, _state), model = case
    result = linearizable(History(tuple(ops)), model=model)
    assert result.linearizable is True
    if model == "register":  # a whole order: every completed operation has its place
        completed = {id(op) for op in ops if not op.timed_out}
        assert completed <= {id(op) for op in result.prefix}


@settings(max_examples=150, deadline=None)
@given(histories, st.randoms(use_true_random=False))
def test_a_read_of_a_value_nobody_wrote_is_never_linearizable(
    case: Any, rng: random.Random
) -> None:
    (ops, _state), model = case
    reads = [i for i, op in enumerate(ops) if op.f in ("read", "get")]
    if not reads:
        i = len(ops)
        key = KEYS[0] if model == "kv" else None
        ops.append(Operation(9, "get" if model == "kv" else "read", None, key, i, i + 1, None))
        reads = [i]
    i = rng.choice(reads)
    old = ops[i]
    ops[i] = Operation(old.client, old.f, None, old.key, old.invoke, old.complete, NEVER_WRITTEN)
    assert linearizable(History(tuple(ops)), model=model).linearizable is False


@settings(max_examples=150, deadline=None)
@given(answered_histories)
def test_a_stale_read_after_a_quiet_write_is_never_linearizable(case: Any) -> None:
    """After every operation has ended, write a fresh value, then read the old one."""
    (ops, state), model = case
    key = KEYS[0] if model == "kv" else None
    quiet = max(op.complete for op in ops if op.complete is not None) + 1
    write, read = ("put", "get") if model == "kv" else ("write", "read")
    stale = state.get(key)  # what the key held before the fresh write (maybe nothing)
    ops.append(Operation(7, write, NEVER_WRITTEN, key, quiet, quiet + 1))
    ops.append(Operation(8, read, None, key, quiet + 2, quiet + 3, stale))
    result = linearizable(History(tuple(ops)), model=model)
    assert result.linearizable is False
    assert result.stuck is ops[-1] and result.key == key


@settings(max_examples=60, deadline=None)
@given(histories, st.randoms(use_true_random=False))
def test_the_verdict_does_not_depend_on_the_order_operations_are_listed(
    case: Any, rng: random.Random
) -> None:
    (ops, _state), model = case
    shuffled = list(ops)
    rng.shuffle(shuffled)
    first = linearizable(History(tuple(ops)), model=model)
    again = linearizable(History(tuple(shuffled)), model=model)
    assert first.linearizable is again.linearizable is True
