"""Plausible but wrong timeouts for lesson 05, one mistake each."""

from __future__ import annotations

from distsys_edu.exercises.solutions.timeouts import TimeoutChoice


class PaperConstants(TimeoutChoice):
    """The paper's 150-300 ms whatever the network."""

    def election_timeout(self, latency: tuple[float, float]) -> tuple[float, float]:
        return (0.150, 0.300)

    def heartbeat_interval(self, latency: tuple[float, float]) -> float:
        return 0.075


class NoRandomness(TimeoutChoice):
    """Scaled with the latency, but the same timeout for everyone."""

    def election_timeout(self, latency: tuple[float, float]) -> tuple[float, float]:
        return (15 * latency[1], 15 * latency[1])


class NarrowRange(TimeoutChoice):
    """Randomized by one latency only."""

    def election_timeout(self, latency: tuple[float, float]) -> tuple[float, float]:
        return (15 * latency[1], 16 * latency[1])


class TooShort(TimeoutChoice):
    """Two to four latencies: shorter than a vote and a heartbeat."""

    def election_timeout(self, latency: tuple[float, float]) -> tuple[float, float]:
        return (2 * latency[1], 4 * latency[1])


class TooSlow(TimeoutChoice):
    """A hundred to two hundred latencies: safe, but a long wait."""

    def election_timeout(self, latency: tuple[float, float]) -> tuple[float, float]:
        return (100 * latency[1], 200 * latency[1])


class RareHeartbeat(TimeoutChoice):
    """A heartbeat just under the lowest timeout: a late one lets a follower stand."""

    def heartbeat_interval(self, latency: tuple[float, float]) -> float:
        return self.election_timeout(latency)[0] - 0.01 * latency[1]


# -- fresh wrong answers, written from lesson 05's text alone, as a learner would ----------


class FreshHeartbeatAtTheTimeout(TimeoutChoice):
    """'The leader must beat before the timeout': a heartbeat as long as the lowest timeout."""

    def heartbeat_interval(self, latency: tuple[float, float]) -> float:
        return self.election_timeout(latency)[0]


class FreshRoundTrips(TimeoutChoice):
    """'A vote is a round trip': two to three round trips of the high latency."""

    def election_timeout(self, latency: tuple[float, float]) -> tuple[float, float]:
        return (4 * latency[1], 6 * latency[1])

    def heartbeat_interval(self, latency: tuple[float, float]) -> float:
        return latency[1]
