"""Checks of the command line's arguments: each one gives the value or the project's error.

Conventions: a bare number is seconds for ``--until`` and fault lines, milliseconds for
latencies, timeouts and heartbeats; every duration also takes a unit (``500ms``).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from typing import Any

from ..protocols.registry import get_spec, spawn
from ..protocols.spec import Knob
from ..runtime import Constant, Fault, LinkConfig, Sim, Uniform
from ..runtime.errors import InvalidArgument, check_time, invalid
from ..runtime.faults import ACTIONS
from ..runtime.units import LATENCY_PLAUSIBLE_BELOW, has_unit, read_duration, warn_no_unit

PLAUSIBLE_SECONDS = {"--latency": (0.0, LATENCY_PLAUSIBLE_BELOW), "--timeout": (1e-3, math.inf)}
"""Where a bare number of ms is believable, per option (seconds); outside it, a warning."""


def range_ms(option: str, text: str, *, positive: bool) -> tuple[float, float]:
    """``"150:300"`` (or ``"150"``) milliseconds -> ``(0.150, 0.300)`` seconds.

    Each bound may carry its own unit (``"0.15s:300ms"``); a bare number is ms,
    and one implausible for ``option`` (a latency of a second or more, a timeout
    under a millisecond) gets an ``ImplausibleUnitWarning``.

    Raises:
        InvalidArgument: not one or two durations, a bound out of range, or LOW > HIGH.
    """
    bound = "> 0" if positive else ">= 0"
    parts = text.split(":")
    try:
        values = [read_duration(p, unit="ms") for p in parts]
    except ValueError:
        values = []
    if len(values) not in (1, 2) or not all(
        math.isfinite(v) and (v > 0 if positive else v >= 0) for v in values
    ):
        raise invalid(
            option, text, f"must be LOW:HIGH milliseconds (or with units, 5ms:0.1s), {bound}"
        )
    low, high = values[0], values[-1]
    if low > high:
        raise invalid(option, text, f"must have LOW <= HIGH, but {low:g} s > {high:g} s")
    least, most = PLAUSIBLE_SECONDS.get(option, (0.0, math.inf))
    if any(not has_unit(p) and not least <= v < most for p, v in zip(parts, values, strict=True)):
        warn_no_unit(
            option,
            text,
            ":".join(p if has_unit(p) else p + "ms" for p in parts),
            ":".join(p if has_unit(p) else p + "s" for p in parts),
            f"that is unusual for {option[2:]}",
        )
    return low, high


def seconds(text: str) -> float:
    """An argparse type: a duration, ``"500ms"`` or ``"2.5"`` (bare: seconds), as seconds."""
    try:
        return check_time("value", read_duration(text))
    except ValueError:  # read_duration's, or check_time's InvalidArgument
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration >= 0 such as 10, 2.5s or 500ms (a bare number is seconds)"
        ) from None


def milliseconds(text: str) -> float:
    """An argparse type: a duration, ``"100"`` (bare: ms) or ``"0.1s"``, as milliseconds."""
    try:
        return check_time("value", read_duration(text, unit="ms")) * 1e3
    except ValueError:  # read_duration's, or check_time's InvalidArgument
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration >= 0 such as 100, 100ms or 0.1s (a bare number is ms)"
        ) from None


def int_at_least(option: str, value: int, least: int) -> int:
    """``value``, or ``InvalidArgument`` if it is under ``least``."""
    if value < least:
        raise invalid(option, value, f"must be an integer >= {least}")
    return value


def finite(option: str, value: float, *, positive: bool = False) -> float:
    """``value``, or ``InvalidArgument`` unless it is finite and ``>= 0`` (``> 0``)."""
    if not (math.isfinite(value) and (value > 0 if positive else value >= 0)):
        raise invalid(option, value, f"must be a finite number {'>' if positive else '>='} 0")
    return value


def protocol_name(name: str) -> str:
    """The name of the protocol called ``name`` (its own or an alias: ``kv`` gives
    ``raftlog``), or ``InvalidArgument`` if no protocol has that name."""
    return get_spec(name).name


def knob_settings(protocol: str, lines: Sequence[str]) -> dict[str, Any]:
    """``--set KNOB=VALUE`` lines as the spawn options they give: each a knob that the
    protocol's spec declares, read in the knob's unit (a duration may carry its own:
    ``300ms``; a range is ``LOW:HIGH``) and checked against the knob's range.

    Raises:
        InvalidArgument: a line that is not ``KNOB=VALUE``, a knob the protocol does
            not have (the message lists those it has), or a value it does not allow.
    """
    spec = get_spec(protocol)
    options: dict[str, Any] = {}
    for line in lines:
        name, sep, text = line.partition("=")
        knob = next((k for k in spec.knobs if k.name == name.strip()), None)
        if knob is None or not sep:
            raise invalid(
                "--set", line, f"must be KNOB=VALUE, a knob of {protocol}: {_knobs(spec.knobs)}"
            )
        param = f"--set {knob.name}"
        try:
            value: Any = [_knob_number(knob, part) for part in text.split(":")]
            options[knob.name] = knob.check(value if knob.type is tuple else value[0])
        except (ValueError, InvalidArgument):
            raise invalid(param, text, f"must be {knob.describe()}") from None
    return options


def _knobs(knobs: Sequence[Knob]) -> str:
    return ", ".join(f"{k.name} ({k.describe()})" for k in knobs) or "none"


def _knob_number(knob: Knob, text: str) -> float | int:
    if knob.type is int:
        return int(text)
    return read_duration(text.strip(), unit=knob.unit) if knob.unit == "s" else float(text)


def faults(lines: Sequence[str], names: Sequence[str]) -> list[Fault]:
    """Parse ``--fault`` lines and check every node they name exists.

    Raises:
        InvalidArgument: a line that does not parse, or names a node not in ``names``.
    """
    parsed = []
    for line in lines:
        words = line.split()
        if len(words) >= 2 and words[1] not in ACTIONS:
            raise invalid(
                "--fault",
                line,
                f"has an unknown action {words[1]!r}: use one of {', '.join(ACTIONS)}",
            )
        try:
            fault = Fault.parse(line)
        except InvalidArgument as exc:
            raise InvalidArgument(f"--fault={line!r} is not allowed: {exc}") from None
        for node in nodes_named(fault):
            if node not in names:
                raise invalid(
                    "--fault", line, f"names {node!r}, not a node (nodes: {', '.join(names)})"
                )
        parsed.append(fault)
    return parsed


def nodes_named(fault: Fault) -> list[str]:
    """The nodes ``fault`` names in its arguments, in order."""
    kinds = [k.rstrip("?") for k in ACTIONS[fault.action]]
    named: list[str] = []
    for kind, arg in zip(kinds, fault.args, strict=False):
        if kind == "node":
            named.append(arg)
        elif kind == "groups":
            named.extend(n for group in arg for n in group)
    return named


def try_faults(protocol: str, nodes: int, faults: Sequence[Fault]) -> None:
    """Apply ``faults`` in time order to a scratch cluster, so that a fault that cannot
    be applied (``1 hold n1 n1``) is an error now, not in the middle of the run.
    Without faults there is nothing to try (and no second cluster to spawn)."""
    if not faults:
        return
    scratch = Sim(trace="counts")
    spawn(scratch, protocol, nodes)
    for fault in sorted(faults, key=lambda f: f.at):
        scratch.apply(fault)


def network(latency: str | None, loss: float) -> LinkConfig:
    """The default link: ``--latency LO:HI`` (ms; default the runtime's) and ``--loss``."""
    if latency is None:
        return LinkConfig(loss=loss)
    low, high = range_ms("--latency", latency, positive=False)
    return LinkConfig(latency=Constant(low) if low == high else Uniform(low, high), loss=loss)
