"""What every failure detector offers (:class:`FailureDetector`), and the one check of
their parameters and times (:func:`finite`), whose error names the parameter, the value
and what is allowed."""

from __future__ import annotations

import math
from typing import NoReturn, Protocol, runtime_checkable

from ...runtime.errors import invalid

# --------------------------------------------------------------------------- validation


def reject(name: str, value: object, allowed: str) -> NoReturn:
    """Raise the one bad-input error of this module.

    Args:
        name: the parameter's name as the caller wrote it.
        value: the value the caller gave.
        allowed: what would have been accepted, e.g. ``"a finite number > 0"``.

    Raises:
        InvalidArgument: always (a ``ValueError``), reading ``threshold=-1.0 is not
            allowed: must be a finite number > 0``.
    """
    raise invalid(name, value, f"must be {allowed}")


def finite(
    name: str,
    value: object,
    *,
    above: float | None = None,
    at_least: float | None = None,
    note: str = "",
) -> float:
    """Return ``value`` as a float if it is a finite real number within the bound.

    Args:
        name: the parameter's name, for the error message.
        value: what the caller gave. ``bool`` is refused although it is an ``int``.
        above: if given, ``value`` must be strictly greater.
        at_least: if given, ``value`` must be greater or equal.
        note: words in brackets after the bound, saying where the bound comes from.

    Returns:
        ``value`` as a float.

    Raises:
        ValueError: not an int or float, NaN, infinite, or outside the bound.
    """
    allowed = "a finite number"
    if above is not None:
        allowed += f" > {above!r}"
    if at_least is not None:
        allowed += f" >= {at_least!r}"
    if note:
        allowed += f" ({note})"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        reject(name, value, allowed)
    number = float(value)
    if (
        not math.isfinite(number)
        or (above is not None and not number > above)
        or (at_least is not None and not number >= at_least)
    ):
        reject(name, value, allowed)
    return number


# --------------------------------------------------------------------------- the protocol


@runtime_checkable
class FailureDetector(Protocol):
    """What every failure detector offers; any object with these methods is one.

    All times are float seconds of virtual time, supplied by the caller, never read
    from a clock. Detectors in this module subclass this protocol to inherit
    ``suspect``; a structural match only needs the three methods.
    """

    def heartbeat(self, t: float) -> None:
        """Record that a heartbeat arrived at virtual time ``t``."""
        ...

    def is_available(self, t: float) -> bool:
        """Return whether the monitored process is trusted at virtual time ``t``."""
        ...

    def suspect(self, t: float) -> bool:
        """Return whether the monitored process is suspected at virtual time ``t``.

        Args:
            t: the virtual time asked about, no earlier than the last heartbeat.

        Returns:
            ``not self.is_available(t)``.
        """
        return not self.is_available(t)
