"""Build the course as a static website: ``site/_build/html`` (``make site``).

The Sphinx project is ``site/`` (``conf.py`` and ``index.md``). Sphinx reads a copy
of the sources staged afresh in ``WORK/src`` at every build, laid out as in the
repository so that links between lessons and docs resolve:

- ``index.md``: ``site/index.md`` with the list of lessons (title and time, read from
  each lesson's first cell by ``tools/readme_lessons.py``) where its marker stands;
- ``lessons/NN_topic.ipynb``: the learner notebooks with their committed outputs
  (nothing is executed), each with a note after its first cell that links to the
  lesson in JupyterLab on Binder and says where the worked answers are;
- ``docs/``: every ``docs/*.md`` and the pictures they show.

A link in a doc or a lesson to a file of the repository that the site does not hold
(``../distsys_edu/checks/explore.py``, ``../README.md``) points at that file on GitHub.

The pages land in ``WORK/html``; publish that folder on any static host
(docs/publishing.md). Sphinx runs with ``-W``: a warning fails the build.

    python tools/build_site.py                        # site/_build/html
    python tools/build_site.py --repo OWNER/NAME      # Binder links to that GitHub repo
    python tools/build_site.py --work /tmp/site       # /tmp/site/html
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import posixpath
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<!-- lessons -->"
PLACEHOLDER_REPO = "OWNER/REPO"
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")
_LINK = re.compile(r"(\]\()([^)\s]+)(\))")
_NOT_A_PATH = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|#|/")


def _readme_lessons() -> ModuleType:
    """tools/readme_lessons.py, which reads a lesson's title and time (tools/ is no package)."""
    spec = importlib.util.spec_from_file_location(
        "readme_lessons", ROOT / "tools" / "readme_lessons.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def binder_url(owner_repo: str, path: str) -> str:
    """The URL that opens ``path`` (e.g. ``lessons/01_x.ipynb``) in JupyterLab on Binder.

    Raises:
        ValueError: ``owner_repo`` is not a GitHub ``owner/name``.
    """
    if not _REPO.fullmatch(owner_repo):
        raise ValueError(
            f"owner_repo={owner_repo!r}: expected a GitHub repository as 'owner/name' "
            "(letters, digits, '.', '_' and '-')"
        )
    return f"https://mybinder.org/v2/gh/{owner_repo}/HEAD?urlpath=lab/tree/{path}"


def origin_repo(root: Path = ROOT) -> str:
    """``owner/name`` the README's badge names (``DISTSYS_EDU_BINDER_REPO``, else the
    GitHub remote ``origin``), else ``OWNER/REPO``."""
    return _readme_lessons().binder_repo(root) or PLACEHOLDER_REPO


def lesson_note(owner_repo: str, notebook: str) -> dict[str, Any]:
    """The markdown cell put after a lesson's first cell on its page."""
    answers = f"lessons/solutions/{notebook}"
    lesson = binder_url(owner_repo, f"lessons/{notebook}")
    text = (
        "```{admonition} Run this lesson\n"
        f"[Open this lesson in JupyterLab on Binder]({lesson})"
        " to run it, change it and check your answers; the playground and progress bars"
        " appear only there, with a kernel. The worked answers are in the repository's"
        f" `{answers}` ([open them on Binder]({binder_url(owner_repo, answers)})).\n"
        "```"
    )
    return {"cell_type": "markdown", "id": "site-note", "metadata": {}, "source": text}


def outward_links(text: str, at: str, owner_repo: str, held: set[str], root: Path = ROOT) -> str:
    """``text``, markdown at repository path ``at``, with its links to files of the
    repository outside ``held`` (the paths the site holds) pointed at them on GitHub."""

    def point(link: re.Match[str]) -> str:
        target = link[2]
        if _NOT_A_PATH.match(target):
            return link[0]
        path, hash_, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(at), path))
        if resolved in held or resolved.startswith("..") or not (root / resolved).exists():
            return link[0]
        kind = "tree" if (root / resolved).is_dir() else "blob"
        url = f"https://github.com/{owner_repo}/{kind}/HEAD/{resolved}{hash_}{anchor}"
        return link[1] + url + link[3]

    return _LINK.sub(point, text)


def index_text(template: str, lessons: list[Path]) -> str:
    """``template`` (site/index.md) with one line per lesson where ``MARKER`` stands."""
    if MARKER not in template:
        raise ValueError(f"template: the site's index must hold the line {MARKER}")
    describe = _readme_lessons().describe
    lines = []
    for notebook in lessons:
        title, time = describe(notebook)
        lines.append(f"- [{title}](lessons/{notebook.name}) ({time})")
    return template.replace(MARKER, "\n".join(lines) or "No lesson has landed yet.")


def stage(src: Path, owner_repo: str, root: Path = ROOT) -> None:
    """Write the sources Sphinx reads into ``src`` (emptied first), from ``root``."""
    if src.exists():
        shutil.rmtree(src)
    lessons = sorted((root / "lessons").glob("[0-9][0-9]_*.ipynb"))
    (src / "lessons").mkdir(parents=True)
    index = index_text((root / "site" / "index.md").read_text(encoding="utf-8"), lessons)
    (src / "index.md").write_text(index, encoding="utf-8")
    docs = shutil.copytree(
        root / "docs", src / "docs", ignore=shutil.ignore_patterns("*.py", "*.json", "__pycache__")
    )
    held = {f"lessons/{n.name}" for n in lessons}
    held |= {p.relative_to(src).as_posix() for p in docs.rglob("*") if p.is_file()}
    for doc in docs.rglob("*.md"):
        at = doc.relative_to(src).as_posix()
        doc.write_text(outward_links(doc.read_text(encoding="utf-8"), at, owner_repo, held, root))
    for notebook in lessons:
        content = json.loads(notebook.read_text(encoding="utf-8"))
        for cell in content["cells"]:
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"])
                cell["source"] = outward_links(
                    text, f"lessons/{notebook.name}", owner_repo, held, root
                )
        content["cells"].insert(1, lesson_note(owner_repo, notebook.name))
        (src / "lessons" / notebook.name).write_text(json.dumps(content), encoding="utf-8")


class SiteExtraMissing(RuntimeError):
    """Sphinx or MyST-NB is not installed."""


def build(work: Path, owner_repo: str, root: Path = ROOT) -> int:
    """Stage into ``work/src`` and build ``work/html`` with ``-W``; Sphinx's exit code.

    Raises:
        SiteExtraMissing: Sphinx or MyST-NB cannot be imported.
    """
    try:
        import myst_nb  # noqa: F401 (conf.py's extension, checked before any work)
        from sphinx.cmd.build import build_main
    except ImportError as missing:
        raise SiteExtraMissing(
            f"{missing.name} is missing: the site needs the 'site' extra, Python 3.11 or "
            "newer (pip install -c constraints.txt -e '.[site]', or make site)"
        ) from None

    stage(work / "src", owner_repo, root)
    return build_main(
        ["-W", "--keep-going", "-q", "-b", "html", "-c", str(root / "site"),
         "-d", str(work / "doctrees"), str(work / "src"), str(work / "html")]
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Build the website; exit with Sphinx's code (1 on any warning)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "site" / "_build")
    parser.add_argument("--repo", help="GitHub owner/name for the Binder links (default: origin)")
    args = parser.parse_args(argv)
    repo = args.repo or origin_repo()
    if repo == PLACEHOLDER_REPO:
        print(f"no GitHub remote 'origin': Binder links name {repo}; pass --repo", file=sys.stderr)
    try:
        binder_url(repo, "")
        code = build(args.work.resolve(), repo)
    except (ValueError, SiteExtraMissing) as error:
        parser.error(str(error))
    if code == 0:
        print(f"site built: {args.work.resolve() / 'html' / 'index.html'}")
    return code


if __name__ == "__main__":
    sys.exit(main())
