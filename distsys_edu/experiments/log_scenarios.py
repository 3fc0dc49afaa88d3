"""Replicated-log scenarios built from disks: the situations of the paper's figures,
set up exactly (each server's term, vote and log put on its disk before the run),
then run with faults. Lesson 08 shows them; the Raft checks' tests run them on
correct and deliberately broken servers."""

from __future__ import annotations

from collections.abc import Sequence

from ..protocols.raft import AppendEntries, AppendEntriesReply
from ..protocols.raftlog import Entry, RaftLogNode, Workload, spawn_cluster
from ..runtime import Sim, Trace
from ..runtime.errors import invalid

__all__ = [
    "FIGURE8_CRASH",
    "catch_up",
    "figure8",
    "first_command_sent",
    "leader_of",
    "put_on_disk",
    "rpc_lines",
    "rpc_text",
    "stale_follower",
    "stale_leader",
    "with_client",
]

FIGURE8_CRASH = 3.0
"""When, in :func:`figure8`, S1 crashes and S5 restarts (virtual seconds)."""


def put_on_disk(
    sim: Sim, name: str, term: int, terms: Sequence[int], voted_for: str | None = None
) -> None:
    """Give server ``name`` a disk: its current term, vote and a log of no-op entries
    of the given ``terms`` (before the Sim runs)."""
    disk = sim.storage(name)
    disk.update(current_term=term, voted_for=voted_for, log=[Entry(t) for t in terms])


def figure8(server: type[RaftLogNode] = RaftLogNode, seed: int = 0, until: float = 8.0) -> Sim:
    """Figure 8 of the paper, built with disks and faults (``noop=False``, as there),
    run to ``until`` (virtual seconds) with a full trace.

    Disks as in Figure 8 (b): S1 and S2 hold index 2 from term 2; S5 led term 3 and
    holds index 2 from term 3; S3 and S4 voted for S5. Then: S2 and S5 are down, so
    only S1 can win (S3 and S4 lack index 2); S1 replicates index 2 (term 2) to S3
    and S4: a majority holds it. At :data:`FIGURE8_CRASH` S1 crashes and S5 restarts:
    only S5 can win now (its last term, 3, beats theirs), and it overwrites index 2
    on S3 and S4.
    """
    sim = Sim(seed=seed, trace="full")
    spawn_cluster(sim, 5, noop=False, server=server)
    for name, term, terms, vote in (
        ("n1", 2, (1, 2), "n1"),
        ("n2", 2, (1, 2), "n1"),
        ("n3", 3, (1,), "n5"),
        ("n4", 3, (1,), "n5"),
        ("n5", 3, (1, 3), "n5"),
    ):
        put_on_disk(sim, name, term, terms, vote)
    sim.crash("n2")
    sim.crash("n5")
    sim.run(until=FIGURE8_CRASH)
    sim.crash("n1")
    sim.restart("n5")
    sim.run(until=until)
    return sim


def stale_follower(server: type[RaftLogNode] = RaftLogNode, seed: int = 0) -> Sim:
    """Three servers: n1 and n2 hold ``1, 3, 3``; n3 holds ``1, 2`` (an entry of term
    2 that was never committed). Whoever leads must repair n3's log (run 3 s)."""
    sim = Sim(seed=seed, trace="full")
    spawn_cluster(sim, 3, server=server)
    put_on_disk(sim, "n1", 3, (1, 3, 3))
    put_on_disk(sim, "n2", 3, (1, 3, 3))
    put_on_disk(sim, "n3", 3, (1, 2))
    sim.run(until=3.0)
    return sim


def leader_of(sim: Sim, servers: Sequence[str]) -> str:
    """The server that says it leads now (the one of the highest term, if several).

    Raises:
        InvalidArgument: nobody leads now.
    """
    leading = [n for n in servers if sim.annotations(n).get("role") == "leader"]
    if not leading:
        raise invalid("sim", sim, f"must have a leader among {list(servers)} at t={sim.now}")
    return max(leading, key=lambda n: int(sim.annotations(n)["term"]))


def with_client(seed: int, servers: int = 3, ops: int | None = None) -> tuple[Sim, list[str]]:
    """A Sim with ``servers`` replicating servers and one client ``c1`` that puts and
    gets (``ops`` operations, ``None``: no end); not run yet. Returns it and the
    servers' names."""
    sim = Sim(seed=seed, trace="full")
    workload = Workload(ops=("put", "get"), think=0.2, limit=ops)
    return sim, spawn_cluster(sim, servers, clients=1, workload=workload)


def catch_up(seed: int = 0, down: tuple[float, float] = (1.0, 2.5), until: float = 4.0) -> Sim:
    """3 servers and a client; the first follower (by name) of the leader at ``down[0]``
    crashes then and restarts at ``down[1]``; the run ends at ``until`` (virtual s)."""
    sim, servers = with_client(seed)
    sim.run(until=down[0])
    leader = leader_of(sim, servers)
    follower = next(n for n in servers if n != leader)
    sim.crash(follower)
    sim.run(until=down[1])
    sim.restart(follower)
    sim.run(until=until)
    return sim


def stale_leader(seed: int = 0, cut: tuple[float, float] = (1.0, 3.0), until: float = 4.0) -> Sim:
    """5 servers and a client; from ``cut[0]`` to ``cut[1]`` the leader and the client
    are cut off from the other four. The client's requests reach only the old
    leader, which appends them and cannot commit them; the four elect a leader of a
    higher term, which appends its no-op. After the heal the old leader steps down
    and its uncommitted entries are overwritten."""
    sim, servers = with_client(seed, 5)
    sim.run(until=cut[0])
    leader = leader_of(sim, servers)
    sim.partition([leader, "c1"], [n for n in servers if n != leader])
    sim.run(until=cut[1])
    sim.heal()
    sim.run(until=until)
    return sim


def rpc_text(msg: object) -> str:
    """An AppendEntries or its reply in a few words: entries by their terms only
    (``AppendEntries(term=1, prev=(3, 1), entries=[1], leader_commit=3)``); any other
    message as its ``repr``."""
    if isinstance(msg, AppendEntries):
        shown = [entry.term for entry in msg.entries]
        return (
            f"AppendEntries(term={msg.term}, prev=({msg.prev_log_index}, {msg.prev_log_term}), "
            f"entries={shown}, leader_commit={msg.leader_commit})"
        )
    if isinstance(msg, AppendEntriesReply):
        return f"Reply(term={msg.term}, success={msg.success}, match_index={msg.match_index})"
    return repr(msg)


def rpc_lines(trace: Trace, start: float, node: str | None = None, count: int = 8) -> list[str]:
    """The first ``count`` AppendEntries and replies sent from virtual time ``start`` on
    (only those to or from ``node``, if given), one line each: time, sender, receiver,
    :func:`rpc_text`."""
    lines: list[str] = []
    for e in trace:
        if len(lines) == count:
            break
        if (
            e.kind != "send"
            or e.t < start
            or not isinstance(e.msg, AppendEntries | AppendEntriesReply)
        ):
            continue
        if node is None or node in (e.node, e.peer):
            lines.append(f"t={e.t:.4f}  {e.node} -> {e.peer}  {rpc_text(e.msg)}")
    return lines


def first_command_sent(trace: Trace) -> float:
    """When a leader first sent an AppendEntries carrying a client's command.

    Raises:
        InvalidArgument: no such message in ``trace``.
    """
    for e in trace:
        carries = isinstance(e.msg, AppendEntries) and any(x.command for x in e.msg.entries)
        if e.kind == "send" and carries:
            return e.t
    raise invalid("trace", trace, "must hold an AppendEntries that carries a command")
