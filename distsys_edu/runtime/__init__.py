"""The actor runtime: a deterministic, in-process world of actors on a simulated network.

It knows nothing of protocols or pictures. See ``docs/runtime.md`` for the rules
it keeps and why.
"""

from .actor import Actor, Context, Timer, handler_name
from .address import Addr, Reply, Request
from .controlled import CHOICE_KINDS, Choice, ChoiceOptions
from .errors import (
    ClockStuckError,
    FaultScheduleError,
    InvalidArgument,
    MessageTypeError,
    SendError,
    SimError,
    TraceLevelError,
    UnhandledMessage,
    UnknownNode,
)
from .events import MessageRecord
from .faults import Fault, FaultSchedule
from .immutability import check_message
from .network import Constant, LinkConfig, LogNormal, Network, Uniform
from .node import NODE_STATES
from .sim import Sim
from .snapshot import InFlight, NodeView, Snapshot, snapshot_at
from .supervisor import Failure, HandlerFailureWarning, Supervisor, failures_reported_elsewhere
from .trace import DROP_REASONS, KINDS, Event, Trace

__all__ = [
    "CHOICE_KINDS",
    "DROP_REASONS",
    "KINDS",
    "NODE_STATES",
    "Actor",
    "Addr",
    "Choice",
    "ChoiceOptions",
    "ClockStuckError",
    "Constant",
    "Context",
    "Event",
    "Failure",
    "Fault",
    "FaultSchedule",
    "FaultScheduleError",
    "HandlerFailureWarning",
    "InFlight",
    "InvalidArgument",
    "LinkConfig",
    "LogNormal",
    "MessageRecord",
    "MessageTypeError",
    "Network",
    "NodeView",
    "Reply",
    "Request",
    "SendError",
    "Sim",
    "SimError",
    "Snapshot",
    "Supervisor",
    "Timer",
    "Trace",
    "TraceLevelError",
    "UnhandledMessage",
    "Uniform",
    "UnknownNode",
    "check_message",
    "failures_reported_elsewhere",
    "handler_name",
    "snapshot_at",
]
