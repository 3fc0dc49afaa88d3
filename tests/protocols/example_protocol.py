"""Lowest alive leads: every ``heartbeat`` seconds (virtual time in a Sim, real time under
``net up``) each node tells the others it is alive, then follows the lowest name it
heard from within the last ``MISSED`` heartbeats (itself if none)."""

from __future__ import annotations

from dataclasses import dataclass

from distsys_edu import Actor, Context, Sim
from distsys_edu.protocols import Knob, ProtocolSpec, node_names

MISSED = 3  # heartbeats a node may miss before the others count it down


@dataclass(frozen=True)
class Alive:
    """``sender`` is up: sent to every other node once a heartbeat."""

    sender: str


@dataclass(frozen=True)
class LowestConfig:
    heartbeat: float = 0.1  # seconds between two heartbeats of a node


class LowestNode(Actor):
    def __init__(self, peers: tuple[str, ...], config: LowestConfig) -> None:
        self.peers, self.config = peers, config
        self.heard: dict[str, float] = {}  # when each peer was last heard from

    def started(self, ctx: Context) -> None:
        ctx.run_interval(self.config.heartbeat, self.beat)

    def beat(self, ctx: Context) -> None:
        for peer in self.peers:
            ctx.addr(peer).do_send(Alive(ctx.name))
        recent = ctx.now - MISSED * self.config.heartbeat
        leader = min([ctx.name, *(n for n, t in self.heard.items() if t >= recent)])
        ctx.annotate(role="leader" if leader == ctx.name else "follower", leader=leader)

    def on_alive(self, msg: Alive, ctx: Context) -> None:
        self.heard[msg.sender] = ctx.now


def spawn_lowest(sim: Sim, nodes: int = 3, *, heartbeat: float = 0.1) -> list[str]:
    names, config = node_names(nodes), LowestConfig(heartbeat)
    for name in names:
        peers = tuple(n for n in names if n != name)
        sim.spawn(name, lambda peers=peers: LowestNode(peers, config))
    return names


SPEC = ProtocolSpec(
    name="lowest",
    description="the lowest node heard from lately leads (heartbeats, no election)",
    spawn=spawn_lowest,
    actors=(LowestNode,),
    messages=(Alive,),
    config=LowestConfig,
    knobs=(Knob.seconds("heartbeat", 0.1, 1.0, "seconds between two heartbeats of a node"),),
    invariants=("one_leader_among_reachable",),
    view=("role", "leader"),
    not_symmetric="the lowest name leads",
)
