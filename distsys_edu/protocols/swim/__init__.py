"""SWIM membership and failure detection (Das, Gupta, Motivala, DSN 2002).

What it fixes in the blog's design: nobody relies on an oracle or on all-to-all
heartbeats. Each member checks *one* other member per protocol period, asks a few
others for help before it accuses anyone, lets the accused answer before it is
declared dead, and spreads what it learns by piggybacking on messages it sends
anyway. The load on each member is constant, whatever the size of the group.

How it runs, in virtual time (every member alike; all start in the same phase):

* **Probe.** Every protocol period T' (:data:`PROTOCOL_PERIOD`) a member picks the
  next member of its probe order and sends it ``Ping``. Each pass of the order
  visits every other member once, in a new random order (the paper's section 4.3,
  using ``ctx.rng``), so every member is probed by each other member within at
  most ``2 (n - 1) - 1`` periods, not just "eventually". ``ping_targets="random"``
  picks a member uniformly at random instead, as the paper's analysis assumes
  (:data:`PING_TARGETS`).
* **Indirect probe.** If no ``Ack`` came within :data:`PING_TIMEOUT`, it sends
  ``PingReq(target)`` to k (:data:`INDIRECT_PROBES`) other members picked at
  random; each pings the target itself and relays the target's ``Ack``. This gets
  around one bad link (and congestion near the prober).
* **Suspect.** If no ack, direct or relayed, arrived by the end of the period, the
  target becomes *suspected* (section 4.2). A suspected member is still probed.
* **Refute.** A member that learns it is suspected increments its *incarnation*
  number and spreads ``Alive`` with it. Only a member changes its own incarnation.
  A suspicion of an older incarnation comes from a member that missed the
  refutation: the accused spreads its current ``Alive`` again (section 4.2: a
  member that hears it is suspected starts propagating an ``Alive`` message), so a
  suspector that pings it gets the refutation in the ``Ack``.
* **Confirm.** A member still suspected, with the same incarnation, a suspicion
  timeout after this member came to suspect it is declared dead
  (``Confirm``). Dead is final: the paper's way back is to rejoin as a new member,
  and there are no joins here (the group is fixed at spawn). The timeout scales
  with the group as the time gossip takes to reach everyone does:
  :data:`SUSPICION_MULTIPLIER` ``* max(1, ln n)`` periods unless given.
* **Disseminate.** Membership updates (``Alive``, ``Suspect``, ``Confirm``, each
  with an incarnation) ride on ``Ping``, ``Ack`` and ``PingReq`` (section 4.1):
  each member keeps a buffer with at most one update per member, each message
  carries at most :data:`MAX_PIGGYBACK` of them, least-sent first, and an update
  is dropped from the buffer after it was carried ``ceil(lambda * ln n)`` times
  (:data:`DISSEMINATION_FACTOR` is lambda), which is enough for an epidemic to
  reach every member with high probability.

Which update wins (section 4.2), for a member ``m`` known at incarnation ``j``:
``Alive(m, i)`` overrides ``Alive``/``Suspect`` if ``i > j``; ``Suspect(m, i)``
overrides ``Suspect`` if ``i > j`` and ``Alive`` if ``i >= j``; ``Confirm``
overrides both, whatever the incarnations. Only updates that change something are
passed on.

Two choices the paper leaves open, made here:

* A message to a member that this member suspects always carries that
  ``Suspect`` (it takes one of the piggyback slots): the accused hears the
  accusation at the first chance, instead of whenever the gossip reaches it.
* Helpers for indirect probes are picked among members believed alive (not
  suspected), as in HashiCorp's memberlist.

With no loss, a crashed member is confirmed dead by every live member at most
``2 (n - 1) T'`` plus the suspicion timeout after it crashed: the next probe of it by any
given member starts at most ``2 (n - 1) - 1`` periods later, that probe fails at
the end of its period, and that member's own suspicion timer then runs out (news
from others can only make it sooner).

Each member publishes ``role`` (``"member"``), ``suspects`` (the sorted tuple of
members it suspects or holds dead), ``dead`` (sorted tuple) and ``incarnation``
(its own).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...runtime import Sim
from ..cluster import Membership, node_names
from ..memory import check_cluster_fits
from ..spec import Knob, ProtocolSpec
from .config import (
    ALIVE,
    DEAD,
    DISSEMINATION_FACTOR,
    FOOTPRINT,
    INDIRECT_PROBES,
    MAX_PIGGYBACK,
    MEMBER,
    PING_TARGETS,
    PING_TIMEOUT,
    PROTOCOL_PERIOD,
    RANDOM,
    ROUND_ROBIN,
    SUSPECT,
    SUSPICION_MULTIPLIER,
    SwimConfig,
)
from .member import SwimMember
from .messages import Ack, Alive, Confirm, Ping, PingReq, Suspect, Update

__all__ = [
    "ALIVE",
    "DEAD",
    "DISSEMINATION_FACTOR",
    "FOOTPRINT",
    "INDIRECT_PROBES",
    "MAX_PIGGYBACK",
    "MEMBER",
    "PING_TARGETS",
    "PING_TIMEOUT",
    "PROTOCOL_PERIOD",
    "RANDOM",
    "ROUND_ROBIN",
    "SUSPECT",
    "SUSPICION_MULTIPLIER",
    "Ack",
    "Alive",
    "Confirm",
    "Ping",
    "PingReq",
    "Suspect",
    "SwimConfig",
    "SwimMember",
    "Update",
    "spawn_cluster",
]


def spawn_cluster(
    sim: Sim,
    nodes: int | Sequence[str] = 5,
    *,
    protocol_period: float = PROTOCOL_PERIOD,
    ping_timeout: float = PING_TIMEOUT,
    indirect_probes: int = INDIRECT_PROBES,
    suspicion_timeout: float | None = None,
    dissemination_factor: float = DISSEMINATION_FACTOR,
    max_piggyback: int = MAX_PIGGYBACK,
    ping_targets: str = ROUND_ROBIN,
) -> list[str]:
    """Spawn a SWIM group and return its member names.

    Args:
        sim: the world to spawn into.
        nodes: a count (names ``n1``...) or a list of names.
        protocol_period: T', seconds.
        ping_timeout: seconds to wait for a direct ack.
        indirect_probes: k, helpers asked when the direct ping fails.
        suspicion_timeout: seconds from suspicion to confirmation; ``None`` scales it
            with the group (:meth:`SwimConfig.suspicion_timeout_for`).
        dissemination_factor: lambda in ``ceil(lambda * ln n)`` piggybacks per update.
        max_piggyback: most updates a message carries.
        ping_targets: ``"round-robin"`` (the paper's final protocol) or ``"random"``
            (uniformly random targets, as in its analysis); see :data:`PING_TARGETS`.

    Raises:
        InvalidArgument: bad names or settings.
    """
    names = node_names(nodes)
    config = SwimConfig(
        protocol_period,
        ping_timeout,
        indirect_probes,
        suspicion_timeout,
        dissemination_factor,
        max_piggyback,
        ping_targets,
    )
    check_cluster_fits("swim", len(names), FOOTPRINT)
    members = Membership(names)
    for name in names:
        sim.spawn(name, lambda: SwimMember(members, config))
    return names


SPEC = ProtocolSpec(
    name="swim",
    description="SWIM membership and failure detection (Das et al. 2002)",
    spawn=spawn_cluster,
    actors=(SwimMember,),
    messages=(Ping, PingReq, Ack, Alive, Suspect, Confirm),
    config=SwimConfig,
    knobs=(
        Knob.seconds(
            "protocol_period", PROTOCOL_PERIOD, 5.0, "T': seconds between one member's probes"
        ),
        Knob.seconds("ping_timeout", PING_TIMEOUT, 2.0, "seconds to wait for a direct ack"),
    ),
    # 8 s = 2 (n - 1) protocol periods for 5 nodes: within that, SWIM's round-robin
    # probing has every member probe a crashed one (and fail) at least once.
    invariants=(("completeness", {"within": 8.0, "restarted": True}),),
    view=("role", "suspects", "dead", "incarnation"),
)
"""SWIM, declared once (see :class:`~.spec.ProtocolSpec`)."""
