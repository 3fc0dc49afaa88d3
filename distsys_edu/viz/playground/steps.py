"""The step mode's logic, without widgets: choose every next event, go back, branch.

:class:`StepModel` drives a controlled :class:`~distsys_edu.runtime.Sim`
(``sim.choices()``, ``sim.choose(id)``): nothing happens by itself. It lists the
messages in flight (deliver, drop, duplicate), the pending timers (fire) and the
faults on offer; does the one chosen; and tells each invariant's status in the
state reached. In virtual time a chosen event runs at its own time if that is
later than now, else now (see :mod:`distsys_edu.runtime.controlled`).

A queue holds choices still to come (a counterexample's path): :meth:`forward`
takes the next one. Going back replays: a fresh Sim from the seed and the
choices made, one fewer; the choice undone goes back to the front of the queue.
Choosing something other than the queue's next choice branches: the queue (the
old future) is dropped.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from functools import partial
from typing import Any

from ...checks.model_state import claims_of, state_invariants, view_of
from ...checks.named_invariants import Invariant
from ...checks.step_plan import Judge, StepPlan, sim_from_source
from ...runtime import Choice, ChoiceOptions, Sim
from ...runtime.errors import invalid

Claims = frozenset[tuple[Hashable, str]]


class StepModel:
    """A run you drive one chosen event at a time, with a back button and branches.

    Args:
        plan: where to start: how to build the initial state, the choices queued,
            the choice options and the invariants shown
            (:class:`~distsys_edu.checks.step_plan.StepPlan`).

    Attributes:
        sim: the controlled Sim in the current state.
        made: the choice ids made from the initial state to here.
        queued: the choice ids still to come (``forward`` takes the first).
    """

    def __init__(self, plan: StepPlan) -> None:
        self.plan = plan
        self.made: list[str] = []
        self._words: list[str] = []  # what each choice made did, for ``code``
        self.queued: list[str] = list(plan.queued)
        self.sim: Sim = plan.make_sim()
        self._claims: list[Claims] = [claims_of(self.sim, frozenset())]

    @classmethod
    def start(
        cls,
        make_sim: Any,
        *,
        options: ChoiceOptions | None = None,
        invariants: Sequence[Any] | None = None,
        queued: Sequence[str] = (),
        title: str = "",
        setup: str = "",
    ) -> StepModel:
        """A step model from a function that builds the initial state (a fresh Sim).

        Args:
            make_sim: ``make_sim() -> Sim``, the cluster spawned (the same Sim each
                call); or Python source that builds it in a variable ``sim`` (then
                that source is also ``setup``).
            setup: Python source that builds the same initial state as
                ``make_sim`` does, for :meth:`code` (``""``: not known).
            options: which faults are offered (default: every one).
            invariants: model-check invariant names or ``fn(view)`` functions,
                or explore ``Invariant`` objects (default: ``one_leader_per_term``).
            queued: choice ids to offer as ``forward``.
        """
        judges: list[tuple[str, Judge]] = []
        for item in ["one_leader_per_term"] if invariants is None else invariants:
            if isinstance(item, Invariant):
                judges.append((item.name, item))
            else:
                judges += state_invariants([item])
        if isinstance(make_sim, str):
            make_sim, setup = partial(sim_from_source, make_sim), make_sim
        plan = StepPlan(
            make_sim, tuple(queued), options or ChoiceOptions(), tuple(judges), title, setup
        )
        return cls(plan)

    # -- what can happen, and doing it ---------------------------------------------

    def choices(self) -> list[Choice]:
        """What can happen next, in the order ``sim.choices`` lists it."""
        return self.sim.choices(self.plan.options)

    def choose(self, choice: str) -> Choice:
        """Do ``choice`` (an id of :meth:`choices`) and record it.

        If it is not the queue's next choice, this is a new branch: the queue is dropped.

        Raises:
            InvalidArgument: ``choice`` is not listed now (nothing changes).
        """
        done = self.sim.choose(choice, self.plan.options)
        if self.queued and self.queued[0] == done.id:
            self.queued.pop(0)
        else:
            self.queued.clear()
        self.made.append(done.id)
        self._words.append(f"{done.label} (t={done.at:.6f})")
        self._claims.append(claims_of(self.sim, self._claims[-1]))
        return done

    def forward(self) -> Choice:
        """Do the next queued choice.

        Raises:
            InvalidArgument: nothing is queued.
        """
        if not self.queued:
            raise invalid("forward", "with nothing queued", "needs a queued choice: choose one")
        return self.choose(self.queued[0])

    def back(self) -> str:
        """Undo the last choice: replay the others from the seed; it goes back in the queue.

        Returns:
            The choice id undone.

        Raises:
            InvalidArgument: no choice was made yet.
        """
        if not self.made:
            raise invalid("back", "at the initial state", "needs a choice made before")
        undone = self.made.pop()
        self._words.pop()
        self._claims.pop()
        self.sim = self.plan.make_sim()
        self.sim.choose_all(self.made, self.plan.options)
        self.queued.insert(0, undone)
        return undone

    def code(self) -> str:
        """Python that rebuilds the current state from scratch, to copy.

        The plan's setup (imports, the Sim with its seed and options, the spawn),
        then one ``sim.choose(id)`` per choice made, each with a comment saying
        what it did. Ids are stable: the same seed and choices give the same ids.

        Raises:
            ValueError: the plan does not know the source of its initial state.
        """
        if not self.plan.setup:
            raise ValueError("plan.setup is empty: this step mode cannot be written as code")
        options = self.plan.options
        given = "" if options == ChoiceOptions() else ", options"
        imports, body = self.plan.setup.split("\n\n", 1)
        lines = [imports, "", body]
        if given:
            lines[0] += "\nfrom distsys_edu.runtime import ChoiceOptions"
            lines.append(f"options = {options!r}")
        lines += [
            f"sim.choose({step!r}{given})  # {words}"
            for step, words in zip(self.made, self._words, strict=True)
        ]
        return "\n".join(lines) + "\n"

    # -- what it shows -----------------------------------------------------------------

    def status(self) -> list[tuple[str, str | None]]:
        """Each invariant's status now: ``(name, None)`` while it holds, else what broke.

        A model-check invariant judges the state (with the leadership claims seen
        on the way here); an explore invariant reads the trace so far.
        """
        view = view_of(self.sim, self._claims[-1])
        found: list[tuple[str, str | None]] = []
        for name, judge in self.plan.invariants:
            if isinstance(judge, Invariant):
                broken = judge.check(self.sim.trace)
                found.append((name, str(broken[0]) if broken else None))
                continue
            verdict = judge(view)
            if verdict is None or verdict is True:
                found.append((name, None))
            else:
                found.append((name, verdict if isinstance(verdict, str) else "it does not hold"))
        return found

    def nodes(self) -> list[tuple[str, str, dict[str, Any]]]:
        """``(name, status, annotations)`` of every node now."""
        return [(n, self.sim.status(n), self.sim.annotations(n)) for n in self.sim.nodes]

    def __repr__(self) -> str:
        return f"<StepModel t={self.sim.now:g} made={len(self.made)} queued={len(self.queued)}>"
