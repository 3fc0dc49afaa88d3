"""The Sim's face: the parts it is made of, and the public API, handed on to them.

A Sim is a handful of small objects, each owning its own state (see
docs/architecture.md for the picture)::

    scheduler   Scheduler        scheduler.py: the clock (now), the heap and the FIFO;
                                 "what is next" (pop, next_time)
    writer      TraceWriter      trace_writer.py: counts and records every event
    engine      Engine           engine.py: the loop; run, run_for, step; Ctrl-C
    lifecycle   Lifecycle        lifecycle.py: the nodes; spawn, crash, stop,
                                 failures and supervision
    timers      Timers           timers.py: run_later and run_interval
    transport   Transport        transport.py: the network, the one send path,
                                 request-reply, whose code is running
    faults      FaultController  fault_control.py: crash, partition, hold... by
                                 hand or scheduled, and the history that replays them

The face is the one ``World`` the actors live in: ``Context``, ``Addr`` and
``Timer`` call its underscored members, which are the parts' own bound methods
(set in ``__init__``, so a send costs no call more than the transport's). Every
public method below hands on to one part and does nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .actor import Actor
from .address import Addr
from .engine import Engine
from .entries import Entry
from .fault_control import FaultController
from .faults import Fault, FaultSchedule
from .lifecycle import Lifecycle
from .network import LinkConfig, Network
from .node import ActorFactory, Node
from .scheduler import Scheduler
from .supervisor import Failure, Supervisor
from .timers import Timers
from .trace import Trace
from .trace_writer import TraceWriter
from .transport import Transport


class Face:
    """The parts of a Sim, and its public API handed on to them.

    Args:
        seed, trace, strict, network, max_events_per_instant: as for ``Sim``,
            already checked.
    """

    def __init__(
        self,
        *,
        seed: int,
        trace: str,
        strict: bool,
        network: LinkConfig | None,
        max_events_per_instant: int,
    ) -> None:
        self.seed = seed
        self.trace = Trace(trace)
        self.trace.meta["seed"] = seed
        self.scheduler = Scheduler()
        self.writer = TraceWriter(self.trace, self.scheduler)
        self.engine = Engine(self, max_events_per_instant)
        self.lifecycle = Lifecycle(self, strict)
        self.timers = Timers(self)
        self.transport = Transport(self, network or LinkConfig())
        self.faults = FaultController(self)
        # The World's members: the parts' own methods, so that nothing stands between.
        self._send = self.transport.send
        self._try_send = self.transport.try_send
        self._request = self.transport.request
        self._start_timer = self.timers.start
        self._cancel_timer = self.timers.cancel
        self._stop = self.lifecycle.stop
        self._annotate = self.lifecycle.annotate

    # -- the clock and the loop (scheduler, engine) ----------------------------------

    @property
    def now(self) -> float:
        """The virtual time in seconds (``scheduler.now``: the scheduler owns the clock)."""
        return self.scheduler.now

    def run(self, until: float | None = None) -> None:
        """Run events in time order up to and including ``until`` (``Engine.run``)."""
        self.engine.run(until)

    def run_for(self, duration: float) -> None:
        """Run for ``duration`` more seconds of virtual time (``Engine.run_for``)."""
        self.engine.run_for(duration)

    def step(self) -> bool:
        """Run the single next event; ``False`` if there was none (``Engine.step``)."""
        return self.engine.step()

    def next_time(self) -> float | None:
        """The virtual time of the next event, or ``None`` if nothing is scheduled."""
        return self.scheduler.next_time()

    def _future(self) -> list[Entry]:
        """Every scheduled entry, in no particular order: for reading (``Scheduler.future``)."""
        return self.scheduler.future()

    @property
    def max_events_per_instant(self) -> int:
        """Events that may run at one instant before ``ClockStuckError``."""
        return self.engine.max_events_per_instant

    # -- nodes (lifecycle) ------------------------------------------------------------

    def spawn(
        self, name: str, factory: ActorFactory, *, supervisor: Supervisor | None = None
    ) -> Addr:
        """Create node ``name`` running ``factory()``; its ``Addr`` (``Lifecycle.spawn``)."""
        return self.lifecycle.spawn(name, factory, supervisor=supervisor)

    @property
    def nodes(self) -> list[str]:
        """Every node's name, in spawn order."""
        return list(self.lifecycle.nodes)

    def _node(self, name: str) -> Node:
        """The record of node ``name`` (``Lifecycle.node``)."""
        return self.lifecycle.node(name)

    def addr(self, name: str) -> Addr:
        """The address of node ``name``."""
        return self.lifecycle.node(name).addr

    def status(self, name: str) -> str:
        """``"up"``, ``"down"``, ``"paused"`` or ``"stopped"``."""
        return self.lifecycle.node(name).status

    def actor(self, name: str) -> Actor | None:
        """The actor instance now running on ``name`` (``None`` while it is down)."""
        return self.lifecycle.node(name).actor

    def storage(self, name: str) -> dict[str, Any]:
        """Node ``name``'s persistent storage (survives crashes, like a disk)."""
        return self.lifecycle.node(name).storage

    def annotations(self, name: str) -> dict[str, Any]:
        """A copy of what node ``name`` last published with ``ctx.annotate``."""
        return dict(self.lifecycle.node(name).annotations)

    @property
    def failures(self) -> list[Failure]:
        """Every exception a handler, timer or hook raised, as ``Failure`` records."""
        return self.lifecycle.failures

    @property
    def strict(self) -> bool:
        """Whether a handler's exception is re-raised out of ``run``."""
        return self.lifecycle.strict

    # -- messages (transport) ---------------------------------------------------------

    @property
    def network(self) -> Network:
        """The link settings (``network.default``, ``network.links``)."""
        return self.transport.network

    @property
    def sent(self) -> int:
        """Messages sent so far, each network-made duplicate counted as one more."""
        return self.transport.sent

    @property
    def delivered(self) -> int:
        """Messages handed to their recipient so far."""
        return self.transport.delivered

    @property
    def dropped(self) -> int:
        """Messages dropped so far, for any reason (see ``trace.counts()["drops"]``)."""
        return self.transport.dropped

    @property
    def in_flight(self) -> int:
        """Messages sent but neither delivered nor dropped yet (held or queued included)."""
        return self.transport.in_flight

    # -- faults (fault controller) ----------------------------------------------------

    @property
    def fault_history(self) -> FaultSchedule:
        """Every fault applied so far, as a schedule that replays the same run."""
        return self.faults.fault_history

    def crash(self, name: str) -> None:
        """Crash ``name`` now: timers cancelled, mailbox dropped, later mail dropped."""
        self.faults.crash(name)

    def restart(self, name: str) -> None:
        """Start a fresh actor on ``name`` from its factory; only its storage survives."""
        self.faults.restart(name)

    def pause(self, name: str, duration: float) -> None:
        """Freeze ``name`` for ``duration`` seconds (a GC pause): its work waits, then runs."""
        self.faults.pause(name, duration)

    def partition(
        self, group_a: str | Iterable[str], group_b: str | Iterable[str], *, one_way: bool = False
    ) -> None:
        """Cut the links between two groups of nodes (only ``a -> b`` if ``one_way``)."""
        self.faults.partition(group_a, group_b, one_way=one_way)

    def heal(self) -> None:
        """End every partition (held links stay held)."""
        self.faults.heal()

    def hold(self, src: str, dst: str) -> None:
        """Park messages arriving over ``src -> dst`` until ``release`` (a slow link)."""
        self.faults.hold(src, dst)

    def release(self, src: str | None = None, dst: str | None = None) -> None:
        """Stop holding ``src -> dst`` (every held link if both are ``None``)."""
        self.faults.release(src, dst)

    def set_network(
        self, *, latency: Any = None, loss: float | None = None, duplication: float | None = None
    ) -> None:
        """Change the default link settings (``None`` keeps a setting)."""
        self.faults.set_network(latency=latency, loss=loss, duplication=duplication)

    def set_link(
        self,
        src: str,
        dst: str,
        *,
        latency: Any = None,
        loss: float | None = None,
        duplication: float | None = None,
    ) -> None:
        """Change the settings of the directed link ``src -> dst`` only."""
        self.faults.set_link(src, dst, latency=latency, loss=loss, duplication=duplication)

    def schedule(self, faults: Fault | str | dict[str, Any] | Iterable[Any]) -> None:
        """Apply each fault when virtual time reaches its ``at`` (``FaultController.schedule``)."""
        self.faults.schedule(faults)

    def apply(self, fault: Fault | str | dict[str, Any]) -> None:
        """Apply one fault now (its ``at`` is ignored) (``FaultController.apply``)."""
        self.faults.apply(fault)
