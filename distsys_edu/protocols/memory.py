"""How much memory a cluster will need, and a refusal up front when it cannot fit.

A cluster's memory grows linearly with its size: each node holds its own state and
shares one :class:`~.cluster.Membership` of the whole cluster. One protocol has
more, because its algorithm does, and the estimate counts it as a cost per *pair*
of nodes:

* Bully: the first election is a burst of ``N(N-1)/2`` ``Election`` messages (and
  as many ``Answer``), all in flight within a few message delays, unless the
  highest node starts it alone.

What a long run sends on top (Raft's all-to-all ``RequestVote`` of every
candidate, the heartbeats of a leader to every follower) depends on how long it
runs, and is not estimated here.

The figures are bytes measured once with ``benchmarks/cluster_memory.py`` (CPython
3.11, full trace), rounded up: an estimate, not a promise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..runtime.errors import invalid

_MEMINFO = "/proc/meminfo"


@dataclass(frozen=True)
class Footprint:
    """What a protocol's cluster costs in memory, as measured.

    Args:
        per_node: bytes a node costs once spawned and started (the runtime's node,
            context and random generator, the actor, its timers and first
            annotations in the trace).
        per_pair: bytes for each pair of nodes that the algorithm itself links (see
            the module's docstring); 0 for most protocols.
    """

    per_node: int
    per_pair: int = 0

    def estimate(self, nodes: int, pairs: int = 0) -> int:
        """Bytes for ``nodes`` nodes and ``pairs`` linked pairs of them."""
        return self.per_node * nodes + self.per_pair * pairs


def available_memory() -> int | None:
    """Bytes of memory this process could still take, or ``None`` if unknown.

    ``MemAvailable`` of ``/proc/meminfo`` on Linux (free memory plus what the kernel
    can reclaim); elsewhere the free physical pages ``os.sysconf`` reports.
    """
    try:
        with open(_MEMINFO, encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024  # the file counts kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def size_text(nbytes: float) -> str:
    """``1.5e9`` -> ``"1.4 GB"``: bytes in MB below a GB, else in GB (powers of 1024)."""
    megabytes = nbytes / 2**20
    if megabytes < 1024:
        return f"{megabytes:.1f} MB"
    return f"{megabytes / 1024:.1f} GB"


def check_cluster_fits(protocol: str, nodes: int, footprint: Footprint, pairs: int = 0) -> None:
    """Refuse, before anything is spawned, a cluster that cannot fit in memory.

    Args:
        protocol: the protocol's name, for the message.
        nodes: how many nodes.
        footprint: the protocol's measured costs.
        pairs: how many pairs of nodes the algorithm links (see :class:`Footprint`).

    Raises:
        InvalidArgument: the estimate exceeds the memory available now; the message
            names ``nodes``, the estimate and the limit. Nothing is raised when the
            available memory cannot be read.
    """
    limit = available_memory()
    needed = footprint.estimate(nodes, pairs)
    if limit is not None and needed > limit:
        raise invalid(
            "nodes",
            nodes,
            f"a {protocol} cluster of {nodes} nodes needs about {size_text(needed)} "
            f"({footprint.per_node} bytes a node"
            + (f", {footprint.per_pair} a linked pair of nodes" if pairs else "")
            + f"), more than the {size_text(limit)} of memory available: use fewer nodes",
        )
