"""Build each lesson's two notebooks from its one source, so that they cannot drift apart.

A lesson source ``lessons/src/NN_topic.py`` is a Python file in the "percent" format
(the one jupytext and VS Code read, parsed by :mod:`distsys_edu.exercises.lesson_source`,
which ``distsys-edu export`` shares): ``# %%`` starts a code cell, ``# %% [markdown]`` a
markdown cell whose lines are comments (``# text``). Two tags make the difference
between the notebooks:

* ``# %% tags=["exercise"]``: only in the learner's notebook ``lessons/NN_topic.ipynb``
  (the stub to fill in);
* ``# %% tags=["solution"]``: only in ``lessons/solutions/NN_topic.ipynb`` (the worked
  answer). Each solution cell comes directly after its exercise cell.

A third tag, ``# %% tags=["claim"]``, marks a cell that asserts what the narrative says
a run showed ("n1 steps down", "8 of 30 runs"): it goes in both notebooks, its input
hidden in JupyterLab and tagged ``remove-input`` for static site builders, and it must
``assert`` and print nothing. So the build (and nbval) fails when a result stops saying
what the text says.

A code line ``# distsys-edu: include MODULE:NAME`` is replaced by the source of that
class or function, so the stub and the worked answer can live in
``distsys_edu.exercises`` (where tests check them) and read the same in the notebook.

The solution notebook opens with one more cell, hidden in JupyterLab (:data:`STRICT_CELL`):
it sets ``DISTSYS_EDU_STRICT=1`` in its kernel, so that wherever it runs (this build,
strict nbval in CI, Binder, the browser test) a worked answer that does not pass its
check raises. The learner's notebook has no such cell: its stubs are "not attempted".

Both notebooks are executed in a fresh kernel (solutions strict, so a worked answer
that does not pass stops the build) and written with their outputs,
without execution timestamps or version metadata, so that a rebuild of unchanged
lessons changes no byte.

    python tools/build_lessons.py                 # every lesson in lessons/src
    python tools/build_lessons.py 01_actors       # one lesson
    python tools/build_lessons.py 05_split --timings  # also print each cell's seconds
    python tools/build_lessons.py --no-execute    # cells only, no outputs
    python tools/build_lessons.py --check         # exit 1 if a committed notebook's
                                                  # cells differ from its source
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode

from distsys_edu.exercises.lesson_source import (
    CLAIM,
    CLAIM_TAGS,
    EXERCISE,
    SOLUTION,
    Cell,
    LessonSourceError,
    parse,
    sources,
)

__all__ = ["EXERCISE", "SOLUTION", "Cell", "LessonSourceError", "parse", "sources"]

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
EXECUTE_TIMEOUT = 600  # seconds a cell may take while building

STRICT_CELL = (
    "# Solutions run strict: a worked answer that does not pass its check raises.\n"
    "import os\n\n"
    'os.environ["DISTSYS_EDU_STRICT"] = "1"'
)
"""The first cell of every solution notebook (its input hidden in JupyterLab)."""

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def to_node(cell: Cell, stem: str) -> NotebookNode:
    """The notebook cell, with an id that is the same in both notebooks and every build."""
    make = nbformat.v4.new_markdown_cell if cell.kind == "markdown" else nbformat.v4.new_code_cell
    node = make(cell.source, id=f"{stem}-{cell.number:02d}")
    if CLAIM in cell.tags:
        node.metadata["tags"] = list(CLAIM_TAGS)
        node.metadata["jupyter"] = {"source_hidden": True}
    elif cell.tags:
        node.metadata["tags"] = list(cell.tags)
    return node


def notebooks(source: Path) -> tuple[NotebookNode, NotebookNode]:
    """The learner's and the solution notebook of one lesson source, not executed."""
    cells = parse(source.read_text(encoding="utf-8"), str(source))
    stem = source.stem

    def notebook(leave_out: str) -> NotebookNode:
        nb = nbformat.v4.new_notebook()
        nb.cells = [to_node(c, stem) for c in cells if leave_out not in c.tags]
        if leave_out == EXERCISE:
            nb.cells.insert(0, _strict_cell(stem))
        nb.metadata = _metadata()
        return nb

    return notebook(SOLUTION), notebook(EXERCISE)


def _strict_cell(stem: str) -> NotebookNode:
    node = nbformat.v4.new_code_cell(STRICT_CELL, id=f"{stem}-strict")
    node.metadata["jupyter"] = {"source_hidden": True}
    return node


def targets(root: Path, stem: str) -> tuple[Path, Path]:
    """Where a lesson's two notebooks live under ``root``."""
    return root / f"{stem}.ipynb", root / "solutions" / f"{stem}.ipynb"


def execute(
    nb: NotebookNode, folder: Path, *, strict: bool, timings: list[float] | None = None
) -> NotebookNode:
    """Run ``nb`` top to bottom in a fresh kernel started in ``folder``; strip what varies.

    Args:
        timings: if given, each code cell's wall-clock seconds are appended to it.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell raised (a worked answer that
            does not pass raises, since solutions run strict; so does a false claim).
        LessonSourceError: a claim cell printed something (it should only assert).
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["DISTSYS_EDU_STRICT"] = "1" if strict else "0"
    client = NotebookClient(
        nb,
        timeout=EXECUTE_TIMEOUT,
        kernel_name="python3",
        record_timing=timings is not None,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute(env=env)
    for cell in nb.cells:
        if CLAIM in cell.metadata.get("tags", ()) and cell.outputs:
            raise LessonSourceError(f"cell {cell.id} is a claim: it asserts and prints nothing")
        if timings is not None and cell.cell_type == "code":
            timings.append(_seconds(cell.metadata["execution"]))
    return clean(nb)


def _seconds(execution: dict[str, str]) -> float:
    start = datetime.fromisoformat(execution["iopub.execute_input"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(execution["shell.execute_reply"].replace("Z", "+00:00"))
    return (end - start).total_seconds()


def clean(nb: NotebookNode) -> NotebookNode:
    """Drop what changes from run to run or machine to machine: versions, timings."""
    nb.metadata = _metadata()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def _metadata() -> NotebookNode:
    return NotebookNode(kernelspec=NotebookNode(KERNELSPEC), language_info={"name": "python"})


def build(source: Path, root: Path, *, run: bool = True, timings: bool = False) -> list[Path]:
    """Write the two notebooks of ``source`` under ``root``; returns their paths.

    With ``timings``, print each notebook's total seconds and its slowest cells.
    """
    written = []
    for nb, path, strict in zip(
        notebooks(source), targets(root, source.stem), (False, True), strict=True
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        if run:
            seconds: list[float] | None = [] if timings else None
            ids = [c.id for c in nb.cells if c.cell_type == "code"]
            execute(nb, path.parent, strict=strict, timings=seconds)
            if seconds is not None:
                slowest = sorted(zip(seconds, ids, strict=True), reverse=True)[:5]
                cells = ", ".join(f"{i} {t:.1f} s" for t, i in slowest)
                where = f"{path.parent.name}/{path.name}"
                print(f"{where}: {sum(seconds):.1f} s of cells; slowest {cells}")
        nbformat.write(nb, path)
        written.append(path)
    return written


def differences(source: Path, root: Path) -> list[str]:
    """How the committed notebooks' cells differ from what ``source`` makes (empty: none).

    Compares each cell's type, tags and source, not outputs (strict nbval re-runs those).
    """
    found = []
    for nb, path in zip(notebooks(source), targets(root, source.stem), strict=True):
        if not path.exists():
            found.append(f"{path}: missing; run tools/build_lessons.py")
            continue
        committed = nbformat.read(path, as_version=4)
        want, have = _cells(nb), _cells(committed)
        if want != have:
            first = next(
                (i for i, (w, h) in enumerate(zip(want, have, strict=False)) if w != h), None
            )
            at = f"cell {first + 1}" if first is not None else f"{len(have)} cells, not {len(want)}"
            found.append(f"{path}: differs from {source.name} ({at}); run tools/build_lessons.py")
    return found


def _cells(nb: NotebookNode) -> list[tuple[str, list[str], str]]:
    return [(c.cell_type, list(c.metadata.get("tags", [])), c.source) for c in nb.cells]


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or check) the lessons; exit status 0, or 1 when ``--check`` finds drift."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="LESSON", help="e.g. 01_actors (default all)")
    parser.add_argument("--root", type=Path, default=LESSONS, help="holds src/ (default lessons)")
    parser.add_argument("--no-execute", action="store_true", help="write cells without outputs")
    parser.add_argument("--check", action="store_true", help="compare cells, write nothing")
    parser.add_argument("--timings", action="store_true", help="print each cell's seconds")
    args = parser.parse_args(argv)
    try:
        chosen = sources(args.root, args.names)
        if args.check:
            problems = [p for s in chosen for p in differences(s, args.root)]
            print("\n".join(problems) or f"{len(chosen)} lessons match their sources")
            return 1 if problems else 0
        for source in chosen:
            for path in build(source, args.root, run=not args.no_execute, timings=args.timings):
                print(f"wrote {path}")
    except LessonSourceError as exc:
        print(f"build_lessons: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
