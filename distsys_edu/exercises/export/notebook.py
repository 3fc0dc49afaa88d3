"""Notebook cells as plain JSON (nbformat 4.5), and code pieces rendered as text.

No nbformat needed: an exported notebook is written as the JSON it is.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .regions import Answer, Piece

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def cell(kind: str, source: str, cell_id: str, metadata: dict[str, Any] | None = None) -> dict:
    """One cell: ``kind`` is ``"code"``, ``"markdown"`` or ``"raw"``."""
    node: dict[str, Any] = {
        "cell_type": kind,
        "id": cell_id,
        "metadata": metadata or {},
        "source": source,
    }
    if kind == "code":
        node.update(execution_count=None, outputs=[])
    return node


def write(path: Path, cells: Sequence[dict]) -> Path:
    """Write a notebook of ``cells`` at ``path`` (folders made); returns ``path``."""
    notebook = {
        "cells": list(cells),
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def render(pieces: Sequence[Piece], region: Callable[[Answer], str]) -> str:
    """The code of ``pieces``, each answer region written by ``region``."""
    return "\n".join(region(p) if isinstance(p, Answer) else p for p in pieces).strip("\n")


def indented(code: str, indent: str) -> str:
    """``code`` with every non-blank line indented by ``indent``."""
    return textwrap.indent(code, indent)


def shares(points: float, parts: int) -> list[float]:
    """``points`` (to the hundredth) split into ``parts`` shares of whole hundredths,
    none negative, that add up to it: the last ones take the remainder (1 in 3 is
    0.33, 0.33, 0.34; 0.25 in 10 is five 0.02 and five 0.03)."""
    hundredths, left = divmod(round(points * 100), parts)
    return [(hundredths + (n >= parts - left)) / 100 for n in range(parts)]
