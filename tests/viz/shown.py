"""How a reader sees a figure: its width where it is shown (see figures.py)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from matplotlib.axes import Axes
from matplotlib.figure import Figure

NOTEBOOK_WIDTH_PX = 968.0
"""The width of a cell's output in JupyterLab 4 at 1400 x 1000 with its file browser open,
measured in headless Chromium on 2026-12-04 (lesson 05's images: 998 to 1211 px wide,
each shown 968 px wide)."""
DOCS_WIDTH_PX = 880.0
"""The widest a page of the docs shows a picture (a rendered Markdown page's column)."""
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Shown:
    """A figure and the width at which a reader sees it (in the figure's own pixels' terms)."""

    figure: Figure
    shown_width_px: float


def in_notebook(figure: Figure) -> Shown:
    """As the inline backend shows it: cropped to what is drawn, fitted to the column."""
    drawn = figure.get_tightbbox().width * figure.dpi
    scale = min(1.0, NOTEBOOK_WIDTH_PX / drawn)
    return Shown(figure, figure.get_figwidth() * figure.dpi * scale)


def in_docs(figure: Figure) -> Shown:
    """As docs/pictures.md shows a PNG that make_pictures saved at its DPI."""
    dpi = float(make_pictures().DPI)
    width = figure.get_figwidth() * dpi
    figure.set_dpi(dpi)
    return Shown(figure, min(width, DOCS_WIDTH_PX))


def make_pictures() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_pictures", ROOT / "docs" / "pictures" / "make_pictures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def root(ax: Axes) -> Figure:
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    return figure
