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
from ..protocols.cluster import node_names
from ..protocols.raft import RequestVoteReply
from ..runtime import Actor, Context, Sim, Trace
from .broken import spawn_broken
from .exercise_traces import Answered, play, raft_trace
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


Vote = tuple[float, int, str, bool]
"""One scripted reply: ``(virtual time, term, candidate, granted)``."""

SCRIPTED_VOTES: dict[str, Sequence[Vote]] = {
    "n1": ((1.0, 3, "n2", True), (1.1, 3, "n3", True), (1.2, 3, "n2", True), (1.3, 3, "n4", True)),
    "n4": ((1.0, 3, "n3", True), (1.1, 3, "n2", False)),
    "n5": ((2.0, 4, "n2", True), (2.1, 4, "n3", True)),
}
"""n1 votes n2, n3, n2 again and n4 in term 3 (one double vote, four grants); n4 grants n3
and refuses n2; n5 votes n2, then n3 in term 4, over a link cut before (the vote is
lost on the way, but was cast)."""


class ScriptedVoter(Actor):
    """A node that only sends a script of :class:`RequestVoteReply` at set times."""

    def __init__(self, script: Sequence[Vote]) -> None:
        self.script = tuple(script)

    def started(self, ctx: Context) -> None:
        for at, term, candidate, granted in self.script:
            reply = RequestVoteReply(term, granted, ctx.name)
            ctx.run_later(at - ctx.now, partial(_send, to=candidate, msg=reply))

    def on_request_vote_reply(self, msg: RequestVoteReply, ctx: Context) -> None:
        """A candidate of the script: it reads nothing."""


def _send(ctx: Context, *, to: str, msg: RequestVoteReply) -> None:
    ctx.addr(to).do_send(msg)


def scripted_votes(
    scripts: dict[str, Sequence[Vote]] = SCRIPTED_VOTES, cut: tuple[str, str] = ("n5", "n3")
) -> Trace:
    """Five nodes; each sends the replies of its script; the link ``cut`` (from, to) drops
    everything, one way. The run ends a second after the last reply."""
    sim = Sim(seed=0)
    for name in node_names(5):
        sim.spawn(name, partial(ScriptedVoter, scripts.get(name, ())))
    sim.partition(cut[0], cut[1], one_way=True)
    sim.run(until=max((v[0] for votes in scripts.values() for v in votes), default=0) + 1.0)
    return sim.trace


def grants(trace: Trace, kind: str = "send", granted: bool = True) -> list[Grant]:
    """Every vote reply in the trace (granted ones only, unless ``granted`` is False), as
    ``kind`` events (``"send"``: cast; ``"deliver"``: received), in trace order. Both
    kinds have the voter as ``e.node`` and the candidate as ``e.peer``."""
    return [
        (e.t, e.msg.term, e.msg.voter, str(e.peer))
        for e in trace.events(kind)
        if isinstance(e.msg, RequestVoteReply) and (e.msg.vote_granted or not granted)
    ]


def doubles(cast: Sequence[Grant]) -> list[tuple[int, str]]:
    """The (term, voter) pairs with two candidates among ``cast``, in the order of the
    second."""
    first: dict[tuple[int, str], str] = {}
    found: list[tuple[int, str]] = []
    for _, term, voter, candidate in cast:
        if first.setdefault((term, voter), candidate) != candidate and (term, voter) not in found:
            found.append((term, voter))
    return found


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
    repeated = next((pair for pair in got if got.count(pair) > 1), None)
    if repeated is not None:
        return Problem(
            expected,
            f"it returned {got}: {repeated} {got.count(repeated)} times",
            "report each (term, voter) once, however many more candidates it voted for",
        )
    extra = [pair for pair in got if pair not in want]
    if extra:
        return _extra(expected, world.trace, extra)
    missing = [pair for pair in want if pair not in got]
    if missing:
        return _missing(expected, world.trace, got, missing)
    return Problem(expected, f"it returned {got}", "report them in the order of the second vote")


def _missing(
    expected: str, trace: Trace, got: list[Any], missing: list[tuple[int, str]]
) -> Problem:
    """Why the learner missed ``missing[0]``, from what the trace shows of it."""
    cast = grants(trace)
    term, voter = missing[0]
    if got == doubles(grants(trace, "deliver")):
        return Problem(
            expected,
            f"it missed {(term, voter)}, and found exactly the pairs that the deliver "
            f"events show: one of {voter}'s votes in term {term} was sent but lost on "
            "the way",
            "a vote is cast when the reply is sent: read the send events, not the "
            "deliver events; a granted reply lost on the way was still a vote",
        )
    if not got:
        return Problem(
            expected,
            f"it found none of the {len(missing)} double votes",
            "the candidate a reply goes to is e.peer; e.node of a send event is the "
            "voter itself, so every vote looks like one for the same node. Or: no "
            "vote was compared with the voter's earlier votes of the same term",
        )
    last = max(t for _, t, v, _ in cast if v == voter)
    if last > term:
        return Problem(
            expected,
            f"it missed {(term, voter)}, though {voter} went on to vote in term {last}",
            "look at every vote, not only at each voter's last term: the invariant "
            "broke earlier, and later terms do not mend it",
        )
    return Problem(expected, f"it missed {(term, voter)}", "keep walking to the end")


def _extra(expected: str, trace: Trace, extra: list[tuple[int, str]]) -> Problem:
    """Why the learner reported the pairs ``extra``, which did not vote twice. Each way of
    misreading the trace that reports every one of them is a candidate mistake, named."""
    cast = grants(trace)
    term, voter = extra[0]
    chose = [c for _, t, v, c in cast if (t, v) == (term, voter)]
    happened = f"it reported {(term, voter)}, but {voter} voted only for {sorted(set(chose))}"
    repeats = {(t, v) for _, t, v, _ in cast if _twice(cast, t, v)}
    readings = (
        (
            _termless(cast),
            "it voted for others in earlier terms",
            "a voter may choose a new candidate in each new term: compare votes of the "
            "same term only",
        ),
        (
            set(doubles(grants(trace, granted=False))),
            f"it refused others in term {term}",
            "count only granted votes: a reply with e.msg.vote_granted False is a refusal",
        ),
        (
            repeats,
            "it answered the same candidate more than once",
            "answering the same candidate again (a duplicated RequestVote) is allowed: "
            "count the different candidates, not the grants",
        ),
    )
    seen = [what for pairs, what, _ in readings if set(extra) <= pairs]
    hints = [hint for pairs, _, hint in readings if set(extra) <= pairs]
    if not hints:
        return Problem(
            expected,
            f"{happened} in term {term}, and no reading of its replies shows two",
            "read the votes from the send events of RequestVoteReply with "
            "e.msg.vote_granted, each with its own e.msg.term; what nodes publish "
            "(annotate) can lag behind what they sent",
        )
    return Problem(
        expected,
        f"{happened} in term {term}; {' and '.join(seen)}",
        hints[0] if len(hints) == 1 else "one of these mistakes: " + "; or ".join(hints),
    )


def _twice(cast: Sequence[Grant], term: int, voter: str) -> bool:
    """Whether ``voter`` granted one candidate more than once in ``term``."""
    chose = [c for _, t, v, c in cast if (t, v) == (term, voter)]
    return len(chose) > len(set(chose))


def _termless(cast: Sequence[Grant]) -> set[tuple[int, str]]:
    """The (term, voter) of each vote for another candidate than the voter's very first."""
    first: dict[str, str] = {}
    return {(term, voter) for _, term, voter, c in cast if first.setdefault(voter, c) != c}


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
            _scenario("scripted votes", partial(scripted_votes, SCRIPTED_VOTES)),
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
