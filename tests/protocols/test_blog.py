"""Tests for distsys_edu.protocols.blog: the blog's design runs, and breaks as written."""

from __future__ import annotations

import pytest
from determinism import assert_the_seed_decides

from distsys_edu import HandlerFailureWarning, InvalidArgument, Sim
from distsys_edu.protocols import get_protocol
from distsys_edu.protocols.blog import (
    HEARTBEAT_INTERVAL,
    SELF_FAILURE_TIMEOUT,
    Follower,
    Heartbeat,
    Leader,
    RegisterFollower,
    spawn_cluster,
)


def heartbeat_sends(sim: Sim, src: str, dst: str) -> list[float]:
    """Times at which ``src`` sent a ``Heartbeat`` to ``dst``."""
    return [
        e.t
        for e in sim.trace.events("send", node=src)
        if e.peer == dst and isinstance(e.msg, Heartbeat)
    ]


def roles_annotated(sim: Sim, since: float = 0.0) -> list[tuple[float, str, str]]:
    """Every ``(t, node, role)`` published from ``since`` on."""
    return [
        (e.t, e.node, e.data["role"])
        for e in sim.trace.events("annotate", since=since)
        if "role" in e.data
    ]


def test_spawn_cluster_makes_the_first_node_the_leader() -> None:
    sim = Sim(seed=0)
    names = spawn_cluster(sim)
    assert names == ["n1", "n2", "n3"]
    assert isinstance(sim.actor("n1"), Leader)
    assert all(isinstance(sim.actor(n), Follower) for n in names[1:])
    assert get_protocol("blog") is spawn_cluster


def test_followers_register_by_sending_their_own_address() -> None:
    sim = Sim(seed=0)
    spawn_cluster(sim, ["boss", "a", "b"])
    sim.run(until=0.5)
    registrations = [e.msg for e in sim.trace.events("deliver") if e.peer == "boss"]
    assert registrations == [RegisterFollower(sim.addr("a")), RegisterFollower(sim.addr("b"))]
    assert sim.annotations("boss")["followers"] == ("a", "b")


def test_heartbeats_flow_both_ways_every_second() -> None:
    sim = Sim(seed=0)
    leader, *followers = spawn_cluster(sim, 4)
    sim.run(until=5.5)
    beats = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert HEARTBEAT_INTERVAL == 1.0
    for follower in followers:
        assert heartbeat_sends(sim, leader, follower) == beats
        assert heartbeat_sends(sim, follower, leader) == beats
    assert sim.trace.counts()["drops"] == {}
    assert sim.failures == []
    leader_view = sim.actor(leader).last_heartbeat  # type: ignore[union-attr]
    assert leader_view == {f: 5.0 + 0.001 for f in followers}
    for follower in followers:
        assert sim.annotations(follower) == {"role": "follower", "leader": leader, "suspects": ()}


def test_crashing_the_leader_leaves_followers_leaderless_for_ever() -> None:
    """Flaws 1 and 2: the crashed leader notices nothing, and nobody takes over."""
    sim = Sim(seed=0, faults=["2.5 crash n1"])
    names = spawn_cluster(sim, 5)
    sim.run(until=30)
    followers = names[1:]
    for follower in followers:
        view = sim.annotations(follower)
        assert view.get("leader") is None  # forgot the leader (None removes the key)
        assert view["role"] == "follower"
        assert view["suspects"] == ("n1",)
        # Forgot at the first tick after the crash, and sent nothing more.
        assert heartbeat_sends(sim, follower, "n1") == [1.0, 2.0]
    # Nobody became leader after the crash: no election exists.
    assert [r for r in roles_annotated(sim, since=2.5) if r[2] == "leader"] == []
    # The followers handled the SendError themselves: no failure, four send errors, one
    # each (a follower that had kept the leader's address would fail again every tick).
    assert sim.failures == []
    assert [(e.t, e.node) for e in sim.trace.events("send_error")] == [(3.0, f) for f in followers]


def test_a_crashed_leader_never_considers_itself_failed() -> None:
    """Flaw 1: the self-failure check needs the leader to run code."""
    sim = Sim(seed=0, faults=["2.5 crash n1"])
    spawn_cluster(sim)
    sim.run(until=20)
    assert all(
        not e.data.get("considers_itself_failed") for e in sim.trace.events("annotate", node="n1")
    )


def test_crashing_a_follower_makes_the_leader_panic_and_the_cluster_fall() -> None:
    """Flaw 4: ``try_send(..).unwrap()`` to a dead follower kills the leader."""
    sim = Sim(seed=0, faults=["2.5 crash n2"])
    spawn_cluster(sim, 4)
    with pytest.warns(HandlerFailureWarning, match=r"try_send\(Heartbeat\) to 'n2' failed"):
        sim.run(until=10)
    [failure] = sim.failures
    assert (failure.t, failure.node, failure.during, failure.what) == (3.0, "n1", "timer", "tick")
    assert failure.error.startswith("SendError: try_send(Heartbeat) to 'n2' failed")
    assert failure.outcome == "crashed"
    assert sim.status("n1") == "down"
    assert [(e.t, e.node) for e in sim.trace.events("failure")] == [(3.0, "n1")]
    # The broadcast stopped at n2: the followers after it missed the beat at t=3.
    assert heartbeat_sends(sim, "n1", "n3") == [1.0, 2.0]
    assert heartbeat_sends(sim, "n1", "n4") == [1.0, 2.0]
    # And the surviving followers then forgot the dead leader: nothing is left.
    for follower in ("n3", "n4"):
        assert sim.annotations(follower).get("leader") is None
    assert [r for r in roles_annotated(sim, since=2.5) if r[2] == "leader"] == []


def test_a_partition_fools_try_send_and_the_leader_blames_itself() -> None:
    """Flaws 1 and 5: the leader is fine but "considers itself failed"; followers see nothing."""
    sim = Sim(seed=0, faults=["2.5 partition n1|n2,n3"])
    spawn_cluster(sim)
    sim.run(until=2.5 + SELF_FAILURE_TIMEOUT + 1.5)
    leader_view = sim.annotations("n1")
    assert leader_view["considers_itself_failed"] is True
    assert leader_view["suspects"] == ("n1",)
    assert leader_view["role"] == "leader"  # it tells nobody and changes nothing
    for follower in ("n2", "n3"):
        assert sim.annotations(follower)["leader"] == "n1"  # still "following"
        assert heartbeat_sends(sim, follower, "n1")[-1] == 7.0
    assert sim.failures == []
    [became_failed] = [
        e.t for e in sim.trace.events("annotate", node="n1") if e.data["considers_itself_failed"]
    ]
    # Last heard at 2.001; silence > 3 s is first seen at the tick at t=6.
    assert became_failed == 6.0

    sim.heal()
    sim.run_for(2.0)
    assert sim.annotations("n1")["considers_itself_failed"] is False
    assert sim.annotations("n1")["suspects"] == ()


def test_a_restarted_leader_has_no_followers_and_nobody_registers_again() -> None:
    """Flaw 2: a restart is not a recovery."""
    sim = Sim(seed=0, faults=["2.5 crash n1", "2.7 restart n1"])
    spawn_cluster(sim)
    sim.run(until=10)
    # The followers' try_send succeeds again (the node is up), so they never noticed...
    assert sim.annotations("n2")["leader"] == "n1"
    assert heartbeat_sends(sim, "n2", "n1")[-1] == 10.0
    # ...but the new leader knows no followers and sends them nothing.
    assert sim.annotations("n1")["followers"] == ()
    assert heartbeat_sends(sim, "n1", "n2") == [1.0, 2.0]


def test_a_lost_registration_is_never_retried() -> None:
    """Flaw 7: one lost RegisterFollower and the leader never heartbeats that follower."""
    sim = Sim(seed=0)
    names = spawn_cluster(sim)
    sim.partition("n3", "n1", one_way=True)  # registration (sent at t=0) is dropped
    sim.run(until=0.5)
    sim.heal()
    sim.run(until=5)
    assert sim.annotations("n1")["followers"] == ("n2",)
    assert heartbeat_sends(sim, "n1", "n3") == []
    assert heartbeat_sends(sim, "n3", "n1") == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert names == ["n1", "n2", "n3"]


def faulty_run(seed: int) -> Sim:
    """Five nodes on lossy links through a crash and a partition."""
    sim = Sim(seed=seed, faults=["3.5 crash n3", "7 partition n1|n2"])
    sim.set_network(loss=0.1)
    spawn_cluster(sim, 5)
    sim.run(until=20)
    return sim


def test_same_seed_same_trace() -> None:
    with pytest.warns(HandlerFailureWarning):  # the leader's try_send to the crashed n3
        assert_the_seed_decides(faulty_run, 7, 8)


def test_bad_timing_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="heartbeat_interval=0"):
        spawn_cluster(Sim(), heartbeat_interval=0)
    with pytest.raises(InvalidArgument, match="self_failure_timeout=-1"):
        spawn_cluster(Sim(), self_failure_timeout=-1)
