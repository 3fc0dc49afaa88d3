"""Reading a submission: outputs cleared, check calls and worked-answer imports found by
parsing, cells counted as JupyterLab shows them, bad files refused in one line."""

from __future__ import annotations

import nbformat
import pytest

from distsys_edu.exercises.in_kernel import CHECKS, exercise_name, expression, worked_answer
from distsys_edu.exercises.solutions.follower import WatchfulFollower
from distsys_edu.exercises.submission import Unreadable, read_submission


def notebook(tmp_path, *cells):
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        if cell.startswith("# md "):
            nb.cells.append(nbformat.v4.new_markdown_cell(cell))
        else:
            saved = nbformat.v4.new_output("stream", text="saved output")
            nb.cells.append(nbformat.v4.new_code_cell(cell, outputs=[saved], execution_count=9))
    path = tmp_path / "s.ipynb"
    nbformat.write(nb, path)
    return path


def test_check_calls_are_found_however_they_are_written(tmp_path):
    path = notebook(
        tmp_path,
        "# md the title",
        "from distsys_edu.exercises import check_phi as phi_check\n"
        "import distsys_edu.exercises as ex",
        "check_ping_pong(Pinger)",
        "# md between",
        "%matplotlib inline\nr = ex.check_ring(Ring)\nprint(r)",
        "phi_check(PhiDetector)",
        "check_bully()",
        "def check_bully(x):\n    pass",  # defines, does not call
    )
    sub = read_submission(path, CHECKS)
    found = [(c.code_cell, c.check, c.argument, c.alone) for c in sub.calls]
    assert found == [
        (2, "check_ping_pong", "Pinger", True),
        (3, "check_ring", "Ring", False),
        (4, "check_phi", "PhiDetector", True),
        (5, "check_bully", "", False),
    ]
    assert [sub.code_cell(c.cell_index) for c in sub.calls] == [2, 3, 4, 5]
    code = [c for c in sub.notebook.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)


def test_worked_answer_imports_are_found(tmp_path):
    path = notebook(
        tmp_path,
        "from distsys_edu.exercises.solutions.ping_pong import Pinger",
        "from distsys_edu.exercises.solutions import phi, ring\nimport os",
        "import distsys_edu.exercises.solutions.bully.more",
        "from distsys_edu.exercises.ping_pong import Pinger",  # the stub: fine
    )
    assert read_submission(path, CHECKS).worked_answers == ("ping_pong", "phi", "ring", "bully")


def test_an_object_from_the_worked_answers_is_known_by_its_module():
    class Mine(WatchfulFollower):
        pass

    assert worked_answer(WatchfulFollower) == worked_answer(Mine) == "follower"
    assert worked_answer(test_an_object_from_the_worked_answers_is_known_by_its_module) == ""


def test_the_grader_asks_for_the_packages_check_not_the_notebooks():
    assert expression("check_ping_pong", "Pinger") == (
        "__import__('distsys_edu.exercises.in_kernel', fromlist=['verdict'])"
        ".verdict('check_ping_pong', (Pinger))"
    )
    with pytest.raises(KeyError):
        expression("print", "1")
    assert exercise_name("check_threshold") == "phi_threshold"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xff\xfe", "not a notebook: not text (UTF-8)"),
        (b"{oops", "not a notebook: Notebook does not appear to be JSON"),
        (b"[1, 2]", "not a notebook: "),
        (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"x": 1}]}', "malformed"),
    ],
)
def test_bad_files_are_refused_in_one_line(tmp_path, content, says):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(Unreadable) as caught:
        read_submission(path, CHECKS)
    assert str(caught.value).startswith(says)
    assert "\n" not in str(caught.value)


def test_missing_and_folders_are_refused(tmp_path):
    with pytest.raises(Unreadable, match=r"^missing: no such file$"):
        read_submission(tmp_path / "nope.ipynb", CHECKS)
    with pytest.raises(Unreadable, match=r"^not a notebook: a folder, not a file$"):
        read_submission(tmp_path, CHECKS)
