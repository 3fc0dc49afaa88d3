"""The same actors as real processes over UDP on loopback (see docs/real-network.md).

:class:`Cluster` starts a protocol from the registry as one operating-system
process per node, breaks it (kill, pause, partition...) and merges the nodes'
traces into one :class:`~distsys_edu.runtime.Trace` that the checks and pictures
read like a simulated one.
"""

from .children import NetError
from .codec import REFUSALS, MessageCodec, Refused
from .context import NetAddr, NetContext
from .launcher import Cluster
from .merge import merged_trace
from .node import NetNode
from .status import NodeStatus
from .wire import ReplayGuard, seal, unseal

__all__ = [
    "REFUSALS",
    "Cluster",
    "MessageCodec",
    "NetAddr",
    "NetContext",
    "NetError",
    "NetNode",
    "NodeStatus",
    "Refused",
    "ReplayGuard",
    "merged_trace",
    "seal",
    "unseal",
]
