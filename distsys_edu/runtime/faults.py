"""Fault schedules: plain data that says what goes wrong, and when.

A schedule is a list of :class:`Fault` entries. Each can be written as one line
of text, the form the command line takes and ``print`` shows::

    2.5 crash n1
    3 restart n1
    4 pause n2 1.5s             # n2 freezes for 1.5 s (a bare number is seconds)
    4 partition n1,n2|n3,n4,n5  # cut both ways between the two groups
    4 one_way n1|n2,n3          # n1 can no longer reach n2 or n3 (they still reach n1)
    8 heal                      # every partition ends
    5 hold n1 n2                # park messages n1 -> n2 ...
    6 release n1 n2             # ... and deliver them now ("6 release" releases all)
    1 loss 0.2                  # every link loses 20%  ("1 loss 0.2 n1 n2": one link)
    1 duplication 0.1           # likewise for duplication
    1 latency 5ms:10ms          # uniform one-way latency; "5ms" is constant,
                                # "lognormal:5ms:0.5" long-tailed (median, sigma)
    3 settle                    # not a fault: what is due at 3 runs before the next lines

Times and durations are virtual seconds unless they carry a unit (``500ms``,
``250us``, ``2s``); printed faults show the unit of every duration and latency.
A bare latency of a second or more is read as seconds, with an
``ImplausibleUnitWarning``: ``1 latency 5:10`` means 5-10 *seconds*. A fault
happens after everything else
due at its time, as if you had run until then and applied it by hand. The same
schedule is JSON (``to_json``/``from_json``) and can be handed to
``Sim(faults=...)`` or applied later with ``sim.schedule(...)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import FaultScheduleError, InvalidArgument, check_time, invalid
from .network import Latency, latency_text, parse_latency
from .units import format_duration, format_number, parse_duration, read_duration

# action -> the arguments it takes; a trailing "?" marks optional ones.
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
    "settle": (),  # not a fault: a mark between faults of one instant (see Sim.fault_history)
}
ARG_FORMS = {
    "node": "NODE",
    "seconds": "SECONDS",
    "groups": "A,B|C,D",
    "probability": "P",
    "latency": "SECONDS|LOW:HIGH|lognormal:MEDIAN:SIGMA",
}


def usage(action: str) -> str:
    """How a line for ``action`` is written, e.g. ``TIME pause NODE SECONDS``."""
    forms = [ARG_FORMS[k.rstrip("?")] + ("?" if k.endswith("?") else "") for k in ACTIONS[action]]
    return " ".join(["TIME", action, *forms])


def _parse_arg(kind: str, text: str) -> Any:
    if kind == "node":
        return text
    if kind == "groups":
        return tuple(tuple(n for n in side.split(",") if n) for side in text.split("|"))
    if kind == "latency":
        return parse_latency(text)
    if kind == "seconds":
        return read_duration(text)
    return float(text)


def _check_arg(kind: str, value: Any) -> str | None:
    """What is wrong with one argument, or ``None``."""
    if kind == "node":
        ok = isinstance(value, str) and value != ""
        return None if ok else "a node name"
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "seconds":
        ok = number and _is_time(value) and value > 0
        return None if ok else "a finite number of seconds > 0"
    if kind == "probability":
        ok = number and 0 <= value <= 1
        return None if ok else "a probability between 0 and 1"
    if kind == "latency":
        return None if isinstance(value, Latency) else "a latency (see the module docs)"
    groups_ok = (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(g, tuple) and g and all(isinstance(n, str) for n in g) for g in value)
        and not set(value[0]) & set(value[1])
    )
    return None if groups_ok else "two non-empty groups of nodes that share none, like a,b|c,d"


def _is_time(value: Any) -> bool:
    """Whether ``value`` is a finite number of seconds >= 0 (huge ints included, refused)."""
    try:
        check_time("at", value)
    except InvalidArgument:
        return False
    return True


def _format_arg(kind: str, value: Any) -> str:
    if isinstance(value, tuple):
        return "|".join(",".join(group) for group in value)
    if kind == "seconds":
        return format_duration(value)
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, Latency):
        return latency_text(value)
    return str(value)


@dataclass(frozen=True)
class Fault:
    """One timed action of a fault schedule.

    Attributes:
        at: virtual time in seconds.
        action: one of :data:`ACTIONS`.
        args: the action's arguments, already parsed (node names, numbers,
            groups as two tuples of names, a latency distribution).

    Raises:
        FaultScheduleError: a bad time, an unknown action, or arguments that do
            not fit the action; the message says what is allowed.
    """

    at: float
    action: str
    args: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if not _is_time(self.at):
            raise FaultScheduleError(
                f"at={self.at!r} is not allowed: must be a finite number of seconds >= 0"
            )
        if isinstance(self.args, list):  # a list is fine as input; a Fault keeps a tuple
            object.__setattr__(self, "args", tuple(self.args))
        if not isinstance(self.args, tuple):
            raise FaultScheduleError(
                f"args={self.args!r} is not allowed: must be a tuple or list of the "
                f"action's arguments, e.g. ('n1',) for crash"
            )
        kinds = ACTIONS.get(self.action) if isinstance(self.action, str) else None
        if kinds is None:
            raise FaultScheduleError(
                f"action={self.action!r} is not allowed: must be one of {', '.join(ACTIONS)}"
            )
        required = sum(1 for k in kinds if not k.endswith("?"))
        if len(self.args) not in (required, len(kinds)):  # optional nodes come as a pair
            raise FaultScheduleError(
                f"args={self.args!r} is not allowed for {self.action}: write {usage(self.action)}"
            )
        for kind, value in zip(kinds, self.args, strict=False):
            problem = _check_arg(kind.rstrip("?"), value)
            if problem:
                raise FaultScheduleError(
                    f"{self.action} argument {value!r} is not allowed: must be {problem}; "
                    f"write {usage(self.action)}"
                )
        if self.action == "hold" and self.args[0] == self.args[1]:
            raise FaultScheduleError(
                f"hold {self.args[0]} {self.args[1]} is not allowed: the two nodes must differ "
                f"(self-sends are always delivered); write {usage(self.action)}"
            )

    @classmethod
    def parse(cls, text: str) -> Fault:
        """Read one line such as ``"2.5 crash n1"`` (a ``#`` starts a comment).

        Raises:
            FaultScheduleError: the line, what is wrong with it, and the allowed form.
        """
        words = text.split("#")[0].split() if isinstance(text, str) else []
        if len(words) < 2:
            raise FaultScheduleError(
                f"fault {text!r} cannot be parsed: expected 'TIME ACTION [ARGS]', "
                "for example '2.5 crash n1'"
            )
        time_text, action, arg_texts = words[0], words[1], words[2:]
        if action not in ACTIONS:
            raise FaultScheduleError(
                f"fault {text!r} cannot be parsed: action {action!r} is not one of "
                f"{', '.join(ACTIONS)}"
            )
        kinds = [k.rstrip("?") for k in ACTIONS[action]]
        if len(arg_texts) > len(kinds):
            raise FaultScheduleError(
                f"fault {text!r} cannot be parsed: too many arguments; write {usage(action)}"
            )
        try:
            at = read_duration(time_text)
        except ValueError:
            raise FaultScheduleError(
                f"fault {text!r} cannot be parsed: TIME {time_text!r} must be a number of "
                "seconds >= 0, or a duration such as 500ms"
            ) from None
        try:
            args = tuple(_parse_arg(k, w) for k, w in zip(kinds, arg_texts, strict=False))
            return cls(at, action, args)
        except FaultScheduleError as exc:  # it already says how to write the line
            raise FaultScheduleError(f"fault {text!r} cannot be parsed: {exc}") from None
        except (ValueError, InvalidArgument) as exc:
            raise FaultScheduleError(
                f"fault {text!r} cannot be parsed: {exc}; write {usage(action)}"
            ) from None

    def __str__(self) -> str:
        kinds = [k.rstrip("?") for k in ACTIONS[self.action]]
        args = [_format_arg(k, v) for k, v in zip(kinds, self.args, strict=False)]
        return " ".join([format_number(self.at), self.action, *args])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: ``{"at": 2.5, "action": "crash", "args": ["n1"]}``."""
        args = [latency_text(a) if isinstance(a, Latency) else a for a in self.args]
        return {"at": self.at, "action": self.action, "args": json.loads(json.dumps(args))}

    @classmethod
    def from_dict(cls, data: Any) -> Fault:
        """The inverse of :meth:`to_dict`; raises ``FaultScheduleError`` on bad data.

        ``at`` may also be text with a unit (``"500ms"``); ``args`` must be a list.
        """
        if not isinstance(data, dict) or "at" not in data or "action" not in data:
            raise FaultScheduleError(
                f"fault {data!r} cannot be read: it needs the keys 'at' and 'action' (and "
                """'args' if any), like {"at": 2.5, "action": "crash", "args": ["n1"]}"""
            )
        action, values = data["action"], data.get("args", [])
        kinds = ACTIONS.get(action) if isinstance(action, str) else None
        if not isinstance(values, list) or (kinds is not None and len(values) > len(kinds)):
            most = "" if kinds is None else f" of at most {len(kinds)} arguments"
            write = "" if kinds is None else f"; write {usage(action)}"
            raise FaultScheduleError(
                f"fault {data!r} cannot be read: args={values!r} must be a list{most}{write}"
            )
        try:
            at = parse_duration("at", data["at"]) if isinstance(data["at"], str) else data["at"]
            args = tuple(
                _from_json_arg(k.rstrip("?"), v) for k, v in zip(kinds or (), values, strict=False)
            )
        except InvalidArgument as exc:
            raise FaultScheduleError(f"fault {data!r} cannot be read: {exc}") from None
        return cls(at, action, args)


def _from_json_arg(kind: str, value: Any) -> Any:
    if kind == "groups":
        if not isinstance(value, list) or not all(isinstance(g, list) for g in value):
            raise invalid("groups", value, 'must be a list of two lists of names: [["a"], ["b"]]')
        return tuple(tuple(group) for group in value)
    if kind == "latency":
        return parse_latency(value)
    if kind == "seconds" and isinstance(value, str):
        return parse_duration("SECONDS", value)
    return value


class FaultSchedule(list[Fault]):
    """A list of faults, kept in time order, that prints, saves and loads itself."""

    def __init__(self, faults: Iterable[Fault | str | dict[str, Any]] = ()) -> None:
        if isinstance(faults, (str, dict, Fault)) or not isinstance(faults, Iterable):
            raise FaultScheduleError(
                f"faults={faults!r} is not allowed: give a list of Faults, lines or dicts "
                "(FaultSchedule.parse reads text)"
            )
        super().__init__(sorted((as_fault(f) for f in faults), key=lambda f: f.at))

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self)

    @classmethod
    def parse(cls, text: str) -> FaultSchedule:
        """Read one fault a line; blank lines and ``#`` comments are skipped."""
        if not isinstance(text, str):
            raise FaultScheduleError(f"text={text!r} is not allowed: must be a str, a fault a line")
        lines = [line for line in text.splitlines() if line.split("#")[0].strip()]
        return cls(lines)

    def to_json(self) -> str:
        """The schedule as a JSON array of :meth:`Fault.to_dict` objects."""
        return json.dumps([f.to_dict() for f in self])

    @classmethod
    def from_json(cls, text: str) -> FaultSchedule:
        """Load a schedule saved with :meth:`to_json`."""
        if not isinstance(text, (str, bytes)):
            raise FaultScheduleError(f"text={text!r} is not allowed: must be JSON text")
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
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
