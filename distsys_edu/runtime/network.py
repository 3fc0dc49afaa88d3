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
from typing import Protocol, runtime_checkable

from .errors import check_probability, check_time, invalid


@runtime_checkable
class Latency(Protocol):
    """A one-way delay distribution, in virtual seconds."""

    def sample(self, rng: random.Random) -> float:
        """Draw one delay (seconds, >= 0) using ``rng`` only."""
        ...


@dataclass(frozen=True)
class Constant:
    """Every message takes exactly ``seconds``: links stay FIFO."""

    seconds: float

    def __post_init__(self) -> None:
        check_time("seconds", self.seconds)

    def sample(self, rng: random.Random) -> float:
        """Return the constant delay; ``rng`` is not touched."""
        return self.seconds


@dataclass(frozen=True)
class Uniform:
    """Delays spread evenly over ``[low, high]`` seconds; spread reorders messages."""

    low: float
    high: float

    def __post_init__(self) -> None:
        check_time("low", self.low)
        check_time("high", self.high)
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
    (default: no cap).
    """

    median: float
    sigma: float
    maximum: float = math.inf

    def __post_init__(self) -> None:
        check_time("median", self.median, positive=True)
        check_time("sigma", self.sigma)
        if not self.maximum >= self.median:
            raise invalid("maximum", self.maximum, f"must be >= median={self.median!r}")

    def sample(self, rng: random.Random) -> float:
        """Draw ``median * exp(sigma * Z)`` with Z standard normal, capped at ``maximum``."""
        return min(self.median * math.exp(self.sigma * rng.gauss(0.0, 1.0)), self.maximum)


def as_latency(value: Latency | float, param: str = "latency") -> Latency:
    """Accept a distribution, or a plain number meaning a constant delay.

    Raises:
        InvalidArgument: a negative or NaN number, or an object without ``sample``.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Constant(check_time(param, value))
    if isinstance(value, Latency):
        return value
    raise invalid(param, value, "must be seconds >= 0 or a Constant/Uniform/LogNormal")


def format_number(x: float) -> str:
    """The shortest text that reads back as exactly ``x`` (``2.0`` is written ``2``)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def latency_text(latency: Latency) -> str:
    """The text form of a latency, as fault schedules write it.

    ``0.005`` (constant), ``0.005:0.01`` (uniform), ``lognormal:0.005:0.5``
    (median and sigma; a cap follows as a fourth part).

    Raises:
        InvalidArgument: a latency of your own class, which has no text form.
    """
    if isinstance(latency, Constant):
        return format_number(latency.seconds)
    if isinstance(latency, Uniform):
        return f"{format_number(latency.low)}:{format_number(latency.high)}"
    if isinstance(latency, LogNormal):
        cap = "" if latency.maximum == math.inf else f":{format_number(latency.maximum)}"
        return f"lognormal:{format_number(latency.median)}:{format_number(latency.sigma)}{cap}"
    raise invalid("latency", latency, "has no text form: use Constant, Uniform or LogNormal")


def parse_latency(text: str) -> Latency:
    """The inverse of :func:`latency_text`.

    Raises:
        InvalidArgument: the text is not one of the three forms, or its numbers are bad.
    """
    parts = text.split(":")
    lognormal = parts[0] == "lognormal" and len(parts) in (3, 4)
    try:
        numbers = [float(p) for p in (parts[1:] if lognormal else parts)]
    except ValueError:
        numbers = []
    if lognormal and numbers:
        return LogNormal(*numbers)
    if len(numbers) == 1:
        return Constant(numbers[0])
    if len(numbers) == 2:
        return Uniform(numbers[0], numbers[1])
    raise invalid(
        "latency", text, "must be SECONDS, LOW:HIGH or lognormal:MEDIAN:SIGMA[:MAX] (seconds)"
    )


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
        latency: Latency | float | None = None,
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

    fast_delay: float | None = field(init=False, default=None)
    """The one delay of every link when nothing else can happen to a message
    (no partition, hold, per-link setting, loss or duplication, constant
    latency), else ``None``. The Sim's fast path; kept current by :meth:`refresh`."""

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute :attr:`fast_delay`; call after every change (the Sim does)."""
        d = self.default
        plain = not (self.blocked or self.held or self.links or d.loss or d.duplication)
        self.fast_delay = d.constant_delay if plain else None

    def config(self, src: str, dst: str) -> LinkConfig:
        """The settings in force on link ``src -> dst``."""
        return self.links.get((src, dst), self.default)
