"""A protocol's actor factories, taken from its own spawn function without a Sim, and
where a node process finds a protocol's spec (:func:`spec_origin`, :func:`node_spec`)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..protocols.registry import get_spec, load_spec
from ..protocols.spec import ProtocolSpec
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
    """Each node's actor factory, from the spawn function of the protocol's spec.

    Raises:
        InvalidArgument: an unknown protocol, one whose spec says it cannot run on a
            real network, or options it does not take or allow.
    """
    spec = get_spec(protocol)
    if not spec.real_network:
        raise invalid("protocol", protocol, "must be one that runs on a real network")
    spawn_cluster = spec.spawn
    factories = Factories(seed)
    try:
        spawn_cluster(factories, nodes, **options)
    except TypeError as exc:
        raise invalid(
            "options", options, f"must be keyword arguments of {protocol}'s spawn_cluster ({exc})"
        ) from None
    return factories.factories


def spec_origin(spec: ProtocolSpec) -> dict[str, str]:
    """Where a node process finds ``spec`` (a protocol registered with ``register`` in
    the launching process): ``module``, its module, and ``module_path``, the
    ``sys.path`` entry that module is found under (``""``: the node's own has it).

    Raises:
        InvalidArgument: a spec declared in ``__main__`` (a notebook or a script),
            which another process cannot import.
    """
    if spec.module == "__main__":
        raise invalid(
            "protocol",
            spec.name,
            "must be declared in an importable module (not a notebook or script) "
            "to run on a real network: each node process imports it",
        )
    module = sys.modules.get(spec.module)
    file = getattr(module, "__file__", None)
    if file is None:
        return {"module": spec.module, "module_path": ""}
    path = Path(file).resolve()
    depth = spec.module.count(".") + (path.name == "__init__.py")
    return {"module": spec.module, "module_path": str(path.parents[depth])}


def node_spec(protocol: str, module: str, path: str) -> ProtocolSpec:
    """The spec a node process runs: ``protocol``, imported from ``module`` (found
    under ``path``) if this process does not know it yet (see :func:`spec_origin`)."""
    return load_spec(protocol, module, path or None)
