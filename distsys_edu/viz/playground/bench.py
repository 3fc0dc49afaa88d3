"""How fast the playground plays: frames per second, driven in-process.

A frame is what one tick of play costs the kernel: the simulation advances one
frame of virtual time, the picture's artists change, and the canvas renders the
PNG that the browser would be sent. ``benchmarks/render.py`` reports
:func:`playground_fps` at 25 nodes as ``playground_fps_25``; run this module to
print it alone: ``python -m distsys_edu.viz.playground.bench``.
"""

from __future__ import annotations

import json
import time

from .widget import Playground

WARM_UP_FRAMES = 5


def playground_fps(nodes: int = 25, frames: int = 60, protocol: str = "raft") -> float:
    """Frames per second (wall clock) of a playground of ``nodes`` nodes playing ``frames`` frames.

    Each frame advances 0.05 s of virtual time (the default speed), after
    :data:`WARM_UP_FRAMES` frames that are not timed.
    """
    widget = Playground(protocol, nodes=nodes)
    for _ in range(WARM_UP_FRAMES):
        widget.next_frame()
        widget.picture.draw()
    started = time.perf_counter()
    for _ in range(frames):
        widget.next_frame()
        widget.picture.draw()
    return frames / (time.perf_counter() - started)


if __name__ == "__main__":  # pragma: no cover - a script
    print(json.dumps({"playground_fps_25": round(playground_fps(25), 1)}))
