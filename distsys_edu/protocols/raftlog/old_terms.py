"""A deliberately broken server: a leader that commits an entry of an earlier term by
counting its replicas (the bug of the paper's Figure 8, section 5.4.2).

:class:`CommitsOldTerms` is :class:`~.node.RaftLogNode` without the Figure 8
restriction: it commits the highest index a majority holds, whatever that entry's
term. Such an entry can still be overwritten: a server whose last entry is of a
later term can win the next election without it, and its AppendEntries replace it.
With the new leader's no-op (``noop=True``, thesis section 6.4) the bug hides: the
old entry is then held by a majority only together with the no-op of the current
term, which the correct rule commits at the same moment. So
:func:`spawn_commits_old_terms` turns the no-op off unless told otherwise.
Lesson 08 shows the bug with disks set up by hand
(:func:`distsys_edu.experiments.log_scenarios.figure8`), then lets ``explore`` find
it with faults aimed at the leader (:mod:`distsys_edu.checks.nemesis`).
"""

from __future__ import annotations

from typing import Any

from ...runtime import Context, Sim
from . import spawn_cluster
from .node import RaftLogNode


class CommitsOldTerms(RaftLogNode):
    """Commits any entry a majority holds, of whatever term (no Figure 8 restriction)."""

    def may_commit(self, ctx: Context, index: int) -> bool:
        return True


def spawn_commits_old_terms(
    sim: Sim, nodes: Any = 5, *, noop: bool = False, **options: Any
) -> list[str]:
    """``raftlog``'s :func:`~distsys_edu.protocols.raftlog.spawn_cluster` with
    :class:`CommitsOldTerms` servers and, by default, no no-op (for ``explore``)."""
    return spawn_cluster(sim, nodes, server=CommitsOldTerms, noop=noop, **options)
