"""Lessons exported for the graders instructors already run: nbgrader and Otter-Grader.

``distsys-edu export nbgrader|otter LESSON... --out DIR`` writes, per lesson source
(``lessons/src/NN_topic.py``), a notebook in that tool's own source format, holding the
worked answers marked so that the tool cuts them out for the learner, and graded
cells that run our checks (:mod:`.nbgrader`, :mod:`.otter`; docs/instructors.md).

Nothing is run here: the notebooks are written, not executed (the tools do that).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ...runtime.errors import invalid
from ..grade import Points
from ..lesson_source import LessonSourceError, sources
from . import nbgrader, otter
from .lesson import Item, read_lesson
from .regions import ExportError

__all__ = ["LESSONS", "TOOLS", "ExportError", "LessonSourceError", "export_lessons"]

LESSONS = Path(__file__).resolve().parents[3] / "lessons"
"""The lessons folder of a source checkout (it holds ``src/``)."""

TOOLS: dict[str, Callable[[str, list[Item], Path, Points], Path]] = {
    "nbgrader": nbgrader.write_lesson,
    "otter": otter.write_lesson,
}
"""Each tool's writer: ``(stem, items, out, points) -> path written``."""


def export_lessons(
    tool: str,
    lessons: Sequence[str],
    out: str | Path,
    root: str | Path = LESSONS,
    points: Points | None = None,
) -> list[Path]:
    """Write one notebook per lesson for ``tool`` under ``out``.

    Args:
        tool: ``"nbgrader"`` (``out`` is the course folder: ``out/source/NN/NN.ipynb``)
            or ``"otter"`` (``out/NN.ipynb``, for ``otter assign``).
        lessons: lesson names (``01_actors_and_messages``); none: every lesson.
        out: the folder to write in (made if missing).
        root: the lessons folder holding ``src/``.
        points: what each exercise is worth (default 1 each).

    Returns:
        The notebooks written, in lesson order.

    Raises:
        InvalidArgument: an unknown tool, or a ``root`` with no ``src`` folder.
        LessonSourceError: an unknown lesson, or a source that cannot be read.
        ExportError: a lesson whose exercises cannot be exported (says which and why).
    """
    if tool not in TOOLS:
        raise invalid("tool", tool, f"must be one of {', '.join(TOOLS)}")
    root = Path(root)
    if not (root / "src").is_dir():
        raise invalid("lessons", str(root), "must be a lessons folder that holds src/")
    points = Points() if points is None else points
    written = []
    for source in sources(root, lessons):
        written.append(TOOLS[tool](source.stem, read_lesson(source), Path(out), points))
    return written
