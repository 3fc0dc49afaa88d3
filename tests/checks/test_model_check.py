"""model_check: a bounded breadth-first search over the states of the real actors."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import pytest
from determinism import run_python
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.checks import one_leader_per_term
from distsys_edu.checks.model_check import model_check
from distsys_edu.checks.model_state import ModelView, encode
from distsys_edu.exercises.broken import spawn_broken, spawn_nodes
from distsys_edu.protocols.raft import RaftNode
from distsys_edu.runtime import Actor, Context, Sim
from distsys_edu.runtime.errors import InvalidArgument


@dataclass(frozen=True)
class Hello:
    sender: str


class Greeter(Actor):
    """Says hello once to every other node, and counts the hellos it hears."""

    def __init__(self, peers: frozenset[str]) -> None:
        self.peers = peers  # a set: which peer is which does not matter (symmetry)
        self.heard = 0

    def started(self, ctx: Context) -> None:
        for peer in sorted(self.peers):
            ctx.addr(peer).do_send(Hello(ctx.name))

    def on_hello(self, msg: Hello, ctx: Context) -> None:
        self.heard += 1


def spawn_greeters(sim: Sim, nodes: int) -> list[str]:
    names = [f"n{i + 1}" for i in range(nodes)]
    for name in names:
        sim.spawn(name, lambda name=name: Greeter(frozenset(names) - {name}))
    return names


def test_the_toy_protocol_has_the_state_count_worked_out_by_hand() -> None:
    """Three greeters send 6 hellos (one over each directed link), nothing else.

    A state is which of the 6 hellos have been delivered (each node's count and
    the messages still in flight follow from it): 2**6 = 64 states. From a state
    with k hellos in flight there are k transitions, so 6 * 2**5 = 192 in all,
    and the deepest state is 6 deliveries away. Up to renaming the nodes, a set of
    delivered hellos is a directed graph on 3 unlabeled nodes: there are 16.
    """
    plain = model_check(spawn_greeters, 3, symmetry=False, progress=False)
    assert (plain.states, plain.transitions, plain.depth) == (64, 192, 6)
    assert plain.exhausted and plain.stopped_by is None and not plain.violations
    assert plain.at_max_depth == 0
    reduced = model_check(spawn_greeters, 3, symmetry=True, progress=False)
    assert (reduced.states, reduced.depth) == (16, 6) and reduced.exhausted


def test_losses_are_bounded_and_counted() -> None:
    """Two greeters, at most one hello lost: each hello is in flight, delivered or
    (at most one of them) lost. States: 3 * 3 (each hello: pending, delivered,
    lost) minus the one with both lost = 8."""
    result = model_check(spawn_greeters, 2, max_lost=1, symmetry=False, progress=False)
    assert result.states == 8 and result.exhausted


def test_the_broken_raft_is_found_by_a_shortest_path_with_and_without_symmetry() -> None:
    for symmetry in (True, False):
        result = model_check(
            spawn_broken, 3, max_depth=6, max_term=1, symmetry=symmetry, progress=False
        )
        assert [v.invariant for v in result.violations] == ["one_leader_per_term"]
        found = result.violations[0]
        assert len(found.path) == 6, symmetry
        # The trace checker, which knows nothing of the search, agrees on the replay.
        replayed = result.replay()
        assert one_leader_per_term(replayed.trace)
        assert replayed.trace.meta["choices"] == list(found.path)


def test_the_snippet_replays_the_violation() -> None:
    result = model_check(spawn_broken, 3, max_depth=6, max_term=1, progress=False)
    scope: dict[str, object] = {}
    exec(result.snippet(), scope)  # the program a learner pastes
    sim = scope["sim"]
    assert isinstance(sim, Sim)
    assert sim.choices_made == list(result.violations[0].path)
    assert one_leader_per_term(sim.trace)


def test_no_shorter_path_reaches_a_violation() -> None:
    """A second search, stopped one choice short, finds nothing."""
    result = model_check(spawn_broken, 3, max_depth=5, max_term=1, progress=False)
    assert not result.violations and result.exhausted and result.at_max_depth > 0


def spawn_fixed(sim: Sim, nodes: int) -> list[str]:
    return spawn_nodes(RaftNode, sim, nodes)


def test_the_fixed_raft_is_safe_within_the_bounds_with_and_without_symmetry() -> None:
    verdicts = []
    for symmetry in (True, False):
        result = model_check(
            spawn_fixed, 3, max_depth=6, max_term=1, symmetry=symmetry, progress=False
        )
        verdicts.append(bool(result.violations))
        assert result.states > 100
    assert verdicts == [False, False]


def test_a_crash_bound_lets_a_crashed_leader_be_replaced() -> None:
    """With one crash, states are found where a node is down; with none, never."""

    def someone_down(view: ModelView) -> str | None:
        down = [n for n in view.nodes if view.status[n] == "down"]
        return f"{down[0]} is down" if down else None

    never = model_check(spawn_greeters, 2, invariants=[someone_down], progress=False)
    assert not never.violations
    once = model_check(spawn_greeters, 2, invariants=[someone_down], max_crashes=1, progress=False)
    assert once.violations[0].path == ("crash:n1",)


def test_bad_bounds_are_refused_by_name() -> None:
    with pytest.raises(InvalidArgument, match="max_lost"):
        model_check(spawn_greeters, 2, max_lost=-1, progress=False)
    with pytest.raises(InvalidArgument, match="timers"):
        model_check(spawn_greeters, 2, timers="random", progress=False)
    with pytest.raises(InvalidArgument, match="invariants"):
        model_check(spawn_greeters, 2, invariants=["nope"], progress=False)


def test_the_summary_reads_like_explores() -> None:
    result = model_check(spawn_greeters, 3, progress=False)
    text = str(result)
    assert "16 distinct states" in text and "whole space within the bounds" in text
    assert "one_leader_per_term: holds" in text
    assert result.to_dict()["states"] == 16


def test_symmetry_is_refused_where_names_matter() -> None:
    result = model_check("bully", 3, max_depth=2, progress=False)
    assert not result.symmetry and "highest name" in str(result)


def test_state_hashes_do_not_depend_on_the_hash_seed() -> None:
    """States are hashed from a canonical encoding, never ``hash()`` of a string."""
    code = (
        "from distsys_edu.checks import model_check\n"
        "r = model_check('raft', 3, max_depth=3, progress=False)\n"
        "from distsys_edu.checks.model_state import state_key\n"
        "sim = r.replay(('t5:fire', 'm1:deliver'))\n"
        "print(r.states, r.transitions, state_key(sim, 'durations', (), True).hex())\n"
    )
    assert run_python(code, hashseed="1") == run_python(code, hashseed="2")


def test_the_encoding_of_fields_is_by_value_and_renames_nodes() -> None:
    class Role(str, Enum):
        LEADER = "n1"

    rename = {"n1": "A", "n2": "B"}
    assert encode({"b": [1, "n2"], "a": {"n2", "n1"}}, rename) == encode(
        {"a": frozenset({"n1", "n2"}), "b": (1, "n2")}, rename
    )
    assert encode(Role.LEADER, rename) == ("enum", Role.__qualname__, "A")
    assert encode(True, rename) is True


@settings(max_examples=8, deadline=None)
@given(nodes=st.integers(2, 3), k=st.integers(1, 2), symmetry=st.booleans())
def test_the_shortest_path_is_as_long_as_it_must_be(nodes: int, k: int, symmetry: bool) -> None:
    """ "No greeter hears k hellos" breaks after exactly k deliveries to one node
    (possible when it has k peers), never sooner; with fewer peers, never."""

    def hears_fewer_than_k(view: ModelView) -> str | None:
        for name in view.nodes:
            heard = sum(1 for _, dst, _ in view.in_flight if dst == name)
            if heard <= nodes - 1 - k:  # k of its nodes - 1 hellos delivered
                return f"{name} heard {k}"
        return None

    result = model_check(
        spawn_greeters, nodes, invariants=[hears_fewer_than_k], symmetry=symmetry, progress=False
    )
    if k > nodes - 1:
        assert not result.violations and result.exhausted
        return
    (found,) = result.violations
    assert len(found.path) == k
    assert all(step.endswith(":deliver") for step in found.path)
    sim = result.replay()
    assert max(sim.actor(n).heard for n in sim.nodes) == k  # type: ignore[union-attr]


class TwoAlarms(Actor):
    """Sets a 1 s alarm and a 2 s alarm, and remembers which rang."""

    def __init__(self) -> None:
        self.rang: tuple[str, ...] = ()

    def started(self, ctx: Context) -> None:
        ctx.run_later(1.0, self.short)
        ctx.run_later(2.0, self.long)

    def short(self, ctx: Context) -> None:
        self.rang += ("short",)

    def long(self, ctx: Context) -> None:
        self.rang += ("long",)


def spawn_alarms(sim: Sim, nodes: int) -> list[str]:
    sim.spawn("n1", TwoAlarms)
    return ["n1"]


def test_timers_fire_in_due_order_per_node_or_in_any_order() -> None:
    """In due order: none rang, short, short then long: 3 states. In any order:
    none, short, long, short then long, long then short: 5 states."""
    ordered = model_check(spawn_alarms, 1, progress=False)
    anyhow = model_check(spawn_alarms, 1, timers="any", progress=False)
    assert (ordered.states, ordered.transitions) == (3, 2)
    assert (anyhow.states, anyhow.transitions) == (5, 4)
