"""The replicated key-value store: committed operations per second and messages per operation.

A 5-server ``raftlog`` cluster (default timing: heartbeat every 75 ms) with
``--clients`` clients (default 10), each invoking one operation at a time (a mix of
get, put, cas and append on two keys, 50 ms of think time between them), for
``--seconds`` of virtual time (default 20), no faults, 1-10 ms latency, with the
runtime's ``counts`` trace (tallies only, the fastest).

Figures:

* ``committed_ops``: client commands in the committed log (every server's log agrees
  on it; no-op entries not counted).
* ``ops_per_virtual_s`` and ``ops_per_wall_s``: committed operations per second of
  virtual time, and per second of wall time on this machine.
* ``messages_per_op``: messages sent (all types, heartbeats and elections included)
  per committed operation, beside ``formula_messages_per_op``:

      2 N  +  2 (N - 1) / (h r)

  where N is the number of servers, h the heartbeat interval and r the committed
  operations per virtual second. The first term is one operation's own messages:
  the client's request, AppendEntries to each of the N - 1 followers, their
  N - 1 replies, and the answer to the client (the leader sends entries at once;
  each AppendEntries carries the entries that follower lacks). The second is the
  heartbeats: every h seconds, AppendEntries to each follower and a reply, shared
  among the h r operations of that interval. Not in the formula: the first
  election, and the batching of entries that arrive while a round is in flight
  (fewer messages than the formula under heavy load). Nor the resends caused by
  reordering: with 1-10 ms latency an AppendEntries can overtake the one before
  it and fail the consistency check, so the leader sends again.
  ``constant_latency`` repeats the run with a constant 5 ms latency, where nothing
  overtakes, and the measured figure meets the formula.
* ``sent_by_type``: the counts trace's tally of sends by message type.

The last line of stdout is the JSON result. Run:
``PYTHONPATH=. python benchmarks/replicated_kv.py [--clients C] [--seconds S] [--seed N]``.
"""

from __future__ import annotations

import argparse
from typing import Any

from _common import emit, machine, progress, timed

from distsys_edu.protocols.raftlog import RaftLogNode, spawn_cluster
from distsys_edu.runtime import Constant, LinkConfig, Sim, Uniform

SERVERS = 5


def server(sim: Sim, name: str) -> RaftLogNode:
    """The server ``name`` of ``sim``."""
    actor = sim.actor(name)
    assert isinstance(actor, RaftLogNode)
    return actor


def measure(clients: int, seconds: float, seed: int, reorder: bool = True) -> dict[str, Any]:
    """One run; the figures above. ``reorder``: latency uniform in 1-10 ms (messages
    overtake each other), else a constant 5 ms (they never do)."""
    latency = Uniform(0.001, 0.010) if reorder else Constant(0.005)
    sim = Sim(seed, trace="counts", network=LinkConfig(latency=latency))
    names = spawn_cluster(sim, SERVERS, clients=clients)
    wall_s = timed(lambda: sim.run(until=seconds))
    servers = [server(sim, n) for n in names]
    commit = max(s.commit_index for s in servers)
    ahead = next(n for n, s in zip(names, servers, strict=True) if s.commit_index == commit)
    log = sim.storage(ahead)["log"]
    committed = sum(e.command is not None for e in log[:commit])
    rate = committed / seconds
    sent = sim.trace.sends()
    heartbeat = servers[0].config.heartbeat
    formula = 2 * SERVERS + 2 * (SERVERS - 1) / (heartbeat * rate)
    return {
        "servers": SERVERS,
        "clients": clients,
        "virtual_s": seconds,
        "seed": seed,
        "committed_ops": committed,
        "ops_per_virtual_s": round(rate, 1),
        "ops_per_wall_s": round(committed / wall_s, 1),
        "wall_s": round(wall_s, 3),
        "messages": sent,
        "messages_per_op": round(sent / committed, 2),
        "formula_messages_per_op": round(formula, 2),
        "heartbeat_interval_s": heartbeat,
        "sent_by_type": sim.trace.counts()["sent_by_type"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    progress(f"{SERVERS} servers, {args.clients} clients, {args.seconds:g} s of virtual time")
    result = measure(args.clients, args.seconds, args.seed)
    steady = measure(args.clients, args.seconds, args.seed, reorder=False)
    result["constant_latency"] = {
        key: steady[key]
        for key in (
            "committed_ops",
            "ops_per_virtual_s",
            "messages_per_op",
            "formula_messages_per_op",
        )
    }
    emit({**result, "machine": machine()})


if __name__ == "__main__":
    main()
