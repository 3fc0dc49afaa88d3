"""The playground leaves the notebook's matplotlib backend alone: ipympl switches pyplot
to itself when first imported, which turned every later figure of a lesson into a widget."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

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


def test_in_a_notebook_figures_drawn_after_a_playground_are_still_pictures():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from distsys_edu.viz import Playground\nPlayground('raft')"),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2]);"),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute(env=env)
    outputs = nb.cells[1].outputs
    assert [sorted(o.get("data", {})) for o in outputs] == [["image/png", "text/plain"]]
