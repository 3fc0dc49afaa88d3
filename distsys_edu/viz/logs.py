"""Each node's replicated log, as RaftScope draws it: one row a node, one small box an
entry, coloured by its term and labelled with it, the commit index marked.

Read from the published annotations only (``log``, run-length ``((term, count), ...)``,
and ``commit_index``, as :mod:`distsys_edu.protocols.raftlog` publishes them), at
one virtual time: the picture shows what each node's disk held and what it knew to be
committed at that instant. Meaning never rests on colour alone: every box carries its
term as a number; entries up to the commit index have a solid black edge, the rest a
dashed grey one and a paler fill; the commit index is a thick bar after its entry.
A node that is down keeps its log (it is on its disk): given the trace, its row
shows the log it last published, faded and labelled DOWN, with no commit index (that
was in its memory). A long log shows its newest :data:`SHOWN_ENTRIES` indices and says
which it leaves out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

from ..runtime import Snapshot, Trace
from .style import GREY, OKABE_ITO

__all__ = [
    "SHOWN_ENTRIES",
    "LogRow",
    "draw_log_rows",
    "last_published_logs",
    "log_rows",
    "term_colour",
]

SHOWN_ENTRIES = 16
"""At most this many log indices are drawn: the newest ones."""

TERM_COLOURS = tuple(
    OKABE_ITO[name]
    for name in ("sky_blue", "orange", "bluish_green", "yellow", "reddish_purple", "blue")
)
"""Term 1 is the first colour, term 2 the second..., round again after the last."""


def term_colour(term: int) -> str:
    """The fill of an entry of ``term`` (terms from 1)."""
    return TERM_COLOURS[(term - 1) % len(TERM_COLOURS)]


@dataclass(frozen=True)
class LogRow:
    """One node's log as published: its name, status, role, the terms of its entries
    (index 1 first) and its commit index (``None``: it publishes no log)."""

    name: str
    status: str
    role: str | None
    terms: tuple[int, ...] | None
    commit_index: int


Runs = tuple[tuple[int, int], ...]


def last_published_logs(trace: Trace, t: float) -> dict[str, Runs]:
    """The ``log`` each node last published at or before ``t`` (through crashes: the
    log is on the disk); empty for a trace that keeps no annotations."""
    logs: dict[str, Runs] = {}
    for e in trace:
        if e.t > t:
            break
        if e.kind == "annotate" and e.node is not None and e.data.get("log") is not None:
            logs[e.node] = e.data["log"]
    return logs


def log_rows(
    snapshot: Snapshot,
    nodes: Sequence[str] | None = None,
    disks: dict[str, Runs] | None = None,
) -> list[LogRow]:
    """The log of each of ``nodes`` at ``snapshot.t`` (default: every node that publishes
    a log, has one in ``disks`` or is down: not the clients);
    for a node that publishes none now (it is down), its entry in ``disks``, if any
    (see :func:`last_published_logs`), with commit index 0."""
    disks = disks or {}
    if nodes is None:  # servers: who publishes a log, has one on disk, or is down
        nodes = [
            n
            for n, view in snapshot.nodes.items()
            if "log" in view.annotations or n in disks or view.status != "up"
        ]
    rows = []
    for name in nodes:
        view = snapshot.nodes.get(name)
        notes: dict[str, Any] = {} if view is None else view.annotations
        runs = notes.get("log", disks.get(name))
        terms = None if runs is None else tuple(t for t, count in runs for _ in range(count))
        status = "not started" if view is None else view.status
        role = notes.get("role")
        rows.append(LogRow(name, status, role, terms, int(notes.get("commit_index", 0))))
    return rows


def _text_colour(fill: str) -> str:
    red, green, blue = to_rgb(fill)
    return "white" if 0.299 * red + 0.587 * green + 0.114 * blue < 0.5 else "black"


def draw_log_rows(ax: Axes, rows: Sequence[LogRow], *, title: str | None = None) -> None:
    """Draw ``rows`` into ``ax`` (cleared first), one row a node, top to bottom."""
    ax.clear()
    longest = max((len(r.terms) for r in rows if r.terms is not None), default=0)
    first = max(1, longest - SHOWN_ENTRIES + 1)
    last = first + SHOWN_ENTRIES - 1  # boxes of one size, however long the logs
    for y, row in enumerate(rows):
        up = row.status == "up"
        label = row.name + ("" if row.role is None or not up else f" ({row.role})")
        if not up:
            label += f" {row.status.upper()}" + (
                " (its disk)" if row.status == "down" and row.terms else ""
            )
        ax.text(first - 0.7, -y, label, ha="right", va="center", fontsize=10,
                color="black" if up else GREY)  # fmt: skip
        if row.terms is None:
            ax.text(
                first - 0.4,
                -y,
                "nothing published (down since the start)" if row.status == "down" else "no log",
                va="center",
                fontsize=9,
                color=GREY,
            )
            continue
        for index in range(first, len(row.terms) + 1):
            term, committed = row.terms[index - 1], index <= row.commit_index
            fill = term_colour(term)
            ax.add_patch(Rectangle(
                (index - 0.42, -y - 0.38), 0.84, 0.76, facecolor=fill,
                alpha=(1.0 if committed else 0.45) * (1.0 if up else 0.5),
                edgecolor="black" if committed else GREY, linewidth=1.6 if committed else 1.0,
                linestyle="-" if committed else (0, (3, 2)),
            ))  # fmt: skip
            ax.text(index, -y, str(term), ha="center", va="center", fontsize=10,
                    color=_text_colour(fill) if committed and up else "black")  # fmt: skip
        if row.commit_index >= first:
            x = row.commit_index + 0.5
            ax.plot([x, x], [-y - 0.48, -y + 0.48], color="black", linewidth=3.0,
                    solid_capstyle="butt")  # fmt: skip
    ax.set_xlim(first - 0.55, last + 0.55)
    ax.set_ylim(-len(rows) + 0.45, 0.75)
    ax.set_xticks(range(first, last + 1))
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0, labelsize=9)
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    left_out = f"; indices 1-{first - 1} left out" if first > 1 else ""
    ax.set_xlabel(
        f"log index{left_out}; in a box: its term\n"
        "solid, up to the bar: committed; dashed: not (yet)",
        fontsize=9,
    )
    if title is not None:
        ax.set_title(title, fontsize=10, loc="left", pad=20)
