"""``explore ... --snippet`` and ``model-check ... --snippet``: a notebook cell that opens the
step mode at the counterexample, its choices queued; run here headless, stepped to the end."""

from __future__ import annotations

from typing import Any

import pytest

import distsys_edu.cli.model_check as cli_model_check
from distsys_edu.checks import model_check
from distsys_edu.cli import main
from distsys_edu.exercises.broken import spawn_broken
from distsys_edu.viz.playground import StepPlayground


def step_to_the_end(cell: str) -> Any:
    """Run the printed cell; take every queued choice; the step model at the end."""
    scope: dict[str, Any] = {}
    exec(cell, scope)
    widget = scope["step"]
    assert isinstance(widget, StepPlayground)
    model = widget.model
    assert model.queued and not model.made
    assert model.status() == [(name, None) for name, _ in model.status()]
    while model.queued:
        model.forward()
    return model


def test_explore_snippet_opens_the_step_mode_and_the_violation_arrives_at_its_end(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["explore", "blog", "--runs", "3", "--nodes", "3", "--max-shrink", "1"]
    assert main(argv) == 0
    summary = capsys.readouterr().out
    assert "--snippet" in summary  # the summary says how to get the cell
    assert main([*argv, "--snippet"]) == 0
    cell = capsys.readouterr().out
    assert cell.startswith("# The step mode at the start of the counterexample")
    broken = [name for name, what in step_to_the_end(cell).status() if what is not None]
    assert broken == ["liveness"]


def test_model_check_snippet_opens_the_step_mode_at_the_shortest_path(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No registered protocol breaks within small bounds, so the command is pointed at
    the broken Raft of lesson 06 (its argument parsing and printing are what is tested)."""
    found: list[Any] = []

    def broken(_: str, *args: Any, **kwargs: Any) -> Any:
        found.append(model_check(spawn_broken, *args, **kwargs))
        return found[-1]

    monkeypatch.setattr(cli_model_check, "model_check", broken)
    argv = ["model-check", "raft", "--max-depth", "6", "--max-term", "1", "--snippet"]
    assert main(argv) == 0
    cell = capsys.readouterr().out
    violation = found[0].violations[0]
    model = step_to_the_end(cell)
    assert model.made == list(violation.path)
    assert model.status() == [("one_leader_per_term", violation.detail)]


def test_without_a_counterexample_the_snippet_is_a_comment_saying_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["model-check", "raft", "--max-depth", "3", "--snippet"]) == 0
    out = capsys.readouterr().out
    assert out == "# model-check raft: no counterexample, so no step mode to open\n"
