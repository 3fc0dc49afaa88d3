"""Every figure the lessons, the docs and the exercise boxes show, built as they build it.

Each builder returns the figure; :data:`FIGURES` names each with where it is shown and the
width (in pixels) at which a reader sees it there:

- a lesson figure goes through the notebook's inline backend (``figure.dpi``, cropped to
  what is drawn) into an output column ``shown.NOTEBOOK_WIDTH_PX`` wide (JupyterLab at
  1400 px with its file browser open, measured), scaled down to fit when it is wider;
- a docs picture is saved by ``docs/pictures/make_pictures.py`` at its ``DPI`` and shown on a
  page at most ``shown.DOCS_WIDTH_PX`` wide (docs_figures.py);
- the exercise box shows :func:`~distsys_edu.viz.draw.cluster_png` at its own size.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

import matplotlib.pyplot as plt
from docs_figures import DOCS_FIGURES
from matplotlib.figure import Figure
from shown import Shown, in_notebook, root

from distsys_edu import Actor, Context, Sim, Supervisor, Uniform
from distsys_edu.checks import explore, one_leader_per_term, run_once
from distsys_edu.exercises import replay
from distsys_edu.exercises.broken import spawn_broken
from distsys_edu.exercises.dedup import Deposit
from distsys_edu.exercises.feedback import message_window
from distsys_edu.exercises.phi import phi_series, reference
from distsys_edu.exercises.result import FAILED
from distsys_edu.exercises.runner import EXERCISES
from distsys_edu.exercises.solutions.phi import PhiDetector
from distsys_edu.experiments.detector_tradeoff import detector_tradeoff
from distsys_edu.experiments.election_time import election_time
from distsys_edu.experiments.log_scenarios import (
    FIGURE8_CRASH,
    catch_up,
    figure8,
    first_command_sent,
    stale_leader,
    with_client,
)
from distsys_edu.protocols import blog, bully, raft, ring, spawn
from distsys_edu.runtime import Constant, LinkConfig
from distsys_edu.runtime.supervisor import HandlerFailureWarning
from distsys_edu.viz import (
    draw_cluster,
    plot_detector_tradeoff,
    plot_election_times,
    plot_message_counts,
    timeline,
)
from distsys_edu.viz.draw import BOX_DPI, cluster_figure, draw_logs, timeline_figure
from distsys_edu.viz.phi_plot import phi_figure

# ---- lesson 00 and 01


def lesson00_cluster() -> Figure:
    sim = Sim(seed=1)
    spawn(sim, "raft", 5)
    sim.run(until=1.0)
    return root(draw_cluster(sim).ax)


class _Greeter(Actor):
    def started(self, ctx: Context) -> None:
        self.n = 0
        ctx.run_interval(0.010, self.greet)

    def greet(self, ctx: Context) -> None:
        if self.n < 5:
            self.n += 1
            ctx.addr("listener").do_send(_Hello(self.n))


@dataclass(frozen=True)
class _Hello:
    n: int


class _Listener(Actor):
    def on__hello(self, msg: _Hello, ctx: Context) -> None:
        pass


def lesson01_timeline() -> Figure:
    sim = Sim(seed=3)
    sim.set_network(latency=Uniform(0.001, 0.100), loss=0.2, duplication=0.3)
    sim.spawn("greeter", _Greeter)
    sim.spawn("listener", _Listener)
    sim.run(until=1.0)
    return root(timeline(sim.trace, end=0.16).ax)


# ---- lesson 02


def _blog(until: float) -> Sim:
    sim = Sim(seed=1)
    blog.spawn_cluster(sim, 4)
    sim.run(until=until)
    return sim


def lesson02_cluster() -> Figure:
    return root(draw_cluster(_blog(5.0)).ax)


def lesson02_partitioned() -> Figure:
    sim = _blog(5.0)
    sim.partition(["n1"], ["n2", "n3", "n4"])
    sim.run(until=10.0)
    return root(draw_cluster(sim).ax)


def lesson02_supervised() -> Figure:
    sim = Sim(seed=1)
    config = blog.BlogConfig()
    sim.spawn(
        "n1", partial(blog.Leader, config), supervisor=Supervisor(max_restarts=3, within=10.0)
    )
    for name in ["n2", "n3"]:
        sim.spawn(name, partial(blog.Follower, "n1", config))
    sim.run(until=5.0)
    sim.crash("n3")
    with warnings.catch_warnings():  # the lesson shows the supervisor's failures: expected
        warnings.simplefilter("ignore", HandlerFailureWarning)
        sim.run(until=15.0)
    return root(timeline(sim.trace, start=4.5, end=9.5).ax)


# ---- lesson 03


def lesson03_paused() -> Figure:
    sim = Sim(seed=3, faults=["1 pause n5 0.5"])
    bully.spawn_cluster(sim, 5)
    sim.run(until=2.0)
    return root(draw_cluster(sim.trace, 1.47).ax)


def lesson03_tradeoff() -> Figure:
    fixed = detector_tradeoff("fixed", duration=300.0, runs=3, progress=False)
    phi = detector_tradeoff("phi", duration=300.0, runs=3, progress=False)
    return root(plot_detector_tradeoff([fixed, phi]))


# ---- lesson 04

_SLOW = LinkConfig(latency=Constant(0.01))


def _bully_crash() -> Sim:
    sim = Sim(seed=4, network=_SLOW, faults=["1 crash n5"])
    bully.spawn_cluster(sim, 5)
    sim.run(until=2.0)
    return sim


def lesson04_bully_timeline() -> Figure:
    return root(timeline(_bully_crash().trace, 1.38, 1.5).ax)


def lesson04_bully_cluster() -> Figure:
    return root(draw_cluster(_bully_crash()).ax)


def lesson04_ring_timeline() -> Figure:
    sim = Sim(seed=0, network=_SLOW)
    ring.spawn_cluster(sim, 5, order="descending")
    sim.run(until=0.3)
    return root(timeline(sim.trace, 0.0, 0.12).ax)


def lesson04_message_counts() -> Figure:
    return root(plot_message_counts())


# ---- lesson 05


def _cut(protocol: str) -> Sim:
    sim = Sim(seed=5, faults=["3 partition n1,n5|n2,n3,n4", "8 heal"])
    spawn(sim, protocol, 5)
    sim.run(until=12)
    return sim


def lesson05_two_clusters() -> Figure:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
    for ax, protocol in zip(axes, ("bully", "raft"), strict=True):
        draw_cluster(_cut(protocol), t=7.9, ax=ax, legend=False)
        ax.set_title(protocol, loc="right")
    return fig


def lesson05_step_down() -> Figure:
    return root(timeline(_cut("raft").trace, 8.027, 8.031).ax)


def lesson05_first_election() -> Figure:
    sim = Sim(seed=1)
    raft.spawn_cluster(sim, 5)
    sim.run(until=0.4)
    return root(timeline(sim.trace, 0, 0.4).ax)


def lesson05_figure16() -> Figure:
    """As the lesson draws it, with 20 trials a range instead of 100 (the labels are the same
    but for the counts of unfinished trials)."""
    top = [(0.150, 0.150), (0.150, 0.151), (0.150, 0.155), (0.150, 0.175), (0.150, 0.200)]
    top.append((0.150, 0.300))
    bottom = [(0.012, 0.024), (0.025, 0.050), (0.050, 0.100), (0.100, 0.200), (0.150, 0.300)]
    sweep = {
        r: election_time(timeout=r, trials=20, max_election_time=10.0, progress=False)
        for r in top + bottom
    }
    fig, (upper, lower) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    plot_election_times([sweep[r] for r in top], ax=upper, legend_loc="below")
    plot_election_times([sweep[r] for r in bottom], ax=lower)
    upper.set_title("more randomness (lowest timeout 150 ms)", fontsize=10)
    lower.set_title("shorter timeouts (range as wide as the lowest)", fontsize=10)
    return fig


# ---- lesson 06


@cache  # one exploration for the three pictures of its violation
def _violation() -> tuple[Sim, float]:
    result = explore(
        spawn_broken,
        runs=30,
        seed=0,
        invariants=["one_leader_per_term"],
        max_shrink=1,
        progress=False,
    )
    found = result.shortest()
    assert found is not None
    sim = run_once(spawn_broken, found.seed, found.minimal or [])
    return sim, one_leader_per_term(sim.trace)[0].t


def lesson06_broken_cluster() -> Figure:
    sim = Sim(seed=3)
    spawn_broken(sim, 5)
    sim.run(until=2)
    return root(draw_cluster(sim).ax)


def lesson06_violation_timeline() -> Figure:
    sim, t = _violation()
    return root(timeline(sim.trace, t - 0.03, t + 0.005).ax)


def lesson06_violation_cluster() -> Figure:
    sim, t = _violation()
    return root(draw_cluster(sim, t).ax)


# ---- lesson 07


def _lesson07_sim() -> Sim:
    sim = Sim(
        seed=1,
        faults=[
            "1 crash n5",
            "2 restart n5",
            "2.5 pause n2 1.0",
            "4.5 partition n1,n2|n3,n4,n5",
            "6 heal",
        ],
    )
    spawn(sim, "raft", 5)
    sim.run(until=7)
    return sim


def lesson07_sim_timeline() -> Figure:
    return root(timeline(_lesson07_sim().trace, start=3.2, end=3.8).ax)


def lesson07_partition_at_the_edge() -> Figure:
    """The real cluster's window in lesson 07 varies from run to run; this one puts its
    partition where the label collided with the legend: near the window's right edge."""
    return root(timeline(_lesson07_sim().trace, start=4.0, end=4.52).ax)


# ---- lesson 08


def lesson08_cluster_with_logs() -> Figure:
    sim, _ = with_client(seed=0, ops=6)
    sim.run(until=2.0)
    return root(draw_cluster(sim).ax)


def lesson08_commit_timeline() -> Figure:
    sim, _ = with_client(seed=0, ops=6)
    sim.run(until=2.0)
    sent = first_command_sent(sim.trace)
    return root(timeline(sim.trace, start=sent - 0.002, end=sent + 0.04).ax)


def _two_logs(sim: Sim, first: float, second: float) -> Figure:
    """Two log pictures side by side, as lesson 08 draws them."""
    figure, axes = plt.subplots(1, 2, figsize=(13, 3.8), layout="constrained")
    draw_logs(sim.trace, first, ax=axes[0])
    draw_logs(sim.trace, second, ax=axes[1])
    return figure


def lesson08_catch_up() -> Figure:
    return _two_logs(catch_up(seed=0), 2.49, 2.6)


def lesson08_stale_leader() -> Figure:
    return _two_logs(stale_leader(seed=0), 2.99, 4.0)


def lesson08_figure8() -> Figure:
    return _two_logs(figure8(), FIGURE8_CRASH - 0.01, 8.0)


def lesson08_long_logs() -> Figure:
    """More entries than the picture shows: it leaves the oldest out and says so."""
    return root(draw_logs(catch_up(seed=0, until=12.0).trace, 12.0))


# ---- the exercise box


def exercise_box_cluster() -> Figure:
    """The figure :func:`~distsys_edu.viz.draw.cluster_png` draws, at its dpi."""
    sim, t = _violation()
    return cluster_figure(sim, t)


class DoubledPhi(PhiDetector):
    """A wrong phi detector: twice the right phi."""

    def phi(self, t: float) -> float:
        return 2 * super().phi(t)


class AddsEveryArrival(Actor):
    """A wrong Account: adds every Deposit that arrives, duplicates included."""

    def __init__(self) -> None:
        self.balance = 0

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        self.balance += msg.amount
        ctx.annotate(balance=self.balance)


def _first_failure(exercise: str, answer: type) -> tuple[Any, float]:
    """The world and the moment of the first scenario ``answer`` fails."""
    outcome = next(o for o in EXERCISES[exercise].check(answer).outcomes if o.status == FAILED)
    assert outcome.at is not None
    return replay(exercise, outcome.scenario, answer), outcome.at


def exercise_box_phi() -> Figure:
    """A phi scenario's box: the learner's phi and the right one against the threshold."""
    sim, at = _first_failure("phi", DoubledPhi)
    times, learner, right = phi_series(sim)
    return phi_figure(times, learner, right, threshold=reference().threshold, mark=at)


def exercise_box_timeline() -> Figure:
    """A two-node scenario's box: its messages, over the window they span."""
    sim, at = _first_failure("deduplication", AddsEveryArrival)
    return timeline_figure(sim.trace, *message_window(sim, at), mark=at)[0]


def exercise_box_cluster_with_logs() -> Figure:
    """The same for servers that publish logs: the logs go under the picture."""
    return cluster_figure(stale_leader(seed=0).trace, 2.99)


FIGURES: dict[str, tuple[Callable[[], Figure], Callable[[Figure], Shown]]] = {
    "lesson00_cluster": (lesson00_cluster, in_notebook),
    "lesson01_timeline": (lesson01_timeline, in_notebook),
    "lesson02_cluster": (lesson02_cluster, in_notebook),
    "lesson02_partitioned": (lesson02_partitioned, in_notebook),
    "lesson02_supervised": (lesson02_supervised, in_notebook),
    "lesson03_paused": (lesson03_paused, in_notebook),
    "lesson03_tradeoff": (lesson03_tradeoff, in_notebook),
    "lesson04_bully_timeline": (lesson04_bully_timeline, in_notebook),
    "lesson04_bully_cluster": (lesson04_bully_cluster, in_notebook),
    "lesson04_ring_timeline": (lesson04_ring_timeline, in_notebook),
    "lesson04_message_counts": (lesson04_message_counts, in_notebook),
    "lesson05_two_clusters": (lesson05_two_clusters, in_notebook),
    "lesson05_step_down": (lesson05_step_down, in_notebook),
    "lesson05_first_election": (lesson05_first_election, in_notebook),
    "lesson05_figure16": (lesson05_figure16, in_notebook),
    "lesson06_broken_cluster": (lesson06_broken_cluster, in_notebook),
    "lesson06_violation_timeline": (lesson06_violation_timeline, in_notebook),
    "lesson06_violation_cluster": (lesson06_violation_cluster, in_notebook),
    "lesson07_sim_timeline": (lesson07_sim_timeline, in_notebook),
    "lesson07_partition_at_the_edge": (lesson07_partition_at_the_edge, in_notebook),
    "lesson08_cluster_with_logs": (lesson08_cluster_with_logs, in_notebook),
    "lesson08_commit_timeline": (lesson08_commit_timeline, in_notebook),
    "lesson08_catch_up": (lesson08_catch_up, in_notebook),
    "lesson08_stale_leader": (lesson08_stale_leader, in_notebook),
    "lesson08_figure8": (lesson08_figure8, in_notebook),
    "lesson08_long_logs": (lesson08_long_logs, in_notebook),
    "exercise_box_cluster": (exercise_box_cluster, lambda f: Shown(f, f.get_figwidth() * BOX_DPI)),
    "exercise_box_phi": (exercise_box_phi, lambda f: Shown(f, f.get_figwidth() * 80)),
    "exercise_box_timeline": (
        exercise_box_timeline,
        lambda f: Shown(f, f.get_figwidth() * BOX_DPI),
    ),
    "exercise_box_cluster_with_logs": (
        exercise_box_cluster_with_logs,
        lambda f: Shown(f, f.get_figwidth() * BOX_DPI),
    ),
    **DOCS_FIGURES,
}
"""Name: (builder, how it is shown)."""
