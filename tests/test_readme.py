"""The README's list of lessons agrees with lessons/*.ipynb (title and time from each
lesson's first cell), and the picture it shows is there."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

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
    again = tool.updated(README, ROOT / "lessons", tool.badge_repo(README))
    assert again == README, "run tools/readme_lessons.py"
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
    text = tool.block(tmp_path, "me/course")
    assert "v2/gh/me/course/HEAD?urlpath=lab/tree/lessons/00_intro.ipynb" in text
    assert "- [00 Hello](lessons/00_intro.ipynb) (30 min)" in text
    assert "- [03 More](lessons/03_more.ipynb) (20\u201325 min)" in text
    assert "Lessons 01, 02 are being written" in text
    _lesson(tmp_path, "02_mid.ipynb", "# 02 Mid\n(10 min)")
    assert "Lesson 01 is being written;" in tool.block(tmp_path, "me/course")


def test_a_lesson_that_does_not_say_how_long_it_takes_is_named(tmp_path):
    _lesson(tmp_path, "01_x.ipynb", "# 01 X\nNo time here.")
    with pytest.raises(tool.LessonHeaderError, match=r"01_x\.ipynb: its first cell must"):
        tool.block(tmp_path)


def _binder_link(readme: str) -> str | None:
    """The address the README's Binder badge opens, or None when it has no badge."""
    match = re.search(
        r"\[!\[Binder\]\(https://mybinder\.org/badge_logo\.svg\)\]\(([^)]+)\)", readme
    )
    return match[1] if match else None


def _assert_well_formed(readme: str) -> None:
    first = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))[0].name
    link = _binder_link(readme)
    if link is None:  # no remote when it was built: the words say so and name the lesson
        assert "no GitHub remote, so there is no badge yet" in readme
        assert f"opens `{first}` on mybinder.org" in readme and tool.BINDER_REPO in readme
        return
    parts = urlsplit(link)
    owner, name = parts.path.removeprefix("/v2/gh/").removesuffix("/HEAD").split("/")
    assert (parts.scheme, parts.netloc) == ("https", "mybinder.org"), link
    assert parts.path == f"/v2/gh/{owner}/{name}/HEAD", link
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}", owner), owner
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,100}", name) and name not in (".", ".."), name
    assert parse_qs(parts.query) == {"urlpath": [f"lab/tree/lessons/{first}"]}, link
    assert (ROOT / "lessons" / first).exists()


def test_the_readme_binder_link_is_well_formed():
    _assert_well_formed(README)
    assert "OWNER/REPO" not in README


@pytest.mark.parametrize("repo", [None, "me/course", "Some-Org/distsys_edu.v2"])
def test_every_badge_the_tool_writes_is_well_formed(repo):
    _assert_well_formed(tool.updated(README, ROOT / "lessons", repo))


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("https://github.com/me/course.git\n", "me/course"),
        ("https://github.com/me/course", "me/course"),
        ("https://token@github.com/me/course.git", "me/course"),
        ("git@github.com:Some-Org/distsys_edu.v2.git", "Some-Org/distsys_edu.v2"),
        ("ssh://git@github.com/me/course.git", "me/course"),
        ("https://gitlab.com/me/course.git", None),
        ("/srv/git/course.git", None),
        ("https://github.com/me", None),
        ("https://github.com/me/course/extra", None),
    ],
)
def test_a_github_remote_gives_owner_and_name_and_nothing_else_does(url, repo):
    assert tool.github_repo(url) == repo


def _git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_the_repository_comes_from_the_override_then_origin_then_nothing(tmp_path):
    _git("init", "-q", cwd=tmp_path)
    assert tool.binder_repo(tmp_path, {}) is None  # no origin
    _git("remote", "add", "origin", "git@github.com:me/course.git", cwd=tmp_path)
    assert tool.binder_repo(tmp_path, {}) == "me/course"
    assert tool.binder_repo(tmp_path, {tool.BINDER_REPO: "fork/course"}) == "fork/course"
    assert tool.binder_repo(tmp_path / "not-a-repo", {}) is None
    with pytest.raises(ValueError, match=r"DISTSYS_EDU_BINDER_REPO='not a repo': must be"):
        tool.binder_repo(tmp_path, {tool.BINDER_REPO: "not a repo"})


def test_check_keeps_the_repository_the_badge_names(tmp_path):
    readme = tool.updated(README, ROOT / "lessons", "me/course")
    assert tool.badge_repo(readme) == "me/course"
    assert tool.updated(readme, ROOT / "lessons", tool.badge_repo(readme)) == readme
    assert tool.badge_repo(tool.updated(README, ROOT / "lessons", None)) is None
