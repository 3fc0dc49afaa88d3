"""distsys_edu: run, break, replay and fix a fault-tolerant leader-follower cluster.

Everything here is deterministic: the same seed gives the same trace.

    >>> from distsys_edu import Sim
"""

from .protocols.detectors import (
    AdaptiveTimeoutDetector,
    FailureDetector,
    FixedTimeoutDetector,
    PhiAccrualDetector,
)
from .runtime import *  # noqa: F403  (the runtime's __all__ is the core of ours)
from .runtime import __all__ as _runtime_all

__version__ = "0.1.0"

__all__ = [
    *_runtime_all,
    "AdaptiveTimeoutDetector",
    "FailureDetector",
    "FixedTimeoutDetector",
    "PhiAccrualDetector",
    "__version__",
]
