"""The same actors as real processes over UDP on loopback (see docs/real-network.md).

:class:`Cluster` starts a protocol from the registry as one operating-system
process per node, breaks it (kill, pause, partition...) and merges the nodes'
traces into one :class:`~distsys_edu.runtime.Trace` that the checks and pictures
read like a simulated one.
"""

from .codec import REFUSALS, MessageCodec, Refused
from .launcher import Cluster, NetError, NodeStatus
from .merge import merged_trace
from .node import NetNode
from .wire import ReplayGuard, seal, unseal

__all__ = [
    "REFUSALS",
    "Cluster",
    "MessageCodec",
    "NetError",
    "NetNode",
    "NodeStatus",
    "Refused",
    "ReplayGuard",
    "merged_trace",
    "seal",
    "unseal",
]
