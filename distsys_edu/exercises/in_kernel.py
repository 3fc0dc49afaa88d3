"""What the grader runs inside a submission's kernel: one exercise check, by the grader's hand.

The grader never reads a notebook's outputs. At the place of each check call it asks
the kernel, in an execute request of its own (silent, so no output is shown), for the
value of :func:`verdict` on the learner's object; that value comes back in the kernel's
*reply* to that request (Jupyter's ``user_expressions``), a channel that no output of a
learner's cell (a print, a display of anything shaped like a result, a background
thread) can write. The check itself is imported here, from the package, not taken from
the notebook's namespace, where a cell could have defined its own ``check_ping_pong``.
"""

from __future__ import annotations

import json
from typing import Any

from . import __all__ as PUBLIC
from .submission import SOLUTIONS

CHECKS = frozenset(name for name in PUBLIC if name.startswith("check_"))
"""The names of every exercise check the package offers."""


def expression(check: str, argument: str) -> str:
    """The Python expression the grader asks the kernel to evaluate for one check call.

    Raises:
        KeyError: ``check`` is not one of :data:`CHECKS`.
    """
    if check not in CHECKS:
        raise KeyError(check)
    return f"__import__({__name__!r}, fromlist=['verdict']).verdict({check!r}, ({argument}))"


def verdict(check: str, learner_object: Any) -> str:
    """Run ``check`` (never strict) on what the learner wrote; JSON for the grader.

    Returns:
        ``{"result": ExerciseResult.to_dict(), "worked_answer": MODULE}``, where
        ``MODULE`` names the worked-answer module the object (or, for a class, one of
        its bases) comes from, or is ``""``.
    """
    from .. import exercises

    result = getattr(exercises, check)(learner_object, strict=False)
    return json.dumps({"result": result.to_dict(), "worked_answer": worked_answer(learner_object)})


def worked_answer(learner_object: Any) -> str:
    """The solution module ``learner_object`` (or a base class of it) was defined in."""
    owners = getattr(learner_object, "__mro__", (learner_object,))
    for owner in owners:
        module = str(getattr(owner, "__module__", "") or "")
        if module.startswith(SOLUTIONS + "."):
            return module[len(SOLUTIONS) + 1 :]
    return ""


def exercise_name(check: str) -> str:
    """The name of the exercise ``check`` checks (``check_threshold`` -> ``phi_threshold``).

    Asked of the check itself, with nothing to run: given no class, a check says so at
    once, under its exercise's name (a check that cannot say is known by its own name,
    less ``check_``).
    """
    from .. import exercises

    try:
        return str(getattr(exercises, check)(None, strict=False).exercise)
    except Exception:  # a check that refuses None outright
        return check.removeprefix("check_")


class WorkedAnswerUsed(AssertionError):
    """A graded cell was handed a class (or function) from the worked answers."""


def graded_scenario(exercise: str, learner_object: Any, scenario: str) -> None:
    """What one graded cell of an exported notebook runs (nbgrader, Otter): one scenario
    of ``exercise``, strict, on what the learner wrote.

    Returns nothing (a graded cell shows nothing when it passes).

    Raises:
        WorkedAnswerUsed: ``learner_object`` (or a base class of it) comes from
            ``distsys_edu.exercises.solutions``, which the package ships.
        ExerciseFailed: the scenario did not pass; the message is the check's own
            explanation (expected, what happened, the hint), which the tool shows.
        InvalidArgument: an unknown exercise or scenario.
    """
    from .runner import run_scenarios

    used = worked_answer(learner_object)
    if used:
        raise WorkedAnswerUsed(
            f"{exercise}: uses the worked answer for {used} ({SOLUTIONS}.{used}); "
            "no points for it: write your own"
        )
    run_scenarios(exercise, learner_object, [scenario], strict=True)
