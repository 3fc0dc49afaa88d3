"""A protocol declared once: what every part of the package needs to know about it.

A :class:`ProtocolSpec` names a protocol's spawn function, its actor classes, the
message types that may travel between its nodes (the real network's codec allows
exactly these), its timing knobs (the playground's sliders and the command line's
``--set`` options), the invariants that must hold for it (what ``explore`` checks by
default), the keys of the view its nodes publish, and whether the model checker may
treat its nodes' names as interchangeable. Each protocol module declares one
(``SPEC``); :mod:`.registry` finds them by name. Nothing here runs in virtual time:
a spec is plain data, checked once when it is made.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..runtime import Actor
from ..runtime.errors import invalid

__all__ = ["KNOB_TYPES", "SHORTEST", "InvariantRef", "Knob", "ProtocolSpec"]

KNOB_TYPES: tuple[type, ...] = (float, int, tuple)
"""What a knob holds: a number of its ``unit``, a count, or a ``(low, high)`` range."""

SHORTEST = 0.01
"""The shortest time a timing knob takes (:meth:`Knob.seconds`), in seconds."""

InvariantRef = str | Callable[..., Any] | tuple[str | Callable[..., Any], Mapping[str, Any]]
"""An invariant, by the name of a built-in check (``"one_leader_per_term"``), as a function
``fn(trace, **options) -> list[Violation]``, or either with options:
``("liveness", {"within": 3.0})``. The checks package turns it into a check."""


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Knob:
    """One setting of a protocol that a person may turn: a timeout, an interval, a count.

    Args:
        name: the spawn function's keyword argument it sets.
        type: ``float``, ``int``, or ``tuple`` for a ``(low, high)`` range of floats.
        unit: what its numbers count (``"s"`` for seconds, ``""`` for a plain count).
        min: the smallest value allowed (of each end, for a range).
        max: the largest value allowed.
        default: the value the spawn function uses when the knob is not given.
        help: one line that says what it does.

    Raises:
        InvalidArgument: a field that is not allowed (the message names it), such as
            ``min > max`` or a default outside ``[min, max]``.
    """

    name: str
    type: type
    unit: str
    min: float
    max: float
    default: Any
    help: str

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and self.name.isidentifier()):
            raise invalid("Knob.name", self.name, "must be a Python identifier")
        if self.type not in KNOB_TYPES:
            raise invalid("Knob.type", self.type, "must be float, int or tuple (a range)")
        if not isinstance(self.unit, str):
            raise invalid("Knob.unit", self.unit, 'must be a str ("s", "" for a count)')
        for param, value in (("Knob.min", self.min), ("Knob.max", self.max)):
            if not _number(value):
                raise invalid(param, value, "must be a finite number")
        if self.min > self.max:
            raise invalid("Knob.min", self.min, f"must be <= max ({self.max!r})")
        self.check(self.default, param="Knob.default")
        if not (isinstance(self.help, str) and self.help and "\n" not in self.help):
            raise invalid("Knob.help", self.help, "must be one line of text")

    @classmethod
    def seconds(cls, name: str, default: Any, most: float, help: str) -> Knob:
        """A timing knob: seconds (or a ``(low, high)`` range of them) from
        :data:`SHORTEST` to ``most``."""
        kind = tuple if isinstance(default, tuple) else float
        return cls(name, kind, "s", SHORTEST, most, default, help)

    def check(self, value: Any, *, param: str | None = None) -> Any:
        """``value`` if this knob may take it (an int stands for a float; a list for a range).

        Raises:
            InvalidArgument: a value of the wrong type or outside ``[min, max]``.
        """
        param = param or self.name
        allowed = f"must be {self.describe()}"
        if self.type is tuple:
            if not (isinstance(value, (tuple, list)) and len(value) == 2):
                raise invalid(param, value, allowed)
            low, high = value
            if not (_number(low) and _number(high) and self.min <= low <= high <= self.max):
                raise invalid(param, value, allowed)
            return (float(low), float(high))
        if self.type is int and not (_number(value) and isinstance(value, int)):
            raise invalid(param, value, allowed)
        if not _number(value) or not self.min <= value <= self.max:
            raise invalid(param, value, allowed)
        return self.type(value)

    def describe(self) -> str:
        """What the knob takes, in words: ``"a float from 0.01 to 1.2 s"``."""
        unit = f" {self.unit}" if self.unit else ""
        kind = {float: "a float", int: "an int", tuple: "(low, high) with low <= high,"}
        return f"{kind[self.type]} from {self.min!r} to {self.max!r}{unit}"


@dataclass(frozen=True)
class ProtocolSpec:
    """Everything the package needs to know about one protocol, declared once.

    Args:
        name: what the registry, the command line and the playground call it.
        description: one line.
        spawn: ``spawn(sim, nodes, **options) -> list[str]``: spawns the cluster into
            ``sim`` at its current virtual time and returns the node names.
        actors: the actor classes its nodes run.
        messages: the message types that may travel between its nodes (frozen
            dataclasses, those nested in messages too): the real network's codec
            allows these and no others.
        config: its configuration dataclass, or ``None``.
        knobs: its settings a person may turn (each a keyword argument of ``spawn``
            and a field of ``config``).
        invariants: what must hold for it: what ``explore`` checks by default.
        view: the keys its nodes publish with ``ctx.annotate`` (``role``, ``term``...).
        not_symmetric: why the model checker may not treat node names as
            interchangeable (node names decide who leads), or ``""`` if it may.
        real_network: whether ``net up`` can run it as operating-system processes.
        aliases: other names the registry takes for it, everywhere a protocol's name
            is taken (``"kv"`` for ``"raftlog"``: the service its clients see); the
            name stays the one the package reports.

    Raises:
        InvalidArgument: a field that is not allowed; the message names the field,
            the value and what is allowed.
    """

    name: str
    description: str
    spawn: Callable[..., list[str]]
    actors: tuple[type, ...]
    messages: tuple[type, ...]
    config: type | None = None
    knobs: tuple[Knob, ...] = ()
    invariants: tuple[InvariantRef, ...] = ()
    view: tuple[str, ...] = ()
    not_symmetric: str = ""
    real_network: bool = True
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and self.name.isidentifier()):
            raise invalid("ProtocolSpec.name", self.name, "must be a Python identifier")
        for param, text in (
            ("description", self.description),
            ("not_symmetric", self.not_symmetric),
        ):
            if not isinstance(text, str) or "\n" in text:
                raise invalid(f"ProtocolSpec.{param}", text, "must be one line of text")
        if not self.description:
            raise invalid("ProtocolSpec.description", self.description, "must not be empty")
        if not callable(self.spawn) or isinstance(self.spawn, type):
            raise invalid(
                "ProtocolSpec.spawn", self.spawn, "must be a function (sim, nodes, **options)"
            )
        self._check_types()
        self._check_knobs()
        self._check_invariants()
        if not all(isinstance(key, str) and key for key in self.view):
            raise invalid("ProtocolSpec.view", self.view, "must be a tuple of keys (str)")
        if not isinstance(self.real_network, bool):
            raise invalid("ProtocolSpec.real_network", self.real_network, "must be True or False")
        self._check_aliases()

    def _check_types(self) -> None:
        for cls in _tuple("actors", self.actors):
            if not (isinstance(cls, type) and issubclass(cls, Actor)):
                raise invalid("ProtocolSpec.actors", cls, "must be Actor subclasses")
        if not self.actors:
            raise invalid("ProtocolSpec.actors", self.actors, "must name at least one Actor class")
        for cls in _tuple("messages", self.messages):
            frozen = dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen  # type: ignore[union-attr]
            if not (isinstance(cls, type) and frozen):
                raise invalid("ProtocolSpec.messages", cls, "must be frozen dataclasses")
        names = [cls.__name__ for cls in self.messages]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise invalid(
                "ProtocolSpec.messages",
                twice,
                "must have distinct class names (the wire names them)",
            )
        if self.config is not None and not (
            isinstance(self.config, type) and dataclasses.is_dataclass(self.config)
        ):
            raise invalid("ProtocolSpec.config", self.config, "must be a dataclass or None")

    def _check_knobs(self) -> None:
        for knob in _tuple("knobs", self.knobs):
            if not isinstance(knob, Knob):
                raise invalid("ProtocolSpec.knobs", knob, "must be Knob objects")
        names = [k.name for k in self.knobs]
        if len(set(names)) != len(names):
            raise invalid("ProtocolSpec.knobs", names, "must have distinct names")
        fields = {f.name for f in dataclasses.fields(self.config)} if self.config else set(names)
        for name in names:
            if name not in fields:
                raise invalid("ProtocolSpec.knobs", name, "must be fields of config")
        takes = _keywords(self.spawn)
        if takes is not None:
            for name in names:
                if name not in takes:
                    raise invalid(
                        "ProtocolSpec.knobs",
                        name,
                        f"must be keyword arguments of spawn (it takes: {', '.join(takes)})",
                    )

    def _check_invariants(self) -> None:
        for ref in _tuple("invariants", self.invariants):
            check = ref[0] if isinstance(ref, tuple) and len(ref) == 2 else ref
            options_ok = not isinstance(ref, tuple) or isinstance(ref[1], Mapping)
            if not (isinstance(check, str) or callable(check)) or not options_ok:
                raise invalid(
                    "ProtocolSpec.invariants",
                    ref,
                    "must be check names, functions, or (name or function, {options}) pairs",
                )

    def _check_aliases(self) -> None:
        allowed = "must be distinct Python identifiers, none of them the protocol's name"
        names = _tuple("aliases", self.aliases)
        if not all(isinstance(a, str) and a.isidentifier() for a in names):
            raise invalid("ProtocolSpec.aliases", self.aliases, allowed)
        if len(set(names)) != len(names) or self.name in names:
            raise invalid("ProtocolSpec.aliases", self.aliases, allowed)

    def knob(self, name: str) -> Knob:
        """The knob called ``name``.

        Raises:
            InvalidArgument: this protocol has no such knob.
        """
        for knob in self.knobs:
            if knob.name == name:
                return knob
        known = ", ".join(k.name for k in self.knobs) or "none"
        raise invalid("knob", name, f"must be a knob of {self.name} ({known})")

    @property
    def module(self) -> str:
        """The module that declares the spawn function (a node process imports it)."""
        return str(self.spawn.__module__)


def _tuple(param: str, value: Any) -> tuple[Any, ...]:
    if not isinstance(value, tuple):
        raise invalid(f"ProtocolSpec.{param}", value, "must be a tuple")
    return value


def _keywords(spawn: Callable[..., Any]) -> list[str] | None:
    """The keyword arguments ``spawn`` takes after ``(sim, nodes)``; ``None``: any."""
    try:
        parameters = list(inspect.signature(spawn).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return [p.name for p in parameters[2:] if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
