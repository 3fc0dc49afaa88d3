"""What exploration finds: counterexamples, and the result that holds them.

Plain data with ``to_dict`` for JSON, and text for a learner (:meth:`ExploreResult.summary`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..runtime import FaultSchedule
from .invariants import Violation
from .step_plan import StepPlan, open_step_mode
from .words import counted


@dataclass(frozen=True)
class Counterexample:
    """A run that broke an invariant, and how to see it again.

    Attributes:
        invariant: the name of the invariant broken.
        run: the run's index in the exploration.
        seed: the run's Sim seed.
        violation: the first violation under the original schedule.
        schedule: the random schedule of the run.
        minimal: the shrunk, 1-minimal schedule (``None`` if not shrunk).
        minimal_violation: the first violation under ``minimal``.
        shrink_runs: how many schedules were run while shrinking.
        replay: a Python program that replays ``minimal`` (or ``schedule``)
            and prints the violations; it leaves them in ``violations``.
    """

    invariant: str
    run: int
    seed: int
    violation: Violation
    schedule: FaultSchedule
    minimal: FaultSchedule | None
    minimal_violation: Violation | None
    shrink_runs: int
    replay: str
    plan: Callable[[], StepPlan] | None = field(default=None, repr=False, compare=False)

    def step_plan(self) -> StepPlan:
        """The step mode's start: the replayed run's events up to the violation, queued.

        Raises:
            ValueError: this counterexample was made without its run's setup.
        """
        if self.plan is None:
            raise ValueError("plan=None: this counterexample does not know its run's setup")
        return self.plan()

    def playground(self) -> Any:
        """The playground's step mode at the start of this run (shrunk, if it was), its
        choices queued: step forward to watch the violation arrive."""
        return open_step_mode(self.step_plan())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data; schedules as lists of fault lines."""
        return {
            "invariant": self.invariant,
            "run": self.run,
            "seed": self.seed,
            "violation": self.violation.to_dict(),
            "schedule": [str(f) for f in self.schedule],
            "minimal": None if self.minimal is None else [str(f) for f in self.minimal],
            "minimal_violation": (
                None if self.minimal_violation is None else self.minimal_violation.to_dict()
            ),
            "shrink_runs": self.shrink_runs,
            "replay": self.replay,
        }

    def __str__(self) -> str:
        shown = self.schedule if self.minimal is None else self.minimal
        kind = "minimal schedule" if self.minimal is not None else "schedule (not shrunk)"
        lines = [
            f"run {self.run} (seed {self.seed}) broke {self.invariant}:",
            f"  {self.minimal_violation or self.violation}",
            f"  {kind}, {counted(len(shown), 'fault')}:",
        ]
        lines += [f"    {f}" for f in shown]
        return "\n".join(lines)


@dataclass(frozen=True)
class ExploreResult:
    """What :func:`explore` found.

    Attributes:
        protocol: the protocol's name (or ``module.function`` of a spawn function).
        runs: how many runs.
        seed: the exploration's seed.
        nodes: the cluster size.
        duration: virtual seconds per run.
        invariants: the names of the invariants checked.
        violations: for each invariant, how many runs broke it.
        counterexamples: one per (run, invariant broken), in run order.
        handler_failures: handler exceptions recorded over all runs (a protocol
            bug, or a crash the protocol means to have, like the blog's).
        max_shrink: how many counterexamples of each invariant were shrunk at most.
        wall_s: wall-clock seconds taken: not compared by ``==`` and not in
            :meth:`to_dict`, so that the same exploration gives the same data.

    ``print(result)`` shows :meth:`summary`; :meth:`details` lists every
    counterexample.
    """

    protocol: str
    runs: int
    seed: int
    nodes: int
    duration: float
    invariants: tuple[str, ...]
    violations: dict[str, int]
    counterexamples: tuple[Counterexample, ...]
    handler_failures: int
    max_shrink: int
    wall_s: float = field(compare=False)

    @property
    def ok(self) -> bool:
        """Whether no run broke any invariant."""
        return not self.counterexamples

    def shortest(self) -> Counterexample | None:
        """The counterexample with the fewest faults to replay (shrunk ones first), if any."""
        if not self.counterexamples:
            return None
        return min(
            self.counterexamples,
            key=lambda c: (c.minimal is None, len(c.schedule if c.minimal is None else c.minimal)),
        )

    def summary(self) -> str:
        """What a learner reads first: runs, violations by invariant, and the one to replay.

        The shortest minimal schedule comes with its replay program. Only the
        first :attr:`max_shrink` counterexamples of each invariant are shrunk,
        because shrinking one re-runs the protocol dozens of times; the text says
        so, and how to shrink more.
        """
        lines = [
            f"explore {self.protocol}: {counted(self.runs, 'run')} of {self.duration:g} s "
            f"from seed {self.seed}, {counted(self.nodes, 'node')}",
        ]
        lines += [
            f"  {name}: broken in {broken} of {counted(self.runs, 'run')}"
            for name, broken in self.violations.items()
        ]
        if self.handler_failures:
            lines.append(
                f"  {counted(self.handler_failures, 'handler failure')} (a protocol bug, "
                "or a crash the protocol means to have)"
            )
        shortest = self.shortest()
        if shortest is None:
            lines.append("No run broke an invariant.")
            return "\n".join(lines)
        shrunk = sum(c.minimal is not None for c in self.counterexamples)
        left = len(self.counterexamples) - shrunk
        lines.append(
            f"Shrunk {shrunk} of {counted(len(self.counterexamples), 'counterexample')}: "
            f"the first {self.max_shrink} of each invariant (max_shrink={self.max_shrink})"
            + (
                f"; the other {left} keep their whole random schedule, since shrinking one "
                "re-runs the protocol dozens of times. To shrink more, pass max_shrink=N "
                "(--max-shrink N on the command line)."
                if left
                else "."
            )
        )
        lines.append(f"The shortest, to read first: {shortest}")
        lines.append("Replay it with:")
        lines += [f"    {line}".rstrip() for line in shortest.replay.splitlines()]
        if len(self.counterexamples) > 1:
            lines.append(
                "Every counterexample: print(result.details()) (--all on the command line)."
            )
        return "\n".join(lines)

    def details(self) -> str:
        """Every counterexample, in run order, each with its (minimal) schedule."""
        return "\n".join(str(c) for c in self.counterexamples)

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "protocol": self.protocol,
            "runs": self.runs,
            "seed": self.seed,
            "nodes": self.nodes,
            "duration": self.duration,
            "invariants": list(self.invariants),
            "violations": dict(self.violations),
            "counterexamples": [c.to_dict() for c in self.counterexamples],
            "handler_failures": self.handler_failures,
            "max_shrink": self.max_shrink,
        }
