"""A state of the model checker's search kept as bytes, and restored as a Sim per child.

Expanding a state means trying each of its choices on a Sim in that state. The
search used to rebuild that Sim by replaying the state's path from the seed for
every child (``d`` choices at depth ``d``, spawn included). Now each state
waiting in the frontier is kept as a pickle of its Sim, made once when the
state is first reached, and each child starts from a fresh ``pickle.loads`` of
it: a copy of the Sim, object for object, so the child behaves exactly as the
replayed Sim would (the same random generators, counters, clock and heap;
``tests/checks/test_model_copy.py`` compares their traces, with Hypothesis).

What is not copied but shared: functions without a closure, classes, code
objects and modules, which a Sim only refers to. A closure (the ``resume`` a
pause schedules holds its Sim) is made again around copies of its cells, so the
copy's closure acts on the copy (``copy.deepcopy`` shares it, and would not).
A ``random.Random`` is written as its 625 state words packed in one ``bytes``
(faster than pickle's tuple of ints).

A string comes back from ``pickle.loads`` equal but not the same object, and
the runtime compares a node's status by identity (``status is UP``): a restored
Sim's statuses are interned again, which makes them the runtime's own constants.

A read-only ``mappingproxy`` (``Membership`` keeps its tables in them) is copied
as a proxy of a copy of its mapping. A Sim that cannot be pickled (an actor
field holding a generator or a lock) makes :meth:`SimCopier.save` return ``None``;
the search then reaches that state by replaying its path, as before.
"""

from __future__ import annotations

import array
import io
import itertools
import pickle
import random
import sys
import types
from typing import Any

from ..runtime import Sim

_SHARED: dict[tuple[int, int], Any] = {}
"""What the open copiers share rather than copy, by ``(copier, id(object))``."""

_SHARED_TYPES = (types.FunctionType, type, types.CodeType, types.ModuleType)


def _shared(key: tuple[int, int]) -> Any:
    """The object a copier shares under ``key`` (called by ``pickle.loads``)."""
    return _SHARED[key]


def _function(template_key: tuple[int, int], cells: tuple[Any, ...]) -> types.FunctionType:
    """The shared function ``template_key``, closing over ``cells`` (see ``_Pickler``)."""
    template = _SHARED[template_key]
    made = types.FunctionType(
        template.__code__, template.__globals__, template.__name__, template.__defaults__, cells
    )
    made.__kwdefaults__, made.__qualname__ = template.__kwdefaults__, template.__qualname__
    return made


def _cell(*contents: Any) -> types.CellType:
    """A closure cell holding ``contents`` (empty without)."""
    return types.CellType(*contents)


def _generator(version: int, words: bytes, gauss: float | None) -> random.Random:
    """A ``random.Random`` in the state ``(version, words, gauss)`` (see ``_Pickler``)."""
    rng = random.Random.__new__(random.Random)  # no seeding from the OS: the state follows
    rng.setstate((version, tuple(array.array("I", words)), gauss))
    return rng


_OURS = (_shared, _function, _cell, _generator)
"""Pickled by name, as any module-level function is."""


class _Pickler(pickle.Pickler):
    """``pickle.Pickler`` that shares code and packs random generators (see the module)."""

    def __init__(self, out: io.BytesIO, copier: SimCopier) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self.copier = copier

    def reducer_override(self, obj: Any) -> Any:
        """Called for every object but plain values and containers."""
        if type(obj) is random.Random:
            version, words, gauss = obj.getstate()
            return _generator, (version, array.array("I", words).tobytes(), gauss)
        if type(obj) is types.MappingProxyType:
            return types.MappingProxyType, (dict(obj),)
        if type(obj) is types.CellType:
            try:
                return _cell, (obj.cell_contents,)
            except ValueError:  # an empty cell
                return _cell, ()
        if type(obj) is types.FunctionType and obj.__closure__:
            return _function, (self.copier.share(obj), obj.__closure__)
        if isinstance(obj, _SHARED_TYPES) and obj not in _OURS:
            return _shared, (self.copier.share(obj),)
        return NotImplemented


class SimCopier:
    """Saves Sims as bytes and restores copies of them; :meth:`close` when done.

    Attributes:
        uncopyable: how many Sims could not be pickled (``save`` gave ``None``).
    """

    _serials = itertools.count()

    def __init__(self) -> None:
        self.serial = next(self._serials)
        self.keys: set[tuple[int, int]] = set()
        self.uncopyable = 0

    def share(self, obj: Any) -> tuple[int, int]:
        """The key under which ``obj`` is shared, not copied, while this copier is open."""
        key = (self.serial, id(obj))
        if key not in self.keys:
            self.keys.add(key)
            _SHARED[key] = obj
        return key

    def save(self, sim: Sim) -> bytes | None:
        """``sim`` as bytes, or ``None`` if something in it cannot be pickled."""
        out = io.BytesIO()
        try:
            _Pickler(out, self).dump(sim)
        except (pickle.PicklingError, TypeError, AttributeError):
            self.uncopyable += 1
            return None
        return out.getvalue()

    def restore(self, saved: bytes) -> Sim:
        """A new Sim, a copy of the one ``saved`` was made from (at that moment)."""
        sim: Sim = pickle.loads(saved)  # our own bytes, made by save
        for name in sim.nodes:
            node = sim._node(name)
            node.status = sys.intern(node.status)  # the runtime's own UP, DOWN... (see above)
        return sim

    def close(self) -> None:
        """Forget what this copier shared (a restore after this fails)."""
        for key in self.keys:
            del _SHARED[key]
        self.keys.clear()
