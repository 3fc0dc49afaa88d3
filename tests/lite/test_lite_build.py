"""``make lite``'s builder: a JupyterLite site with the package as a piplite wheel and
the lessons, built offline here with the npm registry's Pyodide put in the site
(skipped without the ``lite`` extra or npm: litetools.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from litetools import as_lite_tarball, build_lite_module, pyodide_core, require_lite_extra

build_lite = build_lite_module()
LESSON = "01_actors_and_messages"


def test_the_lessons_exclude_the_one_that_needs_a_real_machine() -> None:
    stems = [p.stem for p in build_lite.lessons()]
    assert stems[0] == "00_start_here" and len(stems) >= 7
    assert "07_real_network" not in stems
    with pytest.raises(ValueError, match=r"lessons='07_real_network': needs a real machine"):
        build_lite.lessons(names=["07_real_network"])
    with pytest.raises(ValueError, match=r"lessons='99_nope': no such lesson"):
        build_lite.lessons(names=["99_nope"])


def test_the_install_cell_comes_first_after_the_title() -> None:
    notebook = {"cells": [{"cell_type": "markdown", "source": "# T"}, {"cell_type": "code"}]}
    cells = build_lite.with_install_cell(notebook)["cells"]
    assert [c["cell_type"] for c in cells] == ["markdown", "code", "code"]
    assert "%pip install -q distsys_edu" in cells[1]["source"]
    assert 'if sys.platform == "emscripten":' in cells[1]["source"]


def test_lesson_09_goes_to_the_site_without_the_section_that_starts_processes() -> None:
    stem = "09_store_survives_leader"
    path = build_lite.ROOT / "lessons" / f"{stem}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cut = build_lite.without_real_machine_sections(notebook, stem)

    def text(nb: dict) -> list[str]:
        return [
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"]
        ]

    assert any("distsys_edu.net" in t or "Cluster.up" in t for t in text(notebook))
    assert not any("distsys_edu.net" in t or "Cluster.up" in t for t in text(cut))
    kept = [t for t in text(cut) if t.startswith("## ")]
    assert "## The same store as real processes\n\n" + build_lite.SECTION_LEFT_OUT in kept
    assert kept[-1].startswith("## Summary")  # the cut ends at the next section
    assert len(cut["cells"]) < len(notebook["cells"])
    assert build_lite.without_real_machine_sections(notebook, LESSON) is notebook
    renamed = {
        "cells": [
            {**c, "source": "## Renamed"} if t.startswith("## The same store") else c
            for c, t in zip(notebook["cells"], text(notebook), strict=True)
        ]
    }
    with pytest.raises(ValueError, match="has no section '## The same store as real"):
        build_lite.without_real_machine_sections(renamed, stem)


def test_an_offline_build_holds_pyodide_the_wheel_and_the_lesson(tmp_path: Path) -> None:
    require_lite_extra()
    pyodide = as_lite_tarball(pyodide_core(), tmp_path)
    out = build_lite.build(
        tmp_path / "out", work=tmp_path / "work", names=[LESSON], pyodide=str(pyodide)
    )
    assert (out / "static" / "pyodide" / "pyodide.mjs").is_file()
    assert (out / "static" / "pyodide" / "python_stdlib.zip").is_file()
    index = json.loads((out / "pypi" / "all.json").read_text())
    assert "distsys-edu" in index or "distsys_edu" in index, sorted(index)
    wheels = sorted((out / "pypi").glob("distsys_edu-*-py3-none-any.whl"))
    assert len(wheels) == 1
    notebook = json.loads((out / "files" / f"{LESSON}.ipynb").read_text())
    first_code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    assert "%pip install -q distsys_edu" in "".join(first_code["source"])
    assert not (out / "files" / "07_real_network.ipynb").exists()
    config = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]
    extensions = [e["name"] for e in config["federated_extensions"]]
    assert build_lite.KERNEL_EXTENSION in extensions
