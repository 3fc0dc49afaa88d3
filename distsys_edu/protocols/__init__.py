"""Protocols that run on the runtime, one protocol a file; nothing here draws.

Every node publishes its local view with ``ctx.annotate`` using the keys in
:mod:`.cluster` (``role``, ``term``, ``leader``, ``suspects``), so pictures and
checks can read every protocol alike.
"""

from .cluster import CANDIDATE, FOLLOWER, LEADER, ROLES, majority, node_names
from .registry import PROTOCOLS, get_protocol, spawn

__all__ = [
    "CANDIDATE",
    "FOLLOWER",
    "LEADER",
    "PROTOCOLS",
    "ROLES",
    "get_protocol",
    "majority",
    "node_names",
    "spawn",
]
