"""Fault schedules: plain data that says what goes wrong, and when.

A schedule is a list of :class:`Fault` entries. Each can be written as one line
of text, the form the command line takes and ``print`` shows::

    2.5 crash n1
    3 restart n1
    4 pause n2 1.5              # n2 freezes for 1.5 s
    4 partition n1,n2|n3,n4,n5  # cut both ways between the two groups
    4 one_way n1|n2,n3          # n1 can no longer reach n2 or n3 (replies still come)
    8 heal                      # every partition ends
    5 hold n1 n2                # park messages n1 -> n2 ...
    6 release n1 n2             # ... and deliver them now ("6 release" releases all)
    1 loss 0.2                  # every link loses 20%  ("1 loss 0.2 n1 n2": one link)
    1 duplication 0.1           # likewise for duplication
    1 latency 0.005:0.010       # uniform one-way latency in seconds ("0.005": constant)

Times and durations are virtual seconds. The same schedule is JSON
(``to_json``/``from_json``) and can be handed to ``Sim(faults=...)`` or applied
later with ``sim.schedule(...)``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import FaultScheduleError

# action -> the argument kinds it takes; a trailing "?" marks optional ones.
ACTIONS: dict[str, tuple[str, ...]] = {
    "crash": ("node",),
    "restart": ("node",),
    "pause": ("node", "seconds"),
    "partition": ("groups",),
    "one_way": ("groups",),
    "heal": (),
    "hold": ("node", "node"),
    "release": ("node?", "node?"),
    "loss": ("probability", "node?", "node?"),
    "duplication": ("probability", "node?", "node?"),
    "latency": ("latency", "node?", "node?"),
}


def _parse_arg(kind: str, text: str) -> Any:
    if kind == "node":
        return text
    if kind == "groups":
        sides = text.split("|")
        groups = tuple(tuple(n for n in side.split(",") if n) for side in sides)
        if len(groups) != 2 or not all(groups):
            raise ValueError(f"groups must look like a,b|c,d, got {text!r}")
        return groups
    if kind == "latency":
        parts = [float(p) for p in text.split(":")]
        if len(parts) not in (1, 2) or not all(math.isfinite(p) and p >= 0 for p in parts):
            raise ValueError(f"latency must be SECONDS or LOW:HIGH seconds >= 0, got {text!r}")
        return tuple(parts)
    value = float(text)
    if kind == "seconds" and not (math.isfinite(value) and value > 0):
        raise ValueError(f"a pause must last a finite number of seconds > 0, got {text!r}")
    if kind == "probability" and not 0 <= value <= 1:
        raise ValueError(f"a probability must be between 0 and 1, got {text!r}")
    return value


def _format_arg(value: Any) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return "|".join(",".join(group) for group in value)
    if isinstance(value, tuple):
        return ":".join(f"{v:g}" for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _from_json_arg(kind: str, value: Any) -> Any:
    if kind == "groups":
        return tuple(tuple(str(n) for n in group) for group in value)
    if kind == "latency":
        return tuple(float(v) for v in value)
    return value


@dataclass(frozen=True)
class Fault:
    """One timed action of a fault schedule.

    Attributes:
        at: virtual time in seconds.
        action: one of :data:`ACTIONS`.
        args: the action's arguments, already parsed.
    """

    at: float
    action: str
    args: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if not (isinstance(self.at, (int, float)) and math.isfinite(self.at) and self.at >= 0):
            raise FaultScheduleError(f"at={self.at!r} is not allowed: must be seconds >= 0")
        kinds = ACTIONS.get(self.action)
        if kinds is None:
            raise FaultScheduleError(
                f"action={self.action!r} is not allowed: must be one of {', '.join(ACTIONS)}"
            )
        required = sum(1 for k in kinds if not k.endswith("?"))
        if not required <= len(self.args) <= len(kinds):
            raise FaultScheduleError(
                f"{self.action} takes {' '.join(kinds) or 'no arguments'}, got args={self.args!r}"
            )

    @classmethod
    def parse(cls, text: str) -> Fault:
        """Read one line such as ``"2.5 crash n1"``.

        Raises:
            FaultScheduleError: the line names the problem and the allowed form.
        """
        words = text.split("#")[0].split()
        if len(words) < 2:
            raise FaultScheduleError(
                f"fault {text!r} cannot be parsed: expected 'TIME ACTION [ARGS]', "
                "for example '2.5 crash n1'"
            )
        action = words[1]
        kinds = [k.rstrip("?") for k in ACTIONS.get(action, ())]
        try:
            at = float(words[0])
            args = tuple(
                _parse_arg(kind, word) for kind, word in zip(kinds, words[2:], strict=False)
            )
        except ValueError as exc:
            raise FaultScheduleError(f"fault {text!r} cannot be parsed: {exc}") from None
        if len(words) - 2 > len(kinds):
            raise FaultScheduleError(
                f"fault {text!r} cannot be parsed: {action} takes at most {len(kinds)} arguments"
            )
        return cls(at, action, args)

    def __str__(self) -> str:
        return " ".join([f"{self.at:g}", self.action, *(_format_arg(a) for a in self.args)])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: ``{"at": 2.5, "action": "crash", "args": ["n1"]}``."""
        return {"at": self.at, "action": self.action, "args": json.loads(json.dumps(self.args))}

    @classmethod
    def from_dict(cls, data: Any) -> Fault:
        """The inverse of :meth:`to_dict`; raises ``FaultScheduleError`` on bad data."""
        try:
            kinds = [k.rstrip("?") for k in ACTIONS.get(data["action"], ())]
            args = tuple(
                _from_json_arg(k, v) for k, v in zip(kinds, data.get("args", []), strict=False)
            )
            return cls(float(data["at"]), data["action"], args)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, FaultScheduleError):
                raise
            raise FaultScheduleError(f"fault {data!r} cannot be read: {exc!r}") from None


class FaultSchedule(list[Fault]):
    """A list of faults, kept in time order, that prints, saves and loads itself."""

    def __init__(self, faults: Iterable[Fault | str | dict[str, Any]] = ()) -> None:
        super().__init__(sorted((as_fault(f) for f in faults), key=lambda f: f.at))

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self)

    def to_json(self) -> str:
        """The schedule as a JSON array of :meth:`Fault.to_dict` objects."""
        return json.dumps([f.to_dict() for f in self])

    @classmethod
    def from_json(cls, text: str) -> FaultSchedule:
        """Load a schedule saved with :meth:`to_json`."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FaultScheduleError(f"fault schedule is not valid JSON: {exc}") from None
        if not isinstance(data, list):
            raise FaultScheduleError("a fault schedule in JSON must be a list of faults")
        return cls(Fault.from_dict(d) for d in data)


def as_fault(value: Fault | str | dict[str, Any]) -> Fault:
    """Accept a :class:`Fault`, a text line or a dict."""
    if isinstance(value, Fault):
        return value
    if isinstance(value, str):
        return Fault.parse(value)
    if isinstance(value, dict):
        return Fault.from_dict(value)
    raise FaultScheduleError(
        f"fault {value!r} is not allowed: give a Fault, a line of text or a dict"
    )
