"""A protocol's actor factories, taken from its own ``spawn_cluster`` without a Sim."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..protocols.registry import get_protocol
from ..runtime.errors import invalid


class Factories:
    """Stands in for a Sim while a protocol's ``spawn_cluster`` runs: keeps each factory.

    Args:
        seed: what ``sim.seed`` reads (ring ids are drawn from it).
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.factories: dict[str, Callable[[], Any]] = {}

    def spawn(self, name: str, factory: Callable[[], Any], *, supervisor: Any = None) -> None:
        """Remember ``factory`` for node ``name``.

        Raises:
            InvalidArgument: a supervisor (a failing process exits instead).
        """
        if supervisor is not None:
            raise invalid("supervisor", supervisor, "is not supported on a real network")
        self.factories[name] = factory


def cluster_factories(
    protocol: str, nodes: list[str], options: dict[str, Any], seed: int
) -> dict[str, Callable[[], Any]]:
    """Each node's actor factory, from the protocol's own ``spawn_cluster``.

    Raises:
        InvalidArgument: an unknown protocol, or options it does not take or allow.
    """
    spawn_cluster = get_protocol(protocol)
    factories = Factories(seed)
    try:
        spawn_cluster(factories, nodes, **options)
    except TypeError as exc:
        raise invalid(
            "options", options, f"must be keyword arguments of {protocol}'s spawn_cluster ({exc})"
        ) from None
    return factories.factories
