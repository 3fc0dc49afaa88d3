"""Make docs/pictures/swim_scaling.png (and its data, swim_scaling.json) for docs/swim.md.

Deterministic: the same seed gives the same figures. Takes some minutes (20 crashes
in groups of up to 10,000 members).

Run from the repository root: ``PYTHONPATH=. python docs/pictures/make_swim_scaling.py``
(``--replot``: draw the figure again from swim_scaling.json, without measuring).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import matplotlib.pyplot as plt

from distsys_edu.experiments.swim_scaling import SwimScalingResult, swim_scaling
from distsys_edu.viz.swim_plot import plot_swim_scaling

HERE = Path(__file__).resolve().parent
SIZES = (10, 100, 1000, 10_000)
RUNS = 20


def main() -> None:
    data = HERE / "swim_scaling.json"
    if "--replot" in sys.argv[1:]:
        result = SwimScalingResult(**json.loads(data.read_text()))
    else:
        result = swim_scaling(SIZES, runs=RUNS, seed=0)
        data.write_text(json.dumps(result.to_dict(), indent=1) + "\n")
    figure = plot_swim_scaling(result)
    figure.savefig(HERE / "swim_scaling.png", dpi=80, metadata={"Software": None})
    plt.close(figure)
    print("wrote docs/pictures/swim_scaling.png and swim_scaling.json")


if __name__ == "__main__":
    main()
