"""A worked answer to lesson 05's second exercise (:mod:`distsys_edu.exercises.timeouts`)."""

from __future__ import annotations

from ..timeouts import TimeoutChoice as Base

LOWEST_TIMEOUT_LATENCIES = 15
"""The lowest election timeout, in one-way latencies: a vote round and a heartbeat take
about three, so a voter does not stand again before the new leader's heartbeat."""


class TimeoutChoice(Base):
    """Everything in units of the latency: 15 to 30 latencies, heartbeat a third of the
    lowest timeout. On a 5-10 ms network that is the paper's 150-300 ms."""

    def election_timeout(self, latency: tuple[float, float]) -> tuple[float, float]:
        low = LOWEST_TIMEOUT_LATENCIES * latency[1]
        return (low, 2 * low)  # a range as wide as the lowest timeout

    def heartbeat_interval(self, latency: tuple[float, float]) -> float:
        return self.election_timeout(latency)[0] / 3
