"""A deliberately broken key-value server: a leader that answers reads from its own
store, without checking that it still leads (lesson 09's stale-read bug).

:class:`StaleReadNode` is :class:`~.node.RaftLogNode` with one change: a server that
believes it leads answers a ``get`` at once, in the same virtual instant, from what
it has applied, instead of putting the read in the log. Two ways that goes wrong:

* a leader cut off by a partition still believes it leads (it hears of no newer
  term), while the majority elects another leader and commits new writes: the old
  one answers with values the majority has overwritten;
* a new leader has not yet applied every committed entry (its no-op is not yet
  committed), so it answers with a value older than a write already acknowledged.

Either makes a ``get`` return a value no order of the operations explains: the
history is not linearizable. The remedies (a read as a log entry, which
:class:`~.node.RaftLogNode` does; or the read-index and lease protocols) are in
docs/replicated-log.md.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from ...runtime import Context, Sim
from ...runtime.errors import invalid
from ..cluster import LEADER, node_names
from . import spawn_cluster
from .client import KVClient, Workload
from .messages import ClientReply, ClientRequest
from .node import RaftLogNode


class StaleReadNode(RaftLogNode):
    """A leader that answers ``get`` from its local store (the stale-read bug)."""

    def on_client_request(self, msg: ClientRequest, ctx: Context) -> None:
        """A ``get`` to a server that believes it leads: answered from its store at
        once, not through the log. Everything else as :class:`RaftLogNode`."""
        if msg.op == "get" and self.role == LEADER:
            value = self.machine.data.get(msg.key)
            ctx.addr(msg.client).do_send(ClientReply(msg.seq, True, value, ctx.name, ctx.name))
            return
        super().on_client_request(msg, ctx)


READS = Workload(ops=("get",))
"""What a reader asks: only ``get``, of the default keys."""


def spawn_with_readers(sim: Sim, nodes: Any = 5, *, readers: int = 1, **options: Any) -> list[str]:
    """``raftlog``'s :func:`~distsys_edu.protocols.raftlog.spawn_cluster`, plus
    ``readers`` clients ``r1``, ``r2``... that only ``get``: a reader keeps asking the
    server that answered it last, so it is the client that meets a stale leader.

    Raises:
        InvalidArgument: ``readers`` not an int >= 0.
    """
    if isinstance(readers, bool) or not isinstance(readers, int) or readers < 0:
        raise invalid("readers", readers, "must be an int >= 0")
    names = spawn_cluster(sim, nodes, **options)
    for name in node_names(readers, prefix="r") if readers else []:
        sim.spawn(name, partial(KVClient, names, READS))
    return names


def spawn_stale_reads(sim: Sim, nodes: Any = 5, **options: Any) -> list[str]:
    """:func:`spawn_with_readers` with :class:`StaleReadNode` servers (for ``explore``)."""
    return spawn_with_readers(sim, nodes, server=StaleReadNode, **options)
