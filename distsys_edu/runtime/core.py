"""What every room of the Sim shares: the clock, the heap, the nodes, the trace.

The Sim is one object built from rooms, each a class in its own module and
each adding one concept on top of the one below::

    Core          this module: state, scheduling an entry, recording an event
    Lifecycle     lifecycle.py: spawn, crash, stop, failures and supervision
    Timers        timers.py: run_later and run_interval, fired in virtual time
    Transport     transport.py: the one send path, the network, request-reply
    Engine        engine.py: the event loop, run, run_for, step
    FaultControl  fault_control.py: crash, partition, hold... by hand or scheduled
    Controlled    controlled.py: choices() and choose(id), every next event by hand
    Sim           sim.py: the public face

A room calls only the rooms below it (and its own methods).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .address import Addr, Request
from .entries import Entry
from .errors import UnknownNode, invalid
from .network import LinkConfig, Network
from .node import ActorFactory, Node
from .scheduler import Scheduler
from .supervisor import Failure, Supervisor
from .trace import Trace
from .trace_writer import TraceWriter

if TYPE_CHECKING:
    from .world import World


class Core:
    """The state the rooms share, and the two ways to change the future.

    Everything that will happen is an entry ``(time, seq, kind, item)`` on one
    heap (kinds in ``entries.py``), or, for a message on the one constant delay of
    a plain network, in a FIFO in arrival order. ``seq`` grows by one for every
    entry, so entries at the same virtual time run in the order they were
    scheduled and the heap never compares two items.

    Args:
        world: the finished Sim, which implements ``World`` (what actors see).
        seed, trace, strict, network, max_events_per_instant: as for ``Sim``,
            already checked.
    """

    def __init__(
        self,
        *,
        world: World,
        seed: int,
        trace: str,
        strict: bool,
        network: LinkConfig | None,
        max_events_per_instant: int,
    ) -> None:
        self._world = world  # this Sim, as its actors' Context and Addr see it
        self.seed = seed
        self.strict = strict
        self.max_events_per_instant = max_events_per_instant
        self.scheduler = Scheduler()  # the clock and the future
        self.trace = Trace(trace)
        self.trace.meta["seed"] = seed
        self.network = Network(default=network or LinkConfig())
        self.failures: list[Failure] = []
        self._nodes: dict[str, Node] = {}
        self._outside = self._new_node("<outside>", -1, None, None)
        self._current = self._outside  # whose code is running: the sender of a send
        self._requests: dict[int, Request] = {}  # pending, by id
        self._running = False  # inside the event loop
        self._events_now = 0  # events run at `now` so far (see Engine._loop)
        self._failures_before_run = 0  # len(failures) when the current run began
        self._gc_thresholds = (0, 0, 0)  # the collector's, before the current run (Engine)
        self._net_rng = random.Random(f"{seed}/network")
        self.writer = TraceWriter(self.trace, self.scheduler)  # counts and records events

    # -- nodes ---------------------------------------------------------------

    def _new_node(
        self, name: str, index: int, factory: ActorFactory | None, supervisor: Supervisor | None
    ) -> Node:
        """A node record with its address (index -1: the outside, which is not a node)."""
        node = Node(name, index, factory, supervisor)
        node.addr = Addr(self._world, node)
        return node

    def _node(self, name: str) -> Node:
        """The record of node ``name``.

        Raises:
            InvalidArgument: ``name`` is not a str.
            UnknownNode: no node has that name.
        """
        if not isinstance(name, str):
            raise invalid("node", name, "must be a node's name (a str)")
        node = self._nodes.get(name)
        if node is None:
            known = ", ".join(self._nodes) or "none yet"
            raise UnknownNode(f"node={name!r} is not allowed: no such node (known: {known})")
        return node

    @property
    def nodes(self) -> list[str]:
        """Every node's name, in spawn order."""
        return list(self._nodes)

    def addr(self, name: str) -> Addr:
        """The address of node ``name``."""
        return self._node(name).addr

    # -- the clock -----------------------------------------------------------

    @property
    def now(self) -> float:
        """The virtual time in seconds (the scheduler's clock)."""
        return self.scheduler.now

    def _future(self) -> list[Entry]:
        """Every scheduled entry (heap and FIFO), in no particular order: for reading."""
        return self.scheduler.future()
