"""What every protocol here shares: node names, roles, who starts an election, and how
a cluster is spawned.

Every node publishes its local view with ``ctx.annotate``, using these keys, so
that pictures and checks can read any protocol the same way:

* ``role``: one of :data:`ROLES` (``"leader"``, ``"follower"``, ``"candidate"``...).
* ``term``: the term (or epoch) it is in, where the protocol has one.
* ``leader``: the name of the leader it believes in, or ``None``.
* ``suspects``: the sorted tuple of nodes it suspects to have failed.

A protocol module offers ``spawn_cluster(sim, nodes, **options) -> list[str]``
which spawns the nodes and returns their names.

A cluster's memory grows linearly with its size: what every node knows about the
others (names, ids, ring order) is one :class:`Membership`, built once and shared by
all its nodes; a node's peers, higher nodes or successors are :class:`Names` views of
it, never copies.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from itertools import chain
from types import MappingProxyType
from typing import TYPE_CHECKING, overload

from ..runtime.errors import check_time, invalid

if TYPE_CHECKING:
    from ..runtime import Actor, Sim

LEADER, FOLLOWER, CANDIDATE = "leader", "follower", "candidate"
ROLES = (LEADER, FOLLOWER, CANDIDATE)

ORDERS = ("ascending", "descending", "random")
"""How ids ``1..N`` are laid out along the nodes (see :func:`assign_ids`)."""

INITIATORS = ("all", "lowest", "highest")
"""The named choices of who starts an election at time 0 (or ``None``, or a list)."""


def node_names(nodes: int | Sequence[str], prefix: str = "n") -> list[str]:
    """``5`` -> ``["n1", ..., "n5"]``; a list of names is checked and returned.

    Raises:
        InvalidArgument: fewer than 1 node, or repeated names.
    """
    if isinstance(nodes, int):
        if isinstance(nodes, bool) or nodes < 1:
            raise invalid("nodes", nodes, "must be at least 1")
        return [f"{prefix}{i}" for i in range(1, nodes + 1)]
    names = list(nodes)
    if not names or len(set(names)) != len(names):
        raise invalid("nodes", nodes, "must be a count >= 1 or a list of distinct names")
    return names


class Names(Sequence[str]):
    """Some of the names of a shared tuple, in the order of ``spans`` (ranges of
    positions in it), without copying them: a node's view of its cluster.

    Example:
        >>> list(Names(("n1", "n2", "n3", "n4"), range(2, 4), range(0, 1)))
        ['n3', 'n4', 'n1']
    """

    __slots__ = ("_names", "_spans")

    def __init__(self, names: tuple[str, ...], *spans: range) -> None:
        self._names = names
        self._spans = spans

    def __len__(self) -> int:
        return sum(map(len, self._spans))

    def __iter__(self) -> Iterator[str]:
        return map(self._names.__getitem__, chain(*self._spans))

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...
    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        at = index + len(self) if index < 0 else index
        for span in self._spans:
            if 0 <= at < len(span):
                return self._names[span[at]]
            at -= len(span)
        raise IndexError(f"index={index!r} is out of range for {len(self)} names")

    def __repr__(self) -> str:
        return f"Names({list(self)!r})"


class Membership:
    """Every node of one cluster, in order, with its id: built once by
    ``spawn_cluster`` and shared by all the cluster's nodes, so that a cluster of
    ``N`` nodes holds one copy of it, not ``N``.

    Args:
        names: every node's name, in cluster (spawn, or ring) order.
        ids: each node's id (higher wins an election); default: the position in
            ``names``, from 1.
    """

    def __init__(self, names: Sequence[str], ids: Mapping[str, int] | None = None) -> None:
        self.names = tuple(names)
        self.position = MappingProxyType({name: i for i, name in enumerate(self.names)})
        if ids is None:
            ids = {name: i + 1 for i, name in enumerate(self.names)}
        self.ids = MappingProxyType(dict(ids))
        self.name_of = MappingProxyType({i: name for name, i in self.ids.items()})
        self.by_id = tuple(sorted(self.names, key=self.ids.__getitem__))
        self.rank = MappingProxyType({name: i for i, name in enumerate(self.by_id)})

    @classmethod
    def of(cls, members: Membership | Sequence[str]) -> Membership:
        """``members`` itself, or a membership built from a sequence of names."""
        return members if isinstance(members, Membership) else cls(members)

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: object) -> bool:
        return name in self.position

    def peers(self, name: str) -> Names:
        """Every node but ``name``, in cluster order."""
        at, size = self.position[name], len(self.names)
        return Names(self.names, range(at), range(at + 1, size))

    def successors(self, name: str) -> Names:
        """Every node but ``name``, clockwise round the ring from ``name``."""
        at, size = self.position[name], len(self.names)
        return Names(self.names, range(at + 1, size), range(at))

    def higher(self, name: str) -> Names:
        """The nodes with a higher id than ``name``'s, lowest first."""
        return Names(self.by_id, range(self.rank[name] + 1, len(self.by_id)))

    def lower(self, name: str) -> Names:
        """The nodes with a lower id than ``name``'s, lowest first."""
        return Names(self.by_id, range(self.rank[name]))


def spawn_peers(
    sim: Sim, names: Sequence[str], server: Callable[..., Actor], config: object
) -> None:
    """Spawn ``server(peers, config)`` at each of ``names``, its peers every other name."""
    members = Membership(names)
    for name in names:
        sim.spawn(name, partial(server, members.peers(name), config))


def assign_ids(count: int, order: str, seed: int) -> list[int]:
    """The ids ``1..count`` laid out along the nodes (a ring, or any cluster) by ``order``.

    Args:
        count: how many nodes.
        order: ``"ascending"``, ``"descending"`` or ``"random"``.
        seed: the Sim's seed; ``"random"`` shuffles with
            ``random.Random(f"{seed}/ring/ids")``, never the global generator.

    Raises:
        InvalidArgument: an unknown order.
    """
    if order == "ascending":
        return list(range(1, count + 1))
    if order == "descending":
        return list(range(count, 0, -1))
    if order == "random":
        ids = list(range(1, count + 1))
        random.Random(f"{seed}/ring/ids").shuffle(ids)
        return ids
    raise invalid("order", order, f"must be one of {', '.join(ORDERS)}")


def majority(cluster_size: int) -> int:
    """The smallest number of nodes that is more than half of ``cluster_size``."""
    return cluster_size // 2 + 1


def choose_initiators(
    initiator: str | Sequence[str] | None,
    names: Sequence[str],
    id_of: Mapping[str, int],
    *,
    group: str = "cluster",
) -> set[str]:
    """The nodes that start an election at time 0.

    Args:
        initiator: one of :data:`INITIATORS` (``"all"``, or the node with the
            ``"lowest"`` or ``"highest"`` id), ``None`` (nobody) or a list of node
            names.
        names: every node.
        id_of: each node's id.
        group: what the nodes are called in the error message (``"cluster"``,
            ``"ring"``).

    Raises:
        InvalidArgument: anything else, or a name that is not a node.
    """
    if initiator is None:
        return set()
    if isinstance(initiator, str):
        if initiator == "all":
            return set(names)
        if initiator == "lowest":
            return {min(names, key=id_of.__getitem__)}
        if initiator == "highest":
            return {max(names, key=id_of.__getitem__)}
        raise invalid(
            "initiator",
            initiator,
            f"must be one of {', '.join(INITIATORS)}, None or a list of node names",
        )
    chosen = list(initiator)
    if any(n not in id_of for n in chosen):
        raise invalid("initiator", initiator, f"must name nodes of the {group} {list(names)!r}")
    return set(chosen)


def check_ids(names: Sequence[str], ids: Sequence[int] | Mapping[str, int]) -> dict[str, int]:
    """Every node's id, from ``ids``: a list in node order, or a dict by name.

    Raises:
        InvalidArgument: the wrong number of ids, unknown names, ids that are not
            ints, or repeated ids.
    """
    if isinstance(ids, Mapping):
        if set(ids) != set(names):
            raise invalid("ids", ids, f"must give an id to exactly the nodes {list(names)!r}")
        values = [ids[n] for n in names]
    else:
        values = list(ids)
        if len(values) != len(names):
            raise invalid("ids", ids, f"must hold one id per node ({len(names)})")
    if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise invalid("ids", ids, "must be ints")
    if len(set(values)) != len(values):
        raise invalid("ids", ids, "must be distinct: the highest id has to be unique")
    return dict(zip(names, values, strict=True))


def check_times(config: object, names: Iterable[str]) -> None:
    """Check that each field ``names`` of ``config`` is a time > 0; store it as a float.

    For the ``__post_init__`` of a protocol's frozen config dataclass.

    Raises:
        InvalidArgument: the first field that is not a finite number > 0.
    """
    for name in names:
        object.__setattr__(config, name, check_time(name, getattr(config, name), positive=True))


class DetectorTiming:
    """For a protocol config (a frozen dataclass) whose nodes ask a failure detector
    every ``check_interval`` seconds; ``None`` means half the ``heartbeat_interval``.

    The dataclass declares both fields and calls :meth:`_check_times` in its
    ``__post_init__``.
    """

    heartbeat_interval: float
    check_interval: float | None

    def _check_times(self, names: Iterable[str]) -> None:
        """Check the times ``names`` (``heartbeat_interval`` among them) as
        :func:`check_times` does, then fill in the default check interval and check it.

        Raises:
            InvalidArgument: the first time that is not a finite number > 0.
        """
        check_times(self, names)
        if self.check_interval is None:
            object.__setattr__(self, "check_interval", self.heartbeat_interval / 2)
        check_times(self, ["check_interval"])

    @property
    def check(self) -> float:
        """The detector's check interval in seconds (never ``None`` after construction)."""
        assert self.check_interval is not None
        return self.check_interval
