"""What an actor sees of a real network: the simulator's ``Addr`` and ``Context``.

Each delegates to the :class:`~.node.NetNode` of its process, so an actor's code runs
unchanged (see :mod:`.node` for what cannot be as in the simulator).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..runtime import Addr, Context, Request, Timer
from ..runtime.actor import TimerCallback
from ..runtime.errors import check_time

if TYPE_CHECKING:
    from .node import NetNode


class NetAddr(Addr):
    """The address of a node of the cluster; compares by name."""

    __slots__ = ("_name", "_net")

    def __init__(self, net: NetNode, name: str) -> None:
        self._net = net
        self._name = name

    @property
    def name(self) -> str:
        """The node's name."""
        return self._name

    @property
    def __sim_address__(self) -> str:  # how traces and datagrams encode an address
        return self._name

    def do_send(self, msg: Any) -> None:
        """Send ``msg`` in one datagram and forget it."""
        self._net.send(self._name, msg)

    def try_send(self, msg: Any) -> None:
        """Send like :meth:`do_send`: a real network cannot tell that the recipient is down."""
        self._net.send(self._name, msg)

    def send(
        self,
        msg: Any,
        *,
        timeout: float,
        on_reply: Callable[[Any, Context | None], Any] | None = None,
        on_timeout: Callable[[Context | None], Any] | None = None,
    ) -> Request:
        """Request-reply, as in the simulator, with ``timeout`` in real seconds."""
        timeout = check_time("timeout", timeout, positive=True)
        return self._net.request(self._name, msg, timeout, on_reply, on_timeout)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NetAddr) and other._name == self._name

    def __hash__(self) -> int:
        return hash(("NetAddr", self._name))

    def __repr__(self) -> str:
        return f"NetAddr({self._name!r})"


class NetContext(Context):
    """The simulator's :class:`~distsys_edu.runtime.Context`, on a real network."""

    __slots__ = ("_net",)

    def __init__(self, net: NetNode) -> None:  # no Sim behind it: nothing of the base to set
        self._net = net
        self.rng = random.Random(f"{net.config.seed}/node/{net.name}/{net.incarnation}")

    @property
    def name(self) -> str:
        """This node's name."""
        return self._net.name

    @property
    def address(self) -> Addr:
        """This actor's own address."""
        return self._net.addr(self._net.name)

    @property
    def now(self) -> float:
        """When the current callback began: seconds since the cluster started."""
        return self._net.now

    @property
    def storage(self) -> dict[str, Any]:
        """The node's persistent storage: a dict kept in a JSON file."""
        return self._net.storage

    @property
    def incarnation(self) -> int:
        """How many times this node's process was started before this one."""
        return self._net.incarnation

    def addr(self, name: str) -> Addr:
        """The address of node ``name``. Raises ``UnknownNode`` if it is not in the cluster."""
        return self._net.addr(name)

    def peers(self) -> list[str]:
        """The names of every other node, in the cluster's order."""
        return [n for n in self._net.config.nodes if n != self._net.name]

    def run_later(self, after: float, callback: TimerCallback) -> Timer:
        """Call ``callback(ctx)`` once, ``after`` seconds from now."""
        after = check_time("after", after)
        return self._net.start_timer(callback, self._net.now + after, None)

    def run_interval(self, every: float, callback: TimerCallback) -> Timer:
        """Call ``callback(ctx)`` every ``every`` seconds, without drift."""
        every = check_time("every", every, positive=True)
        return self._net.start_timer(callback, self._net.now, every)

    def cancel(self, timer: Timer | None) -> None:
        """Cancel a timer (``None`` or an already-fired one is fine)."""
        if timer is not None:
            timer.cancelled = True
            handle = self._net.handles.pop(timer, None)
            if handle is not None:
                handle.cancel()

    def stop(self) -> None:
        """Stop this actor: ``stopped(ctx)`` runs, then the process exits."""
        self._net.stop_actor()

    def annotate(self, **state: Any) -> None:
        """Publish this node's view to its trace and status file (``None`` removes a key)."""
        self._net.annotate(state)
