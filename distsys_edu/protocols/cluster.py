"""What every protocol here shares: node names, roles, and how a cluster is spawned.

Every node publishes its local view with ``ctx.annotate``, using these keys, so
that pictures and checks can read any protocol the same way:

* ``role``: one of :data:`ROLES` (``"leader"``, ``"follower"``, ``"candidate"``...).
* ``term``: the term (or epoch) it is in, where the protocol has one.
* ``leader``: the name of the leader it believes in, or ``None``.
* ``suspects``: the sorted tuple of nodes it suspects to have failed.

A protocol module offers ``spawn_cluster(sim, nodes, **options) -> list[str]``
which spawns the nodes and returns their names.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..runtime.errors import invalid

LEADER, FOLLOWER, CANDIDATE = "leader", "follower", "candidate"
ROLES = (LEADER, FOLLOWER, CANDIDATE)


def node_names(nodes: int | Sequence[str], prefix: str = "n") -> list[str]:
    """``5`` -> ``["n1", ..., "n5"]``; a list of names is checked and returned.

    Raises:
        InvalidArgument: fewer than 1 node, or repeated names.
    """
    if isinstance(nodes, int) and not isinstance(nodes, bool):
        if nodes < 1:
            raise invalid("nodes", nodes, "must be at least 1")
        return [f"{prefix}{i}" for i in range(1, nodes + 1)]
    names = list(nodes)
    if not names or len(set(names)) != len(names):
        raise invalid("nodes", nodes, "must be a count >= 1 or a list of distinct names")
    return names


def majority(cluster_size: int) -> int:
    """The smallest number of nodes that is more than half of ``cluster_size``."""
    return cluster_size // 2 + 1
