"""The sequential models a history is checked against: a register and a key-value map.

Both are made of one *cell* that holds a value (``None`` until written):

=========  ==========================  =============================================
model      operations                  one cell per
=========  ==========================  =============================================
register   ``read write cas``          the history (there are no keys)
kv         ``get put append cas``      key: a key-value map is one register per key,
                                       so its history is checked key by key
                                       (P-compositionality, as Porcupine does)
=========  ==========================  =============================================

What each operation does to the cell's value ``v``:

* ``read``/``get`` returning ``r``: allowed if ``r == v``; a cell never written reads
  as ``None`` (Jepsen's ``nil``) or as ``""`` (MIT 6.824's ``Get`` of a missing key).
* ``write``/``put`` of ``x``: ``v = x``.
* ``append`` of a string ``x``: ``v = v + x`` (``x`` when never written; a number left by
  a ``put`` is appended to as its text, as the key-value store of ``raftlog`` does).
* ``cas`` of ``(old, new)``: returning ``True``, allowed if ``v == old``, then ``v = new``;
  returning ``False``, allowed if ``v != old``. With no answer, it is searched as one
  that returned ``True``: if it took effect, its compare succeeded; if its compare
  failed, it changed nothing, exactly as if it never took effect, which an operation
  with no answer may always do.

An operation with no answer that cannot change the cell (a read) constrains nothing,
and is left out before the search.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from .history import HistoryError, Operation, freeze

MODELS = ("register", "kv")
"""The model names ``linearizable`` accepts."""

# Step codes, one per thing an operation can do to a cell (the search's inner branch).
READ, WRITE, APPEND, CAS_OK, CAS_FAILED = range(5)

_FUNCTIONS = {
    "register": {"read": READ, "write": WRITE, "cas": CAS_OK},
    "kv": {"get": READ, "put": WRITE, "append": APPEND, "cas": CAS_OK},
}


class Step(NamedTuple):
    """One operation as the search sees it: what it does, and its real-time window.

    A named tuple, not a dataclass: a history makes thousands, and a tuple is made
    several times faster.

    Attributes:
        code: one of ``READ``, ``WRITE``, ``APPEND``, ``CAS_OK``, ``CAS_FAILED``.
        a: the value read, written or appended, or the ``cas``'s expected value.
        b: the ``cas``'s new value (else ``None``).
        invoke: when it was invoked.
        complete: when it completed, or ``None``: no answer (it may take effect any time
            after ``invoke``, or never).
        op: its index in the history's operations.
    """

    code: int
    a: Any
    b: Any
    invoke: float
    complete: float | None
    op: int


def partitions(ops: Sequence[Operation], model: str) -> dict[Any, list[Step]]:
    """The history's steps, one list per cell (per key for ``kv``; one for a register).

    Args:
        ops: the history's operations.
        model: ``"register"`` or ``"kv"``.

    Raises:
        HistoryError: an operation the model does not have, a ``kv`` operation
            without a key or a register operation with one, a ``cas`` whose value is
            not an ``(old, new)`` pair, or an ``append`` of something not a string;
            the message names where the operation was read.
    """
    functions = _FUNCTIONS[model]
    cells: dict[Any, list[Step]] = {}
    for index, op in enumerate(ops):
        step = _step(op, index, functions, model)
        if step is not None:
            cells.setdefault(op.key, []).append(step)
    return cells


def _step(op: Operation, index: int, functions: dict[str, int], model: str) -> Step | None:
    where = op.where or f"operation {index}"
    code = functions.get(op.f)
    if code is None:
        raise HistoryError(
            f"{where}: f={op.f!r} is not allowed in the {model} model: "
            f"must be one of {sorted(functions)}"
        )
    if (op.key is None) != (model == "register"):
        needs = "has no keys (use model='kv')" if model == "register" else "needs a key"
        raise HistoryError(f"{where}: {op.describe()}: the {model} model {needs}")
    a, b = op.value, None
    if isinstance(a, (list, tuple)):  # lists as tuples: values are hashed in the search
        a = freeze(a)
    if code == READ:
        if op.timed_out:
            return None
        a = freeze(op.result) if isinstance(op.result, (list, tuple)) else op.result
    elif code == CAS_OK:
        if not (isinstance(a, tuple) and len(a) == 2):
            raise HistoryError(
                f"{where}: cas value={op.value!r} is not allowed: must be an (old, new) pair"
            )
        a, b = a
        if op.result is False and not op.timed_out:
            code = CAS_FAILED
    elif code == APPEND and not isinstance(op.value, str):
        raise HistoryError(f"{where}: append value={op.value!r} is not allowed: must be a string")
    return Step(code, a, b, op.invoke, op.complete, index)
