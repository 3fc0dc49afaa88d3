"""The README's list of lessons agrees with lessons/*.ipynb (title and time from each
lesson's first cell), and the picture it shows is there."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        "readme_lessons", ROOT / "tools" / "readme_lessons.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_lists_exactly_the_lessons_there_are():
    assert tool.updated(README, ROOT / "lessons") == README, "run tools/readme_lessons.py"
    for notebook in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")):
        assert f"](lessons/{notebook.name})" in README


def test_the_playground_picture_is_committed():
    assert "](docs/pictures/playground_browser.png)" in README
    assert (ROOT / "docs" / "pictures" / "playground_browser.png").stat().st_size > 10_000


def _lesson(tmp_path, name, first_cell):
    cell = {"cell_type": "markdown", "metadata": {}, "source": first_cell}
    (tmp_path / name).write_text(json.dumps({"cells": [cell]}))


def test_lines_come_from_first_cells_and_gaps_are_named(tmp_path):
    _lesson(tmp_path, "00_intro.ipynb", "# 00 Hello\n\nIt takes about 30 minutes.")
    _lesson(tmp_path, "03_more.ipynb", "# 03 More\n(20-25 min)")
    text = tool.block(tmp_path)
    assert "urlpath=lab/tree/lessons/00_intro.ipynb" in text
    assert "- [00 Hello](lessons/00_intro.ipynb) (30 min)" in text
    assert "- [03 More](lessons/03_more.ipynb) (20\u201325 min)" in text
    assert "Lessons 01, 02 are being written" in text


def test_a_lesson_that_does_not_say_how_long_it_takes_is_named(tmp_path):
    _lesson(tmp_path, "01_x.ipynb", "# 01 X\nNo time here.")
    with pytest.raises(tool.LessonHeaderError, match=r"01_x\.ipynb: its first cell must"):
        tool.block(tmp_path)
