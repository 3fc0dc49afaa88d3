"""Render: how fast the cluster picture redraws, and how long an animation takes to export.

* ``frame_ms_25_median`` / ``frame_ms_100_median``: one frame of a 25- (100-) node
  Raft cluster: ``ClusterView.update(snapshot, timers=...)`` then ``render()`` on an
  Agg canvas, over frames 10 ms of virtual time apart (messages and timers move every
  frame; nodes, links and beliefs when they change). Targets: 50 ms and 200 ms.
  The snapshots are taken before timing: building one is the runtime's work.
* ``frame_ms_25_cluster_change_median`` / ``frame_ms_100_cluster_change_median``: the
  same frames when nodes, links and beliefs are redrawn too (what a frame costs when
  a role, a status or a link changes; the legends are never redrawn).
* ``animate_s_10s_at_10fps``: wall seconds of ``animate`` over 10 s of a 5-node
  cluster at 10 frames a second (101 frames), HTML included; ``animate_bytes`` its size.
* ``playground_fps_25``: frames a second of a 25-node ``Playground`` playing, driven
  in-process: each frame advances 0.05 s of virtual time (the default speed), changes the
  picture's artists and renders the canvas the browser would be sent. Target: 10.

Run: ``PYTHONPATH=. python benchmarks/render.py``.
"""

from __future__ import annotations

import statistics
import time

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

from _common import emit, machine, progress, timed
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from distsys_edu.protocols import spawn
from distsys_edu.runtime import LinkConfig, Sim, Uniform
from distsys_edu.viz.animate import animate
from distsys_edu.viz.cluster import ClusterView
from distsys_edu.viz.playground import Playground

FRAMES = 30
PLAYGROUND_WARM_UP_FRAMES = 5
LATENCY = LinkConfig(latency=Uniform(0.005, 0.020))


def frame_ms(nodes: int) -> tuple[float, float]:
    """Median milliseconds of a frame, and of a frame in which the cluster changed."""
    sim = Sim(seed=1, network=LATENCY)
    spawn(sim, "raft", nodes)
    sim.run(until=1.0)
    frames = []
    for _ in range(FRAMES):
        sim.run_for(0.01)
        frames.append((sim.snapshot(), sim.pending_timers()))
    figure = Figure(figsize=(10, 6.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    ax, legend_ax = figure.subplots(1, 2, width_ratios=(3, 1))
    view = ClusterView(ax, sim.nodes, legend_ax=legend_ax)
    view.update(frames[0][0], timers=frames[0][1])
    view.render()
    quick, full = [], []
    for snapshot, timers in frames:
        start = time.perf_counter()
        view.update(snapshot, timers=timers)
        view.render()
        quick.append(time.perf_counter() - start)
    for snapshot, timers in frames[: FRAMES // 3]:
        start = time.perf_counter()
        view._slow_key = None  # forget the last frame: redraw nodes, links and beliefs
        view.update(snapshot, timers=timers)
        view.render()
        full.append(time.perf_counter() - start)
    return statistics.median(quick) * 1e3, statistics.median(full) * 1e3


def playground_fps(nodes: int, frames: int = 60) -> float:
    """Frames a second (wall clock) of a Raft playground of ``nodes`` nodes playing."""
    widget = Playground("raft", nodes=nodes)
    for _ in range(PLAYGROUND_WARM_UP_FRAMES):
        widget.next_frame()
        widget.picture.draw()
    started = time.perf_counter()
    for _ in range(frames):
        widget.next_frame()
        widget.picture.draw()
    return frames / (time.perf_counter() - started)


def main() -> None:
    result: dict[str, object] = {}
    for nodes in (25, 100):
        progress(f"render: {FRAMES} frames of a {nodes}-node cluster ...")
        quick, full = frame_ms(nodes)
        result[f"frame_ms_{nodes}_median"] = round(quick, 2)
        result[f"frame_ms_{nodes}_cluster_change_median"] = round(full, 2)
    progress("animate: 10 s of a 5-node cluster at 10 fps ...")
    sim = Sim(seed=1, network=LATENCY, faults=["4 crash n1", "6 restart n1"])
    spawn(sim, "raft", 5)
    sim.run(until=10.5)
    movie = []
    result["animate_s_10s_at_10fps"] = round(
        timed(lambda: movie.append(animate(sim, 0.0, 10.0, fps=10))), 2
    )
    result["animate_bytes"] = movie[0].size
    progress("playground: 60 frames of a 25-node cluster ...")
    result["playground_fps_25"] = round(playground_fps(25), 1)
    result["targets"] = {
        "frame_ms_25_median": 50,
        "frame_ms_100_median": 200,
        "playground_fps_25": 10,
    }
    result["machine"] = machine()
    emit(result)


if __name__ == "__main__":
    main()
