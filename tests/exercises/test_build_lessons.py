"""tools/build_lessons.py: one source per lesson makes both notebooks, which match the
committed ones cell for cell; a fresh build of the example changes no byte."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "lessons"


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_lessons", ROOT / "tools" / "build_lessons.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_lessons"] = module
    spec.loader.exec_module(module)
    return module


builder = _load_builder()


@pytest.mark.parametrize("root", [ROOT / "lessons", FIXTURE], ids=["lessons", "fixture"])
def test_committed_notebooks_match_their_sources(root):
    sources = builder.sources(root)
    assert root == ROOT / "lessons" or sources, "the fixture lesson source is missing"
    assert [d for s in sources for d in builder.differences(s, root)] == []


def test_a_changed_source_is_reported(tmp_path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    source = tmp_path / "src" / "00_example.py"
    source.write_text(source.read_text().replace("check_ping_pong(Pinger)", "print(1)"))
    found = builder.differences(source, tmp_path)
    assert found == [  # the solution notebook opens with the strict cell
        f"{tmp_path / name}: differs from 00_example.py (cell {n}); run tools/build_lessons.py"
        for name, n in (("00_example.ipynb", 4), ("solutions/00_example.ipynb", 5))
    ]


def test_learner_sees_the_stub_and_the_solution_notebook_the_answer():
    learner, solution = builder.notebooks(FIXTURE / "src" / "00_example.py")
    learner_code = "\n".join(c.source for c in learner.cells)
    solution_code = "\n".join(c.source for c in solution.cells)
    assert 'raise NotImplementedError("send the first Ping' in learner_code
    assert "self.received.add(msg.seq)" not in learner_code
    assert "self.received.add(msg.seq)" in solution_code
    assert "NotImplementedError" not in solution_code
    assert [c.id for c in learner.cells] == [
        "00_example-00",
        "00_example-01",
        "00_example-02",
        "00_example-04",
    ]


def test_a_fresh_build_changes_no_byte(tmp_path):
    shutil.copytree(FIXTURE / "src", tmp_path / "src")
    written = builder.build(tmp_path / "src" / "00_example.py", tmp_path)
    for path in written:
        committed = FIXTURE / path.relative_to(tmp_path)
        assert path.read_text() == committed.read_text(), path
    learner, solution = (nbformat.read(p, as_version=4) for p in written)
    assert "NOT ATTEMPTED" in str(learner.cells[-1].outputs)
    assert "PASSED" in str(solution.cells[-1].outputs)
    assert learner.metadata == {
        "kernelspec": builder.KERNELSPEC,
        "language_info": {"name": "python"},
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = 1\n# %%\n", "text before the first"),
        ('# %% tags=["solution"]\nx = 1\n', "solution with no exercise cell just before it"),
        ('# %% tags=["other"]\nx = 1\n', "a cell may be tagged one of"),
        ('# %% tags=["exercise", "claim"]\nx = 1\n', "a cell may be tagged one of"),
        ('# %% tags=["claim"]\nprint(1)  # assert\n', "at least one 'assert'"),
        ('# %% [markdown] tags=["claim"]\n# assert True\n', "at least one 'assert'"),
        ("# %% tags=[oops]\nx = 1\n", "tags must be a JSON list"),
        ("# %% [markdown]\nnot a comment\n", "a markdown cell's lines start with '# '"),
        ("# %%\n# distsys-edu: include distsys_edu:Nope\n", "cannot include"),
    ],
)
def test_bad_sources_are_refused_with_where(text, message):
    with pytest.raises(builder.LessonSourceError, match=message):
        builder.parse(text, "lesson.py")


def test_cells_and_markdown_are_parsed():
    cells = builder.parse(
        '# %% [markdown]\n# # Title\n#\n# text\n\n# %%\nx = 1\n\n# %% tags=["exercise"]\ny = 2\n'
        '# %% tags=["solution"]\ny = 3\n'
    )
    assert [(c.kind, c.source, c.tags) for c in cells] == [
        ("markdown", "# Title\n\ntext", ()),
        ("code", "x = 1", ()),
        ("code", "y = 2", ("exercise",)),
        ("code", "y = 3", ("solution",)),
    ]


def test_check_command_and_unknown_lesson(capsys):
    assert builder.main(["--root", str(FIXTURE), "--check"]) == 0
    assert builder.main(["--root", str(FIXTURE), "nope"]) == 2
    assert "no lesson source nope" in capsys.readouterr().err


def test_solution_notebooks_run_strict_and_learners_do_not(monkeypatch):
    """The solution notebook's hidden first cell turns strict mode on in its kernel."""
    learner, solution = builder.notebooks(FIXTURE / "src" / "00_example.py")
    first = solution.cells[0]
    assert first.source == builder.STRICT_CELL and first.metadata.jupyter.source_hidden
    assert "DISTSYS_EDU_STRICT" not in "\n".join(c.source for c in learner.cells)
    assert len(solution.cells) == len(learner.cells) + 1
    monkeypatch.setenv("DISTSYS_EDU_STRICT", "0")
    exec(first.source, {})
    from distsys_edu.exercises.runner import strict_mode

    assert strict_mode(None) is True


@pytest.mark.parametrize(
    "path", sorted((ROOT / "lessons" / "solutions").glob("*.ipynb")), ids=lambda p: p.name
)
def test_every_committed_solution_notebook_opens_strict(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.source == builder.STRICT_CELL, f"{path.name}: rebuild with tools/build_lessons.py"


CLAIMS = """# %%
x = 1 + 1

# %% [markdown]
# Two, as the run shows.

# %% tags=["claim"]
assert x == 2, x
"""


def test_a_claim_cell_is_in_both_notebooks_with_its_input_hidden(tmp_path):
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "00_claims.py"
    source.write_text(CLAIMS)
    for nb in builder.notebooks(source):
        claim = nb.cells[-1]
        assert claim.source == "assert x == 2, x"
        assert claim.metadata.tags == ["claim", "remove-input"]
        assert claim.metadata.jupyter.source_hidden is True
    assert builder.notebooks(source)[0].cells[0].metadata == {}


@pytest.mark.parametrize(
    ("claim", "error"),
    [
        ("assert x == 2, x", None),
        ("assert x == 3, x", "AssertionError"),
        ("assert x == 2\nx", "is a claim: it asserts and prints nothing"),
    ],
    ids=["true", "false", "prints"],
)
def test_the_build_fails_when_a_claim_is_false_or_prints(tmp_path, capsys, claim, error):
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "00_claims.py"
    source.write_text(CLAIMS.replace("assert x == 2, x", claim))
    if error is None:
        builder.build(source, tmp_path, timings=True)
        assert "/00_claims.ipynb: " in capsys.readouterr().out
        return
    with pytest.raises(Exception, match=error):
        builder.build(source, tmp_path)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "lessons").glob("*.ipynb"))
    + sorted((ROOT / "lessons" / "solutions").glob("*.ipynb")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_every_committed_lesson_asserts_its_claims_in_hidden_cells(path):
    cells = nbformat.read(path, as_version=4).cells
    claims = [c for c in cells if builder.CLAIM in c.metadata.get("tags", [])]
    assert claims, f"{path.name}: no claim cell; back the lesson's results with assertions"
    for cell in claims:
        assert cell.metadata.tags == list(builder.CLAIM_TAGS), cell.id
        assert cell.metadata.jupyter.source_hidden is True, cell.id
        assert cell.outputs == [], f"{cell.id}: a claim prints nothing"
        assert "assert" in cell.source, cell.id
