"""The protocols by name: each one's :class:`~.spec.ProtocolSpec`, and nothing else.

Three kinds of protocol share one table. The built-in ones are the ``SPEC`` of a
module of this package, imported on first use, so asking for one protocol never
loads the others. Your own are added with :func:`register`. An installed package
adds its own through an entry point in the group :data:`ENTRY_POINT_GROUP` that
yields a spec; entry points are read once, when a name is first looked up that is
neither built in nor registered, and a broken one is reported by its name (as an
``InvalidArgument`` when it is asked for, and a warning) without stopping any other
protocol. :data:`PROTOCOLS`, :func:`get_protocol` and :func:`spawn` read the specs.

A spec may also be known by other names, its ``aliases`` (``kv`` for ``raftlog``):
:func:`get_spec` takes them wherever it takes a name, :func:`aliases` lists them,
and everything the package reports or stores (``PROTOCOLS``, a cluster's
configuration, a replay program) uses the spec's own name. An alias is not a
second protocol: ``PROTOCOLS`` and :func:`protocol_names` list each protocol once.
An installed protocol's aliases count once it has been loaded.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..runtime import Sim
from ..runtime.engine import fewer_full_collections
from ..runtime.errors import invalid
from .spec import ProtocolSpec

if TYPE_CHECKING:  # importlib.metadata is imported when entry points are first read
    import importlib.metadata

__all__ = [
    "BUILTIN",
    "ENTRY_POINT_GROUP",
    "PROTOCOLS",
    "SpawnCluster",
    "adopt",
    "aliases",
    "get_protocol",
    "get_spec",
    "load_spec",
    "protocol_choices",
    "protocol_names",
    "register",
    "spawn",
    "unregister",
]

BUILTIN = ("blog", "bully", "ring", "raft", "raftlog", "swim")
"""The protocols of this package: ``distsys_edu.protocols.NAME.SPEC``."""

ENTRY_POINT_GROUP = "distsys_edu.protocols"
"""The entry point group an installed package declares its protocols in."""

SpawnCluster = Callable[..., list[str]]

_registered: dict[str, ProtocolSpec] = {}
_entry_points: dict[str, importlib.metadata.EntryPoint] | None = None
_broken: dict[str, str] = {}


def register(spec: ProtocolSpec, *, replace: bool = False) -> ProtocolSpec:
    """Add ``spec`` to the registry under ``spec.name``; returns it.

    Args:
        spec: the protocol.
        replace: allow a name that is already taken (yours or a built-in one).

    Raises:
        InvalidArgument: not a ``ProtocolSpec``, a name already taken without
            ``replace=True``, or a name or alias that is another protocol's name or alias.
    """
    if not isinstance(spec, ProtocolSpec):
        raise invalid("spec", spec, "must be a ProtocolSpec")
    if not replace and (spec.name in _registered or spec.name in BUILTIN):
        raise invalid(
            "spec", spec.name, "must have a name not yet registered (or pass replace=True)"
        )
    taken = {**{name: name for name in protocol_names()}, **aliases()}  # name -> whose
    clash = [name for name in (spec.name, *spec.aliases) if taken.get(name, spec.name) != spec.name]
    if clash:
        whose = ", ".join(f"{name} ({taken[name]})" for name in clash)
        raise invalid("spec", spec.name, f"must not take another protocol's name or alias: {whose}")
    _registered[spec.name] = spec
    return spec


def adopt(spec: ProtocolSpec) -> None:
    """Register ``spec`` unless a protocol of its name is known: how a worker process
    that was handed a spec (``explore(jobs=N)``) learns a protocol its parent registered."""
    if spec.name not in _registered and spec.name not in BUILTIN:
        _registered[spec.name] = spec


def unregister(name: str) -> None:
    """Forget the protocol registered as ``name`` (built-in ones come back)."""
    _registered.pop(name, None)


def _entries() -> dict[str, importlib.metadata.EntryPoint]:
    """The entry points of :data:`ENTRY_POINT_GROUP`, by name (read once)."""
    global _entry_points
    if _entry_points is None:
        import importlib.metadata  # here, not above: it imports email and socket

        _entry_points = {
            ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        }
    return _entry_points


def _load_entry(name: str) -> ProtocolSpec | None:
    """Load the entry point ``name`` and register its spec; ``None`` if it is broken."""
    ep = _entries()[name]
    try:
        spec = ep.load()
        if not isinstance(spec, ProtocolSpec):
            raise TypeError(f"it yields {spec!r:.80}, not a ProtocolSpec")
        if spec.name != name:
            raise ValueError(f"it yields a spec named {spec.name!r}, not {name!r}")
    except Exception as exc:  # an installed package's bug must not stop every command
        _broken[name] = f"entry point {ep.name} = {ep.value} ({ENTRY_POINT_GROUP}) is broken: {exc}"
        warnings.warn(_broken[name], stacklevel=3)
        return None
    return register(spec, replace=True)


def protocol_names() -> list[str]:
    """Every protocol's name: built-in, registered, then installed (entry points)."""
    extra = [n for n in _registered if n not in BUILTIN]
    installed = [n for n in _entries() if n not in BUILTIN and n not in _registered]
    return [*BUILTIN, *extra, *installed]


def aliases() -> dict[str, str]:
    """Every alias (see :attr:`ProtocolSpec.aliases`) and the name of the protocol it
    stands for: the built-in protocols' (each imported to read it), the registered
    ones', and those of installed protocols loaded so far."""
    specs = [_registered.get(name) or _builtin(name) for name in BUILTIN]
    specs += [spec for name, spec in _registered.items() if name not in BUILTIN]
    return {alias: spec.name for spec in specs for alias in spec.aliases}


def protocol_choices() -> str:
    """The names a protocol may be given, for help and error messages:
    ``"blog, ..., raftlog (or kv), swim"``."""
    also: dict[str, list[str]] = {}
    for alias, name in aliases().items():
        also.setdefault(name, []).append(alias)
    return ", ".join(
        f"{name} (or {', '.join(also[name])})" if name in also else name
        for name in protocol_names()
    )


def _builtin(name: str) -> ProtocolSpec:
    """The spec of the built-in protocol ``name`` (its module imported on first use)."""
    spec: ProtocolSpec = importlib.import_module(f"{__package__}.{name}").SPEC
    return spec


def get_spec(name: str) -> ProtocolSpec:
    """The spec of the protocol called ``name`` (its own name or an alias).

    Raises:
        InvalidArgument: an unknown name, or an entry point of that name that is broken.
    """
    if not isinstance(name, str):
        raise invalid("protocol", name, f"must be a name, one of {protocol_choices()}")
    if name in _registered:
        return _registered[name]
    if name in BUILTIN:
        return _builtin(name)
    if name in _entries():
        loaded = _broken.get(name) is None and _load_entry(name)
        if loaded:
            return loaded
        raise invalid("protocol", name, _broken[name])
    known = aliases()
    if name in known:
        return get_spec(known[name])
    raise invalid("protocol", name, f"must be one of {protocol_choices()}")


def load_spec(name: str, module: str, path: str | None = None) -> ProtocolSpec:
    """The spec ``name``, importing ``module`` first if no spec has that name yet.

    A process of its own (a node of ``net up``) calls this to find a protocol that
    another process registered: ``module`` is where its spec is declared
    (:attr:`ProtocolSpec.module`), found on ``path`` if given. A spec in the module
    (any ``ProtocolSpec`` value named ``name``) is registered if the import did not.

    Raises:
        InvalidArgument: the module cannot be imported, or declares no spec ``name``.
    """
    if name in _registered or name in BUILTIN or name in _entries():
        return get_spec(name)
    if path and path not in sys.path:
        sys.path.insert(0, path)
    try:
        imported = importlib.import_module(module)
    except ImportError as exc:
        raise invalid(
            "module", module, f"must be importable to find protocol {name!r} ({exc})"
        ) from None
    if name not in _registered:
        found = [
            v for v in vars(imported).values() if isinstance(v, ProtocolSpec) and v.name == name
        ]
        if not found:
            raise invalid("module", module, f"must declare a ProtocolSpec named {name!r}")
        register(found[0])
    return _registered[name]


class _Descriptions(Mapping[str, str]):
    """Each protocol's one-line description, by name: a live view of the registry."""

    def __getitem__(self, name: str) -> str:
        if name not in self:
            raise KeyError(name)
        return get_spec(name).description

    def __iter__(self) -> Iterator[str]:
        return iter(protocol_names())

    def __len__(self) -> int:
        return len(protocol_names())

    def __contains__(self, name: object) -> bool:  # entry points read only if need be
        if not isinstance(name, str):
            return False
        return name in BUILTIN or name in _registered or name in _entries()


PROTOCOLS: Mapping[str, str] = _Descriptions()
"""Each protocol's one-line description, by name (read from the specs)."""


def get_protocol(name: str) -> SpawnCluster:
    """The spawn function of protocol ``name`` (its spec's ``spawn``).

    Raises:
        InvalidArgument: an unknown protocol name.
    """
    return get_spec(name).spawn


def spawn(sim: Sim, protocol: str, nodes: Any = 5, **options: Any) -> list[str]:
    """Spawn a cluster running ``protocol`` into ``sim``; returns the node names.

    Full collections wait meanwhile (``fewer_full_collections``): spawning is linear
    in the number of nodes.
    """
    with fewer_full_collections():
        return get_protocol(protocol)(sim, nodes, **options)
