"""Keep the README's list of lessons true: one line per ``lessons/NN_topic.ipynb``.

Each line is read from the lesson's own first cell: its title (the first ``# `` heading)
and how long it takes (the first "N minutes", "about N min", "N-M minutes"...). The
list, the Binder badge (which opens the first lesson in JupyterLab) and a line naming the
lessons still to come replace what stands between the README's two markers
``<!-- lessons -->`` and ``<!-- /lessons -->``.

    python tools/readme_lessons.py            # rewrite that part of README.md
    python tools/readme_lessons.py --check    # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- lessons -->", "<!-- /lessons -->"
BINDER = "https://mybinder.org/v2/gh/OWNER/REPO/HEAD?urlpath=lab/tree/lessons/"
_TIME = re.compile(r"(\d+(?:\s*(?:-|\u2013|to)\s*\d+)?)\s*min(?:ute)?s?\b", re.IGNORECASE)


class LessonHeaderError(ValueError):
    """A lesson whose first cell does not give its title and how long it takes."""


def describe(notebook: Path) -> tuple[str, str]:
    """The title and the time a lesson's first cell states, e.g. ("07 The...", "45 min").

    Raises:
        LessonHeaderError: the first cell has no ``# `` title or states no time.
    """
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    text = "".join(cells[0]["source"]) if cells else ""
    title = next((ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")), None)
    time = _TIME.search(text)
    if title is None or time is None:
        raise LessonHeaderError(
            f"{notebook.name}: its first cell must start with a '# ' title and say how "
            "long the lesson takes (e.g. 'about 45 minutes')"
        )
    return title, re.sub(r"\s*(?:-|\u2013|to)\s*", "\u2013", time[1]) + " min"


def block(lessons: Path) -> str:
    """What stands between the markers: badge, one line per lesson, what is to come."""
    notebooks = sorted(lessons.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        return "No lesson has landed yet.\n"
    lines = [
        f"[![Binder](https://mybinder.org/badge_logo.svg)]({BINDER}{notebooks[0].name}) "
        f"opens `{notebooks[0].name}` in JupyterLab on Binder (replace `OWNER/REPO` with "
        "this repository's GitHub path).",
        "",
    ]
    for notebook in notebooks:
        title, time = describe(notebook)
        lines.append(f"- [{title}](lessons/{notebook.name}) ({time})")
    numbers = {int(n.name[:2]) for n in notebooks}
    missing = [f"{n:02d}" for n in range(max(numbers)) if n not in numbers]
    if missing:
        lines += [
            "",
            f"Lessons {', '.join(missing)} are being written; each appears here as it lands.",
        ]
    return "\n".join(lines) + "\n"


def updated(readme: str, lessons: Path) -> str:
    """``readme`` with the part between the markers made from ``lessons``."""
    head, found, rest = readme.partition(BEGIN + "\n")
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise LessonHeaderError(f"README.md must hold {BEGIN} ... {END}")
    return head + BEGIN + "\n" + block(lessons) + END + tail


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or ``--check``) the README's list of lessons; exit 1 when stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    new = updated(text, ROOT / "lessons")
    if args.check:
        print("README.md's lessons are " + ("current" if new == text else "stale"))
        return 0 if new == text else 1
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
