"""Raft log replication and the key-value store on it: replication, catch-up, conflict
repair, exactly-once, and bad input named."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.checks import DEFAULT_INVARIANTS
from distsys_edu.protocols.raftlog import (
    ClientRequest,
    KVStore,
    RaftLogConfig,
    RaftLogNode,
    Workload,
    spawn_cluster,
)
from distsys_edu.runtime import Actor, Context, InvalidArgument, LinkConfig, Sim, Uniform

LATENCY = LinkConfig(latency=Uniform(0.001, 0.010))


def cluster(seed: int, nodes: int, **options: Any) -> tuple[Sim, list[str]]:
    sim = Sim(seed, network=LATENCY, trace="full", strict=True)
    return sim, spawn_cluster(sim, nodes, **options)


def server(sim: Sim, name: str) -> RaftLogNode:
    actor = sim.actor(name)
    assert isinstance(actor, RaftLogNode)
    return actor


def leader_of(sim: Sim, names: list[str]) -> str:
    (leader,) = [n for n in names if sim.annotations(n).get("role") == "leader"]
    return leader


def no_violations(sim: Sim) -> None:
    for check in DEFAULT_INVARIANTS["raftlog"]:
        assert check.check(sim.trace) == [], check.name


def history(sim: Sim, outcome: str) -> list[Any]:
    return [
        e.data["history"]
        for e in sim.trace
        if e.kind == "annotate" and e.data.get("history", ("",))[0] == outcome
    ]


@pytest.mark.parametrize(
    ("make", "param"),
    [
        (lambda: RaftLogConfig(max_entries=0), "max_entries"),
        (lambda: RaftLogConfig(noop="yes"), "noop"),  # type: ignore[arg-type]
        (lambda: RaftLogConfig(sessions=1), "sessions"),  # type: ignore[arg-type]
        (lambda: Workload(ops=("delete",)), "ops"),
        (lambda: Workload(keys=()), "keys"),
        (lambda: Workload(retry_after=2.0, give_up=1.0), "give_up"),
        (lambda: Workload(limit=-1), "limit"),
        (lambda: spawn_cluster(Sim(0), 3, clients=-1), "clients"),
        (lambda: spawn_cluster(Sim(0), 3, server=Actor), "server"),  # type: ignore[arg-type]
        (lambda: KVStore().execute("cas", "x", 3), "value"),
        (lambda: KVStore().execute("delete", "x", None), "op"),
    ],
)
def test_bad_input_names_the_parameter(make: Any, param: str) -> None:
    with pytest.raises(InvalidArgument, match=param):
        make()


@pytest.mark.parametrize("nodes", [3, 4, 5])
def test_clients_ops_are_replicated_committed_and_applied_everywhere(nodes: int) -> None:
    sim, names = cluster(1, nodes, clients=3, workload=Workload(limit=15))
    sim.run(until=6)
    logs = {n: tuple(sim.storage(n)["log"]) for n in names}
    assert len(set(logs.values())) == 1
    (log,) = set(logs.values())
    assert sum(e.command is not None for e in log) == 45  # 3 clients x 15, each once
    for n in names:
        assert server(sim, n).commit_index == server(sim, n).last_applied == len(log)
    assert len({repr(server(sim, n).machine.data) for n in names}) == 1
    assert len(history(sim, "ok")) == 45
    no_violations(sim)


class Retrier(Actor):
    """Sends one request twice (a retry after a lost answer), at ``at`` and ``again``."""

    def __init__(self, leader: str, request: ClientRequest, at: float, again: float) -> None:
        self.leader, self.request, self.at, self.again = leader, request, at, again

    def started(self, ctx: Context) -> None:
        ctx.run_later(self.at, lambda c: c.addr(self.leader).do_send(self.request))
        ctx.run_later(self.again, lambda c: c.addr(self.leader).do_send(self.request))

    def on_client_reply(self, msg: Any, ctx: Context) -> None:
        pass


@pytest.mark.parametrize(("sessions", "final"), [(True, 2), (False, 1)])
def test_a_retried_put_is_applied_once_with_sessions(sessions: bool, final: int) -> None:
    """c1 puts 1; c2 puts 2; c1's retry of its put arrives last. With sessions it is
    recognised and x stays 2; without, it is applied again and x goes back to 1."""
    sim, names = cluster(3, 3, sessions=sessions)
    sim.run(until=1.0)
    leader = leader_of(sim, names)
    put1 = ClientRequest("c1", 1, "put", "x", 1)
    sim.spawn("c1", lambda: Retrier(leader, put1, 0.1, 0.5))
    sim.spawn("c2", lambda: Retrier(leader, ClientRequest("c2", 1, "put", "x", 2), 0.3, 9.0))
    sim.run(until=2.0)
    for n in names:
        assert server(sim, n).machine.data == {"x": final}
        assert server(sim, n).machine.duplicates == (1 if sessions else 0)


@given(seed=st.integers(0, 2**16), nodes=st.sampled_from([4, 5]))
@settings(max_examples=6, deadline=None)
def test_a_follower_that_was_down_catches_up(seed: int, nodes: int) -> None:
    check_catch_up(seed, nodes)


def check_catch_up(seed: int, nodes: int) -> None:
    """A follower down from 1 s to 3 s, while two clients commit, catches up by 8 s."""
    sim, names = cluster(seed, nodes, clients=2, workload=Workload(limit=40))
    sim.run(until=1.0)
    down = next(n for n in names if n != leader_of(sim, names))
    sim.crash(down)
    sim.run(until=3.0)
    behind = len(sim.storage(down)["log"])
    leader = leader_of(sim, names)
    assert len(sim.storage(leader)["log"]) > behind + 20  # it missed much
    sim.restart(down)
    sim.run(until=8.0)
    assert sim.storage(down)["log"] == sim.storage(leader_of(sim, names))["log"]
    assert server(sim, down).last_applied == len(sim.storage(down)["log"])
    assert server(sim, down).machine.data == server(sim, leader).machine.data
    no_violations(sim)


@given(seed=st.integers(0, 2**16), nodes=st.sampled_from([4, 5]))
@settings(max_examples=6, deadline=None)
def test_a_stale_leaders_uncommitted_entries_are_overwritten(seed: int, nodes: int) -> None:
    check_stale_leader(seed, nodes)


def check_stale_leader(seed: int, nodes: int) -> None:
    """The leader is cut off with one client, which keeps giving it entries it cannot
    commit; the majority elects a leader and commits others; at the heal the old
    leader's entries are replaced by the new leader's."""
    sim, names = cluster(seed, nodes, clients=2, workload=Workload(give_up=5.0))
    sim.run(until=1.0)
    old = leader_of(sim, names)
    rest = [n for n in names if n != old]
    sim.partition([old, "c1"], [*rest, "c2"])
    sim.run(until=3.0)
    old_term = sim.annotations(old)["term"]
    before = list(sim.storage(old)["log"])
    uncommitted = before[server(sim, old).commit_index :]
    assert uncommitted and all(e.term == old_term for e in uncommitted)
    new = leader_of(sim, rest)
    assert sim.annotations(new)["term"] > old_term
    sim.heal()
    sim.run(until=4.0)
    after, theirs = sim.storage(old)["log"], sim.storage(new)["log"]
    # The old leader may still be an entry or two behind (in flight): compare what
    # both hold of the new leader's committed prefix.
    common = min(server(sim, new).commit_index, len(after))
    assert common > len(before)
    assert after[:common] == theirs[:common]
    overwritten = [i for i, e in enumerate(before) if e != theirs[i]]
    assert overwritten  # some of the old leader's entries never reached the majority
    assert all(before[i].term == old_term for i in overwritten)
    no_violations(sim)


@given(
    commands=st.lists(
        st.tuples(
            st.sampled_from(["a", "b"]),
            st.sampled_from(["put", "append", "cas", "get"]),
            st.integers(0, 2),
        ),
        max_size=30,
    ),
    retries=st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_with_sessions_retries_change_nothing(
    commands: list[tuple[str, str, int]], retries: list[bool]
) -> None:
    """Each command applied once, or followed by a retry of the same (client, seq):
    same data, same results."""
    once, twice = KVStore(), KVStore()
    seqs: dict[str, int] = {}
    for (client, op, v), retry in zip(commands, retries, strict=False):
        seqs[client] = seqs.get(client, 0) + 1
        value = (
            (v, v + 1)
            if op == "cas"
            else (None if op == "get" else str(v) if op == "append" else v)
        )
        command = ClientRequest(client, seqs[client], op, "k", value)
        result = once.apply(command)
        assert twice.apply(command) == result
        if retry:
            assert twice.apply(command) == result
    assert once.data == twice.data
    assert twice.duplicates == sum(retries[: len(commands)])


def test_an_append_to_a_number_appends_to_its_text() -> None:
    """put 0 then append "a" is "0a" (0 is a value, not a missing key), as the model says."""
    store = KVStore()
    store.apply(ClientRequest("c", 1, "put", "k", 0))
    store.apply(ClientRequest("c", 2, "append", "k", "a"))
    assert store.apply(ClientRequest("c", 3, "get", "k", None)) == "0a"
