"""``--snippet``: a notebook cell that opens the step mode at a counterexample.

``explore`` and ``model-check`` take it. The cell
(:func:`~distsys_edu.checks.step_plan.step_snippet`)
rebuilds the initial state from the seed, queues the counterexample's choices
and shows the playground's step mode; press forward to watch the invariant break.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..checks.step_plan import StepPlan, step_snippet

HINT = "To step through it by hand in a notebook: add --snippet (prints a cell to paste)."
"""The line after a summary with a counterexample, when ``--snippet`` was not given."""


def add_snippet(parser: argparse.ArgumentParser) -> None:
    """The ``--snippet`` flag."""
    parser.add_argument(
        "--snippet",
        action="store_true",
        help="print only a notebook cell that opens the step mode at the counterexample",
    )


def print_snippet(plan: StepPlan | None, what: str) -> None:
    """Print the cell for ``plan``, or a comment saying there is nothing to open."""
    if plan is None:
        print(f"# {what}: no counterexample, so no step mode to open")
        return
    print(step_snippet(plan), end="")


def wanted(args: Any) -> bool:
    """Whether ``--snippet`` was given."""
    return bool(getattr(args, "snippet", False))
