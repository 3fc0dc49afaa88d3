"""Each node's encoded part of a state, remembered by a fingerprint of its raw state.

Encoding a node (:func:`.model_state.encode` of its actor's fields and its disk,
then ``repr``) is the larger part of hashing a state, and most nodes are as they
were in the parent state: one choice runs one node's code. :class:`NodeMemo` takes
a fingerprint of a node's raw state with ``pickle`` (C, several times faster than
the encoding) and keeps the encoded text by it.

A fingerprint is at least as fine as the encoding: two nodes with the same
fingerprint bytes have the same types and values, so the same encoding. Where
the encoding leaves something out, the fingerprint leaves out the same (a timer
is its name and whether it is live; a function its qualified name; a random
generator nothing; an address its node's name), so equal nodes share an entry.
Two equal nodes may still give different bytes (a set iterated in another order):
then the text is encoded twice, never wrongly. A node holding anything pickle
cannot write, or an object that pickles in its own way (its own ``__reduce__``
or ``__getstate__``, which might leave out a field the encoding reads), is not
remembered: it is encoded every time.
"""

from __future__ import annotations

import functools
import io
import pickle
import random
import types
from collections.abc import Callable
from enum import Enum
from typing import Any

from ..runtime import Timer

_CALLABLES = (
    types.FunctionType,
    types.MethodType,
    types.BuiltinFunctionType,
    types.BuiltinMethodType,
    functools.partial,
)


def _tag(*parts: Any) -> tuple[Any, ...]:
    """What a fingerprint writes for a timer, function, generator or address."""
    return parts


class _Fingerprinter(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        """Called for every object but plain values and containers."""
        kind: Any = type(obj)
        how = _how(kind)
        if how is None or obj is _tag:
            return NotImplemented
        if how == "timer":
            return _tag, ("timer", obj.name, obj.active)
        if how == "rng":
            return _tag, ("rng",)
        if how == "fn":
            return _tag, ("fn", getattr(obj, "__qualname__", type(obj).__qualname__))
        if how == "addr":
            return _tag, ("addr", obj.__sim_address__)
        raise TypeError(f"{type(obj).__qualname__} pickles in its own way")  # not remembered


@functools.cache
def _how(kind: Any) -> str | None:
    """What a fingerprint writes for an instance of ``kind`` instead of pickling it
    (``None``: pickle it), decided once a type."""
    if issubclass(kind, Enum):
        return None
    if issubclass(kind, Timer):
        return "timer"
    if issubclass(kind, random.Random):
        return "rng"
    if issubclass(kind, _CALLABLES):
        return "fn"
    if getattr(kind, "__sim_address__", None) is not None:
        return "addr"
    return "refuse" if _own_pickling(kind) else None


@functools.cache
def _own_pickling(kind: Any) -> bool:
    """Whether ``kind`` changes what pickle writes of it (and so might leave out a field
    the encoding reads): then a node holding one is not remembered. The standard
    library's own types (``range``, ``deque``...) write all they hold."""
    if kind.__module__ in ("builtins", "collections", "array"):
        return False
    return (
        kind.__reduce_ex__ is not object.__reduce_ex__
        or kind.__reduce__ is not object.__reduce__
        or getattr(kind, "__getstate__", None) is not getattr(object, "__getstate__", None)
    )


class NodeMemo:
    """Encoded node parts by fingerprint, for one search (one set of node names).

    Attributes:
        hits, misses: how often a part was found, and encoded.
    """

    def __init__(self) -> None:
        self.parts: dict[bytes, str] = {}
        self.hits = self.misses = 0

    def part(self, raw: tuple[Any, ...], encode: Callable[[], str]) -> str:
        """The encoded part of a node whose raw state is ``raw`` (``encode()`` makes it)."""
        out = io.BytesIO()
        try:
            _Fingerprinter(out, protocol=pickle.HIGHEST_PROTOCOL).dump(raw)
        except (pickle.PicklingError, TypeError, AttributeError):
            return encode()
        fingerprint = out.getvalue()
        text = self.parts.get(fingerprint)
        if text is None:
            self.misses += 1
            text = self.parts[fingerprint] = encode()
        else:
            self.hits += 1
        return text
