"""Tiny actors for the checks' tests: scripted annotations and two broken protocols.

* :class:`Scripted` publishes annotations at fixed virtual times, so a test can
  build exactly the trace it needs with the real runtime (statuses, partitions and
  pauses come from a fault schedule).
* :func:`spawn_term_one` spawns a protocol that is broken on purpose: every node
  that restarts declares itself leader of term 1, which ``n1`` already leads.
* :func:`spawn_flicker` spawns a protocol broken more quietly: a node that restarts
  leads term 1 for a moment, tells its peers so, and steps down within the same
  instant, so that no instant ends with two leaders of term 1.
* :func:`spawn_sticky` spawns a protocol whose leaders never step down: a pause or
  a partition of the leader leaves two leaders that can reach each other.
* :func:`spawn_quiet_pair` spawns a split brain that goes quiet: ``n1`` leads from
  the start, ``n2`` from ``QUIET_LEADS_AT`` on, and nothing happens afterwards.

The spawn functions have the ``spawn_cluster(sim, nodes, **options)`` signature that
``explore`` takes, and live at module level so a replay snippet can import them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from distsys_edu.protocols.cluster import node_names
from distsys_edu.runtime import Actor, Context, Sim, Trace

Script = Sequence[tuple[float, Mapping[str, Any]]]


class Scripted(Actor):
    """Annotates ``notes`` at each absolute time ``t`` of its script still to come.

    After a restart only the entries later than the restart run.
    """

    def __init__(self, script: Script) -> None:
        self.script = list(script)

    def started(self, ctx: Context) -> None:
        for t, notes in self.script:
            if t >= ctx.now:
                ctx.run_later(t - ctx.now, lambda ctx, notes=notes: ctx.annotate(**notes))


def scripted_trace(
    scripts: Mapping[str, Script], faults: Sequence[str] = (), until: float = 10.0
) -> Trace:
    """Run one :class:`Scripted` node per entry of ``scripts`` and return the trace."""
    sim = Sim(seed=0, trace="full", faults=list(faults))
    for name, script in scripts.items():
        sim.spawn(name, lambda script=script: Scripted(script))
    sim.run(until=until)
    return sim.trace


def leader(term: int | None = None, **extra: Any) -> dict[str, Any]:
    """Annotations of a leader (of ``term``, if given)."""
    return {"role": "leader", "term": term, **extra}


def follower(of: str | None, term: int | None = None, **extra: Any) -> dict[str, Any]:
    """Annotations of a follower of ``of``."""
    return {"role": "follower", "leader": of, "term": term, **extra}


# -- broken on purpose: a second leader of term 1 after any restart -------------------


class TermOne(Actor):
    """``n1`` leads term 1 from the start; every other node follows it, until it restarts.

    The bug: a node that restarts declares itself leader of term 1 (it forgot that
    term 1 already has a leader, and never asked anyone).
    """

    def started(self, ctx: Context) -> None:
        if ctx.name == "n1" or ctx.incarnation > 0:
            ctx.annotate(role="leader", term=1, leader=ctx.name)
        else:
            ctx.annotate(role="follower", term=1, leader="n1")


def spawn_term_one(sim: Sim, nodes: int | Sequence[str] = 5) -> list[str]:
    """Spawn a :class:`TermOne` cluster; returns its names."""
    names = node_names(nodes)
    for name in names:
        sim.spawn(name, TermOne)
    return names


# -- broken on purpose: a second leader of term 1 for one instant ----------------------


@dataclass(frozen=True)
class Claim:
    """Sent by a node that has just made itself leader of ``term``."""

    term: int


@dataclass(frozen=True)
class StepDown:
    """A note a node sends itself: delivered in the same instant, it ends the claim."""


class Flicker(Actor):
    """Like :class:`TermOne`, but the restarted node's claim lasts zero seconds.

    The bug: a node that restarts leads term 1, which ``n1`` already leads, and
    sends :class:`Claim` to its peers; its own :class:`StepDown`, sent at the same
    time, arrives in the same instant and makes it a follower of ``n1`` again. A
    check that reads the cluster only once each instant is over never sees the
    second leader; its peers, who receive its claim, do.
    """

    def started(self, ctx: Context) -> None:
        if ctx.name == "n1" and ctx.incarnation == 0:
            ctx.annotate(role="leader", term=1, leader="n1")
        elif ctx.incarnation == 0:
            ctx.annotate(role="follower", term=1, leader="n1")
        else:
            ctx.annotate(role="leader", term=1, leader=ctx.name)
            for peer in ctx.peers():
                ctx.addr(peer).do_send(Claim(1))
            ctx.addr(ctx.name).do_send(StepDown())

    def on_claim(self, msg: Claim, ctx: Context) -> None:
        """Peers take no notice: the claim only has to exist."""

    def on_step_down(self, msg: StepDown, ctx: Context) -> None:
        ctx.annotate(role="follower", leader="n1")


def spawn_flicker(sim: Sim, nodes: int | Sequence[str] = 5) -> list[str]:
    """Spawn a :class:`Flicker` cluster; returns its names."""
    names = node_names(nodes)
    for name in names:
        sim.spawn(name, Flicker)
    return names


# -- broken on purpose: leaders never step down ---------------------------------------

BEAT_INTERVAL = 0.1
SILENCE = 0.5


@dataclass(frozen=True)
class Beat:
    """Sent by every node every ``BEAT_INTERVAL``; ``leading`` if the sender leads."""

    sender: str
    leading: bool


class Sticky(Actor):
    """Follow whoever beats as leader; after ``SILENCE`` without a leader's beat, the
    highest-named node heard from recently (or this one) takes over. Leaders never
    step down, so a pause or partition of the leader leaves two of them.
    """

    def __init__(self, first_leader: str) -> None:
        self.first_leader = first_leader
        self.heard: dict[str, float] = {}
        self.leading = False
        self.last_leader_beat = 0.0

    def started(self, ctx: Context) -> None:
        self.last_leader_beat = ctx.now
        if ctx.incarnation == 0 and ctx.name == self.first_leader:
            self.lead(ctx)
        else:
            ctx.annotate(
                role="follower", leader=self.first_leader if ctx.incarnation == 0 else None
            )
        ctx.run_interval(BEAT_INTERVAL, self.tick)

    def lead(self, ctx: Context) -> None:
        self.leading = True
        ctx.annotate(role="leader", leader=ctx.name)

    def tick(self, ctx: Context) -> None:
        for peer in ctx.peers():
            ctx.addr(peer).do_send(Beat(ctx.name, self.leading))
        if not self.leading and ctx.now - self.last_leader_beat > SILENCE:
            alive = [p for p, t in self.heard.items() if ctx.now - t < SILENCE]
            if max([*alive, ctx.name]) == ctx.name:
                self.lead(ctx)

    def on_beat(self, msg: Beat, ctx: Context) -> None:
        self.heard[msg.sender] = ctx.now
        if msg.leading and not self.leading:
            self.last_leader_beat = ctx.now
            ctx.annotate(role="follower", leader=msg.sender)


def spawn_sticky(sim: Sim, nodes: int | Sequence[str] = 5) -> list[str]:
    """Spawn a :class:`Sticky` cluster led by its highest name; returns the names."""
    names = node_names(nodes)
    for name in names:
        sim.spawn(name, lambda: Sticky(max(names)))
    return names


# -- broken on purpose: a split brain that goes quiet -----------------------------------

QUIET_LEADS_AT = 2.0


class QuietLeader(Actor):
    """Annotates ``role="leader"`` ``delay`` seconds after it starts, then does nothing."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    def started(self, ctx: Context) -> None:
        ctx.run_later(self.delay, lambda ctx: ctx.annotate(role="leader", leader=ctx.name))


def spawn_quiet_pair(sim: Sim, nodes: int | Sequence[str] = 2) -> list[str]:
    """Spawn ``n1`` leading at once and every other node leading ``QUIET_LEADS_AT`` later."""
    names = node_names(nodes)
    for name in names:
        sim.spawn(name, lambda name=name: QuietLeader(0.0 if name == names[0] else QUIET_LEADS_AT))
    return names
