"""Timing and dissemination settings of a SWIM group: the defaults, and their checks."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...runtime.errors import invalid
from ..cluster import check_times
from ..memory import Footprint

PROTOCOL_PERIOD = 1.0
"""T': seconds between two probes by the same member."""

PING_TIMEOUT = 0.2
"""Seconds to wait for a direct ``Ack`` before asking for indirect probes. It must
exceed a round trip, and leave time in the period for the four hops of an indirect
one (prober, helper, target, helper, prober)."""

INDIRECT_PROBES = 3
"""k: how many members are asked to probe the target when the direct ping fails."""

SUSPICION_MULTIPLIER = 4.0
"""alpha: by default a suspected member has ``alpha * max(1, ln n)`` protocol periods to
refute the suspicion before it is declared dead (:meth:`SwimConfig.suspicion_timeout_for`).

The timeout must cover the accused hearing of the accusation (at its next message to
or from a suspector) and its ``Alive`` reaching every suspector by gossip, which takes
about ``log n`` periods, as an update is piggybacked ``ceil(lambda ln n)`` times: the
paper scales the timeout with ``log n`` for that reason (section 4.2; HashiCorp's
memberlist does too). With a fixed 5 s, about one five-member run in 7,500 with a
1.5 to 3.5 s pause declared the paused member dead (more in larger groups); 4 periods
per ``ln n`` give 6.4 s at five members (``benchmarks/swim_false_deaths.py``)."""

DISSEMINATION_FACTOR = 3.0
"""lambda: each update is piggybacked ``ceil(lambda * ln n)`` times before it is dropped."""

MAX_PIGGYBACK = 6
"""Most updates carried by one message (this bounds a message's size)."""

ROUND_ROBIN, RANDOM = "round-robin", "random"
PING_TARGETS = (ROUND_ROBIN, RANDOM)
"""How a member picks the member it pings each period.

* ``"round-robin"`` (the default; the paper's final protocol, section 4.3): each pass
  visits every other member once, in a new random order each pass, so a crashed
  member is pinged by every live member within ``2 (n - 1) - 1`` periods.
* ``"random"``: a member picked uniformly at random every period (the basic protocol
  that the paper's analysis of section 3.1 assumes, and its expected
  ``e / (e - 1)`` periods to a first detection)."""

FOOTPRINT = Footprint(per_node=7_000)
"""Bytes a member (see :mod:`..memory`; measured by ``benchmarks/cluster_memory.py``):
a member's probe order is three numbers, not a list of the others, so memory grows
linearly in the group's size (``benchmarks/swim_scale.py`` measures it at 10,000)."""

MEMBER = "member"
ALIVE, SUSPECT, DEAD = "alive", "suspect", "dead"


@dataclass(frozen=True)
class SwimConfig:
    """Timing and dissemination settings of a SWIM group.

    Args:
        protocol_period: T', seconds between two probes by one member.
        ping_timeout: seconds to wait for a direct ack; less than ``protocol_period``.
        indirect_probes: k, members asked for an indirect probe (an int >= 0).
        suspicion_timeout: seconds from suspicion to confirmation, or ``None`` (the
            default) for ``SUSPICION_MULTIPLIER * max(1, ln n)`` protocol periods in a
            group of ``n`` (see :meth:`suspicion_timeout_for`).
        dissemination_factor: lambda, a number > 0.
        max_piggyback: most updates per message (an int >= 1).
        ping_targets: ``"round-robin"`` or ``"random"`` (see :data:`PING_TARGETS`).

    Raises:
        InvalidArgument: a setting outside what is allowed (the message says which).
    """

    protocol_period: float = PROTOCOL_PERIOD
    ping_timeout: float = PING_TIMEOUT
    indirect_probes: int = INDIRECT_PROBES
    suspicion_timeout: float | None = None
    dissemination_factor: float = DISSEMINATION_FACTOR
    max_piggyback: int = MAX_PIGGYBACK
    ping_targets: str = ROUND_ROBIN

    def __post_init__(self) -> None:
        check_times(self, ["protocol_period", "ping_timeout"])
        if self.suspicion_timeout is not None:
            check_times(self, ["suspicion_timeout"])
        if self.ping_timeout >= self.protocol_period:
            raise invalid(
                "ping_timeout",
                self.ping_timeout,
                f"must be shorter than protocol_period ({self.protocol_period!r})",
            )
        for name, least in (("indirect_probes", 0), ("max_piggyback", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise invalid(name, value, f"must be an int >= {least}")
        factor = self.dissemination_factor
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not factor > 0:
            raise invalid("dissemination_factor", factor, "must be a number > 0")
        if not math.isfinite(factor):
            raise invalid("dissemination_factor", factor, "must be a finite number > 0")
        if self.ping_targets not in PING_TARGETS:
            raise invalid("ping_targets", self.ping_targets, f"must be one of {PING_TARGETS}")

    def suspicion_timeout_for(self, group_size: int) -> float:
        """Seconds from suspicion to confirmation in a group of ``group_size`` members.

        The ``suspicion_timeout`` given, else ``SUSPICION_MULTIPLIER * max(1, ln n)``
        protocol periods: 4 s at 2 members, 6.4 s at 5, 18.4 s at 100, 36.8 s at 10,000.
        """
        if self.suspicion_timeout is not None:
            return self.suspicion_timeout
        scale = max(1.0, math.log(group_size))
        return SUSPICION_MULTIPLIER * scale * self.protocol_period

    def transmissions(self, group_size: int) -> int:
        """How many times an update is piggybacked in a group of ``group_size`` members."""
        return max(1, math.ceil(self.dissemination_factor * math.log(group_size)))
