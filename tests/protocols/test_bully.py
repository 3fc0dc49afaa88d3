"""Tests for distsys_edu.protocols.bully: textbook message counts, failover, bullying, split brain.

Message counts, with ``N`` live nodes, one initiator, constant 1 ms links, no faults
(derived in the module docstring):

* the highest node initiates (best case): ``N - 1`` Coordinator, 0 Election, 0 Answer;
* the lowest node initiates (worst case): Election ``N(N-1)/2`` (node ``i`` from the
  bottom asks the ``N - i`` above it), Answer ``N(N-1)/2`` (each Election answered
  once), Coordinator ``N - 1`` (only the top node finds nobody above): ``N^2 - 1``;
* every node initiates at once: the same ``N^2 - 1``.

The textbook's own counting (Coulouris et al.) has ``N`` processes including the
crashed coordinator: then the second highest sends 1 Election (to the dead node,
unanswered) and ``N - 2`` Coordinators, and the lowest initiating costs Election
``N(N-1)/2``, Answer ``(N-1)(N-2)/2``, Coordinator ``N - 2``.
"""

from __future__ import annotations

from functools import partial

import election_helpers
import pytest
from determinism import assert_the_seed_decides
from election_helpers import OUTAGES, everyone_follows, leaders, run_with_outages
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu import InvalidArgument, LinkConfig, Sim, Uniform
from distsys_edu.protocols import ROLES, get_protocol
from distsys_edu.protocols.bully import (
    ANSWER_TIMEOUT,
    FAILURE_TIMEOUT,
    HEARTBEAT_INTERVAL,
    Answer,
    BullyNode,
    Coordinator,
    Election,
    Heartbeat,
    spawn_cluster,
)

LATENCY = 0.001  # the runtime's default constant link latency
ELECTION_TYPES = ("Election", "Answer", "Coordinator")
SIZES = range(1, 13)
CHECK_INTERVAL = HEARTBEAT_INTERVAL / 2

FAILOVER_BOUND = FAILURE_TIMEOUT + CHECK_INTERVAL + ANSWER_TIMEOUT + 3 * LATENCY
"""From a coordinator's crash until every live node follows the next highest:
its last heartbeat arrives at most one latency after the crash; a follower suspects
once the silence exceeds ``FAILURE_TIMEOUT``, noticed at the next check; the next
highest node then waits ``ANSWER_TIMEOUT`` for the dead one and announces itself
(one more latency)."""


def election_counts(sim: Sim) -> dict[str, int]:
    """Election messages sent so far, by type (heartbeats left out)."""
    sent = sim.trace.counts()["sent_by_type"]
    return {name: sent.get(name, 0) for name in ELECTION_TYPES}


def views(sim: Sim, names: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """``{node: (role, leader)}`` as each node published it (``None`` if it is down)."""
    return {n: (sim.annotations(n).get("role"), sim.annotations(n).get("leader")) for n in names}


run_election = partial(election_helpers.run_election, spawn_cluster)


# -- message counts -----------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
def test_highest_initiator_sends_only_n_minus_1_coordinators(n: int) -> None:
    sim, names = run_election(n, initiator="highest")
    assert election_counts(sim) == {"Election": 0, "Answer": 0, "Coordinator": n - 1}
    assert everyone_follows(sim, names, names[-1])


@pytest.mark.parametrize("n", SIZES)
def test_lowest_initiator_costs_n_squared_minus_1(n: int) -> None:
    sim, names = run_election(n, initiator="lowest")
    pairs = n * (n - 1) // 2
    counts = election_counts(sim)
    assert counts == {"Election": pairs, "Answer": pairs, "Coordinator": n - 1}
    assert sum(counts.values()) == n * n - 1
    assert everyone_follows(sim, names, names[-1])


@pytest.mark.parametrize("n", SIZES)
def test_everyone_initiating_costs_the_same_as_the_worst_case(n: int) -> None:
    sim, names = run_election(n, initiator="all")
    pairs = n * (n - 1) // 2
    assert election_counts(sim) == {"Election": pairs, "Answer": pairs, "Coordinator": n - 1}
    assert everyone_follows(sim, names, names[-1])


@settings(max_examples=40, deadline=None)
@given(
    ids=st.lists(st.integers(-50, 50), min_size=1, max_size=9, unique=True),
    initiator=st.sampled_from(["lowest", "highest", "all"]),
)
def test_counts_depend_on_who_initiates_not_where_ids_sit(ids: list[int], initiator: str) -> None:
    n = len(ids)
    sim, names = run_election(n, ids=ids, initiator=initiator)
    pairs = n * (n - 1) // 2
    expected = (
        {"Election": 0, "Answer": 0, "Coordinator": n - 1}
        if initiator == "highest"
        else {"Election": pairs, "Answer": pairs, "Coordinator": n - 1}
    )
    assert election_counts(sim) == expected
    assert everyone_follows(sim, names, names[ids.index(max(ids))])


@pytest.mark.parametrize("n", range(2, 13))
def test_textbook_counting_with_the_coordinator_dead(n: int) -> None:
    """Coulouris' N includes the crashed coordinator; the lowest node starts."""
    sim = Sim(seed=0)
    names = spawn_cluster(sim, n, initiator="lowest")
    sim.crash(names[-1])  # before it ever starts
    sim.run(until=1.0)
    assert election_counts(sim) == {
        "Election": n * (n - 1) // 2,  # N - 1 of them lost at the dead node
        "Answer": (n - 1) * (n - 2) // 2,
        "Coordinator": n - 2,
    }
    assert everyone_follows(sim, names[:-1], names[-2])


@pytest.mark.parametrize("n", range(2, 13))
def test_textbook_best_case_the_second_highest_detects(n: int) -> None:
    """One Election to the dead coordinator goes unanswered, then N - 2 Coordinators."""
    sim = Sim(seed=0)
    names = spawn_cluster(sim, n, initiator=[f"n{n - 1}"])
    sim.crash(names[-1])
    sim.run(until=0.2)  # before any other node's detector could fire
    assert election_counts(sim) == {"Election": 1, "Answer": 0, "Coordinator": n - 2}
    assert everyone_follows(sim, names[:-1], names[-2])


# -- who leads ------------------------------------------------------------------------


@pytest.mark.parametrize("initiator", ["all", "lowest", "highest", None, ["n2", "n3"]])
def test_elects_the_highest_node_and_keeps_it(initiator: object) -> None:
    sim, names = run_election(5, until=10.0, initiator=initiator)
    assert everyone_follows(sim, names, "n5")
    quiet = election_counts(sim)
    sim.run(until=20.0)
    assert election_counts(sim) == quiet  # heartbeats keep it; no election runs again


def test_default_start_elects_the_highest_within_two_message_delays() -> None:
    sim, names = run_election(5, until=2 * LATENCY)
    assert everyone_follows(sim, names, "n5")


def test_explicit_ids_decide_not_names() -> None:
    sim, names = run_election(4, ids={"n1": 40, "n2": 10, "n3": 30, "n4": 20})
    assert everyone_follows(sim, names, "n1")
    assert [sim.annotations(n)["id"] for n in names] == [40, 10, 30, 20]


def test_published_views_use_the_shared_keys() -> None:
    sim, names = run_election(5, until=3.0)
    sim.crash("n5")
    sim.run(until=5.0)
    for n in names[:-1]:
        view = sim.annotations(n)
        assert view["role"] in ROLES
        assert view["suspects"] == ("n5",)
        assert isinstance(view["suspects"], tuple)
    assert sim.annotations("n5") == {}


# -- failures ---------------------------------------------------------------------------


@pytest.mark.parametrize("crash_at", [1.0, 1.0005, 1.02, 1.05, 1.07, 1.0995])
def test_after_the_coordinator_crashes_the_next_highest_leads_within_a_bound(
    crash_at: float,
) -> None:
    sim, names = run_election(5, until=crash_at)
    sim.crash("n5")
    live = names[:-1]
    sim.run(until=crash_at + FAILURE_TIMEOUT - HEARTBEAT_INTERVAL)
    assert all(sim.annotations(n)["leader"] == "n5" for n in live)  # nobody can tell yet
    sim.run(until=crash_at + FAILOVER_BOUND)
    assert everyone_follows(sim, live, "n4")
    sim.run(until=crash_at + 10)
    assert everyone_follows(sim, live, "n4")


def test_failover_repeats_down_to_the_last_node() -> None:
    sim, names = run_election(4, until=1.0)
    for k, dead in enumerate(["n4", "n3", "n2"]):
        t = 1.0 + k
        sim.run(until=t)
        sim.crash(dead)
        sim.run(until=t + FAILOVER_BOUND)
        live = names[: 3 - k]
        assert everyone_follows(sim, live, live[-1])


def test_a_restarted_higher_node_bullies_its_way_back() -> None:
    sim, names = run_election(5, until=1.0)
    sim.crash("n5")
    sim.run(until=3.0)
    assert everyone_follows(sim, names[:-1], "n4")
    sim.restart("n5")
    sim.run(until=3.0 + 2 * LATENCY)
    assert everyone_follows(sim, names, "n5")
    assert sim.annotations("n4")["role"] == "follower"
    sim.run(until=10.0)
    assert everyone_follows(sim, names, "n5")


def test_a_restarted_lower_node_rejoins_under_the_current_coordinator() -> None:
    sim, names = run_election(5, until=1.0)
    sim.crash("n2")
    sim.run(until=2.0)
    sim.restart("n2")
    sim.run(until=2.0 + HEARTBEAT_INTERVAL + 2 * LATENCY)
    assert everyone_follows(sim, names, "n5")
    sim.run(until=10.0)
    assert everyone_follows(sim, names, "n5")
    assert leaders(sim, names) == ["n5"]


def test_split_brain_two_coordinators_persist_after_the_partition_heals() -> None:
    """The flaw: no terms, so nothing makes either coordinator step down."""
    sim = Sim(seed=0, faults=["1 partition n1,n2|n3,n4,n5", "3 heal"])
    names = spawn_cluster(sim, 5)
    sim.run(until=2.9)
    assert views(sim, names) == {
        "n1": ("follower", "n2"),
        "n2": ("leader", "n2"),
        "n3": ("follower", "n5"),
        "n4": ("follower", "n5"),
        "n5": ("leader", "n5"),
    }
    sim.run(until=30.0)
    assert not sim.network.blocked  # every node can reach every other
    assert leaders(sim, names) == ["n2", "n5"]
    assert [sim.annotations(n)["leader"] for n in names] == ["n2", "n2", "n5", "n5", "n5"]
    # Both coordinators keep heartbeating everyone, and those heartbeats arrive.
    beats = [e for e in sim.trace.events("deliver", since=20.0) if isinstance(e.msg, Heartbeat)]
    assert {e.node for e in beats} == {"n2", "n5"}
    assert {(e.node, e.peer) for e in beats} >= {("n2", "n5"), ("n5", "n2")}


def test_a_long_pause_of_the_coordinator_also_leaves_two_coordinators() -> None:
    sim = Sim(seed=0, faults=["1 pause n5 1.0"])
    names = spawn_cluster(sim, 5)
    sim.run(until=10.0)
    assert leaders(sim, names) == ["n4", "n5"]
    assert [sim.annotations(n)["leader"] for n in names[:-1]] == ["n4"] * 4


# -- messages and set-up ---------------------------------------------------------------------


def test_messages_are_frozen_dataclasses_named_for_their_meaning() -> None:
    for msg in (Election("n1", 1), Answer("n2", 2), Coordinator("n3", 3), Heartbeat("n3", 3)):
        with pytest.raises(AttributeError):
            msg.leader = "x"  # type: ignore[misc, union-attr]


def test_spawn_cluster_is_registered_and_returns_names() -> None:
    sim = Sim(seed=0)
    assert get_protocol("bully") is spawn_cluster
    assert spawn_cluster(sim, ["a7", "b2"]) == ["a7", "b2"]
    assert isinstance(sim.actor("a7"), BullyNode)


def faulty_run(seed: int) -> Sim:
    """Five nodes on variable links (so the seed matters) through a crash, a restart
    and a partition."""
    sim = Sim(
        seed=seed,
        network=LinkConfig(latency=Uniform(0.001, 0.02)),
        faults=["1 crash n5", "2 restart n5", "3 partition n1|n2,n3,n4,n5"],
    )
    spawn_cluster(sim, 5)
    sim.run(until=6.0)
    return sim


def test_same_seed_same_trace() -> None:
    assert_the_seed_decides(faulty_run, 3, 4)


@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({"ids": [1, 1, 2]}, "ids"),
        ({"ids": [1, 2]}, "ids"),
        ({"ids": [1, 2, "3"]}, "ids"),
        ({"ids": {"n1": 1, "n2": 2, "x": 3}}, "ids"),
        ({"initiator": "middle"}, "initiator"),
        ({"initiator": ["n9"]}, "initiator"),
        ({"heartbeat_interval": 0.5}, "heartbeat_interval"),
        ({"answer_timeout": -1}, "answer_timeout"),
        ({"coordinator_timeout": float("nan")}, "coordinator_timeout"),
    ],
)
def test_bad_options_name_the_parameter(options: dict[str, object], param: str) -> None:
    with pytest.raises(InvalidArgument, match=f"^{param}=.* is not allowed"):
        spawn_cluster(Sim(seed=0), 3, **options)  # type: ignore[arg-type]


def test_names_without_numbers_need_explicit_ids() -> None:
    with pytest.raises(InvalidArgument, match="ids=None is not allowed: must be given"):
        spawn_cluster(Sim(seed=0), ["alpha", "beta"])
    sim = Sim(seed=0)
    spawn_cluster(sim, ["alpha", "beta"], ids=[2, 1])
    sim.run(until=1.0)
    assert sim.annotations("beta")["leader"] == "alpha"


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(2, 6),
    seed=st.integers(0, 1000),
    outages=OUTAGES,
)
def test_after_crashes_and_restarts_everyone_follows_the_highest(
    n: int, seed: int, outages: list[tuple[int, float, float]]
) -> None:
    """Variable latency, no loss: once every node is back, the highest leads (no handler raises)."""
    sim, names = run_with_outages(spawn_cluster, n, seed, outages)
    assert everyone_follows(sim, names, names[-1])
