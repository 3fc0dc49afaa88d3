"""``distsys-edu export nbgrader|otter [LESSON...] --out DIR [--lessons DIR] [--points SPEC]``.

Writes each lesson as a notebook in that grading tool's source format (see
:mod:`distsys_edu.exercises.export` and docs/instructors.md), one path a line on
stdout. Exit status 0, or 2 (one line on stderr) for a lesson that cannot be exported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..exercises.export import LESSONS, TOOLS, ExportError, LessonSourceError, export_lessons
from .grade import read_points

EXIT_CANNOT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``distsys-edu export``."""
    parser.add_argument("tool", choices=sorted(TOOLS), help="the grading tool's format")
    parser.add_argument(
        "lessons", nargs="*", metavar="LESSON", help="e.g. 01_actors_and_messages (default all)"
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write")
    parser.add_argument(
        "--lessons",
        dest="root",
        type=Path,
        default=LESSONS,
        metavar="DIR",
        help="the lessons folder that holds src/ (default: this checkout's lessons/)",
    )
    parser.add_argument(
        "--points",
        default="",
        metavar="SPEC",
        help="points per exercise, as for grade: 'ping_pong=2,1' (default 1 each); "
        "each scenario is worth its share",
    )


def run(args: argparse.Namespace) -> int:
    """Export; print each notebook written.

    Raises:
        InvalidArgument: a bad ``--points`` or ``--lessons`` (exit status 2).
    """
    try:
        written = export_lessons(
            args.tool, args.lessons, args.out, args.root, read_points(args.points)
        )
    except (LessonSourceError, ExportError) as exc:
        print(f"distsys-edu: error: {exc}", file=sys.stderr)
        return EXIT_CANNOT
    for path in written:
        print(path)
    return 0
