"""Lesson 06's second exercise: an invariant over a trace, "one vote per term".

The learner writes ``votes_twice(trace)``: the (term, voter) pairs where a node granted
its vote to two different candidates in one term, the condition Raft's RequestVote
receiver forbids (Figure 2 of Ongaro and Ousterhout, USENIX ATC 2014: "If votedFor is
null or candidateId ... grant vote"). A playground monitor could run it on every run.
:func:`check_vote_invariant` runs it on seeded traces of the library's Raft (no double
vote, but duplicated messages and several terms) and of :class:`BrokenRaftNode` under
the schedule the explorer shrank (three double votes, then one more term), and catches a
repeated vote for the same candidate, an invariant that ignores the term, and one that
looks only at each voter's last term.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from ..checks import run_once
from ..protocols.raft import RequestVoteReply
from ..runtime import Trace
from .broken import spawn_broken
from .real_traces import Answered, play, raft_trace
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register
from .solutions.vote_invariant import votes_twice as reference_votes_twice

Grant = tuple[float, int, str, str]
"""``(virtual time, term, voter, candidate)`` of one granted vote."""


def votes_twice(trace: Trace) -> list[tuple[int, str]]:
    """The (term, voter) pairs where a voter granted its vote to two candidates.

    A granted vote is a ``send`` event whose ``e.msg`` is a ``RequestVoteReply`` with
    ``vote_granted``; ``e.msg.term`` is its term, ``e.msg.voter`` the voter and
    ``e.peer`` the candidate it goes to.

    Args:
        trace: a simulated trace.

    Returns:
        Each (term, voter) that voted for two different candidates in one term, once,
        in the order of the second vote; ``[]`` when every voter kept to one.
    """
    raise NotImplementedError("remember whom each voter chose in each term")


DUPLICATED_RAFT = ("0 duplication 0.5", "1 pause n5 1.0", "3 partition n1,n2|n3,n4,n5", "5 heal")
"""The library's Raft, seed 1: half the messages twice, so voters answer a candidate
twice; a pause and a partition give thirteen terms, and no voter breaks the rule."""

BROKEN_SEED = 1740864074
BROKEN_SCHEDULE = ("1.4 loss 0.15", "7.6 partition n1,n2,n3,n4|n5", "8.6 heal", "9.6 crash n4")
"""The explorer's shrunk schedule for :class:`BrokenRaftNode` (lesson 06, 30 runs from
seed 0): n1 votes twice in term 9, n3 and n2 in term 10, and term 11 follows."""


def broken_trace() -> Trace:
    """:class:`BrokenRaftNode` under :data:`BROKEN_SCHEDULE`, replayed."""
    return run_once(spawn_broken, BROKEN_SEED, list(BROKEN_SCHEDULE)).trace


def grants(trace: Trace) -> list[Grant]:
    """Every granted vote in the trace, in trace order."""
    return [
        (e.t, e.msg.term, e.msg.voter, str(e.peer))
        for e in trace.events("send")
        if isinstance(e.msg, RequestVoteReply) and e.msg.vote_granted
    ]


def judge(world: Answered) -> Problem | None:
    """Compare the learner's pairs with the worked answer's, and say how they differ."""
    want = reference_votes_twice(world.trace)
    got = world.answer
    expected = f"these (term, voter) pairs: {want}" if want else "[] (no voter voted twice)"
    if not isinstance(got, list) or not all(_is_pair(x) for x in got):
        return Problem(expected, f"it returned {got!r}", "return a list of (term, voter) tuples")
    got = [tuple(x) for x in got]
    if got == want:
        return None
    cast = grants(world.trace)
    for term, voter in got:
        if (term, voter) not in want:
            return _extra(expected, cast, term, voter)
    missing = [pair for pair in want if pair not in got]
    if missing:
        term, voter = missing[0]
        last = max(t for _, t, v, _ in cast if v == voter)
        if last > term:
            return Problem(
                expected,
                f"it missed {(term, voter)}, though {voter} went on to vote in term {last}",
                "look at every vote, not only at each voter's last term: the invariant "
                "broke earlier, and later terms do not mend it",
            )
        return Problem(expected, f"it missed {(term, voter)}", "keep walking to the end")
    return Problem(expected, f"it returned {got}", "report them in the order of the second vote")


def _extra(expected: str, cast: Sequence[Grant], term: int, voter: str) -> Problem:
    """Why the learner reported ``(term, voter)``, which did not vote twice."""
    chose = sorted({c for _, t, v, c in cast if (t, v) == (term, voter)})
    happened = f"it reported {(term, voter)}, but {voter} voted only for {chose} in term {term}"
    earlier = sorted({c for _, t, v, c in cast if v == voter and t < term} - set(chose))
    if earlier:
        return Problem(
            expected,
            f"{happened}; it voted for {earlier} in earlier terms",
            "a voter may choose a new candidate in each new term: compare votes of the "
            "same term only",
        )
    return Problem(
        expected,
        f"{happened}, more than once",
        "answering the same candidate again (a duplicated RequestVote) is allowed: "
        "count the different candidates, not the grants",
    )


def _is_pair(item: Any) -> bool:
    return isinstance(item, tuple | list) and len(item) == 2 and isinstance(item[1], str)


def _scenario(name: str, make_trace: Callable[[], Trace]) -> Scenario:
    return Scenario(name, partial(play, make_trace), judge, "answered")


EXERCISE = register(
    Exercise(
        "vote_invariant",
        "votes_twice",
        (
            _scenario("raft, duplicated messages", partial(raft_trace, DUPLICATED_RAFT)),
            _scenario("broken raft, explorer's schedule", broken_trace),
        ),
        writes="function",
    )
)


def check_vote_invariant(
    learner_function: Callable[[Trace], Any], *, strict: bool | None = None
) -> ExerciseResult:
    """Check a function that finds the votes cast twice in one term (lesson 06).

    Args:
        learner_function: your ``votes_twice(trace)`` (the function, not a call).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(learner_function, strict=strict)
