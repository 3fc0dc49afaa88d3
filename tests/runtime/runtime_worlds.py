"""Two worlds an actor can live in, driven the same way: the Sim, and the exercises' Probe.

Both implement the runtime's ``World`` interface and hand the actor the runtime's own
``Context``, ``Addr`` and ``Timer``, so the runtime's tests of those run in both (the
``any_world`` fixture of ``tests/runtime/conftest.py``): a guard the runtime has cannot go
missing for a probed node. A driver here spawns one node under test, ``a``, and its
peers, moves virtual time on, delivers a message to ``a`` at the current time, and
reads what ``a`` did.

Where the worlds genuinely differ, a test says so and skips the probe
(:meth:`ProbeWorld.lacks`): a probe has no network (nothing it sends is delivered, a
request is answered by hand), no crash or restart, no trace, and no supervision (what
the actor's code raises comes out of the call that ran it, as in ``Sim(strict=True)``,
which is the Sim a :class:`SimWorld` drives).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from runtime_helpers import Recorder

from distsys_edu.exercises import Probe
from distsys_edu.runtime import Actor, Addr, LinkConfig, Sim

Factory = Callable[[], Actor]


class SimWorld:
    """A strict Sim with no network delay: a message delivered by :meth:`deliver` is
    handled at the current virtual time, as in a probe. Peers run a ``Recorder``."""

    kind = "sim"

    def __init__(self, seed: int = 0) -> None:
        self.sim = Sim(seed, strict=True, network=LinkConfig(latency=0))
        self.name = "a"

    def start(
        self,
        factory: Factory,
        name: str = "a",
        peers: Iterable[str] = (),
        down: Iterable[str] = (),
    ) -> None:
        """Spawn ``name`` running ``factory()``, then ``peers``, crash those ``down``;
        then ``started`` runs, now."""
        self.name = name
        self.sim.spawn(name, factory)
        for peer in peers:
            self.sim.spawn(peer, Recorder)
        for peer in down:
            self.mark_down(peer)
        self.sim.run(until=self.sim.now)

    def lacks(self, what: str) -> None:
        """A Sim has everything a test may need."""

    @property
    def now(self) -> float:
        return self.sim.now

    @property
    def actor(self) -> Any:
        return self.sim.actor(self.name)

    def run(self, until: float) -> None:
        """Move virtual time on to ``until``, running what comes due."""
        self.sim.run(until=until)

    def deliver(self, msg: Any) -> None:
        """Send ``msg`` to the node under test from outside; it is handled now."""
        self.sim.addr(self.name).do_send(msg)
        self.sim.run(until=self.sim.now)

    def addr(self, name: str) -> Addr:
        return self.sim.addr(name)

    def mark_down(self, peer: str) -> None:
        """Make ``peer`` not running: a crash."""
        self.sim.crash(peer)

    def sent(self) -> list[tuple[str, Any]]:
        """What the node under test sent, in order: ``(to, msg)``."""
        return [(e.peer, e.msg) for e in self.sim.trace.events("send") if e.node == self.name]

    def status(self) -> str:
        return self.sim.status(self.name)

    def storage(self) -> dict[str, Any]:
        return self.sim.storage(self.name)

    def annotations(self) -> dict[str, Any]:
        return self.sim.annotations(self.name)


class ProbeWorld:
    """A :class:`~distsys_edu.exercises.Probe` of the node under test."""

    kind = "probe"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._probe: Probe | None = None

    @property
    def probe(self) -> Probe:
        assert self._probe is not None, "start() the node first"
        return self._probe

    def start(
        self,
        factory: Factory,
        name: str = "a",
        peers: Iterable[str] = (),
        down: Iterable[str] = (),
    ) -> None:
        """Probe ``name`` running ``factory()`` (its ``started`` runs now); the peers
        ``down`` are marked down after that (before, only a ``try_send`` could tell)."""
        self._probe = Probe(factory, name=name, peers=peers, seed=self.seed)
        for peer in down:
            self.mark_down(peer)

    def lacks(self, what: str) -> None:
        """Skip the rest of the test: a probe lacks ``what``, by design."""
        pytest.skip(f"a probe has {what}")

    @property
    def now(self) -> float:
        return self.probe.now

    @property
    def actor(self) -> Any:
        return self.probe.actor

    def run(self, until: float) -> None:
        """Move virtual time on to ``until``, firing the timers that come due."""
        self.probe.advance(until - self.probe.now)

    def deliver(self, msg: Any) -> None:
        """Hand ``msg`` to the node's handler now."""
        self.probe.deliver(msg)

    def addr(self, name: str) -> Addr:
        return self.probe.addr(name)

    def mark_down(self, peer: str) -> None:
        """Make ``peer`` not running: ``try_send`` to it raises."""
        self.probe.down.add(peer)

    def sent(self) -> list[tuple[str, Any]]:
        """What the node under test sent, in order: ``(to, msg)``."""
        return [(s.to, s.msg) for s in self.probe.sent]

    def status(self) -> str:
        return "stopped" if self.probe.stopped else "up"

    def storage(self) -> dict[str, Any]:
        return self.probe.storage

    def annotations(self) -> dict[str, Any]:
        return dict(self.probe.published)


AnyWorld = SimWorld | ProbeWorld
WORLDS: dict[str, type[AnyWorld]] = {"sim": SimWorld, "probe": ProbeWorld}
"""Each world by name: the ``any_world`` fixture's parameters."""
