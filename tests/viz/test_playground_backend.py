"""The playground leaves the notebook's matplotlib backend alone: ipympl switches pyplot
to itself when first imported, which turned every later figure of a lesson into a widget."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot
from matplotlib.figure import Figure
from distsys_edu.viz.playground.picture import interactive_canvas
interactive_canvas(Figure())
print(matplotlib.get_backend())
"""


def test_an_interactive_canvas_keeps_the_pyplot_backend():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "agg"
