"""Build the course as a JupyterLite site: ``lite/_output`` (``make lite``).

JupyterLite runs Jupyter in the browser, with a Pyodide (WebAssembly) Python as the
kernel: no server, any static host. What goes in:

- the package as a wheel (``pip wheel``), indexed for ``piplite``, the in-browser
  ``%pip``, so that ``%pip install distsys_edu`` installs it from the site itself;
- the lessons, each with a first code cell that installs the package when it runs
  in the browser (``sys.platform == "emscripten"``) and does nothing elsewhere;
  lesson 07 (real processes over UDP) is left out, as a browser cannot run it, and
  so is lesson 09's section that runs the store as processes (a note says so);
- the Pyodide distribution the kernel names by default: fetched at run time from
  Pyodide's own package index, as are numpy and matplotlib (a normal deployment).
  ``--pyodide PATH`` puts a local Pyodide (a tarball or folder, e.g. the npm
  registry's ``pyodide`` package) in the site instead.

The build runs ``jupyter lite build`` (the ``lite`` extra: jupyterlite-core and
jupyterlite-pyodide-kernel); it needs no network unless Pyodide's ``--pyodide`` is a
URL. Publish ``lite/_output`` on any static host (docs/lite.md).

    python tools/build_lite.py                          # lite/_output
    python tools/build_lite.py --out /tmp/lite --lessons 01_actors_and_messages
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NEEDS_A_REAL_MACHINE = frozenset({"07_real_network"})
"""Lessons that start processes or open sockets: not in the browser."""

REAL_MACHINE_SECTIONS = {"09_store_survives_leader": "## The same store as real processes"}
"""Sections of lessons that start processes, by lesson and heading: in the site each
is cut, from its heading to the next ``## `` heading, and a note put in its place."""

SECTION_LEFT_OUT = (
    "*This section starts real processes and talks UDP, which a browser cannot do. "
    "Its outputs are in the lesson as published; to run it, open the lesson on your "
    "own machine or on Binder (see the course's README).*"
)

INSTALL_CELL = (
    "# In the browser (JupyterLite), install the course's package from this site first.\n"
    "import sys\n"
    "\n"
    'if sys.platform == "emscripten":\n'
    "    %pip install -q distsys_edu"
)
"""The first code cell of each lesson in the site (IPython's ``%pip`` is piplite's
there; on a real machine the cell does nothing)."""


def lessons(root: Path = ROOT, names: list[str] | None = None) -> list[Path]:
    """The lesson notebooks to put in the site: ``names`` (stems), or every lesson
    that a browser can run.

    Raises:
        ValueError: a name that is no lesson, or one that needs a real machine.
    """
    found = {p.stem: p for p in sorted((root / "lessons").glob("[0-9][0-9]_*.ipynb"))}
    if names is None:
        return [p for stem, p in found.items() if stem not in NEEDS_A_REAL_MACHINE]
    for name in names:
        if name not in found:
            raise ValueError(f"lessons={name!r}: no such lesson; expected one of {sorted(found)}")
        if name in NEEDS_A_REAL_MACHINE:
            raise ValueError(f"lessons={name!r}: needs a real machine (processes, UDP sockets)")
    return [found[name] for name in names]


def with_install_cell(notebook: dict[str, Any]) -> dict[str, Any]:
    """``notebook`` with :data:`INSTALL_CELL` as its first code cell (after the title)."""
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "lite-install",
        "metadata": {"tags": ["lite-install"]},
        "outputs": [],
        "source": INSTALL_CELL,
    }
    cells = list(notebook["cells"])
    at = 1 if cells and cells[0]["cell_type"] == "markdown" else 0
    return {**notebook, "cells": [*cells[:at], cell, *cells[at:]]}


def build_wheel(out: Path, root: Path = ROOT) -> Path:
    """The package as a pure-Python wheel in ``out`` (pip builds it with the setuptools of
    pyproject.toml, from the package index or pip's cache)."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(root)],
        check=True,
        cwd=root,
    )
    (wheel,) = sorted(out.glob("distsys_edu-*-py3-none-any.whl"))
    return wheel


def without_real_machine_sections(notebook: dict[str, Any], stem: str) -> dict[str, Any]:
    """``notebook`` (lesson ``stem``) without its section in :data:`REAL_MACHINE_SECTIONS`:
    the heading is kept with :data:`SECTION_LEFT_OUT` under it.

    Raises:
        ValueError: the lesson has no cell starting with the section's heading.
    """
    heading = REAL_MACHINE_SECTIONS.get(stem)
    if heading is None:
        return notebook
    cells = list(notebook["cells"])

    def starts(cell: dict[str, Any], text: str) -> bool:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        return cell["cell_type"] == "markdown" and source.startswith(text)

    at = next((i for i, cell in enumerate(cells) if starts(cell, heading)), None)
    if at is None:
        raise ValueError(f"lesson {stem!r} has no section {heading!r} to leave out of the site")
    end = next((i for i in range(at + 1, len(cells)) if starts(cells[i], "## ")), len(cells))
    note = {**cells[at], "source": f"{heading}\n\n{SECTION_LEFT_OUT}"}
    return {**notebook, "cells": [*cells[:at], note, *cells[end:]]}


def stage(work: Path, notebooks: list[Path], root: Path = ROOT) -> tuple[Path, Path]:
    """Lay out the build's inputs in ``work``: ``contents/`` and ``wheels/``."""
    contents = work / "contents"
    shutil.rmtree(contents, ignore_errors=True)
    contents.mkdir(parents=True)
    for path in notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        notebook = without_real_machine_sections(notebook, path.stem)
        text = json.dumps(with_install_cell(notebook), indent=1, ensure_ascii=False)
        (contents / path.name).write_text(text + "\n", encoding="utf-8")
    wheel = build_wheel(work / "wheels", root)
    return contents, wheel


KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"
"""The Pyodide kernel's lab extension, which the site must hold."""


def extension_folders() -> list[Path]:
    """Lab-extension folders on Jupyter's data path outside ``sys.prefix`` that hold
    the Pyodide kernel (``JUPYTER_PATH``, a user install): ``jupyter lite build``
    itself looks in ``sys.prefix`` only."""
    from jupyter_core.paths import jupyter_path

    own = (Path(sys.prefix) / "share" / "jupyter" / "labextensions").resolve()
    found = [Path(p).resolve() for p in jupyter_path("labextensions")]
    return [p for p in found if p != own and (p / KERNEL_EXTENSION).is_dir()]


def build(
    out: Path,
    *,
    work: Path,
    names: list[str] | None = None,
    pyodide: str | None = None,
    extra: tuple[Path, ...] = (),
    wheels: tuple[Path, ...] = (),
    root: Path = ROOT,
) -> Path:
    """Build the site into ``out`` (replaced); returns ``out``.

    Args:
        out: where the site goes.
        work: a scratch folder for the staged lessons, the wheel and the lite state.
        names: lesson stems (default: every lesson a browser can run).
        pyodide: a local Pyodide tarball or folder to put in the site, else the
            kernel's default Pyodide from its own index.
        extra: more files to put in the site's contents as they are.
        wheels: more wheels to index for piplite beside the package's.
    """
    contents, wheel = stage(work, lessons(root, names), root)
    for path in extra:
        shutil.copy(path, contents / path.name)
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "jupyterlite_core", "build"]
    command += ["--lite-dir", str(work), "--output-dir", str(out.resolve())]
    command += ["--contents", str(contents)]
    for path in (wheel, *wheels):
        command += ["--piplite-wheels", str(path)]
    command += ["--apps", "lab", "--apps", "notebooks", "--no-sourcemaps"]
    for folder in extension_folders():
        command += [f"--FederatedExtensionAddon.extra_labextensions_path={folder}"]
    if pyodide is not None:
        command += ["--pyodide", pyodide]
    subprocess.run(command, check=True, cwd=work)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "lite" / "_output")
    parser.add_argument("--work", type=Path, default=ROOT / "lite" / "_work")
    parser.add_argument("--lessons", nargs="+", metavar="NN_topic", default=None)
    parser.add_argument("--pyodide", default=None, help="a local Pyodide tarball or folder")
    args = parser.parse_args(argv)
    try:
        import jupyterlite_core  # noqa: F401
        import jupyterlite_pyodide_kernel  # noqa: F401
    except ImportError:
        parser.error("the lite extra is missing: pip install -c constraints.txt -e '.[lite]'")
    try:
        out = build(args.out, work=args.work, names=args.lessons, pyodide=args.pyodide)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"JupyterLite site: {out} (publish that folder on any static host)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
