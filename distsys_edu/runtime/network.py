"""The simulated network: how long a message takes, and whether it arrives.

A message from one node to another travels over the *link* ``(src, dst)``.
Each link has a latency distribution, a loss probability and a duplication
probability; links without their own settings use the network default.
Partitions cut links (a message sent over a cut link, or arriving over one, is
dropped with reason ``"partition"``); a *hold* parks arriving messages until
``release``. Reordering is not a separate knob: it follows from latency spread,
because a later message can draw a shorter delay.

Randomness comes only from the ``random.Random`` the Sim passes in, so the same
seed gives the same delays.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

from .errors import InvalidArgument, check_probability, check_time, invalid
from .units import (
    LATENCY_PLAUSIBLE_BELOW,
    format_duration,
    format_number,
    has_unit,
    parse_duration,
    read_duration,
    warn_no_unit,
)

GAUSS_LIMIT = math.sqrt(-2.0 * math.log(2.0**-53))
"""The largest ``|Z|`` that ``random.Random.gauss`` can return (about 8.57): it draws
``sqrt(-2 ln(1 - U))`` with ``1 - U >= 2**-53``. A LogNormal's longest draw is
``median * exp(sigma * GAUSS_LIMIT)``."""

LOG_FLOAT_LIMIT = 709.0
"""``exp`` of more than this (about ``log(1.8e308)``) is no longer a finite float."""


def _duration_field(obj: Any, name: str, *, positive: bool = False) -> None:
    """Check the time field ``name`` of a frozen latency; a string like ``"5ms"`` becomes seconds.

    A number is kept as given (so that its trace encoding does not change).
    """
    value = getattr(obj, name)
    if isinstance(value, str):
        object.__setattr__(obj, name, parse_duration(name, value))
    check_time(name, getattr(obj, name), positive=positive)


@runtime_checkable
class Latency(Protocol):
    """A one-way delay distribution, in virtual seconds."""

    def sample(self, rng: random.Random) -> float:
        """Draw one delay (seconds, >= 0) using ``rng`` only."""
        ...


@dataclass(frozen=True)
class Constant:
    """Every message takes exactly ``seconds``: links stay FIFO.

    ``seconds`` may be given with a unit, as ``Constant("5ms")``.
    """

    seconds: float

    def __post_init__(self) -> None:
        _duration_field(self, "seconds")

    def sample(self, rng: random.Random) -> float:
        """Return the constant delay; ``rng`` is not touched."""
        return self.seconds


@dataclass(frozen=True)
class Uniform:
    """Delays spread evenly over ``[low, high]`` seconds; spread reorders messages.

    The bounds may be given with a unit, as ``Uniform("5ms", "10ms")``.
    """

    low: float
    high: float

    def __post_init__(self) -> None:
        _duration_field(self, "low")
        _duration_field(self, "high")
        if self.low > self.high:
            raise invalid("low", self.low, f"must be <= high={self.high!r}")

    def sample(self, rng: random.Random) -> float:
        """Draw a delay uniformly between ``low`` and ``high``."""
        return self.low + (self.high - self.low) * rng.random()


@dataclass(frozen=True)
class LogNormal:
    """A long-tailed delay: ``median`` seconds typical, rare large outliers.

    ``sigma`` is the standard deviation of the delay's natural logarithm; 0.5
    gives a p99 about 3.2x the median, 1.0 about 10x. ``maximum`` caps a draw
    (default: no cap). ``median`` and ``maximum`` may be given with a unit.

    Every draw is a finite number of seconds: a ``sigma`` so large that the
    longest possible draw, ``median * exp(sigma * GAUSS_LIMIT)``, would overflow
    is refused here rather than failing inside a send.
    """

    median: float
    sigma: float
    maximum: float = math.inf

    def __post_init__(self) -> None:
        _duration_field(self, "median", positive=True)
        check_time("sigma", self.sigma)
        if self.maximum != math.inf:
            _duration_field(self, "maximum")
        if not self.maximum >= self.median:
            raise invalid("maximum", self.maximum, f"must be >= median={self.median!r}")
        # exp must not overflow; without a cap, neither may median * exp(...).
        uncapped = self.maximum == math.inf
        room = LOG_FLOAT_LIMIT - (max(0.0, math.log(self.median)) if uncapped else 0.0)
        if self.sigma * GAUSS_LIMIT > room:
            raise invalid(
                "sigma",
                self.sigma,
                f"must be <= {room / GAUSS_LIMIT:.4g} with median={self.median!r}"
                f"{'' if uncapped else f' and maximum={self.maximum!r}'}: "
                "a larger one makes draws that are no finite number of seconds",
            )

    def sample(self, rng: random.Random) -> float:
        """Draw ``median * exp(sigma * Z)`` with Z standard normal, capped at ``maximum``."""
        return min(self.median * math.exp(self.sigma * rng.gauss(0.0, 1.0)), self.maximum)


_AS_LATENCY = "must be seconds >= 0, text like '5ms:10ms', or a Constant/Uniform/LogNormal"


def as_latency(value: Latency | float | str, param: str = "latency") -> Latency:
    """Accept a distribution, a plain number of seconds, or text such as ``"5ms:10ms"``.

    A plain number means a constant delay in seconds; one of a second or more
    is implausible for a latency and gets an ``ImplausibleUnitWarning``.

    Raises:
        InvalidArgument: a negative, NaN or infinite number, text that is not
            a latency (see :func:`parse_latency`), or an object without ``sample``.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = check_time(param, value)
        if seconds >= LATENCY_PLAUSIBLE_BELOW:
            text = format_number(seconds)
            _warn_bare_latency(param, text, f"{text}s", f"{text}ms")
        return Constant(value)
    if isinstance(value, str):
        try:
            return parse_latency(value, param)
        except InvalidArgument as exc:
            raise invalid(param, value, f"{_AS_LATENCY}; {exc}") from None
    if isinstance(value, Latency):
        return value
    raise invalid(param, value, _AS_LATENCY)


def _warn_bare_latency(param: str, text: str, assumed: str, alternative: str) -> None:
    warn_no_unit(
        param,
        text,
        assumed,
        alternative,
        f"a latency of {format_duration(LATENCY_PLAUSIBLE_BELOW)} or more is unusual",
    )


def latency_text(latency: Latency) -> str:
    """The text form of a latency, as fault schedules write it, with units.

    ``5ms`` (constant), ``5ms:10ms`` (uniform), ``lognormal:5ms:0.5`` (median
    and sigma, which has no unit; a cap follows as a fourth part).

    Raises:
        InvalidArgument: a latency of your own class, which has no text form.
    """
    if isinstance(latency, Constant):
        return format_duration(latency.seconds)
    if isinstance(latency, Uniform):
        return f"{format_duration(latency.low)}:{format_duration(latency.high)}"
    if isinstance(latency, LogNormal):
        cap = "" if latency.maximum == math.inf else f":{format_duration(latency.maximum)}"
        return f"lognormal:{format_duration(latency.median)}:{format_number(latency.sigma)}{cap}"
    raise invalid("latency", latency, "has no text form: use Constant, Uniform or LogNormal")


def parse_latency(text: str, param: str = "latency") -> Latency:
    """The inverse of :func:`latency_text`: ``"5ms"``, ``"5ms:10ms"``, ``"lognormal:5ms:0.5"``.

    A duration without a unit is seconds; a bare one of a second or more gets
    an ``ImplausibleUnitWarning`` naming the unit assumed.

    Raises:
        InvalidArgument: the text is not one of the three forms, or its numbers are bad.
    """
    allowed = (
        "must be DELAY, LOW:HIGH or lognormal:MEDIAN:SIGMA[:MAX], durations such as "
        "5ms or 0.25s (a bare number is seconds)"
    )
    parts = text.split(":") if isinstance(text, str) else []
    lognormal = parts[:1] == ["lognormal"]
    if not (len(parts) in (3, 4) if lognormal else len(parts) in (1, 2)):
        raise invalid(param, text, allowed)
    timed = [1, 3][: len(parts) - 2] if lognormal else list(range(len(parts)))
    try:
        seconds = [read_duration(parts[i]) for i in timed]
        sigma = float(parts[2]) if lognormal else 0.0
    except ValueError:
        raise invalid(param, text, allowed) from None
    # The model checks its numbers; its error names the one that is wrong.
    latency: Latency = (
        LogNormal(seconds[0], sigma, *seconds[1:])
        if lognormal
        else Uniform(*seconds)
        if len(seconds) == 2
        else Constant(seconds[0])
    )
    bare = {i for i in timed if not has_unit(parts[i])}
    delays = timed[:1] if lognormal else timed  # the typical delays, not a cap
    if any(i in bare and seconds[timed.index(i)] >= LATENCY_PLAUSIBLE_BELOW for i in delays):

        def written(unit: str) -> str:
            return ":".join(p + unit if i in bare else p for i, p in enumerate(parts))

        _warn_bare_latency(param, text, written("s"), written("ms"))
    return latency


@dataclass(frozen=True)
class LinkConfig:
    """How one directed link behaves. Plain data; the Sim records every change."""

    latency: Latency = field(default_factory=lambda: Constant(0.001))
    loss: float = 0.0
    duplication: float = 0.0

    constant_delay: float | None = field(init=False, repr=False, compare=False)
    """The delay if the latency is constant, else ``None`` (a fast path for the Sim)."""

    def __post_init__(self) -> None:
        latency = as_latency(self.latency)
        object.__setattr__(self, "latency", latency)
        object.__setattr__(
            self, "constant_delay", latency.seconds if isinstance(latency, Constant) else None
        )
        check_probability("loss", self.loss)
        check_probability("duplication", self.duplication)

    def changed(
        self,
        latency: Latency | float | str | None = None,
        loss: float | None = None,
        duplication: float | None = None,
    ) -> LinkConfig:
        """Return a copy with the given settings replaced (``None`` keeps one)."""
        return replace(
            self,
            latency=self.latency if latency is None else as_latency(latency),
            loss=self.loss if loss is None else loss,
            duplication=self.duplication if duplication is None else duplication,
        )


Link = tuple[str, str]


@dataclass(slots=True)
class Network:
    """The network's current state. The Sim changes it; everyone may read it.

    Attributes:
        default: settings of every link that has none of its own.
        links: per-link settings, keyed ``(src, dst)``.
        blocked: directed links cut by a partition.
        held: directed links whose arriving messages are parked until release.
    """

    default: LinkConfig = field(default_factory=LinkConfig)
    links: dict[Link, LinkConfig] = field(default_factory=dict)
    blocked: set[Link] = field(default_factory=set)
    held: set[Link] = field(default_factory=set)

    plain_latency: Latency | None = field(init=False, default=None)
    """The latency of every link when nothing else can happen to a message (no
    partition, hold, per-link setting, loss or duplication), else ``None``."""

    fast_delay: float | None = field(init=False, default=None)
    """The one delay of every link, when the network is plain (see
    :attr:`plain_latency`) and its latency constant, else ``None``.

    Both are the Sim's fast paths, kept current by :meth:`refresh`."""

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute the fast paths; call after every change (the Sim does)."""
        d = self.default
        plain = not (self.blocked or self.held or self.links or d.loss or d.duplication)
        self.plain_latency = d.latency if plain else None
        self.fast_delay = d.constant_delay if plain else None

    def config(self, src: str, dst: str) -> LinkConfig:
        """The settings in force on link ``src -> dst``."""
        return self.links.get((src, dst), self.default)
