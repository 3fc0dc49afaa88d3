"""Lesson 07's exercises: read a trace as you would read a real cluster's merged trace.

A real run cannot be replayed, so these checks never run the learner's code on one:
they run it on traces the simulator makes from a seed (the same schema as the merged
trace of ``distsys_edu.net``), and on small scripted traces where the answer is known.

* :func:`step_downs`: every time a leader stepped down, with the term it led and the
  term in which it stepped down. :func:`check_step_downs` catches a crash counted as a
  step-down, a candidate that lost counted as a leader, the term it led (or the next
  one) reported instead of the one it learned, and a search that stops at the first.
* :func:`terms_with_two_leaders`: the terms that had more than one leader, the
  question ``checks.one_leader_per_term`` answers. :func:`check_terms_with_two_leaders`
  catches a check that looks only at the end, or only at leaders at the same moment,
  one that counts a leader twice because it announced itself again, and (on a
  scripted trace) one that keeps views with no term, counts candidates, lists terms
  with one leader, or sorts the leaders.

The learner's function is given a :class:`~distsys_edu.Trace`. What a node publishes
with ``ctx.annotate`` is an ``annotate`` event: ``e.node`` is the node, ``e.data`` the
keys it published (Raft publishes ``role`` and ``term`` together, every time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from ..runtime import Trace
from .exercise_traces import (
    CLOSE_TIMEOUTS,
    SPLIT_VOTE_SEED,
    Answered,
    View,
    play,
    raft_trace,
    scripted_trace,
)
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register
from .solutions.real_traces import step_downs as reference_step_downs
from .two_leaders_judge import judge_two_leaders

StepDown = tuple[str | None, int, int]
"""``(node, term it led, term in which it stepped down)``."""


def step_downs(trace: Trace) -> list[tuple[str, int, int]]:
    """Every time a leader stepped down, in the order it happened.

    A leader steps down when, still running, it publishes a role other than
    ``"leader"`` (a Raft leader does so when it hears of a higher term). A crash is
    not a step-down: the node did not decide anything, and after a restart a fresh
    process publishes its first view.

    Args:
        trace: a simulated trace, or the merged trace of a real cluster.

    Returns:
        ``(node, term it led, term it published when it stepped down)`` for each
        step-down, in trace order.
    """
    raise NotImplementedError("walk the annotate (and crash) events; remember who leads")


def terms_with_two_leaders(trace: Trace) -> dict[int, list[str]]:
    """The terms that had more than one leader, over the whole trace.

    Two nodes that led the same term break Raft's election safety even if they never
    led at the same moment, and even if the cluster agreed again before the end.
    Views that publish no ``term`` say nothing about terms: leave them out.

    Args:
        trace: a simulated trace, or the merged trace of a real cluster.

    Returns:
        ``{term: [leaders, in the order they first claimed it]}`` for each term with
        two leaders or more; ``{}`` when every term had at most one.
    """
    raise NotImplementedError("collect who claimed each term, then keep the crowded terms")


# -- judging step_downs --------------------------------------------------------------


def judge_step_downs(world: Answered) -> Problem | None:
    """Compare the learner's step-downs with the worked answer's, and say how they differ."""
    want = reference_step_downs(world.trace)
    got = world.answer
    expected = f"these step-downs (node, term led, term stepped down in): {want}"
    if not isinstance(got, list) or not all(_is_step_down(x) for x in got):
        return Problem(
            expected,
            f"it returned {got!r}",
            "return a list of tuples (node name, term it led, term it stepped down in)",
        )
    got = [tuple(x) for x in got]
    if got == want:
        return None
    led = {(node, term) for node, term, _ in want} | _leaders(world.trace)
    for node, old, new in got:
        if (node, old, new) in want:
            continue
        if (node, old) not in led:
            return Problem(
                expected,
                f"it reported {(node, old, new)}, but {node} never led term {old}",
                "only a leader steps down: a candidate that loses its election was never "
                "leader; look for role == 'leader' before the change",
            )
        published = next((w[2] for w in want if w[:2] == (node, old)), None)
        if published is not None and new != published:
            said = "the term it led, twice" if new == old else f"{node} published term {published}"
            return Problem(
                expected,
                f"it reported {(node, old, new)}: {said}",
                "the third item is the term the node published as it stepped down "
                "(the higher term it heard of), not the term it led",
            )
        crash = _crash_while_leading(world.trace, node, old)
        if crash is not None:
            return Problem(
                expected,
                f"it reported {(node, old, new)}, but {node} crashed at t={crash:g} while "
                "leading; the follower view after that is a fresh process starting",
                "a crash is not a step-down: forget what a node led when it crashes "
                "(the trace has a 'crash' event)",
                at=crash,
            )
    missing = [w for w in want if w not in got]
    if missing and all(x in want for x in got):
        when = _step_down_time(world.trace, missing[0])
        return Problem(
            expected,
            f"it found {len(got)} of {len(want)}: it missed {missing[0]} at t={when:g}",
            "keep walking after the first step-down: a leader can step down more than "
            "once, and several leaders can step down in one run",
            at=when,
        )
    return Problem(expected, f"it returned {got}", "report them in the order they happened")


def _is_step_down(item: Any) -> bool:
    return isinstance(item, tuple | list) and len(item) == 3 and isinstance(item[0], str)


def _leaders(trace: Trace) -> set[tuple[str, Any]]:
    """Every (node, term) that some annotation showed as leader."""
    return {
        (str(e.node), e.data.get("term"))
        for e in trace.events("annotate")
        if e.data.get("role") == "leader"
    }


def _crash_while_leading(trace: Trace, node: str, term: int) -> float | None:
    """When ``node`` crashed while its last view said it led ``term`` (None: it did not)."""
    leading = False
    for e in trace.events(("annotate", "crash"), node=node):
        if e.kind == "crash" and leading:
            return e.t
        if e.kind == "annotate" and "role" in e.data:
            leading = e.data["role"] == "leader" and e.data.get("term") == term
    return None


def _step_down_time(trace: Trace, step_down: StepDown) -> float:
    """When ``node`` first published ``new_term`` in a non-leader role (the worked
    answer found that step-down in this trace, so there is such a view)."""
    node, _, new = step_down
    return next(
        e.t
        for e in trace.events("annotate", node=node)
        if e.data.get("role") not in (None, "leader") and e.data.get("term") == new
    )


# -- the exercises -------------------------------------------------------------------

PAUSED_LEADER = ("1 pause n5 1.0",)
"""n5, leader of term 1, freezes for 1 s; n2 leads term 2; n5 resumes and steps down."""

CRASHED_LEADER = ("1 crash n5", "2 restart n5")
"""n5 crashes while leading term 1 and restarts a second later as a follower."""

PAUSE_THEN_PARTITION = ("1 pause n5 1.0", "3 partition n1,n2|n3,n4,n5", "5 heal")
"""Two step-downs: the paused n5 (term 1), then n2 cut off in a minority (term 2)."""


LEARNS_A_LATER_TERM: dict[str, Sequence[View]] = {
    "n1": ((1.0, "leader", 1), (1.5, "leader", 1), (2.0, "follower", 3)),
    "n2": ((1.2, "candidate", 2), (1.8, "follower", 3)),
}
"""n1 leads term 1 (and says so twice), then hears of term 3, not 2: it steps down into
term 3; n2 stood in term 2 and lost, which is no step-down."""


def _step_downs_scenario(name: str, faults: Sequence[str], **options: Any) -> Scenario:
    make_trace = partial(raft_trace, tuple(faults), **options)
    return Scenario(name, partial(play, make_trace), judge_step_downs, "answered")


STEP_DOWNS = register(
    Exercise(
        "step_downs",
        "step_downs",
        (
            _step_downs_scenario("paused leader", PAUSED_LEADER),
            _step_downs_scenario("crashed leader", CRASHED_LEADER),
            _step_downs_scenario("pause, then partition", PAUSE_THEN_PARTITION),
            _step_downs_scenario(
                "split vote", (), seed=SPLIT_VOTE_SEED, election_timeout=CLOSE_TIMEOUTS
            ),
            Scenario(
                "scripted: a later term",
                partial(play, partial(scripted_trace, LEARNS_A_LATER_TERM)),
                judge_step_downs,
                "answered",
            ),
        ),
        writes="function",
    )
)

ONE_AFTER_THE_OTHER: dict[str, Sequence[View]] = {
    "n1": ((1.0, "leader", 1), (2.0, "follower", 1)),
    "n2": ((3.0, "leader", 1),),
    "n3": ((0.5, "follower", 1),),
}
"""n1 leads term 1 and steps down; later n2 claims term 1 too: never at the same moment."""

NO_TERM_AND_OUT_OF_ORDER: dict[str, Sequence[View]] = {
    "n1": ((1.0, "leader", None), (4.0, "leader", 3)),
    "n2": ((1.5, "leader", None), (3.0, "leader", 2), (3.2, "leader", 2)),
    "n3": ((2.0, "leader", 2),),
    "n4": ((2.5, "candidate", 2),),
    "n5": ((2.6, "candidate", 2),),
}
"""n1 and n2 lead with no term (as Bully nodes publish); n3, then n2 (announcing itself
twice), lead term 2 while n4 and n5 stand in it; n1 alone leads term 3."""

HEALED_SPLIT: dict[str, Sequence[View]] = {
    "n1": ((1.0, "leader", 4), (3.0, "follower", 5)),
    "n2": ((2.0, "leader", 4), (3.0, "follower", 5)),
    "n3": ((4.0, "leader", 5),),
}
"""n1 and n2 both lead term 4; then n3 leads term 5 and everyone agrees by the end."""


def _two_leaders_scenario(
    name: str, make_trace: Callable[[], Trace], want: dict[int, list[str]], why: str
) -> Scenario:
    judge = partial(judge_two_leaders, want=want, why=why)
    return Scenario(name, partial(play, make_trace), judge, "answered")


TWO_LEADERS = register(
    Exercise(
        "terms_with_two_leaders",
        "terms_with_two_leaders",
        (
            _two_leaders_scenario(
                "raft, pause then partition",
                partial(raft_trace, PAUSE_THEN_PARTITION),
                {},
                "Raft never lets two nodes lead one term",
            ),
            _two_leaders_scenario(
                "one after the other",
                partial(scripted_trace, ONE_AFTER_THE_OTHER),
                {1: ["n1", "n2"]},
                "two leaders of one term break election safety even if they never led at "
                "the same moment: keep every claim, not only the leaders of the moment (or "
                "at the end)",
            ),
            _two_leaders_scenario(
                "split brain, healed",
                partial(scripted_trace, HEALED_SPLIT),
                {4: ["n1", "n2"]},
                "look at every event, not only at the end: by then the split had healed",
            ),
            _two_leaders_scenario(
                "no term, candidates, one-leader terms",
                partial(scripted_trace, NO_TERM_AND_OUT_OF_ORDER),
                {2: ["n3", "n2"]},
                "n3 and then n2 led term 2: keep every claim of a term",
            ),
        ),
        writes="function",
    )
)


def check_step_downs(
    learner_function: Callable[[Trace], Any], *, strict: bool | None = None
) -> ExerciseResult:
    """Check a function that lists every leader's step-down in a trace (lesson 07).

    Args:
        learner_function: your ``step_downs(trace)`` (the function, not a call).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return STEP_DOWNS.check(learner_function, strict=strict)


def check_terms_with_two_leaders(
    learner_function: Callable[[Trace], Any], *, strict: bool | None = None
) -> ExerciseResult:
    """Check a function that finds the terms with two leaders in a trace (lesson 07).

    Args:
        learner_function: your ``terms_with_two_leaders(trace)`` (the function).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return TWO_LEADERS.check(learner_function, strict=strict)
