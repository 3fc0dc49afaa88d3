"""Make the pictures of docs/linearizability.md: a stale read, and a real Jepsen history.

Deterministic (no randomness, no clock in the pictures).

Run from the repository root: ``PYTHONPATH=. python docs/pictures/make_history.py``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import matplotlib.pyplot as plt

from distsys_edu.checks import History, Operation, linearizable
from distsys_edu.viz import history

HERE = Path(__file__).resolve().parent
ETCD = HERE.parents[1] / "tests" / "checks" / "data" / "porcupine" / "etcd_000.log"
DPI = 80

STALE_READ = History(
    (
        Operation("c1", "write", 1, None, 0.0, 1.0),
        Operation("c2", "read", None, None, 0.5, 1.5, 1),
        Operation("c3", "write", 2, None, 2.0, None),
        Operation("c2", "read", None, None, 2.2, 3.0, None),
        Operation("c1", "read", None, None, 1.8, 2.6, 1),
    )
)


def save(figure: plt.Figure, name: str) -> None:
    figure.savefig(HERE / name, dpi=DPI)
    plt.close(figure)
    print(HERE / name)


def main() -> None:
    save(history(linearizable(STALE_READ)), "history_stale_read.png")
    save(history(linearizable(ETCD), max_ops=20), "history_etcd_000.png")


if __name__ == "__main__":
    main()
