"""Which tests are slow kinds, and so left out of `make check`: one rule, read by
``tests/conftest.py``, which marks every collected test with its kinds."""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from _pytest.mark.expression import Expression

KINDS: dict[str, str] = {
    "browser": "drives JupyterLab in headless Chromium",
    "binder": "builds a fresh virtual environment as Binder would",
    "net": "starts real processes that talk over UDP on loopback",
    "notebook": "runs notebooks in Jupyter kernels",
    "slow": "long by nature: a table of mutants, a sweep, every figure, a pool of processes",
}
"""Each slow kind of test and what makes it slow; `make check` deselects them all."""

NOTEBOOK_MODULES = frozenset(
    {
        "test_grade.py",
        "test_playground_backend.py",
        "test_site_build.py",
        "test_graders.py",
        "test_lite_build.py",
    }
)
"""Test modules whose tests start Jupyter kernels (the grader, nbclient, nbgrader and
Otter) or build notebooks into a website (Sphinx, JupyterLite)."""

BROWSER_MODULES = frozenset(
    {"test_site_browser.py", "test_lite_browser.py", "test_lite_kernel_browser.py"}
)
"""Test modules outside tests/browser/ that drive Chromium."""

BINDER_TESTS = frozenset({"test_binder.py::test_a_fresh_binder_environment_runs_every_lesson"})
"""Binder's pins are checked in a moment; only building its environment is slow."""


MUTANT_TABLE = "_left_out_is_caught_and_named"
"""A test whose name holds this runs a check on each wrong answer of a table (one rule
of the worked answer left out per row): its first row is a unit test, every other row
is ``slow``, so `make check` still sees each check catch one mutant."""

FIGURE = "test_the_figure_reads_where_it_is_shown"

SLOW_TESTS: dict[str, dict[str, str]] = {
    "test_readable_figures.py": {
        f"{FIGURE}[docs_*": "the docs' figures, many built from many runs",
        f"{FIGURE}[lesson0[3-9]_*": "the figures of lessons 03 and after",
        f"{FIGURE}[lesson[1-9][0-9]_*": "the figures of lessons 03 and after",
    },
    "test_figure16.py": {"test_the_stored_sweep_is_what_a_recomputation_gives": "a sweep"},
    "test_animate_and_plots.py": {
        "test_figure_16_as_the_lesson_draws_it_hides_no_line_under_a_legend": "a whole sweep",
    },
    "test_interrupts.py": {
        "test_ctrl_c_at_any_bytecode_splits_nothing_and_loses_nothing": "3,500 interrupted runs",
        "test_step_under_ctrl_c_at_any_bytecode_loses_no_entry": "an interrupt at every bytecode",
        "test_a_bare_interrupt_anywhere_in_the_loop_never_bricks_the_sim": "every bytecode",
    },
    "test_memory.py": {
        "test_memory_grows_linearly_with_the_nodes": "large clusters",
        "test_the_estimate_covers_what_a_started_cluster_takes": "large clusters",
    },
    "test_explore.py": {
        "test_raft_never_has_two_leaders_in_one_term": "a long explore",
        "test_shrunk_schedules_still_fail_and_are_one_minimal": "a long explore",
        "test_the_same_seed_gives_the_same_result_in_any_process": "fresh processes",
        "test_split_brain_of_sticky_leaders_is_shrunk_to_two_faults": "a long explore",
        "test_bully_split_brain_is_found_and_shrunk": "a long explore",
    },
    "test_raftlog_invariants.py": {
        "test_explore_finds_a_vote_for_a_stale_log_and_shrinks_it": "a long explore",
        "test_the_service_answers_again_once_the_faults_stop": "runs with clients under faults",
        "test_explore_finds_no_violation_of_the_correct_protocol": "a long explore",
    },
    "test_slow_kinds.py": {
        "test_notebook_cells_are_collected_and_marked_as_notebooks": "a second pytest",
    },
    "test_election_time_jobs.py": {
        "test_two_workers_give_exactly_the_result_of_one": "a pool of processes",
        "test_detector_tradeoff_with_workers_is_the_same": "a pool of processes",
        "test_the_command_line_prints_the_same_json_for_any_jobs": "a pool of processes",
    },
    "test_dask_cluster.py": {
        "test_explore_on_dask_is_exactly_explore_here": "a Dask cluster",
    },
    "test_exercise_runner.py": {
        "test_text_is_the_same_in_a_fresh_process_with_another_hash_seed": "a fresh Python",
    },
    "test_stale_reads.py": {
        "test_explore_finds_stale_reads_and_shrinks_them": "a long explore",
    },
    "test_model_check.py": {
        "test_the_fixed_raft_is_safe_within_the_bounds_with_and_without_symmetry": "bounded",
        "test_the_broken_raft_is_found_by_a_shortest_path_with_and_without_symmetry": "bounded",
    },
    "test_build_lessons.py": {
        "test_the_build_fails_when_a_claim_is_false_or_prints": "builds a lesson",
        "test_a_fresh_build_changes_no_byte": "builds every lesson",
    },
    "test_swim.py": {
        "test_memory_stays_linear_once_members_probe": "large clusters",
    },
    "test_explore_jobs.py": {
        "test_two_workers_give_exactly_the_result_of_one": "a pool of processes",
    },
    "test_parallel.py": {
        "test_ctrl_c_stops_the_workers_and_leaves_no_process_behind": "a pool of processes",
        "test_a_run_that_kills_its_worker_process_is_named": "a pool of processes",
    },
    "test_fixed_protocol.py": {
        "test_the_planted_bug_is_found_and_the_double_vote_named": "explores the exercise",
        "test_refusing_every_vote_is_not_a_fix": "explores the exercise",
    },
    "test_cli.py": {
        "test_explore_prints_a_summary_and_the_rest_on_request": "a long explore",
    },
    "test_election_time.py": {"test_same_result_under_any_hash_seed": "fresh Pythons"},
}
"""Single tests too long for the loop, each with what makes it long; `make test` runs
them. Keyed by test module, then by a test function (every parametrized case of it),
one case ``function[id]``, or cases whose name matches a shell pattern
(``function[docs_*``: ``*``, ``?`` and ``[...]`` as in :mod:`fnmatch`)."""


def _matches(name: str, pattern: str) -> bool:
    """Whether the collected test ``name`` (``function`` or ``function[id]``) is the
    test or case ``pattern`` names (see :data:`SLOW_TESTS`)."""
    function = name.split("[")[0]
    if pattern in (name, function):
        return True
    head, bracket, cases = pattern.partition("[")
    return bool(bracket) and head == function and fnmatchcase(name[len(head) + 1 :], cases)


def kinds_of(path: str, name: str, fixtures: Iterable[str], first_row: bool = True) -> set[str]:
    """The slow kinds of the test ``name`` in ``path`` (relative to ``tests/``, or a
    notebook anywhere) that uses ``fixtures`` (``first_row``: it is the first case of
    its parametrization, or is not parametrized); empty for a unit test."""
    parts = PurePosixPath(path).parts
    found = set()
    function = name.split("[")[0]
    named = SLOW_TESTS.get(parts[-1], {})
    if any(_matches(name, pattern) for pattern in named) or (
        MUTANT_TABLE in function and not first_row
    ):
        found.add("slow")
    if parts[0] == "browser" or parts[-1] in BROWSER_MODULES:
        found.add("browser")
    if f"{parts[-1]}::{function}" in BINDER_TESTS:
        found.add("binder")
    if "clusters" in fixtures:  # tests/net/conftest.py: real clusters of processes
        found.add("net")
    if parts[-1] in NOTEBOOK_MODULES or parts[-1].endswith(".ipynb"):
        found.add("notebook")
    return found


def left_out_whole(path: str, expression: str) -> bool:
    """Whether the ``-m`` ``expression`` leaves out every test of the module or folder
    ``path`` (relative to ``tests/``), by the kinds its place alone gives them. Answers
    only when ``expression`` names nothing but slow kinds (so the answer is exact);
    otherwise ``False``: collect, and let ``-m`` deselect test by test."""
    names = set(re.findall(r"[A-Za-z_]\w*", expression)) - {"and", "or", "not"}
    if not expression or not names <= set(KINDS):
        return False
    kinds = kinds_of(path, "", ())
    return bool(kinds) and not Expression.compile(expression).evaluate(
        lambda name, **_: name in kinds
    )
