"""Keep the README's list of lessons true: one line per ``lessons/NN_topic.ipynb``.

Each line is read from the lesson's own first cell: its title (the first ``# `` heading)
and how long it takes (the first "N minutes", "about N min", "N-M minutes"...). The
list, the Binder badge (which opens the first lesson in JupyterLab) and a line naming the
lessons still to come replace what stands between the README's two markers
``<!-- lessons -->`` and ``<!-- /lessons -->``.

The badge points to this repository on GitHub, ``OWNER/NAME``, found in this order:

1. the environment variable ``DISTSYS_EDU_BINDER_REPO=OWNER/NAME`` (for a fork whose
   ``origin`` is elsewhere, or to build the README outside a clone);
2. ``git remote get-url origin``, when it is a GitHub address (``https://github.com/
   OWNER/NAME(.git)``, ``git@github.com:OWNER/NAME(.git)``, ``ssh://git@github.com/...``).

With neither, the README says in words where the badge will be and how to run the
lessons meanwhile. ``--check`` compares the lesson list only, keeping the repository
the committed badge names, so that a clone under another name is not "stale".

    python tools/readme_lessons.py            # rewrite that part of README.md
    python tools/readme_lessons.py --check    # exit 1 if it is stale
    DISTSYS_EDU_BINDER_REPO=me/course python tools/readme_lessons.py
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- lessons -->", "<!-- /lessons -->"
BINDER = "https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/lessons/{notebook}"
BINDER_REPO = "DISTSYS_EDU_BINDER_REPO"
"""The environment variable that names the GitHub repository (``OWNER/NAME``)."""
_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_GITHUB = re.compile(
    r"^(?:https://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com(?::\d+)?/)"
    r"(?P<repo>[^/]+/[^/]+?)(?:\.git)?/?$"
)
_BADGE = re.compile(r"https://mybinder\.org/v2/gh/(?P<repo>[^/]+/[^/]+)/HEAD\?")
_TIME = re.compile(r"(\d+(?:\s*(?:-|\u2013|to)\s*\d+)?)\s*min(?:ute)?s?\b", re.IGNORECASE)


class LessonHeaderError(ValueError):
    """A lesson whose first cell does not give its title and how long it takes."""


def github_repo(url: str) -> str | None:
    """``OWNER/NAME`` of a GitHub remote address, or ``None`` if it is not one."""
    match = _GITHUB.match(url.strip())
    if match is None or _REPO.fullmatch(match["repo"]) is None:
        return None
    return match["repo"]


def binder_repo(root: Path, environ: Mapping[str, str] = os.environ) -> str | None:
    """The GitHub repository the badge opens: the override, else ``origin``, else ``None``.

    Raises:
        ValueError: ``DISTSYS_EDU_BINDER_REPO`` is set but is not ``OWNER/NAME``.
    """
    override = environ.get(BINDER_REPO, "").strip()
    if override:
        if _REPO.fullmatch(override) is None:
            raise ValueError(
                f"{BINDER_REPO}={override!r}: must be a GitHub repository as OWNER/NAME, "
                "e.g. 'me/distsys-edu'"
            )
        return override
    try:
        url = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return github_repo(url)


def badge(repo: str | None, notebook: str) -> str:
    """The README's Binder line: a badge for ``repo``, or words when there is none."""
    if repo is None:
        return (
            "Binder: this copy has no GitHub remote, so there is no badge yet. Once the "
            "repository is on GitHub, `tools/readme_lessons.py` puts one here that opens "
            f"`{notebook}` on mybinder.org (it reads `git remote get-url origin`, or "
            f"`{BINDER_REPO}=OWNER/NAME`). Meanwhile, run the lessons locally with "
            "`make lab`."
        )
    url = BINDER.format(repo=repo, notebook=notebook)
    return (
        f"[![Binder](https://mybinder.org/badge_logo.svg)]({url}) opens `{notebook}` "
        "in JupyterLab on Binder."
    )


def badge_repo(readme: str) -> str | None:
    """The repository the README's Binder badge opens now, or ``None``."""
    match = _BADGE.search(readme)
    return match["repo"] if match else None


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


def block(lessons: Path, repo: str | None = None) -> str:
    """What stands between the markers: badge (for ``repo``), one line per lesson,
    what is to come."""
    notebooks = sorted(lessons.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        return "No lesson has landed yet.\n"
    lines = [badge(repo, notebooks[0].name), ""]
    for notebook in notebooks:
        title, time = describe(notebook)
        lines.append(f"- [{title}](lessons/{notebook.name}) ({time})")
    numbers = {int(n.name[:2]) for n in notebooks}
    missing = [f"{n:02d}" for n in range(max(numbers)) if n not in numbers]
    if missing:
        lines += [
            "",
            f"Lesson {missing[0]} is being written; it appears here when it lands."
            if len(missing) == 1
            else f"Lessons {', '.join(missing)} are being written; each appears here as it lands.",
        ]
    return "\n".join(lines) + "\n"


def updated(readme: str, lessons: Path, repo: str | None = None) -> str:
    """``readme`` with the part between the markers made from ``lessons`` and ``repo``."""
    head, found, rest = readme.partition(BEGIN + "\n")
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise LessonHeaderError(f"README.md must hold {BEGIN} ... {END}")
    return head + BEGIN + "\n" + block(lessons, repo) + END + tail


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or ``--check``) the README's list of lessons; exit 1 when stale, 2 on a
    bad ``DISTSYS_EDU_BINDER_REPO``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    try:
        repo = badge_repo(text) if args.check else binder_repo(ROOT)
    except ValueError as exc:
        print(f"readme_lessons: error: {exc}", file=sys.stderr)
        return 2
    new = updated(text, ROOT / "lessons", repo)
    if args.check:
        print("README.md's lessons are " + ("current" if new == text else "stale"))
        return 0 if new == text else 1
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
