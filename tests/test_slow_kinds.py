"""`make check` leaves out exactly the slow kinds of test, and each test is marked by rule."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from slow_kinds import FIGURE, KINDS, SLOW_TESTS, kinds_of, left_out_whole

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: tomli is pinned there (pytest needs it)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("path", "name", "fixtures", "kinds"),
    [
        ("browser/test_lab_smoke.py", "test_opens", ["page"], {"browser"}),
        ("net/test_real_cluster.py", "test_survives", ["clusters"], {"net"}),
        ("net/test_wire.py", "test_codec", ["tmp_path"], set()),
        ("test_grade.py", "test_a_passing_notebook", ["graded"], {"notebook"}),
        ("03_failure_detection.ipynb", "Cell 4", [], {"notebook"}),
        ("test_binder.py", "test_a_fresh_binder_environment_runs_every_lesson", [], {"binder"}),
        ("test_binder.py", "test_every_requirement_is_pinned_exactly_as_in_constraints", [], set()),
        ("runtime/test_sim.py", "test_run[seed=1]", [], set()),
        ("site/test_site_browser.py", "test_page_opens[index]", ["page"], {"browser"}),
        ("site/test_site_build.py", "test_index_lists_every_lesson", [], {"notebook"}),
        ("instructor/test_graders.py", "test_otter_assigns_and_runs", [], {"notebook"}),
    ],
)
def test_each_test_gets_the_kinds_its_place_and_fixtures_say(path, name, fixtures, kinds):
    assert kinds_of(path, name, fixtures) == kinds


@pytest.mark.parametrize(
    ("path", "name", "first_row", "kinds"),
    [
        ("checks/test_explore.py", "test_raft_never_has_two_leaders_in_one_term", True, {"slow"}),
        ("viz/test_readable_figures.py", f"{FIGURE}[docs_election_times]", True, {"slow"}),
        ("viz/test_readable_figures.py", f"{FIGURE}[lesson00_cluster]", True, set()),
        ("viz/test_readable_figures.py", f"{FIGURE}[lesson05_figure16]", True, {"slow"}),
        ("viz/test_readable_figures.py", f"{FIGURE}[lesson10_logs]", True, {"slow"}),
        ("viz/test_readable_figures.py", f"{FIGURE}[exercise_box_phi]", True, set()),
        ("checks/test_explore.py", "test_a_run_is_replayed", True, set()),
        ("exercises/test_terms.py", "test_each_rule_left_out_is_caught_and_named[x]", True, set()),
        (
            "exercises/test_terms.py",
            "test_each_rule_left_out_is_caught_and_named[y]",
            False,
            {"slow"},
        ),
        ("exercises/test_terms.py", "test_worked_answer_passes[y]", False, set()),
    ],
)
def test_slow_tests_are_named_or_later_rows_of_a_table_of_mutants(path, name, first_row, kinds):
    assert kinds_of(path, name, [], first_row) == kinds


CHECK = "not (browser or binder or net or notebook or slow)"


@pytest.mark.parametrize(
    ("path", "expression", "whole"),
    [
        ("browser", CHECK, True),
        ("browser/test_lab_smoke.py", CHECK, True),
        ("instructor/test_graders.py", CHECK, True),
        ("instructor/test_graders.py", "notebook", False),
        ("browser", "browser or notebook", False),
        ("browser", "not slow", False),
        ("test_binder.py", CHECK, False),  # only one of its tests builds Binder's environment
        ("net/test_wire.py", CHECK, False),
        ("runtime", CHECK, False),
        ("browser", "", False),
        ("browser", "not (browser or smoke)", False),  # a mark it cannot see: collect
    ],
)
def test_a_module_is_left_uncollected_only_when_m_leaves_out_all_its_tests(path, expression, whole):
    assert left_out_whole(path, expression) is whole


def functions_in(module: Path) -> set[str]:
    """The names of the test functions ``module`` defines at its top level."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def test_each_slow_test_exists_and_its_module_keeps_a_fast_test():
    """A renamed test cannot leave a stale entry behind, and no test module is left out of
    `make check` whole: the loop still runs a test of what each module tests."""
    modules = {path.name: path for path in (ROOT / "tests").rglob("test_*.py")}
    for name, slow in SLOW_TESTS.items():
        assert name in modules, f"SLOW_TESTS names {name}, which is no test module"
        functions = functions_in(modules[name])
        named = {test.split("[")[0] for test in slow}
        assert named <= functions, f"{name} has no {sorted(named - functions)}"
        assert functions - set(slow), f"every test of {name} is slow"


def test_every_kind_is_registered_and_left_out_of_make_check():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    registered = {line.split(":")[0] for line in options["markers"]}
    assert registered == set(KINDS)
    assert "--strict-markers" in options["addopts"]
    makefile = (ROOT / "Makefile").read_text()
    selection = re.search(r'CHECK_ARGS \?=.*?\s-m "not \(([^)]*)\)"', makefile, re.S)
    assert selection is not None
    assert set(selection.group(1).split(" or ")) == set(KINDS)


def test_this_module_is_a_unit_test(request):
    assert not {m.name for m in request.node.iter_markers()} & set(KINDS)


def test_notebook_cells_are_collected_and_marked_as_notebooks():
    """nbval's cells have no fixtures: collecting them must work, and mark them (this
    module is collected too, so that tests/conftest.py marks what is collected)."""
    lesson = sorted((ROOT / "lessons").glob("0*.ipynb"))[0]
    found = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--collect-only",
            "-q",
            "-m",
            "notebook",
            str(lesson),
            __file__,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stdout + found.stderr
    assert f"{lesson.name}::Cell 0" in found.stdout
