"""What the model checker calls a state, how it is hashed, and what invariants see.

A state of a controlled :class:`~distsys_edu.runtime.Sim` (time left out) is:

* each node: its status, the running actor's fields, its disk (``storage``);
* the messages in flight, as a multiset of ``(sender, recipient, message)``
  (ids and due times left out), and those waiting at a paused node;
* each node's live timers, by callback name, in due order (``timers="durations"``)
  or as a multiset (``timers="any"``);
* the links cut by a partition;
* the leadership claims seen so far (``(term, node)``), so that
  ``one_leader_per_term`` is a property of the state;
* the bounds used up so far (messages lost and duplicated, crashes).

It is written out as nested tuples of str, int, float, bool and None by
:func:`encode` (never ``hash()`` of a string, which varies between processes),
and hashed with BLAKE2b. With symmetry, node names are renamed by every
permutation and the smallest hash stands for all of them.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import random
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Any

from ..protocols.cluster import Names
from ..runtime import Sim, Timer
from ..runtime.entries import ACCEPT, ARRIVE, TIMER_DUE
from ..runtime.errors import invalid
from .model_memo import NodeMemo

TIMER_ORDERS = ("durations", "any")
"""How timers may fire: each node's in due order, or all in any order."""

Rename = Mapping[str, str]

MARKER_BASE = 0x4E00
"""Node names are encoded as one CJK ideograph each (printable, so ``repr`` keeps it as
it is; 20,000 of them, one a node), so a renaming is a substitution of single characters."""
SET_OPEN, SET_CLOSE = "\u27e6", "\u27e7"
"""Around a set of node names (markers), sorted again after each renaming."""
_NAME_SET = re.compile(f"{SET_OPEN}([^{SET_CLOSE}]*){SET_CLOSE}")
_MARKER = re.compile(f"([{chr(MARKER_BASE)}-{chr(MARKER_BASE + 19_999)}])")


def _marker(index: int) -> str:
    """The one character that stands for the ``index``-th node in an encoded state."""
    return chr(MARKER_BASE + index)


def _is_marker(text: str) -> bool:
    return MARKER_BASE <= ord(text) < MARKER_BASE + 20_000


def _renamed(pieces: list[str], rename: dict[str, str]) -> str:
    """Text split at its node markers (``_MARKER.split``), each marker renamed, joined
    again, and its sets of names sorted again.

    Faster than ``str.translate``, which looks up every character of a long string.
    """
    out = pieces.copy()
    out[1::2] = [rename[marker] for marker in pieces[1::2]]
    text = "".join(out)
    if SET_OPEN in text:
        text = _NAME_SET.sub(lambda m: SET_OPEN + "".join(sorted(m[1])) + SET_CLOSE, text)
    return text


def encode(value: Any, rename: Rename) -> Any:
    """``value`` as nested tuples of plain values, node names renamed by ``rename``.

    Sets, frozensets, dicts and a node's view of its peers (``Names``) are
    sorted after renaming: their order is not part of the state. A timer is its
    callback's name and whether it is live; a function is its qualified name;
    any other object is its type's name and its fields.
    """
    kind: Any = type(value)  # exact types first: this runs for every field of every state
    if kind in _PLAIN:
        return value
    if kind is str:
        return rename.get(value, value)
    if kind is tuple or kind is list:
        return tuple([encode(v, rename) for v in value])
    if kind is dict:
        pairs = [(encode(k, rename), encode(v, rename)) for k, v in value.items()]
        pairs.sort(key=_key_repr)  # keys are distinct
        return ("dict", *pairs)
    if kind in _SETS:
        items = [encode(v, rename) for v in value]
        if all(type(v) is str and len(v) == 1 and _is_marker(v) for v in items):
            return SET_OPEN + "".join(sorted(items)) + SET_CLOSE  # names: see state_key
        return ("set", *sorted(items, key=repr))
    return _ENCODERS[_how(kind)](value, rename)


def _key_repr(pair: tuple[Any, Any]) -> str:
    return repr(pair[0])


_PLAIN = frozenset({type(None), bool, int, float})
_SETS = frozenset({set, frozenset, Names})
_BASES: tuple[Any, ...] = (bool, int, float, str, tuple, list, dict, frozenset, set)


@functools.cache
def _field_names(kind: Any) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


@functools.cache
def _how(kind: Any) -> str:
    """How :func:`encode` writes an instance of ``kind`` (anything but the plain types and
    containers): decided once a type, from the type alone (``isinstance`` is by type)."""
    if issubclass(kind, Enum):
        return "enum"
    for base in _BASES:  # a subclass of a plain type or container: as its base
        if issubclass(kind, base):
            return base.__name__
    if issubclass(kind, Timer):
        return "timer"
    if issubclass(kind, random.Random):
        return "rng"
    if hasattr(kind, "__sim_address__"):
        return "addr"
    if dataclasses.is_dataclass(kind):
        return "dataclass"
    return "object"


def _encode_fields(value: Any, rename: Rename) -> Any:
    """An object without a rule of its own: its type's name and its fields."""
    if callable(value):
        return ("fn", getattr(value, "__qualname__", type(value).__qualname__))
    fields_of = getattr(value, "__dict__", None)
    if fields_of is None:
        slots = getattr(type(value), "__slots__", ())
        fields_of = {name: getattr(value, name, None) for name in slots}
    return (type(value).__qualname__, encode(dict(fields_of), rename))


def _encode_as(base: Any, value: Any, rename: Rename) -> Any:
    """A subclass of a plain type or container (an enum's mixin...), encoded as its base."""
    return encode(base(value), rename)


def _encode_dataclass(value: Any, rename: Rename) -> Any:
    kind: Any = type(value)
    fields = [encode(getattr(value, name), rename) for name in _field_names(kind)]
    return (kind.__qualname__, *fields)


_ENCODERS: dict[str, Callable[[Any, Rename], Any]] = {
    "enum": lambda v, r: ("enum", type(v).__qualname__, encode(v.value, r)),
    **{base.__name__: partial(_encode_as, base) for base in _BASES},
    "timer": lambda v, r: ("timer", v.name, v.active),
    "rng": lambda v, r: ("rng",),  # left out: see docs/model-checking.md
    "addr": lambda v, r: ("addr", r.get(v.__sim_address__, v.__sim_address__)),
    "dataclass": _encode_dataclass,
    "object": _encode_fields,
}
"""One encoder per answer of :func:`_how`."""


@dataclass(frozen=True)
class ModelView:
    """A state as invariants read it (the model checker's counterpart of a snapshot).

    Attributes:
        nodes: every node's name, in spawn order.
        status: each node's status (``"up"``, ``"down"``...).
        annotations: what each node publishes now (``role``, ``term``...).
        storage: each node's disk.
        in_flight: ``(sender, recipient, message)`` of every message on its way.
        claims: every ``(term, node)`` leadership claim seen on the way here.
    """

    nodes: tuple[str, ...]
    status: dict[str, str]
    annotations: dict[str, dict[str, Any]]
    storage: dict[str, dict[str, Any]]
    in_flight: tuple[tuple[str, str, Any], ...]
    claims: frozenset[tuple[Hashable, str]]

    @property
    def leaders(self) -> list[str]:
        """The nodes that are up and publish ``role="leader"`` now."""
        return [
            n
            for n in self.nodes
            if self.status[n] == "up" and self.annotations[n].get("role") == "leader"
        ]


StateInvariant = Callable[[ModelView], "str | bool | None"]
"""``fn(view)``: ``None`` or ``True`` when it holds, a description (or ``False``) when not."""


def one_leader_per_term(view: ModelView) -> str | None:
    """Never two nodes leaders of one term, over the whole way to this state."""
    by_term: dict[Hashable, list[str]] = {}
    for term, node in sorted(view.claims, key=repr):
        by_term.setdefault(term, []).append(node)
    for term, claimants in sorted(by_term.items(), key=repr):
        if len(claimants) > 1:
            return f"{' and '.join(claimants)} both led term {term}"
    return None


def one_leader_at_a_time(view: ModelView) -> str | None:
    """Never two nodes up and leading at once (whatever their terms)."""
    leaders = view.leaders
    return f"{' and '.join(leaders)} lead at once" if len(leaders) > 1 else None


STATE_INVARIANTS: dict[str, StateInvariant] = {
    "one_leader_per_term": one_leader_per_term,
    "one_leader_at_a_time": one_leader_at_a_time,
}
"""The invariants :func:`~distsys_edu.checks.model_check` knows by name."""


def state_invariants(
    invariants: Sequence[str | StateInvariant] | None,
) -> tuple[tuple[str, StateInvariant], ...]:
    """``(name, function)`` for each invariant (default: ``one_leader_per_term``).

    Raises:
        InvalidArgument: an unknown name or something that is not callable.
    """
    allowed = f"must be one of {', '.join(STATE_INVARIANTS)} or a function fn(view)"
    found = []
    for item in invariants if invariants is not None else ["one_leader_per_term"]:
        if isinstance(item, str):
            if item not in STATE_INVARIANTS:
                raise invalid("invariants", item, allowed)
            found.append((item, STATE_INVARIANTS[item]))
        elif callable(item):
            found.append((getattr(item, "__name__", type(item).__name__), item))
        else:
            raise invalid("invariants", item, allowed)
    return tuple(found)


def view_of(sim: Sim, claims: frozenset[tuple[Hashable, str]]) -> ModelView:
    """The state of ``sim`` as invariants read it."""
    names = tuple(sim.nodes)
    flights = tuple(
        (e[3][1].name, e[3][2].name, e[3][3])
        for e in sorted(sim._future())
        if e[2] in (ARRIVE, ACCEPT)
    )
    return ModelView(
        nodes=names,
        status={n: sim.status(n) for n in names},
        annotations={n: sim.annotations(n) for n in names},
        storage={n: dict(sim.storage(n)) for n in names},
        in_flight=flights,
        claims=claims,
    )


def claims_of(sim: Sim, before: frozenset[tuple[Hashable, str]]) -> frozenset[Any]:
    """``before`` and every ``(term, node)`` a node up now claims by leading it."""
    new = {
        (notes["term"], name)
        for name in sim.nodes
        if sim.status(name) == "up"
        and (notes := sim._node(name).annotations).get("role") == "leader"
        and notes.get("term") is not None
    }
    return before | new if new - before else before


def state_parts(sim: Sim, timers: str) -> tuple[list[Any], list[Any], list[Any]]:
    """Per node ``(name, status, actor, disk, timers)``, messages and blocked links, raw."""
    live: dict[str, list[tuple[float, int, str, bool]]] = {n: [] for n in sim.nodes}
    messages: list[tuple[Any, ...]] = []
    for t, seq, kind, item in sim._future():
        if kind in (ARRIVE, ACCEPT):
            messages.append((item[1].name, item[2].name, item[3]))
        elif kind == TIMER_DUE and item.active:
            live[item.node.name].append((t, seq, item.name, item.every is not None))
    nodes = []
    for name in sim.nodes:
        node = sim._node(name)
        messages += [(e[1].name, name, e[3], "waiting") for k, e in node.backlog if k == ACCEPT]
        mine = [(n, every) for _, _, n, every in sorted(live[name])]
        nodes.append((name, node.status, node.actor, node.storage, mine, timers == "any"))
    return nodes, messages, sorted(sim.network.blocked)


def _node_part(node: list[Any], markers: Rename) -> str:
    """One node's part of a state: ``[status, actor, disk, timers, any_order]``, encoded."""
    status, actor, disk, mine, any_order = node
    timers = tuple(sorted(mine)) if any_order else tuple(mine)
    return repr((status, encode(actor, markers), encode(disk, markers), timers))


def _orders(parts: list[tuple[str, str]]) -> list[tuple[int, ...]]:
    """The renamings worth trying: those that number the nodes in the order of their
    own parts with every name blanked out (a text no renaming changes), in every
    order among nodes whose blanked parts are equal.

    The least hash over these is as canonical as over all ``n!`` renamings (two
    states equal up to renaming get the same set of renamed texts, so the same
    least hash) and costs one renaming where the nodes differ, as they mostly do.
    """
    blanked = [_MARKER.sub("?", text) for _, text in parts]
    ranked = sorted(range(len(parts)), key=blanked.__getitem__)
    groups = [list(g) for _, g in itertools.groupby(ranked, key=blanked.__getitem__)]
    found = []
    for chosen in itertools.product(*(itertools.permutations(g) for g in groups)):
        position = [node for group in chosen for node in group]  # new index -> node
        order = [0] * len(parts)
        for new, node in enumerate(position):
            order[node] = new
        found.append(tuple(order))
    return found


def state_key(
    sim: Sim, timers: str, extra: tuple[Any, ...], symmetry: bool, memo: NodeMemo | None = None
) -> bytes:
    """The state's hash: 16 bytes, the same in every process; the least over renamings.

    The state is encoded once, each node's name standing as one marker
    character; each renaming then only replaces those characters. With ``memo``
    (one per search: the same node names), a node as it was in an earlier state
    is not encoded again (:mod:`.model_memo`).
    """
    nodes, messages, blocked = state_parts(sim, timers)
    names = [n[0] for n in nodes]
    markers = {name: _marker(i) for i, name in enumerate(names)}
    parts = [
        (
            markers[name],
            _node_part(node, markers)
            if memo is None
            else memo.part(node, partial(_node_part, node, markers)),
        )
        for name, *node in nodes
    ]
    flights = [repr(encode(m, markers)) for m in messages]
    common = repr(([(markers[a], markers[b]) for a, b in blocked], encode(extra, markers)))
    orders = _orders(parts) if symmetry else [range(len(names))]
    # One string, renamed at once; the separators are control characters, which
    # repr() never leaves bare, so they cannot occur inside a part.
    whole = "\x1d".join(["\x1e".join(m + p for m, p in parts), "\x1f".join(flights), common])
    pieces = _MARKER.split(whole)
    best = b""
    for order in orders:
        rename = {_marker(i): _marker(j) for i, j in enumerate(order)}
        nodes_part, flights_part, common_part = _renamed(pieces, rename).split("\x1d")
        text = "|".join(
            [
                *sorted(nodes_part.split("\x1e")),
                "#",
                *sorted(flights_part.split("\x1f")),
                "#",
                common_part,
            ]
        )
        key = hashlib.blake2b(text.encode(), digest_size=16).digest()
        if not best or key < best:
            best = key
    return best
