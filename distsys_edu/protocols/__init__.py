"""Protocols that run on the runtime, one protocol a file; nothing here draws.

Every node publishes its local view with ``ctx.annotate`` using the keys in
:mod:`.cluster` (``role``, ``term``, ``leader``, ``suspects``), so pictures and
checks can read every protocol alike. Each protocol declares itself once, as a
:class:`~.spec.ProtocolSpec`; :func:`register` adds your own.
"""

from .cluster import CANDIDATE, FOLLOWER, LEADER, ROLES, majority, node_names
from .registry import PROTOCOLS, get_protocol, get_spec, protocol_names, register, spawn
from .spec import Knob, ProtocolSpec

__all__ = [
    "CANDIDATE",
    "FOLLOWER",
    "LEADER",
    "PROTOCOLS",
    "ROLES",
    "Knob",
    "ProtocolSpec",
    "get_protocol",
    "get_spec",
    "majority",
    "node_names",
    "protocol_names",
    "register",
    "spawn",
]
