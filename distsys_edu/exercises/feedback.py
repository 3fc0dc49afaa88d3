"""What a scenario that did not pass shows beside its words, in a notebook.

* A picture only where it shows the mistake: a cluster of more than two nodes at the
  moment it went wrong; one or two nodes as a small space-time diagram of their
  messages around that moment, over the span those messages take
  (:func:`message_window`; two lonely markers would show nothing). A scenario may
  draw its own instead (``Scenario.picture``: a phi detector's, phi over time).
* For a rule checked on a :class:`~.probe.Probe`, the messages the node received and
  sent in that scenario, a line each.
* Messages written with the names the learner imported (:class:`LearnerNames`).

Pictures are drawn only when a box is shown (``draw``), never by a check nobody displays.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from functools import partial
from typing import Any

from ..runtime import Sim
from .probe import Probe

FEW_NODES = 2
"""A scenario of this many nodes or fewer is drawn as its messages, not as a cluster."""

MESSAGES_BEFORE, MESSAGES_AFTER = 2.0, 2.0
"""Virtual seconds before and after the moment it went wrong from which messages are drawn."""

MARGIN = 0.05
"""The share of the window left on each side of its first and last message."""


def picture(world: Any, at: float | None) -> dict[str, Any]:
    """``draw`` and ``caption`` for the picture of a Sim at ``at``, if it is worth one.

    A cluster of more than :data:`FEW_NODES` is drawn at the moment it went wrong; one
    or two nodes, whose picture would be two lonely markers, as a small space-time
    diagram of their messages around that moment.
    """
    if at is None or not isinstance(world, Sim) or not world.trace.full:
        return {}
    sim, t = world, min(max(at, 0.0), world.now)
    if len(sim.trace.nodes) > FEW_NODES:

        def moment() -> bytes:
            from ..viz.draw import cluster_png  # matplotlib only once a box is shown

            return cluster_png(sim, t)

        return {"draw": moment, "caption": f"the moment it went wrong (t = {t:g} s)"}
    lo, hi = message_window(sim, t)

    def messages() -> bytes:
        from ..viz.draw import timeline_png

        return timeline_png(sim.trace, lo, hi, mark=t)

    return {
        "draw": messages,
        "caption": f"the messages from t = {lo:g} to {hi:g} s (it went wrong at {t:g} s)",
    }


def message_window(sim: Sim, t: float) -> tuple[float, float]:
    """The virtual times ``(start, end)`` to draw around ``t``: from the first to the last
    message sent, arrived or dropped within ``MESSAGES_BEFORE`` / ``MESSAGES_AFTER``
    seconds of ``t`` (and ``t`` itself), with a ``MARGIN`` each side, inside the run;
    with no message there, those seconds themselves.

    A scenario whose messages all fall within milliseconds is drawn over those
    milliseconds, not over seconds where they would crowd into one line.
    """
    lo, hi = max(0.0, t - MESSAGES_BEFORE), min(sim.now, t + MESSAGES_AFTER)
    near = sim.trace.events(("send", "deliver", "drop"), since=lo, until=hi)
    if not near:  # no message to fit: the silence around t is what there is to see
        return lo, hi
    first = min([t, *(e.t for e in near)])
    last = max([t, *(e.t for e in near)])
    margin = MARGIN * (last - first) or MARGIN
    return max(0.0, first - margin), min(sim.now, last + margin)


def probe_lines(world: Any, names: LearnerNames) -> tuple[str, ...]:
    """What each probed node received and sent, if the world is a Probe or holds some
    (a dataclass of probes, one per situation: each under its field's name)."""
    if isinstance(world, Probe):
        return tuple(world.lines(names.message))
    if not is_dataclass(world):
        return ()
    lines: list[str] = []
    for f in fields(world):
        probe = getattr(world, f.name)
        if isinstance(probe, Probe):
            lines.append(f"{f.name.replace('_', ' ')}:")
            lines.extend(f"  {line}" for line in probe.lines(names.message) or ["(nothing)"])
    return tuple(lines)


@dataclass(frozen=True)
class LearnerNames:
    """Messages written with the names the learner imported: an exercise module that
    exports the ring's ``Election`` as ``RingElection`` has it printed so.

    Attributes:
        aliases: the class's own name -> the name the exercise's module exports it as.
    """

    aliases: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, play: Callable[..., Any]) -> LearnerNames:
        """The aliases of the module that defines a scenario's ``play``."""
        while isinstance(play, partial):
            play = play.func
        module = sys.modules.get(getattr(play, "__module__", "") or "")
        if module is None:
            return cls()
        names = vars(module)
        found = sorted(
            (obj.__name__, name)
            for name, obj in names.items()
            if isinstance(obj, type)
            and is_dataclass(obj)
            and not name.startswith("_")
            and obj.__name__ != name
            and obj.__name__ not in names
        )
        return cls(tuple(found))

    def __call__(self, text: str) -> str:
        """``text`` with each ``Original(`` written ``Alias(``."""
        for original, alias in self.aliases:
            text = re.sub(rf"\b{re.escape(original)}\(", f"{alias}(", text)
        return text

    def message(self, msg: Any) -> str:
        """One message, as the learner would write it."""
        return self(repr(msg))
