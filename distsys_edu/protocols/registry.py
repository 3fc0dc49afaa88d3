"""The protocols by name, for the command line, explorers and experiments.

Each entry names a module with ``spawn_cluster(sim, nodes, **options)``. Modules
are imported on first use, so asking for one protocol never loads the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..runtime import Sim
from ..runtime.engine import fewer_full_collections
from ..runtime.errors import invalid

PROTOCOLS: dict[str, str] = {
    "blog": "the blog's Actix leader-follower design, as written (flaws included)",
    "bully": "Bully election (Garcia-Molina 1982) with heartbeat failure detection",
    "ring": "ring election (Chang-Roberts 1979)",
    "raft": "Raft-style election: terms, one vote per term, randomized timeouts",
    "raftlog": "Raft log replication with a key-value store (Figure 2, sections 5.3-5.4)",
    "swim": "SWIM membership and failure detection (Das et al. 2002)",
}

SpawnCluster = Callable[..., list[str]]


def get_protocol(name: str) -> SpawnCluster:
    """The ``spawn_cluster`` function of protocol ``name``.

    Raises:
        InvalidArgument: an unknown protocol name.
    """
    if name not in PROTOCOLS:
        raise invalid("protocol", name, f"must be one of {', '.join(PROTOCOLS)}")
    module = importlib.import_module(f"{__package__}.{name}")
    spawn: Callable[..., list[str]] = module.spawn_cluster
    return spawn


def spawn(sim: Sim, protocol: str, nodes: Any = 5, **options: Any) -> list[str]:
    """Spawn a cluster running ``protocol`` into ``sim``; returns the node names.

    Full collections wait meanwhile (``fewer_full_collections``): spawning is linear
    in the number of nodes.
    """
    with fewer_full_collections():
        return get_protocol(protocol)(sim, nodes, **options)
