"""Tests for distsys_edu.protocols.ring: Chang-Roberts counts, the maximum wins, recovery.

Message counts, ``N`` nodes, constant 1 ms links, no faults (derived in the module
docstring). Every election ends with exactly ``N`` Elected messages; Election messages:

* every node initiates, ids ascending along the ring (best): ``2N - 1`` (each
  non-maximum id dies after one hop at a larger participant; the maximum goes round);
* every node initiates, ids descending (worst): ``N(N+1)/2`` (id ``k`` travels ``k``
  hops before it meets the maximum);
* the maximum alone initiates: ``N`` (its id goes round once): ``2N`` messages in all;
* the lowest id alone initiates, ascending: ``2N - 1`` (``N - 1`` one-hop messages, each
  replaced by a larger id, then the maximum's ``N``): ``3N - 1`` in all, the textbook
  worst case for a single initiator (it sits just after the maximum);
* the lowest id alone initiates, descending: ``N + 1`` (its successor is the maximum).

For any initiators, the maximum's id travels ``N`` hops and the k-th largest at most
``N - k + 1`` (it must meet a larger id first): ``N <= Election <= N(N+1)/2``.
"""

from __future__ import annotations

import random
from collections import Counter
from functools import partial
from itertools import pairwise

import election_helpers
import pytest
from determinism import assert_the_seed_decides
from election_helpers import OUTAGES, everyone_follows, leaders, run_with_outages
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu import InvalidArgument, Sim
from distsys_edu.protocols import get_protocol
from distsys_edu.protocols.ring import (
    FAILURE_TIMEOUT,
    HEARTBEAT_INTERVAL,
    Elected,
    Election,
    Heartbeat,
    RingNode,
    assign_ids,
    spawn_cluster,
)

LATENCY = 0.001  # the runtime's default constant link latency
SIZES = range(1, 13)
CHECK_INTERVAL = HEARTBEAT_INTERVAL / 2


def counts(sim: Sim) -> dict[str, int]:
    """Election and Elected messages sent so far (heartbeats left out)."""
    sent = sim.trace.counts()["sent_by_type"]
    return {"Election": sent.get("Election", 0), "Elected": sent.get("Elected", 0)}


run_election = partial(election_helpers.run_election, spawn_cluster)


def elected_deliveries(sim: Sim) -> Counter[str]:
    """How many Elected messages each node received."""
    return Counter(e.peer for e in sim.trace.events("deliver") if isinstance(e.msg, Elected))


# -- message counts ---------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
def test_all_initiate_ascending_is_the_best_case(n: int) -> None:
    sim, names = run_election(n, order="ascending", initiator="all")
    assert counts(sim) == {"Election": 2 * n - 1, "Elected": n}
    assert everyone_follows(sim, names, names[-1])


@pytest.mark.parametrize("n", SIZES)
def test_all_initiate_descending_is_the_worst_case(n: int) -> None:
    sim, names = run_election(n, order="descending", initiator="all")
    assert counts(sim) == {"Election": n * (n + 1) // 2, "Elected": n}
    assert everyone_follows(sim, names, names[0])


@pytest.mark.parametrize("order", ["ascending", "descending", "random"])
@pytest.mark.parametrize("n", SIZES)
def test_the_maximum_initiating_alone_costs_2n(n: int, order: str) -> None:
    sim, _ = run_election(n, order=order, initiator="highest")
    assert counts(sim) == {"Election": n, "Elected": n}


@pytest.mark.parametrize("n", SIZES)
def test_the_lowest_initiating_alone_ascending_costs_3n_minus_1(n: int) -> None:
    sim, _ = run_election(n, order="ascending", initiator="lowest")
    assert counts(sim) == {"Election": 2 * n - 1, "Elected": n}
    assert sum(counts(sim).values()) == 3 * n - 1


@pytest.mark.parametrize("n", range(2, 13))
def test_the_lowest_initiating_alone_descending_costs_n_plus_1(n: int) -> None:
    sim, _ = run_election(n, order="descending", initiator="lowest")
    assert counts(sim) == {"Election": n + 1, "Elected": n}


# -- the maximum wins, once ------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(data=st.data(), n=st.integers(1, 10))
def test_elects_the_maximum_for_every_arrangement_and_initiators(
    data: st.DataObject, n: int
) -> None:
    ids = data.draw(st.permutations(range(1, n + 1)), label="ids")
    names = [f"n{i}" for i in range(1, n + 1)]
    initiators = data.draw(
        st.lists(st.sampled_from(names), min_size=1, max_size=n, unique=True), label="initiators"
    )
    sim, names = run_election(n, ids=list(ids), initiator=initiators)
    winner = names[ids.index(n)]
    assert everyone_follows(sim, names, winner)
    assert counts(sim)["Elected"] == n
    assert elected_deliveries(sim) == Counter(names)  # exactly one Elected circulation
    assert n <= counts(sim)["Election"] <= n * (n + 1) // 2


@settings(max_examples=30, deadline=None)
@given(ids=st.lists(st.integers(-1000, 1000), min_size=1, max_size=8, unique=True))
def test_any_distinct_ids_work(ids: list[int]) -> None:
    sim, names = run_election(len(ids), ids=ids)
    assert everyone_follows(sim, names, names[ids.index(max(ids))])


def test_exactly_one_elected_circulation_stopping_at_the_leader() -> None:
    sim, names = run_election(6, order="random", initiator="all")
    leader = leaders(sim, names)[0]
    assert elected_deliveries(sim) == Counter(names)
    sends = [e for e in sim.trace.events("send") if isinstance(e.msg, Elected)]
    assert sends[0].node == leader and sends[-1].peer == leader
    hops = [(e.node, e.peer) for e in sends]
    at = names.index(leader)
    ring_order = names[at:] + names[:at] + [leader]
    assert hops == list(pairwise(ring_order))


def test_no_initiator_means_the_detectors_start_the_election() -> None:
    sim, names = run_election(5, until=FAILURE_TIMEOUT, initiator=None)
    assert counts(sim) == {"Election": 0, "Elected": 0}
    sim.run(until=FAILURE_TIMEOUT + CHECK_INTERVAL + 20 * LATENCY)
    assert everyone_follows(sim, names, "n5")
    assert counts(sim) == {"Election": 2 * 5 - 1, "Elected": 5}  # all at once, ascending


def test_the_leader_keeps_leading_with_heartbeats() -> None:
    sim, names = run_election(5, until=1.0)
    before = counts(sim)
    sim.run(until=20.0)
    assert counts(sim) == before
    assert everyone_follows(sim, names, "n5")
    beats = [e for e in sim.trace.events("deliver") if isinstance(e.msg, Heartbeat)]
    assert {e.node for e in beats} == {"n5"}


# -- ids --------------------------------------------------------------------------------


def test_orders_lay_ids_along_the_ring() -> None:
    assert assign_ids(4, "ascending", 0) == [1, 2, 3, 4]
    assert assign_ids(4, "descending", 0) == [4, 3, 2, 1]
    shuffled = assign_ids(10, "random", 7)
    assert sorted(shuffled) == list(range(1, 11))
    assert assign_ids(10, "random", 7) == shuffled


def test_random_order_comes_from_the_sim_seed_not_the_global_generator() -> None:
    state = random.getstate()
    layouts = set()
    for seed in range(5):
        sim = Sim(seed=seed)
        names = spawn_cluster(sim, 8, order="random")
        sim.run(until=0)  # each node publishes its id once started
        ids = [sim.annotations(n)["id"] for n in names]
        layouts.add(tuple(ids))
        assert ids == assign_ids(8, "random", seed)
    assert random.getstate() == state
    assert len(layouts) > 1


# -- failures and recovery ------------------------------------------------------------------------


def test_a_crashed_successor_is_skipped() -> None:
    sim = Sim(seed=0)
    names = spawn_cluster(sim, 5, order="descending")
    sim.crash("n3")
    sim.run(until=1.0)
    live = [n for n in names if n != "n3"]
    assert everyone_follows(sim, live, "n1")
    errors = sim.trace.events("send_error")
    assert errors and all(e.peer == "n3" for e in errors)


def test_after_the_leader_crashes_the_largest_live_id_leads() -> None:
    sim, names = run_election(6, until=1.0)
    sim.crash("n6")
    bound = HEARTBEAT_INTERVAL + FAILURE_TIMEOUT + CHECK_INTERVAL + 3 * 6 * LATENCY
    sim.run(until=1.0 + bound)
    assert everyone_follows(sim, names[:-1], "n5")
    assert sim.annotations("n1")["leader"] == "n5"


def test_the_id_of_a_node_that_crashed_mid_election_does_not_circle_for_ever() -> None:
    """n5's id is on its way round when n5 crashes: n4 swallows it; a retry elects n4."""
    sim = Sim(seed=0)
    names = spawn_cluster(sim, 5, order="ascending")
    sim.run(until=2.5 * LATENCY)  # Election(5) has reached n2
    sim.crash("n5")
    sim.run(until=3.0)
    assert everyone_follows(sim, names[:-1], "n4")
    settled = counts(sim)
    sim.run(until=10.0)
    assert counts(sim) == settled


def test_a_restarted_node_rejoins_quietly_under_the_leader() -> None:
    sim, names = run_election(5, until=1.0)
    sim.crash("n2")
    sim.run(until=2.0)
    before = counts(sim)
    sim.restart("n2")
    sim.run(until=2.0 + HEARTBEAT_INTERVAL + 2 * LATENCY)
    assert everyone_follows(sim, names, "n5")
    sim.run(until=5.0)
    assert counts(sim) == before


def test_a_partition_stalls_the_election_until_it_heals() -> None:
    sim = Sim(seed=0, faults=["0 partition n1,n2|n3,n4,n5", "0.9 heal"])
    names = spawn_cluster(sim, 5)
    sim.run(until=0.85)
    assert leaders(sim, names) == []
    assert all(sim.annotations(n)["participant"] for n in names)
    sim.run(until=1.5)  # participants resend their ids after election_timeout (1 s)
    assert everyone_follows(sim, names, "n5")


# -- messages and set-up ------------------------------------------------------------------------


def test_messages_are_frozen_dataclasses() -> None:
    for msg in (Election(1), Elected(2), Heartbeat(3)):
        with pytest.raises(AttributeError):
            msg.leader_id = 9  # type: ignore[misc, union-attr]


def test_spawn_cluster_is_registered_and_returns_names_in_ring_order() -> None:
    sim = Sim(seed=0)
    assert get_protocol("ring") is spawn_cluster
    assert spawn_cluster(sim, ["c", "a", "b"]) == ["c", "a", "b"]
    assert isinstance(sim.actor("c"), RingNode)
    assert list(sim.actor("b").successors) == ["c", "a"]  # type: ignore[union-attr]


def faulty_run(seed: int) -> Sim:
    """Six nodes laid out at random along the ring (by the seed), through a crash and
    a restart."""
    sim = Sim(seed=seed, faults=["1 crash n4", "2 restart n4"])
    spawn_cluster(sim, 6, order="random")
    sim.run(until=4.0)
    return sim


def test_same_seed_same_trace() -> None:
    assert_the_seed_decides(faulty_run, 5, 6)


@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({"order": "sideways"}, "order"),
        ({"ids": [1, 2]}, "ids"),
        ({"ids": [1, 1, 2]}, "ids"),
        ({"ids": [1, 2, 3.0]}, "ids"),
        ({"initiator": "middle"}, "initiator"),
        ({"initiator": ["n7"]}, "initiator"),
        ({"heartbeat_interval": 1.0}, "heartbeat_interval"),
        ({"election_timeout": 0}, "election_timeout"),
    ],
)
def test_bad_options_name_the_parameter(options: dict[str, object], param: str) -> None:
    with pytest.raises(InvalidArgument, match=f"^{param}=.* is not allowed"):
        spawn_cluster(Sim(seed=0), 3, **options)  # type: ignore[arg-type]


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(2, 6),
    seed=st.integers(0, 1000),
    outages=OUTAGES,
)
def test_after_crashes_and_restarts_one_leader_is_followed_by_all(
    n: int, seed: int, outages: list[tuple[int, float, float]]
) -> None:
    """Variable latency, no loss: once every node is back, one leader (no handler raises).

    Not necessarily the maximum: Chang-Roberts never lets a restarted node depose a
    leader it did not take part in electing.
    """
    sim, names = run_with_outages(spawn_cluster, n, seed, outages, order="random")
    (leader,) = leaders(sim, names)
    assert everyone_follows(sim, names, leader)
