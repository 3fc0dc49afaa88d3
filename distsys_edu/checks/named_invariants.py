"""What exploration checks: invariants named, with their options, able to write themselves.

An :class:`Invariant` is a check function with its keyword options. It knows its
name (what counterexamples are filed under) and how to write itself as Python,
for the replay program of a counterexample. :data:`DEFAULT_INVARIANTS` says what
:func:`~distsys_edu.checks.explore` checks for each protocol (see that module's
docstring for why).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..protocols.registry import PROTOCOLS, get_spec
from ..protocols.spec import InvariantRef
from ..runtime import Trace
from ..runtime.errors import invalid
from . import invariants as _inv
from . import raftlog as _log
from .invariants import Violation
from .linearizable import history_linearizable

CheckFn = Callable[..., list[Violation]]

BUILTIN_CHECKS: dict[str, CheckFn] = {
    "one_leader_per_term": _inv.one_leader_per_term,
    "one_leader_among_reachable": _inv.one_leader_among_reachable,
    "completeness": _inv.completeness,
    "liveness": _inv.liveness,
    "log_matching": _log.log_matching,
    "leader_completeness": _log.leader_completeness,
    "state_machine_safety": _log.state_machine_safety,
    "committed_never_lost": _log.committed_never_lost,
    "history_linearizable": history_linearizable,
}
"""Invariants that :func:`invariant` knows by name."""


@dataclass(frozen=True)
class Invariant:
    """A check with its options, that knows how to write itself as Python.

    Build one with :func:`invariant`.

    Attributes:
        name: what counterexamples are filed under (the function's name).
        fn: ``fn(trace, **options) -> list[Violation]``.
        options: keyword arguments, as ``(name, value)`` pairs; values must
            read back from their ``repr`` for the replay snippet.
    """

    name: str
    fn: CheckFn = field(repr=False, compare=False)
    options: tuple[tuple[str, Any], ...] = ()

    def check(self, trace: Trace) -> list[Violation]:
        """Run the check on a full trace."""
        return self.fn(trace, **dict(self.options))

    def call_source(self, trace_expr: str = "sim.trace") -> str:
        """The check as a Python call, e.g. ``one_leader_among_reachable(sim.trace, grace=2.0)``."""
        args = [trace_expr, *(f"{k}={v!r}" for k, v in self.options)]
        return f"{self.fn.__name__}({', '.join(args)})"

    def import_source(self) -> str:
        """The import line that brings :attr:`fn` into scope."""
        if BUILTIN_CHECKS.get(self.fn.__name__) is self.fn:
            return f"from distsys_edu.checks import {self.fn.__name__}"
        return f"from {self.fn.__module__} import {self.fn.__qualname__}"


def invariant(check: str | CheckFn | Invariant, **options: Any) -> Invariant:
    """Name a check for :func:`explore`.

    Args:
        check: the name of a built-in check (see :data:`BUILTIN_CHECKS`), a
            function ``fn(trace, **options) -> list[Violation]``, or an
            :class:`Invariant` (returned as it is when no options are given).
        **options: keyword arguments passed to the check.

    Raises:
        InvalidArgument: an unknown name, or not a name, function or Invariant.
    """
    if isinstance(check, Invariant):
        if not options:
            return check
        return Invariant(check.name, check.fn, (*check.options, *sorted(options.items())))
    if isinstance(check, str):
        fn = BUILTIN_CHECKS.get(check)
        if fn is None:
            raise invalid(
                "invariant",
                check,
                f"must be one of {', '.join(BUILTIN_CHECKS)} "
                "or a function fn(trace) -> list[Violation]",
            )
        return Invariant(check, fn, tuple(sorted(options.items())))
    if callable(check):
        name = getattr(check, "__name__", type(check).__name__)
        return Invariant(name, check, tuple(sorted(options.items())))
    raise ValueError(f"invariant={check!r} is not allowed: give a name, a function or an Invariant")


def spec_invariant(ref: InvariantRef) -> Invariant:
    """The check a protocol's spec names (a name, a function, or either with options)."""
    if isinstance(ref, tuple):
        check, options = ref
        return invariant(check, **options)
    return invariant(ref)


class _SpecInvariants(Mapping[str, tuple[Invariant, ...]]):
    """What each protocol's spec says must hold for it, by protocol name (a live view
    of the registry: a protocol registered later is in it too)."""

    def __getitem__(self, name: str) -> tuple[Invariant, ...]:
        if name not in PROTOCOLS:
            raise KeyError(name)
        return tuple(spec_invariant(ref) for ref in get_spec(name).invariants)

    def __iter__(self) -> Iterator[str]:
        return iter(PROTOCOLS)

    def __len__(self) -> int:
        return len(PROTOCOLS)


DEFAULT_INVARIANTS: Mapping[str, tuple[Invariant, ...]] = _SpecInvariants()
"""What :func:`explore` checks when ``invariants`` is not given: each protocol's
:attr:`~distsys_edu.protocols.spec.ProtocolSpec.invariants` (see the explore module's
docstring for why each protocol has the ones it has)."""

FALLBACK_INVARIANTS = (invariant("one_leader_per_term"), invariant("one_leader_among_reachable"))
"""What :func:`explore` checks for a spawn function of your own (no spec), or a spec
that names no invariants."""


def default_invariants(name: str) -> tuple[Invariant, ...]:
    """What :func:`explore` checks for protocol ``name`` when not told: its spec's
    invariants, else :data:`FALLBACK_INVARIANTS`."""
    return DEFAULT_INVARIANTS.get(name) or FALLBACK_INVARIANTS
