"""The website's pages (tools/build_site.py): one per lesson and doc, the lesson list,
Binder links, exercise boxes as HTML, hidden inputs hidden, and nothing fetched."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sitetools import REPO, ROOT, load_build_site, require_site_extra

build_site = load_build_site()
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
DOCS = sorted((ROOT / "docs").glob("*.md"))
EXERCISE_BOX = '<div style="border:2px solid'  # how ExerciseResult._repr_html_ opens
NAME = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,20}", fullmatch=True)


def cells(notebook: Path) -> list[dict[str, Any]]:
    return list(json.loads(notebook.read_text(encoding="utf-8"))["cells"])


def page(html: Path, notebook: Path) -> str:
    return (html / "lessons" / notebook.with_suffix(".html").name).read_text(encoding="utf-8")


@settings(deadline=None)  # a busy machine is no failure
@given(owner=NAME, name=NAME)
def test_binder_url_opens_the_path_in_that_repository(owner: str, name: str) -> None:
    url = build_site.binder_url(f"{owner}/{name}", "lessons/01_x.ipynb")
    assert (
        url == f"https://mybinder.org/v2/gh/{owner}/{name}/HEAD?urlpath=lab/tree/lessons/01_x.ipynb"
    )


@pytest.mark.parametrize("bad", ["", "owner", "a/b/c", "owner/ name", "https://github.com/a/b"])
def test_binder_url_refuses_what_is_not_owner_slash_name(bad: str) -> None:
    with pytest.raises(ValueError, match=r"owner_repo=.*'owner/name'"):
        build_site.binder_url(bad, "lessons/00.ipynb")


def test_index_lists_every_lesson_with_its_title_and_time(site_html: Path) -> None:
    index = (site_html / "index.html").read_text(encoding="utf-8")
    items = re.findall(r'<a class="reference internal" href="lessons/(\d\d_\w+)\.html">', index)
    assert items[: len(LESSONS)] == [n.stem for n in LESSONS]
    describe = build_site._readme_lessons().describe
    shown = html.unescape(index).replace("\u2019", "'")  # Sphinx's curly apostrophes
    for notebook in LESSONS:
        title, time = describe(notebook)
        assert f"{title}</span></a> ({time})" in shown, notebook.name


def test_every_doc_has_a_page(site_html: Path) -> None:
    assert DOCS, "docs/*.md found nothing"
    for doc in DOCS:
        assert (site_html / "docs" / doc.with_suffix(".html").name).is_file(), doc.name


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda p: p.stem)
def test_lesson_page_links_to_binder_and_to_its_worked_answers(
    site_html: Path, notebook: Path
) -> None:
    text = page(site_html, notebook)
    lesson = build_site.binder_url(REPO, f"lessons/{notebook.name}")
    answers = build_site.binder_url(REPO, f"lessons/solutions/{notebook.name}")
    assert f'href="{lesson}"' in text.replace("&amp;", "&")
    assert f'href="{answers}"' in text.replace("&amp;", "&")
    assert f"lessons/solutions/{notebook.name}" in text


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda p: p.stem)
def test_exercise_results_show_their_html(site_html: Path, notebook: Path) -> None:
    text = page(site_html, notebook)
    boxes = [
        "".join(output["data"]["text/html"])
        for cell in cells(notebook)
        for output in cell.get("outputs", ())
        if "".join(output.get("data", {}).get("text/html", "")).startswith(EXERCISE_BOX)
    ]
    assert boxes, f"{notebook.name} shows no exercise box"
    for box in boxes:
        assert box.strip() in text, box[:200]


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda p: p.stem)
def test_inputs_tagged_remove_input_are_not_on_the_page(site_html: Path, notebook: Path) -> None:
    def shown(cell: dict[str, Any]) -> bool:
        tags = set(cell.get("metadata", {}).get("tags", ()))
        return cell["cell_type"] == "code" and not tags & {"remove-input", "remove-cell"}

    text = page(site_html, notebook)
    assert text.count('class="cell_input') == sum(map(shown, cells(notebook)))


def test_no_page_loads_anything_from_another_host(site_html: Path) -> None:
    loads = re.compile(r"<(?:script|img|link|iframe|source)\b[^>]*?\b(?:src|href)=\"(?:https?:)?//")
    css_urls = re.compile(r"(?:@import|url\()\s*['\"]?(?:https?:)?//")
    for path in site_html.rglob("*.html"):
        assert not loads.search(path.read_text(encoding="utf-8")), path
    for path in site_html.rglob("*.css"):
        assert not css_urls.search(path.read_text(encoding="utf-8")), path


def made_up_repo(tmp_path: Path, note: str) -> Path:
    """A repository with this site/, one doc (``note``) and one lesson with tagged cells."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "site", root / "site", ignore=shutil.ignore_patterns("_build"))
    (root / "docs").mkdir()
    (root / "docs" / "note.md").write_text(note)
    (root / "lessons").mkdir()

    def code(source: str, tags: list[str], shown: str) -> dict[str, Any]:
        output = {"output_type": "stream", "name": "stdout", "text": shown}
        return {"cell_type": "code", "id": shown, "execution_count": 1,
                "metadata": {"tags": tags}, "source": source, "outputs": [output]}  # fmt: skip

    notebook = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"},
                     "language_info": {"name": "python"}},
        "cells": [
            {"cell_type": "markdown", "id": "head", "metadata": {},
             "source": "# 00 Made up\nAbout 5 minutes."},
            code("print('claim-input')", ["remove-input"], "claim-output"),
            code("print('folded-input')", ["hide-input"], "folded-output"),
            code("print('plain-input')", [], "plain-output"),
        ],
    }  # fmt: skip
    (root / "lessons" / "00_made_up.ipynb").write_text(json.dumps(notebook))
    return root


def test_tagged_cells_of_a_made_up_lesson(tmp_path: Path) -> None:
    """remove-input drops the input and keeps the output; hide-input folds it away."""
    require_site_extra()
    root = made_up_repo(tmp_path, "# A note\n\nSee [the lesson](../lessons/00_made_up.ipynb).\n")
    assert build_site.build(tmp_path / "work", REPO, root) == 0
    text = (tmp_path / "work" / "html" / "lessons" / "00_made_up.html").read_text()
    assert "claim-output" in text and "claim-input" not in text
    assert "plain-input" in text and "folded-input" in text
    folded = re.search(r"<details[^>]*>.*?</details>", text, re.DOTALL)
    assert folded is not None and "folded-input" in folded[0]
    assert "plain-input" not in folded[0]
    index = (tmp_path / "work" / "html" / "index.html").read_text()
    assert "00 Made up</span></a> (5 min)" in index


def test_a_warning_fails_the_build(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """-W: the same made-up site with a link to a page that does not exist is no site."""
    require_site_extra()
    root = made_up_repo(tmp_path, "# A note\n\nSee [nothing](missing.md).\n")
    assert build_site.build(tmp_path / "work", REPO, root) != 0
    assert "missing.md" in capfd.readouterr().err


@pytest.mark.parametrize(
    ("link", "becomes"),
    [
        ("../README.md", "https://github.com/o/r/blob/HEAD/README.md"),
        ("../distsys_edu/cli/#x", "https://github.com/o/r/tree/HEAD/distsys_edu/cli#x"),
        ("runtime.md#crashes", "runtime.md#crashes"),  # a page of the site
        ("pictures/pause.png", "pictures/pause.png"),
        ("../lessons/00_start_here.ipynb", "../lessons/00_start_here.ipynb"),
        ("../no/such/file.md", "../no/such/file.md"),  # stays broken: Sphinx warns
        ("https://example.org/a.md", "https://example.org/a.md"),
        ("#top", "#top"),
    ],
)
def test_links_to_files_the_site_does_not_hold_point_at_github(link: str, becomes: str) -> None:
    held = {"docs/runtime.md", "docs/pictures/pause.png", "lessons/00_start_here.ipynb"}
    text = f"See [this]({link}), then [that](runtime.md)."
    assert build_site.outward_links(text, "docs/swim.md", "o/r", held) == (
        f"See [this]({becomes}), then [that](runtime.md)."
    )


@pytest.mark.parametrize(
    ("remote", "repo"),
    [
        ("https://github.com/owner/distsys-edu.git", "owner/distsys-edu"),
        ("git@github.com:owner/distsys-edu.git", "owner/distsys-edu"),
        ("https://github.com/owner/distsys-edu", "owner/distsys-edu"),
        ("https://gitlab.com/owner/distsys-edu.git", build_site.PLACEHOLDER_REPO),
    ],
)
def test_origin_repo_reads_the_github_remote(tmp_path: Path, remote: str, repo: str) -> None:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", remote], check=True)
    assert build_site.origin_repo(tmp_path) == repo


def test_origin_repo_without_a_remote_is_the_placeholder(tmp_path: Path) -> None:
    assert build_site.origin_repo(tmp_path) == build_site.PLACEHOLDER_REPO


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_site_installs_the_extra_and_passes_the_repository() -> None:
    out = subprocess.run(
        ["make", "-n", "site", "SITE_REPO=o/r", "VENV=/nonexistent/venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "-c constraints.txt -e '.[site]'" in out
    assert "tools/build_site.py --repo o/r" in out
