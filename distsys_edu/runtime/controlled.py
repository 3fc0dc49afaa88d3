"""The controlled mode: nothing happens by itself; you choose every next event.

``sim.choices()`` lists what can happen next, each a :class:`Choice` with a
stable id and a label a learner can read:

* every message in flight: ``m7:deliver``, ``m7:drop``, ``m7:duplicate``
  (a self-send can only be delivered);
* every pending timer of a node: ``t12:fire`` (fire it now);
* every runtime call due later (a paused node's ``resume``): ``c15:run``;
* the faults allowed by :class:`ChoiceOptions`: ``crash:n1``, ``restart:n1``
  (a down node), ``pause:n1:1.0`` (for 1 s), ``partition:n1`` (cut it off from
  the rest), ``heal``.

``sim.choose(id)`` does one of them. In virtual time: the chosen event runs at
its own time if that is later than ``now``, else at ``now`` (the clock never
goes back); a drop, a duplicate or a fault happens at ``now``. So firing a
timer early moves nothing, and delivering a message early delivers it before
its latency is up. What the runtime does by itself at
the current instant (an actor's ``started`` hook, a stale timer going away)
runs at once, before the choices are listed: those are follow-ups, not
choices. Ids come from the message ids and the heap's sequence numbers, so the
same seed and the same choices give the same ids, and the same trace: every
choice made is appended to ``sim.choices_made`` and to
``sim.trace.meta["choices"]``, and :meth:`Controlled.choose_all` replays such a
list in a fresh Sim.

This module adds nothing to the normal loop: ``run`` and ``step`` are untouched
and cost the same. Mixing them with ``choose`` on one Sim is allowed (``run``
then lets time decide again).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .entries import ACCEPT, ARRIVE, CALL, RUN_TIMER, TIMER_DUE, Entry
from .errors import check_time, invalid
from .face import Face
from .node import DOWN, PAUSED, UP

CHOICE_KINDS = (
    "deliver",
    "drop",
    "duplicate",
    "fire",
    "run",
    "crash",
    "restart",
    "pause",
    "partition",
    "heal",
)
"""Every kind of :class:`Choice`, in the order ``choices()`` lists them."""


@dataclass(frozen=True)
class ChoiceOptions:
    """Which faults ``sim.choices()`` offers besides messages and timers.

    Args:
        crash: offer ``crash:<node>`` for every node that is up or paused.
        restart: offer ``restart:<node>`` for every node that is down.
        pause: offer ``pause:<node>`` for a node that is up, for this many
            seconds (its ``resume`` is then a ``run`` choice); ``None``: never.
        partition: offer ``partition:<node>`` (that node cut off from all the
            others, both ways) while no partition is in force, and ``heal``
            while one is.
    """

    crash: bool = True
    restart: bool = True
    pause: float | None = 1.0
    partition: bool = True

    def __post_init__(self) -> None:
        for name in ("crash", "restart", "partition"):
            if not isinstance(getattr(self, name), bool):
                raise invalid(name, getattr(self, name), "must be True or False")
        if self.pause is not None:
            check_time("pause", self.pause, positive=True)


@dataclass(frozen=True)
class Choice:
    """One thing that can happen next in a controlled Sim.

    Attributes:
        id: what to pass to ``sim.choose`` (stable: the same seed and choices
            give the same ids).
        kind: one of :data:`CHOICE_KINDS`.
        label: what it does, in words (``deliver RequestVote n1 -> n2``).
        at: the virtual time it runs at if chosen now (``max(now, its own time)``).
        node: the node it happens at (the recipient of a message), if any.
        due: its own time (a message's arrival, a timer's due time); ``at`` for a fault.
    """

    id: str
    kind: str
    label: str
    at: float
    node: str | None = None
    due: float | None = None

    def __str__(self) -> str:
        return f"{self.id:<14} {self.label} (t={self.at:.3f})"


def _message_label(env: Any) -> str:
    _, src, dst, msg, _ = env
    return f"{type(msg).__name__} {src.name} -> {dst.name}"


class Controlled(Face):
    """``choices`` and ``choose``: the Sim driven one chosen event at a time."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.choices_made: list[str] = []
        """Every choice made with ``choose``, in order: replay them with ``choose_all``."""

    # -- listing -------------------------------------------------------------------

    def choices(self, options: ChoiceOptions | None = None) -> list[Choice]:
        """What can happen next: messages, then timers, then runtime calls, then faults.

        First runs what is due by itself now (see the module docstring).

        Args:
            options: which faults to offer (default ``ChoiceOptions()``).
        """
        self.settle()
        found = [c for entry in sorted(self._future()) for c in self._entry_choices(entry)]
        return found + self._fault_choices(options or ChoiceOptions())

    def _entry_choices(self, entry: Entry) -> list[Choice]:
        """The choices one entry of the future offers (none for a stale timer)."""
        t, seq, kind, item = entry
        at = max(t, self.now)
        if kind in (ARRIVE, ACCEPT):
            msg_id, dst, label = item[0], item[2].name, _message_label(item)
            ways = ("deliver", "drop", "duplicate") if kind == ARRIVE else ("deliver",)
            return [Choice(f"m{msg_id}:{w}", w, f"{w} {label}", at, dst, t) for w in ways]
        if kind == TIMER_DUE and item.active:
            label = f"fire {item.node.name}'s timer {item.name}"
            return [Choice(f"t{seq}:fire", "fire", label, at, item.node.name, t)]
        if kind == CALL:
            name = getattr(item, "__name__", "call")
            return [Choice(f"c{seq}:run", "run", f"run the runtime's {name}", at, None, t)]
        return []

    def _fault_choices(self, options: ChoiceOptions) -> list[Choice]:
        now, found = self.now, []
        for name, node in self.lifecycle.nodes.items():
            if options.crash and node.status in (UP, PAUSED):
                found.append(Choice(f"crash:{name}", "crash", f"crash {name}", now, name))
            if options.restart and node.status is DOWN:
                found.append(Choice(f"restart:{name}", "restart", f"restart {name}", now, name))
            if options.pause is not None and node.status is UP:
                label = f"pause {name} for {options.pause:g} s"
                pause_id = f"pause:{name}:{options.pause!r}"  # replays alike, whatever the options
                found.append(Choice(pause_id, "pause", label, now, name))
        if options.partition and len(self.lifecycle.nodes) > 1:
            if self.network.blocked:
                found.append(Choice("heal", "heal", "heal every partition", now))
            else:
                found += [
                    Choice(f"partition:{n}", "partition", f"cut {n} off from the rest", now, n)
                    for n in self.lifecycle.nodes
                ]
        return found

    # -- doing -----------------------------------------------------------------------

    def choose(self, choice: str | Choice, options: ChoiceOptions | None = None) -> Choice:
        """Do one of ``choices(options)`` and record it; returns the choice made.

        Raises:
            InvalidArgument: ``choice`` is not one of the ids ``choices(options)``
                lists now, or ``choose`` was called from inside the simulation.
        """
        self.engine.refuse_nesting("choose")
        wanted = choice.id if isinstance(choice, Choice) else choice
        found = self._listed(wanted, options or ChoiceOptions())
        if found is None:
            listed = {c.id: c for c in self.choices(options)}
            shown = ", ".join(list(listed)[:12]) + (" ..." if len(listed) > 12 else "")
            raise invalid("choice", choice, f"must be one of the ids listed now: {shown or 'none'}")
        self._do(found, options or ChoiceOptions())
        self.choices_made.append(found.id)
        self.trace.meta.setdefault("choices", []).append(found.id)
        self.settle()
        return found

    def _listed(self, wanted: Any, options: ChoiceOptions) -> Choice | None:
        """The choice ``choices(options)`` would list with id ``wanted``, found directly."""
        self.settle()
        if not isinstance(wanted, str):
            return None
        ref, _, _ = wanted.partition(":")
        if ref[:1] in ("m", "t", "c") and ref[1:].isdigit():
            entry = self._find(ref)
            offered = [] if entry is None else self._entry_choices(entry)
        else:
            if ref == "pause":  # the id says how long: offer that pause
                try:
                    options = dataclasses.replace(options, pause=float(wanted.rsplit(":", 1)[1]))
                except ValueError:
                    return None
            offered = self._fault_choices(options)
        return next((c for c in offered if c.id == wanted), None)

    def choose_all(
        self, choices: Iterable[str | Choice], options: ChoiceOptions | None = None
    ) -> None:
        """``choose`` each of ``choices`` in turn (a replay of ``choices_made``)."""
        for choice in choices:
            self.choose(choice, options)

    def _do(self, choice: Choice, options: ChoiceOptions) -> None:
        kind, node = choice.kind, choice.node
        if kind == "crash":
            self.crash(node)  # type: ignore[arg-type]  # fault choices name their node
        elif kind == "restart":
            self.restart(node)  # type: ignore[arg-type]
        elif kind == "pause":
            self.pause(node, float(choice.id.rsplit(":", 1)[1]))  # type: ignore[arg-type]
        elif kind == "partition":
            self.partition([node], [n for n in self.lifecycle.nodes if n != node])  # type: ignore[list-item]
        elif kind == "heal":
            self.heal()
        else:
            self._take_entry(choice)

    def _take_entry(self, choice: Choice) -> None:
        """Take the chosen entry off the future, then deliver, drop, duplicate or run it."""
        entry = self._find(choice.id.split(":")[0])
        assert entry is not None  # _listed found it
        if choice.kind == "duplicate":
            self.transport.duplicate(entry[3], choice.at)
            return
        self.scheduler.remove(entry)
        if choice.kind == "drop":
            self.writer.drop(entry[3], "loss")
            return
        self.engine.run_entry((choice.at, entry[1], entry[2], entry[3]))

    def _find(self, ref: str) -> Entry | None:
        """The entry a choice id's first part names: ``m<msg_id>``, ``t<seq>`` or ``c<seq>``."""
        number = int(ref[1:])
        for entry in self._future():
            if ref[0] == "m" and entry[2] in (ARRIVE, ACCEPT) and entry[3][0] == number:
                return entry
            if ref[0] in "tc" and entry[2] not in (ARRIVE, ACCEPT) and entry[1] == number:
                return entry
        return None

    def settle(self) -> None:
        """Run what the runtime does by itself now: calls due by now, stale timers.

        A call due later (a paused node's ``resume``) and a live timer wait to
        be chosen.
        """
        while True:
            due = [
                e
                for e in self._future()
                if (e[2] == CALL and e[0] <= self.now)
                or (e[2] == TIMER_DUE and not e[3].active)
                or e[2] == RUN_TIMER
            ]
            if not due:
                return
            for entry in sorted(due):
                self.scheduler.remove(entry)
            for entry in sorted(due):
                if entry[2] == TIMER_DUE:
                    continue  # stale: it would be skipped when it came up
                self.engine.run_entry((self.now, *entry[1:]))
