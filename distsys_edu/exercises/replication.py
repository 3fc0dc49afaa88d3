"""Lesson 08's exercises: the two halves of Raft's log replication.

* :class:`LogFollower`: AppendEntries on a follower, the consistency check
  (:meth:`~LogFollower.consistent`) and conflict repair (:meth:`~LogFollower.store`);
  checked by :func:`check_log_repair`.
* :class:`CommitLeader`: the commit rule, with the Figure 8 restriction
  (:meth:`~CommitLeader.advance_commit_index`); checked by :func:`check_commit_rule`.

Each is a :class:`~distsys_edu.protocols.raftlog.RaftLogNode` with one part left to
write; everything else (the election, replication, the state machine) is the
library's. Each check puts every rule to one probed server first
(:mod:`.log_rules`), then runs whole clusters of the learner's servers in virtual
time and checks Raft's safety invariants over the trace
(:mod:`distsys_edu.checks.raftlog`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from ..checks import DEFAULT_INVARIANTS
from ..experiments.log_scenarios import figure8, stale_follower
from ..protocols.history import HISTORY_KEY
from ..protocols.raftlog import Entry, RaftLogNode, Workload, spawn_cluster
from ..runtime import Context, Sim
from .log_rules import COMMIT_RULES, REPAIR_RULES
from .result import ExerciseResult
from .rules import rules_scenario
from .runner import Exercise, Problem, Scenario, register

__all__ = ["CommitLeader", "LogFollower", "check_commit_rule", "check_log_repair"]


class LogFollower(RaftLogNode):
    """A Raft server whose follower side of AppendEntries you write (Figure 2).

    Its log is ``self.log(ctx)``, a list of :class:`~distsys_edu.protocols.raftlog.Entry`
    (each has a ``.term``); index 1 is ``log[0]``. ``self.term_at(ctx, i)`` is the term
    of entry ``i`` (0 for index 0).
    """

    def consistent(self, ctx: Context, msg: object) -> bool:
        """The consistency check: does the log hold an entry at ``msg.prev_log_index``
        whose term is ``msg.prev_log_term``? (Index 0, before the first entry, always
        matches.)"""
        raise NotImplementedError("write the consistency check")

    def store(self, ctx: Context, prev_log_index: int, entries: Sequence[Entry]) -> None:
        """Conflict repair, after the check passed: for each new entry (the first at
        ``prev_log_index + 1``), if the log has an entry at that index with another
        term, delete it and all that follow; append the new entries not already there.
        An entry that matches stays (a late message must not shorten the log)."""
        raise NotImplementedError("write conflict repair")


class CommitLeader(RaftLogNode):
    """A Raft server whose commit rule you write (Figure 2, sections 5.3-5.4.2).

    A leader knows ``self.match_index[peer]``, the highest index each follower is known
    to hold, and its own log, ``self.log(ctx)``; ``self.commit_index`` is what it knows
    committed; ``self.apply_committed(ctx)`` applies everything up to it.
    ``self.current_term(ctx)`` and ``self.term_at(ctx, i)`` give terms.
    """

    def advance_commit_index(self, ctx: Context) -> None:
        """If there is an N > commit_index that a majority of the servers (this leader
        included) hold, and log[N] is of the current term, set commit_index to the
        highest such N and apply what is committed. Never commit an entry of an older
        term by counting replicas (Figure 8): it is committed with a later one of this
        term."""
        raise NotImplementedError("write the commit rule")


def invariants_problem(sim: Sim) -> Problem | None:
    """The first broken Raft safety invariant of ``sim``'s trace, as a problem."""
    for check in DEFAULT_INVARIANTS["raftlog"]:
        found = check.check(sim.trace)
        if found:
            first = found[0]
            return Problem(
                f"{check.name} holds at every event",
                f"at t={first.t:.3f}: {first.detail}",
                f"{check.name} broke: look at the rule that decides it ({HINTS[check.name]})",
                at=first.t,
            )
    return None


HINTS = {
    "one_leader_per_term": "the election, which is the library's: did a log rule raise?",
    "log_matching": "the consistency check and conflict repair of AppendEntries",
    "leader_completeness": "the commit rule and its Figure 8 restriction",
    "state_machine_safety": "the commit rule and its Figure 8 restriction",
    "committed_never_lost": "the commit rule and its Figure 8 restriction",
}


def judge_repaired(sim: Sim) -> Problem | None:
    """Invariants hold, and n3's log ends equal to the leader's (n1's)."""
    problem = invariants_problem(sim)
    mine, theirs = ([e.term for e in sim.storage(n)["log"]] for n in ("n3", "n1"))
    if problem is None and mine != theirs:
        return Problem(
            "n3's stale entry (term 2 at index 2) is replaced: its log ends as n1's",
            f"at t={sim.now:.1f} n3 holds terms {mine}, n1 holds {theirs}",
            "conflict repair: delete the conflicting entry and all after it, then append",
            at=sim.now,
        )
    return problem


def play_clients(seed: int, learner_class: type, until: float = 3.0) -> Sim:
    """3 of the learner's servers and one client that puts and gets, for ``until`` s."""
    sim = Sim(seed=seed, trace="full")
    workload = Workload(ops=("put", "get"), limit=10)
    spawn_cluster(sim, 3, clients=1, workload=workload, server=learner_class)
    sim.run(until=until)
    return sim


def judge_answers(sim: Sim) -> Problem | None:
    """Invariants hold, and the client's operations are answered (so entries commit)."""
    problem = invariants_problem(sim)
    answered = [
        e for e in sim.trace if e.kind == "annotate" and e.data.get(HISTORY_KEY, ("",))[0] == "ok"
    ]
    if problem is None and not answered:
        return Problem(
            "the client's operations are committed, applied and answered",
            f"no operation was answered by t={sim.now:.1f}",
            "the commit rule: once a majority holds an entry of the current term, set "
            "commit_index to it and call apply_committed",
        )
    return problem


REPAIR = register(
    Exercise(
        "log_repair",
        "LogFollower",
        (
            rules_scenario("the rules, one follower", REPAIR_RULES),
            Scenario("a stale follower", partial(stale_follower, seed=1), judge_repaired),
            Scenario("Figure 8's disks", partial(figure8, seed=1), invariants_problem),
        ),
    )
)

COMMIT = register(
    Exercise(
        "commit_rule",
        "CommitLeader",
        (
            rules_scenario("the rules, one leader", COMMIT_RULES),
            Scenario("3 servers, one client", partial(play_clients, 2), judge_answers),
            Scenario("Figure 8's disks", partial(figure8, seed=1), invariants_problem),
        ),
    )
)


def check_log_repair(node_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check AppendEntries' consistency check and conflict repair (lesson 08).

    Args:
        node_class: your :class:`LogFollower` subclass (the class, not an instance).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return REPAIR.check(node_class, strict=strict)


def check_commit_rule(node_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check the commit rule with the Figure 8 restriction (lesson 08).

    Args:
        node_class: your :class:`CommitLeader` subclass (the class, not an instance).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return COMMIT.check(node_class, strict=strict)
