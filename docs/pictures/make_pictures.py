"""Make the pictures of docs/pictures.md from real runs (deterministic: same PNGs each time).

Run from the repository root: ``PYTHONPATH=. python docs/pictures/make_pictures.py``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import matplotlib.pyplot as plt

from distsys_edu.experiments.detector_tradeoff import detector_tradeoff
from distsys_edu.experiments.election_time import election_time
from distsys_edu.experiments.log_scenarios import stale_leader
from distsys_edu.protocols import spawn
from distsys_edu.runtime import LinkConfig, Sim, Uniform
from distsys_edu.viz import (
    draw_cluster,
    plot_detector_tradeoff,
    plot_election_times,
    plot_message_counts,
    timeline,
)
from distsys_edu.viz.draw import cluster_figure

HERE = Path(__file__).resolve().parent
LATENCY = LinkConfig(latency=Uniform(0.005, 0.020))
DPI = 100


def save(figure: plt.Figure, name: str) -> None:
    figure.savefig(HERE / name, dpi=DPI, metadata={"Software": None})
    plt.close(figure)
    print(f"wrote docs/pictures/{name}")


def raft_electing() -> None:
    """The first election of a Raft cluster: a candidate, votes on their way."""
    sim = Sim(seed=1, network=LATENCY)
    spawn(sim, "raft", 5)
    first = None
    while first is None and sim.step():
        roles = [sim.annotations(n).get("role") for n in sim.nodes]
        first = "candidate" in roles or None
    sim.run_for(0.008)
    save(draw_cluster(sim).ax.figure, "raft_electing.png")


def leader_crash() -> None:
    """A leader crashes: the followers still believe in it until their timers run out."""
    sim = Sim(seed=1, network=LATENCY, faults=["1 crash n5"])
    spawn(sim, "raft", 5)
    sim.run(until=1.1)
    save(draw_cluster(sim).ax.figure, "leader_crash.png")
    sim.run(until=1.6)
    save(timeline(sim.trace, start=0.85, end=1.55).ax.figure, "leader_crash_timeline.png")


def bully_split_brain() -> None:
    """Bully under a partition: each side elects its own leader."""
    sim = Sim(seed=0, network=LATENCY)
    spawn(sim, "bully", 5)
    sim.run(until=2.0)
    sim.partition(["n1", "n2", "n3"], ["n4", "n5"])
    sim.run(until=6.0)
    save(draw_cluster(sim).ax.figure, "bully_split_brain.png")


def pause() -> None:
    """A paused leader: the others cannot tell it from a crash, elect anew, and it comes back."""
    sim = Sim(seed=2, network=LATENCY, faults=["1 pause n3 0.6"])
    spawn(sim, "raft", 5)
    sim.run(until=1.45)
    save(draw_cluster(sim).ax.figure, "pause.png")
    sim.run(until=2.0)
    save(timeline(sim.trace, start=0.9, end=1.9).ax.figure, "pause_timeline.png")


def stale_leader_logs() -> None:
    """A cut-off leader's log beside the new leader's, then after the heal (lesson 08)."""
    sim = stale_leader(seed=0)
    save(cluster_figure(sim.trace, 2.99), "stale_leader_logs.png")
    sim.run(until=4.5)
    save(timeline(sim.trace, start=3.0, end=3.08).ax.figure, "stale_leader_timeline.png")


def plots() -> None:
    ranges = ((0.150, 0.150), (0.150, 0.155), (0.150, 0.175), (0.150, 0.200), (0.150, 0.300))
    results = [election_time(timeout=r, trials=200, progress=False) for r in ranges]
    save(plot_election_times(results).figure, "election_times.png")
    detectors = [
        detector_tradeoff(kind, runs=3, duration=300, progress=False)
        for kind in ("fixed", "adaptive", "phi")
    ]
    save(plot_detector_tradeoff(detectors).figure, "detector_tradeoff.png")
    save(plot_message_counts().figure, "message_counts.png")


if __name__ == "__main__":
    raft_electing()
    leader_crash()
    bully_split_brain()
    pause()
    stale_leader_logs()
    plots()
