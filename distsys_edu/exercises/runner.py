"""Run a learner's class through an exercise's named, seeded scenarios.

An :class:`Exercise` is a name and a list of :class:`Scenario`\\ s. Each scenario
*plays* the learner's class (usually: spawn it in a seeded :class:`~distsys_edu.Sim`,
schedule faults, run for some seconds of virtual time) and *judges* what happened,
returning a :class:`Problem` (expected, happened, hint) or ``None``.

The runner never lets the learner's code raise out of a check:

* ``NotImplementedError`` anywhere (a stub method, called directly or from inside
  the Sim, where the runtime records it in ``sim.failures`` and crashes the node)
  makes the scenario *not attempted*.
* Any other exception, direct or recorded in ``sim.failures``, is an *error*,
  reported by type, message, where it was raised and in which scenario.

Strict mode (``strict=True``, or the environment variable ``DISTSYS_EDU_STRICT=1``)
raises :class:`~.result.ExerciseFailed` for anything but a pass; CI runs the
solution notebooks that way.

A lesson author adds an exercise by writing scenarios and registering them::

    EXERCISE = register(Exercise("ping_pong", "Pinger", (Scenario(...), ...)))

    def check_ping_pong(pinger_class, *, strict=None):
        return EXERCISE.check(pinger_class, strict=strict)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FunctionType, TracebackType
from typing import Any

from ..runtime import Failure, Sim, failures_reported_elsewhere
from ..runtime.errors import invalid
from .feedback import LearnerNames, picture, probe_lines
from .result import ERROR, FAILED, NOT_ATTEMPTED, PASSED, ExerciseResult, ScenarioOutcome

STRICT_ENV = "DISTSYS_EDU_STRICT"
"""Set to ``1`` to make every check raise unless it passed (``0`` or unset: never)."""

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")

_WRITES: dict[str, type] = {"class": type, "function": FunctionType}
"""What a learner may hand to a check, by what the exercise asks them to write."""

NOT_ATTEMPTED_HINT = "write the parts that raise NotImplementedError, then run this check again"


@dataclass(frozen=True)
class Problem:
    """What a scenario's judge found wrong.

    Attributes:
        expected: what should have happened, in a learner's words.
        happened: what happened instead, with virtual times and node names.
        hint: what to look at next.
        at: the virtual time it went wrong, if one moment did.
    """

    expected: str
    happened: str
    hint: str
    at: float | None = None


@dataclass(frozen=True)
class Scenario:
    """One named, seeded situation to put the learner's class through.

    Attributes:
        name: short and unique within the exercise, e.g. ``"30% loss"``.
        play: ``play(learner_class)`` builds the world (a seeded Sim with the
            learner's actors spawned and faults scheduled), runs it, and returns it.
            Same class, same world: it must be deterministic.
        judge: ``judge(world)`` returns a :class:`Problem`, or ``None`` if all is well.
            It reads only what ``play`` returned (for a Sim: its trace).
        returns: the variable name the replay snippet gives to the world.
        picture: ``picture(world, at)`` gives the box's ``draw`` and ``caption`` (see
            :func:`~.feedback.picture`, the default) when the scenario did not pass: for
            a scenario whose messages or cluster would not show what matters.
    """

    name: str
    play: Callable[[type], Any]
    judge: Callable[[Any], Problem | None]
    returns: str = "sim"
    picture: Callable[[Any, float | None], dict[str, Any]] = picture


@dataclass(frozen=True)
class Exercise:
    """A named set of scenarios that one class written by the learner must pass.

    Attributes:
        name: the exercise's name (what :func:`replay` and the grader know it by).
        role: what the learner writes, e.g. ``"Pinger"`` (used in messages).
        scenarios: run in this order, every one every time.
        writes: ``"class"`` (an actor class) or ``"function"`` (e.g. one that reads
            a trace): what :meth:`check` must be given.
    """

    name: str
    role: str
    scenarios: tuple[Scenario, ...]
    writes: str = "class"

    def __post_init__(self) -> None:
        names = [s.name for s in self.scenarios]
        if not names or len(set(names)) != len(names):
            raise invalid("scenarios", names, "must be at least one, with distinct names")
        if self.writes not in _WRITES:
            raise invalid("writes", self.writes, f"must be one of {', '.join(_WRITES)}")

    def scenario(self, name: str) -> Scenario:
        """The scenario called ``name``.

        Raises:
            InvalidArgument: no such scenario (the message lists them).
        """
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        known = ", ".join(repr(s.name) for s in self.scenarios)
        raise invalid("scenario", name, f"must be one of {known}")

    @failures_reported_elsewhere()
    def check(
        self,
        learner_class: Any,
        *,
        strict: bool | None = None,
        scenarios: Sequence[str] | None = None,
    ) -> ExerciseResult:
        """Run every scenario (or those named) with ``learner_class``; collect the outcomes.

        Args:
            learner_class: the class (or, for ``writes="function"``, the function)
                the learner wrote; not an instance, not a call's result.
            strict: raise unless passed; ``None`` reads :data:`STRICT_ENV`.
            scenarios: the names of the scenarios to run, in this exercise's order
                (``None``: all). An exporter's test cell runs one, for partial credit.

        Returns:
            The result; it never raises unless strict.

        Raises:
            ExerciseFailed: strict, and the result is not a pass.
            InvalidArgument: ``strict`` (or :data:`STRICT_ENV`) is not a yes/no, or a
                scenario name that is not one of this exercise's.
        """
        is_strict = strict_mode(strict)
        chosen = self.scenarios
        if scenarios is not None:
            wanted = {self.scenario(name).name for name in scenarios}
            chosen = tuple(s for s in self.scenarios if s.name in wanted)
        if isinstance(learner_class, _WRITES[self.writes]):
            outcomes = [self._run(scenario, learner_class) for scenario in chosen]
        else:
            outcomes = [self._not_a_class(learner_class)]
        result = ExerciseResult.from_outcomes(self.name, outcomes)
        return result.raise_unless_passed() if is_strict else result

    def _not_a_class(self, given: Any) -> ScenarioOutcome:
        what = type(given).__name__
        return ScenarioOutcome(
            "calling the check",
            ERROR,
            expected=f"the {self.writes} you wrote ({self.role})",
            happened=f"it was given {'an instance of ' if what != 'NoneType' else ''}{what}",
            hint=f"pass the {self.writes} itself: {self.role}, not {self.role}()",
        )

    def _run(self, scenario: Scenario, learner_class: Any) -> ScenarioOutcome:
        replay_code = (
            "from distsys_edu.exercises import replay\n"
            f"{scenario.returns} = replay({self.name!r}, {scenario.name!r}, "
            f"{learner_class.__name__})"
        )
        try:
            world = scenario.play(learner_class)
        except NotImplementedError as exc:
            return _not_attempted(scenario, f"{_raised_in(exc.__traceback__)} raises {_text(exc)}")
        except Exception as exc:
            return ScenarioOutcome(
                scenario.name,
                ERROR,
                expected="your code runs without raising",
                happened=f"{_text(exc)}, raised in {_raised_in(exc.__traceback__)}",
                hint="read the message; replay the scenario to see the traceback",
                replay=replay_code,
            )
        failure = _first_failure(world)
        if failure is not None:
            where = f"{_during(failure)} on node {failure.node} at t={failure.t:g}"
            if failure.error.split(":", 1)[0] == "NotImplementedError":
                return _not_attempted(scenario, f"{where} raises {failure.error}".rstrip(": "))
            return ScenarioOutcome(
                scenario.name,
                ERROR,
                expected="your actor's code runs without raising",
                happened=f"{failure.error}, raised in {where} (the node crashed)",
                hint="replay the scenario and print sim.failures[0].traceback",
                replay=replay_code,
                at=failure.t,
                **scenario.picture(world, failure.t),
            )
        problem = scenario.judge(world)
        if problem is None:
            return ScenarioOutcome(scenario.name, PASSED)
        names = LearnerNames.of(scenario.play)
        return ScenarioOutcome(
            scenario.name,
            FAILED,
            expected=names(problem.expected),
            happened=names(problem.happened),
            hint=names(problem.hint),
            replay=replay_code + _snapshot_line(scenario, problem),
            at=problem.at,
            messages=probe_lines(world, names),
            **scenario.picture(world, problem.at),
        )


EXERCISES: dict[str, Exercise] = {}
"""Every registered exercise, by name."""


def register(exercise: Exercise) -> Exercise:
    """Make ``exercise`` known to :func:`replay` and return it.

    Raises:
        InvalidArgument: another exercise already has its name.
    """
    if exercise.name in EXERCISES:
        raise invalid("exercise", exercise.name, "is already registered; names must be unique")
    EXERCISES[exercise.name] = exercise
    return exercise


def replay(exercise: str, scenario: str, learner_class: type) -> Any:
    """Play one scenario of an exercise again and return its world (usually a Sim).

    The same class gives the same world: the scenario is seeded. Read its trace,
    take ``sim.snapshot(t)`` at the moment it went wrong, or draw it.

    Raises:
        InvalidArgument: an unknown exercise or scenario (the message lists them).
    """
    if exercise not in EXERCISES:
        raise invalid("exercise", exercise, f"must be one of {', '.join(sorted(EXERCISES))}")
    return EXERCISES[exercise].scenario(scenario).play(learner_class)


def run_scenarios(
    exercise: str, learner_class: Any, scenarios: Sequence[str], *, strict: bool | None = None
) -> ExerciseResult:
    """Check ``learner_class`` against some scenarios of an exercise only.

    What a graded cell of an exported notebook calls (nbgrader, Otter): one cell per
    scenario, so that a tool that gives a cell all its points or none still gives
    partial credit, a share per scenario passed.

    Raises:
        InvalidArgument: an unknown exercise or scenario (the message lists them).
        ExerciseFailed: strict, and not every scenario named passed.
    """
    if exercise not in EXERCISES:
        raise invalid("exercise", exercise, f"must be one of {', '.join(sorted(EXERCISES))}")
    return EXERCISES[exercise].check(learner_class, strict=strict, scenarios=scenarios)


def strict_mode(strict: bool | None) -> bool:
    """Whether checks raise unless passed: ``strict``, or else :data:`STRICT_ENV`.

    Raises:
        InvalidArgument: ``strict`` is not a bool or ``None``, or the environment
            variable is not one of 1/0, true/false, yes/no, on/off.
    """
    if strict is not None:
        if not isinstance(strict, bool):
            raise invalid("strict", strict, "must be True, False or None (read DISTSYS_EDU_STRICT)")
        return strict
    value = os.environ.get(STRICT_ENV, "")
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise invalid(STRICT_ENV, value, "must be 1 (strict) or 0 (also: true/false, yes/no, on/off)")


def _not_attempted(scenario: Scenario, happened: str) -> ScenarioOutcome:
    return ScenarioOutcome(scenario.name, NOT_ATTEMPTED, happened=happened, hint=NOT_ATTEMPTED_HINT)


def _first_failure(world: Any) -> Failure | None:
    if isinstance(world, Sim) and world.failures:
        return world.failures[0]
    return None


def _during(failure: Failure) -> str:
    """Where in an actor a recorded failure was raised, in words.

    ``handler`` of ``Pong`` -> ``the handler for Pong``; ``timer`` ``retry`` -> ``the
    timer callback retry``; ``started`` -> ``started()``.
    """
    if failure.during == "handler":
        return f"the handler for {failure.what}"
    if failure.during in ("timer", "reply"):
        return f"the {failure.during} callback {failure.what}"
    return f"{failure.during}()"


def _raised_in(tb: TracebackType | None) -> str:
    """The qualified name of the function the exception came out of, e.g. ``Pinger.started``."""
    if tb is None:
        return "your code"
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return str(getattr(code, "co_qualname", code.co_name))


def _text(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _snapshot_line(scenario: Scenario, problem: Problem) -> str:
    if problem.at is None or scenario.returns != "sim":
        return ""
    return f"\nsim.snapshot({problem.at!r})  # the moment it went wrong"
