"""What an exercise check returns: an :class:`ExerciseResult` and its three faces.

* In a notebook, a coloured box (``_repr_html_``): green passed, red failed, grey not
  attempted, orange error, each with a text label and a symbol too, so that no meaning
  rests on colour alone.
* As text (``str``, ``repr`` and the notebook's ``text/plain``), a short form that is the
  same in every run and every process: no timings, no object ids. Strict nbval compares
  it, and a learner can paste it into a question.
* As plain data (``to_dict`` / ``from_dict``), which the instructor's grader receives
  from the check it runs itself in the submission's kernel. A notebook never displays
  it: the grader reads no output, so nothing a cell shows can pass for a result.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..runtime.errors import SimError, invalid

PASSED, FAILED, NOT_ATTEMPTED, ERROR = "passed", "failed", "not attempted", "error"
STATUSES = (PASSED, FAILED, NOT_ATTEMPTED, ERROR)

_LOOK = {  # status -> (symbol, label, Okabe-Ito colour)
    PASSED: ("\u2714", "PASSED", "#009E73"),
    FAILED: ("\u2718", "FAILED", "#D55E00"),
    NOT_ATTEMPTED: ("\u2026", "NOT ATTEMPTED", "#999999"),
    ERROR: ("!", "ERROR", "#E69F00"),
}


class ExerciseFailed(SimError, AssertionError):
    """Strict mode: an exercise check did not pass (also an ``AssertionError``).

    Attributes:
        result: the :class:`ExerciseResult` that did not pass; the message is its text.
    """

    def __init__(self, result: ExerciseResult) -> None:
        super().__init__(str(result))
        self.result = result


@dataclass(frozen=True)
class ScenarioOutcome:
    """How the learner's code did in one scenario.

    Attributes:
        scenario: the scenario's name, e.g. ``"30% loss"``.
        status: one of :data:`STATUSES`.
        expected: what should have happened (empty when passed).
        happened: what happened instead, or the exception raised.
        hint: what to look at next.
        replay: Python code that replays the scenario, for a notebook cell.
        at: the virtual time it went wrong, if one moment did.
        picture: a PNG that shows the mistake, in the notebook only (never in the text).
        draw: makes that PNG when the box is first shown, if ``picture`` is not
            given (a check that nobody displays draws nothing).
        caption: what the picture shows (default: the moment it went wrong).
        messages: for a rule checked on a probe, what the node received and sent,
            a line each (shown in the notebook only).
    """

    scenario: str
    status: str
    expected: str = ""
    happened: str = ""
    hint: str = ""
    replay: str = ""
    at: float | None = None
    picture: bytes | None = field(default=None, repr=False)
    draw: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)
    caption: str = ""
    messages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise invalid("status", self.status, f"must be one of {', '.join(STATUSES)}")

    def png(self) -> bytes | None:
        """The picture of the moment it went wrong: given, drawn now (once), or ``None``.

        A picture that cannot be drawn is left out rather than hiding the result.
        """
        if self.picture is None and self.draw is not None:
            try:
                picture = self.draw()
            except Exception:  # the box must show, whatever the learner's actors published
                picture = None
            object.__setattr__(self, "picture", picture)
            object.__setattr__(self, "draw", None)
        return self.picture

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (without the picture)."""
        return {
            "scenario": self.scenario,
            "status": self.status,
            "expected": self.expected,
            "happened": self.happened,
            "hint": self.hint,
            "replay": self.replay,
            "at": self.at,
            "messages": list(self.messages),
        }


@dataclass(frozen=True)
class ExerciseResult:
    """The outcome of one exercise check.

    Attributes:
        exercise: the exercise's name, e.g. ``"ping_pong"``.
        status: one of :data:`STATUSES`: ``passed`` only if every scenario passed;
            ``not attempted`` if the learner's code still raises
            ``NotImplementedError`` somewhere; else ``error`` if any scenario raised;
            else ``failed``.
        outcomes: one per scenario, in the order they ran.
    """

    exercise: str
    status: str
    outcomes: tuple[ScenarioOutcome, ...]

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise invalid("status", self.status, f"must be one of {', '.join(STATUSES)}")

    @classmethod
    def from_outcomes(cls, exercise: str, outcomes: Sequence[ScenarioOutcome]) -> ExerciseResult:
        """The result whose status follows from its scenarios' (see ``status``)."""
        statuses = {o.status for o in outcomes}
        for status in (NOT_ATTEMPTED, ERROR, FAILED):
            if status in statuses:
                return cls(exercise, status, tuple(outcomes))
        return cls(exercise, PASSED, tuple(outcomes))

    @property
    def passed(self) -> bool:
        """Whether every scenario passed."""
        return self.status == PASSED

    @property
    def first_problem(self) -> ScenarioOutcome | None:
        """The first scenario whose status is the result's own (``None`` if passed)."""
        return next((o for o in self.outcomes if o.status == self.status != PASSED), None)

    # -- text ------------------------------------------------------------------

    def headline(self) -> str:
        """One line: the exercise, its status and, unless passed, why."""
        _, label, _ = _LOOK[self.status]
        head = f"{self.exercise}: {label}"
        if self.status in (PASSED, FAILED):
            return f"{head} ({self._summary()})"
        if self.status == NOT_ATTEMPTED:
            return f"{head} yet: {self._summary()}"
        return f"{head} {self._summary()}"

    def _summary(self) -> str:
        """The headline after the exercise and its status: how many passed, or why not."""
        passed = sum(o.status == PASSED for o in self.outcomes)
        if self.status == PASSED:
            return f"{passed} of {len(self.outcomes)} scenarios"
        if self.status == FAILED:
            return f"{passed} of {len(self.outcomes)} scenarios passed"
        problem = self.first_problem
        assert problem is not None
        if self.status == NOT_ATTEMPTED:
            return problem.happened
        return f"in scenario {problem.scenario!r}: {problem.happened}"

    def __str__(self) -> str:
        lines = [self.headline()]
        if self.status == NOT_ATTEMPTED:
            problem = self.first_problem
            assert problem is not None
            return "\n".join([*lines, f"  hint: {problem.hint}"])
        hints: set[str] = set()
        for outcome in self.outcomes:
            lines.append(f"- {outcome.scenario}: {outcome.status}")
            if outcome in self._detailed():
                lines.extend(_details(outcome, brief=outcome.hint in hints))
                hints.add(outcome.hint)
        return "\n".join(lines)

    def _detailed(self) -> list[ScenarioOutcome]:
        """The outcomes shown in full: every failure; of errors, only the first (they
        are usually the same bug, met again in each scenario)."""
        failed = [o for o in self.outcomes if o.status == FAILED]
        errors = [o for o in self.outcomes if o.status == ERROR]
        return failed + errors[:1]

    __repr__ = __str__

    # -- notebook ----------------------------------------------------------------

    def _repr_html_(self) -> str:
        """The box: every scenario a line; the first that did not pass open in full
        (with its picture), each other one folded (``<details>``) under one line."""
        symbol, label, colour = _LOOK[self.status]
        outcomes = [] if self.status == NOT_ATTEMPTED else self.outcomes
        first = self.first_problem
        rows = "".join(_html_row(o, full=o is first) for o in outcomes)
        hint = ""
        if self.status == NOT_ATTEMPTED and first is not None:
            hint = f"<p><b>Hint:</b> {_esc(first.hint)}</p>"
        listing = (
            f'<ul style="margin:0.3em 0;padding-left:0.4em;list-style:none">{rows}</ul>'
            if rows
            else ""
        )
        return (
            f'<div style="border:2px solid {colour};border-left:10px solid {colour};'
            "padding:0.4em 0.8em;margin:0.3em 0;border-radius:4px;box-sizing:border-box;"
            'max-width:100%;overflow-wrap:anywhere">'
            f'<b style="color:{colour}">{symbol} {label}</b> '
            f"<code>{_esc(self.exercise)}</code>: {_esc(self._summary())}"
            f"{listing}{hint}</div>"
        )

    # -- data ----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: exercise, status, the text form and every outcome."""
        return {
            "exercise": self.exercise,
            "status": self.status,
            "text": str(self),
            "outcomes": [o.to_dict() for o in self.outcomes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExerciseResult:
        """Read back what :meth:`to_dict` wrote (pictures are not kept).

        Raises:
            InvalidArgument: data that :meth:`to_dict` could not have written.
        """
        try:
            outcomes = tuple(
                ScenarioOutcome(
                    **{k: o[k] for k in ("scenario", "status", "expected", "happened", "hint")},
                    replay=o.get("replay", ""),
                    at=o.get("at"),
                    messages=tuple(o.get("messages", ())),
                )
                for o in data["outcomes"]
            )
            return cls(str(data["exercise"]), data["status"], outcomes)
        except (KeyError, TypeError) as exc:
            raise invalid(
                "data", type(data).__name__, f"must be what ExerciseResult.to_dict wrote ({exc!r})"
            ) from None

    def raise_unless_passed(self) -> ExerciseResult:
        """Return ``self`` if passed; else raise :class:`ExerciseFailed` (strict mode)."""
        if not self.passed:
            raise ExerciseFailed(self)
        return self


def _details(outcome: ScenarioOutcome, brief: bool) -> list[str]:
    """The indented lines under a scenario that did not pass; ``brief``: what happened
    only, when an earlier scenario already gave the same hint."""
    if brief:
        return [f"    happened: {outcome.happened} (hint as above)"]
    lines = []
    for key in ("expected", "happened", "hint"):
        text = getattr(outcome, key)
        if text:
            lines.append(f"    {key}: {text}")
    if outcome.replay:
        lines.append("    replay it:")
        lines.extend(f"      {line}" for line in outcome.replay.splitlines())
    return lines


SUMMARY_CHARS = 110
"""What a folded scenario's one line shows of what happened, at most."""


def _html_row(outcome: ScenarioOutcome, full: bool) -> str:
    """One scenario: a line if passed; else its details, open (``full``, with the
    picture) or folded under a line that says what happened."""
    symbol, label, colour = _LOOK[outcome.status]
    line = (
        f'<span style="color:{colour};font-weight:bold">{symbol} {label.lower()}</span> '
        f"{_esc(outcome.scenario)}"
    )
    if outcome.status == PASSED:  # indented as far as a folded line's text
        return f'<li style="padding-left:1.1em">{line}</li>'
    happened = outcome.happened
    if len(happened) > SUMMARY_CHARS:
        happened = happened[: SUMMARY_CHARS - 1].rstrip() + "\u2026"
    folded = "" if full else f": {_esc(happened)}"
    opened = " open" if full else ""
    return (
        f'<li><details{opened}><summary style="cursor:pointer">{line}{folded}</summary>'
        f"{_html_details(outcome, picture=full)}</details></li>"
    )


def _html_details(outcome: ScenarioOutcome, picture: bool) -> str:
    rows = "".join(
        f"<dt>{key}</dt><dd>{_esc(getattr(outcome, key))}</dd>"
        for key in ("expected", "happened", "hint")
        if getattr(outcome, key)
    )
    if outcome.messages:
        rows += f"<dt>what it received and sent</dt><dd>{_pre(chr(10).join(outcome.messages))}</dd>"
    if outcome.replay:
        rows += f"<dt>replay it</dt><dd>{_pre(outcome.replay)}</dd>"
    png = outcome.png() if picture else None
    if png is not None:
        data = base64.b64encode(png).decode("ascii")
        caption = outcome.caption or "the moment it went wrong"
        rows += (
            f"<dt>{_esc(caption)}</dt>"
            f'<dd><img alt="{_esc(caption.split(" (")[0])}" src="data:image/png;base64,{data}" '
            'style="max-width:100%;height:auto"/></dd>'
        )
    return f'<dl style="margin:0.2em 0 0.2em 0.5em">{rows}</dl>'


def _pre(text: str) -> str:
    """Code that wraps inside the box rather than running out past its border."""
    return (
        '<pre style="white-space:pre-wrap;overflow-wrap:anywhere;margin:0.2em 0;'
        f'max-width:100%;box-sizing:border-box">{_esc(text)}</pre>'
    )


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
