"""A worked answer to lesson 05's second exercise (:mod:`distsys_edu.exercises.timeouts`)."""

from __future__ import annotations


class TimeoutChoice:
    """Everything in units of the latency: 15 to 30 one-way latencies, and a heartbeat a
    third of the lowest timeout. On a 5-10 ms network that is the paper's 150-300 ms."""

    LOWEST = 15  # latencies: a vote round trip and a heartbeat take about three

    def election_timeout(self, latency: tuple[float, float]) -> tuple[float, float]:
        low = self.LOWEST * latency[1]
        return (low, 2 * low)  # a range as wide as the lowest timeout: many delays

    def heartbeat_interval(self, latency: tuple[float, float]) -> float:
        return self.election_timeout(latency)[0] / 3  # two late beats are no reason
