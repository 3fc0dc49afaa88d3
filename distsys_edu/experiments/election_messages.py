"""How many messages one election costs: Bully against Chang-Roberts.

:func:`election_messages` runs one election in a quiet world (every link takes a
constant 1 ms, nothing is lost, nothing fails) and counts the messages it took, by
type. The counts match the textbook formulas exactly; the derivations are in the
docstrings of :mod:`distsys_edu.protocols.bully` and :mod:`distsys_edu.protocols.ring`.
With ``N`` nodes:

============  ===========  =========================  ==========================
protocol      order        initiator                  election messages
============  ===========  =========================  ==========================
bully         any          ``"highest"`` (best)       Coordinator ``N - 1``
bully         any          ``"lowest"`` (worst)       Election ``N(N-1)/2``, Answer
                                                      ``N(N-1)/2``, Coordinator ``N - 1``:
                                                      ``N^2 - 1`` in all
bully         any          ``"all"``                  the same ``N^2 - 1``
ring          ascending    ``"all"`` (best)           Election ``2N - 1``, Elected ``N``
ring          descending   ``"all"`` (worst)          Election ``N(N+1)/2``, Elected ``N``
ring          any          ``"highest"``              Election ``N``, Elected ``N``
ring          ascending    ``"lowest"``               Election ``2N - 1``, Elected ``N``
                                                      (``3N - 1``: the worst single start)
ring          descending   ``"lowest"``               Election ``N + 1``, Elected ``N``
============  ===========  =========================  ==========================

What is counted, precisely: every message of the protocol's *election types*
(Bully: ``Election``, ``Answer``, ``Coordinator``; ring: ``Election``, ``Elected``)
sent from time 0 until the election has settled, read from the trace's
``counts()["sent_by_type"]``. Heartbeats, and any other type, are left out. Settled
means: at the end of a :data:`QUIET_WINDOW` of virtual time in which no election
message was sent, every node names the node with the highest id as leader and that
node's role is ``"leader"``. A message counts when it is sent, whether or not it is
ever delivered (here all are, as nobody fails).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from ..jobs import run_indexed
from ..protocols import bully, cluster, ring
from ..protocols.cluster import LEADER
from ..runtime import Constant, LinkConfig, Sim
from ..runtime.errors import invalid
from .params import check_count, check_seed

__all__ = [
    "ELECTION_MESSAGE_TYPES",
    "INITIATORS",
    "LATENCY",
    "MAX_TIME",
    "ORDERS",
    "QUIET_WINDOW",
    "MessageRuns",
    "election_messages",
    "election_messages_by_size",
]

ELECTION_MESSAGE_TYPES: dict[str, tuple[str, ...]] = {
    "bully": ("Election", "Answer", "Coordinator"),
    "ring": ("Election", "Elected"),
}
"""The message types each protocol's election is made of (heartbeats are not)."""

ORDERS = ring.ORDERS
"""How ids ``1..N`` are laid out over ``n1..nN``: ascending, descending or random."""

INITIATORS = cluster.INITIATORS
"""Who starts the election at time 0: every node, or the one with the lowest or highest id."""

LATENCY = 0.001
"""Seconds every message takes (constant: links stay FIFO, runs are exact)."""

QUIET_WINDOW = 0.5
"""Seconds of virtual time with no election message that end a run (longer than
every timeout the election itself waits on, and far longer than a message delay)."""

MAX_TIME = 60.0
"""Seconds of virtual time after which an election that has not settled is an error."""


def election_messages(
    protocol: str,
    nodes: int,
    *,
    order: str = "ascending",
    initiator: str = "all",
    seed: int = 0,
) -> dict[str, int]:
    """Run one election and count its messages by type.

    Args:
        protocol: ``"bully"`` or ``"ring"``.
        nodes: how many nodes, ``n1..nN``, at least 1.
        order: how ids ``1..N`` are laid out over ``n1..nN``: ``"ascending"`` (``n1``
            has id 1; on the ring, ids grow along the direction messages travel),
            ``"descending"``, or ``"random"`` (a permutation seeded by ``seed``). For
            Bully only which id initiates matters, not where it sits.
        initiator: ``"all"`` (every node starts at time 0), ``"lowest"`` or
            ``"highest"`` (the node with that id starts alone).
        seed: the Sim's seed (it only matters for ``order="random"``).

    Returns:
        ``{type: count}`` for each of the protocol's election message types (zero
        included), in the order of :data:`ELECTION_MESSAGE_TYPES`, then ``"total"``.
        For example ``election_messages("bully", 5, initiator="lowest")`` is
        ``{"Election": 10, "Answer": 10, "Coordinator": 4, "total": 24}``.

    Raises:
        InvalidArgument: a parameter that is not allowed (the message names it, the
            value given and what is allowed).
        RuntimeError: the election did not settle within :data:`MAX_TIME` (a bug).
    """
    _check(protocol, order, initiator)
    check_count("nodes", nodes)
    check_seed(seed)
    sim = Sim(seed=seed, trace="counts", network=LinkConfig(latency=Constant(LATENCY)))
    ids = ring.assign_ids(nodes, order, seed)
    if protocol == "bully":
        names = bully.spawn_cluster(sim, nodes, ids=ids, initiator=initiator)
    else:
        # An election takes at most 3N hops; never let the retry timer fire mid-election.
        timeout = max(ring.ELECTION_TIMEOUT, 10 * nodes * LATENCY)
        names = ring.spawn_cluster(
            sim, nodes, ids=ids, initiator=initiator, election_timeout=timeout
        )
    winner = names[ids.index(max(ids))]
    counts = _until_settled(sim, names, winner, ELECTION_MESSAGE_TYPES[protocol])
    if counts is None:
        raise RuntimeError(
            f"election_messages({protocol!r}, {nodes}, order={order!r}, initiator={initiator!r}, "
            f"seed={seed}) did not settle within {MAX_TIME} s of virtual time"
        )
    return {**counts, "total": sum(counts.values())}


def _until_settled(
    sim: Sim, names: list[str], winner: str, types: tuple[str, ...]
) -> dict[str, int] | None:
    """Run :data:`QUIET_WINDOW` at a time until a window sends no election message and
    everyone follows ``winner``; the messages sent by type, or ``None`` after
    :data:`MAX_TIME`."""

    def counted() -> dict[str, int]:
        sent = sim.trace.counts()["sent_by_type"]
        return {name: sent.get(name, 0) for name in types}

    def settled() -> bool:
        if sim.annotations(winner).get("role") != LEADER:
            return False
        return all(sim.annotations(name).get("leader") == winner for name in names)

    before = counted()
    while sim.now < MAX_TIME:
        sim.run_for(QUIET_WINDOW)
        after = counted()
        if after == before and settled():
            return after
        before = after
    return None


def _check(protocol: Any, order: Any, initiator: Any) -> None:
    if not isinstance(protocol, str) or protocol not in ELECTION_MESSAGE_TYPES:
        raise invalid("protocol", protocol, f"must be one of {', '.join(ELECTION_MESSAGE_TYPES)}")
    if not isinstance(order, str) or order not in ORDERS:
        raise invalid("order", order, f"must be one of {', '.join(ORDERS)}")
    if not isinstance(initiator, str) or initiator not in INITIATORS:
        raise invalid("initiator", initiator, f"must be one of {', '.join(INITIATORS)}")


@dataclass(frozen=True)
class MessageRuns:
    """One election per cluster size, as workers run them: ``task(i)`` is
    :func:`election_messages` for ``sizes[i]``."""

    protocol: str
    sizes: tuple[int, ...]
    order: str
    initiator: str
    seed: int

    def __call__(self, index: int) -> dict[str, int]:
        return election_messages(
            self.protocol,
            self.sizes[index],
            order=self.order,
            initiator=self.initiator,
            seed=self.seed,
        )

    def describe(self, index: int) -> tuple[str, str]:
        """The election of size ``sizes[index]``, named."""
        return f"the {self.protocol} election of {self.sizes[index]} nodes (seed {self.seed})", ""


def election_messages_by_size(
    protocol: str,
    sizes: Sequence[int],
    *,
    order: str = "ascending",
    initiator: str = "all",
    seed: int = 0,
    progress: bool = False,
    jobs: int = 1,
    executor: Executor | None = None,
) -> dict[int, dict[str, int]]:
    """:func:`election_messages` for each cluster size: the sweep behind a plot of
    messages against ``N``.

    Args:
        protocol, order, initiator, seed: as for :func:`election_messages`.
        sizes: the cluster sizes, each an int >= 1.
        progress: show a tqdm progress bar on stderr.
        jobs: worker processes; 1 (the default) runs here, 0 uses every core.
        executor: a :class:`concurrent.futures.Executor` of your own to run on
            instead, such as a Dask ``Client.get_executor()`` (``jobs`` stays 1).

    Returns:
        ``{N: counts}`` in the order of ``sizes``; the same whatever ``jobs`` is.

    Raises:
        InvalidArgument: a parameter that is not allowed.
        RunFailed: an election did not settle (a bug).
    """
    _check(protocol, order, initiator)
    check_seed(seed)
    for n in sizes:
        check_count("sizes", n)
    task = MessageRuns(protocol, tuple(sizes), order, initiator, seed)
    counts = run_indexed(
        task,
        len(task.sizes),
        jobs=jobs,
        executor=executor,
        describe=task.describe,
        desc=f"messages {protocol}",
        progress=progress,
    )
    return dict(zip(task.sizes, counts, strict=True))
