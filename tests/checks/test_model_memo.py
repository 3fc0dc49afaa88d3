"""NodeMemo: remembering nodes' encoded parts never changes a state's key."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.checks.model_memo import NodeMemo
from distsys_edu.checks.model_state import state_key
from distsys_edu.protocols import spawn
from distsys_edu.protocols.registry import PROTOCOLS
from distsys_edu.runtime import Actor, Context, Sim


@settings(max_examples=25, deadline=None)
@given(
    protocol=st.sampled_from(sorted(PROTOCOLS)),
    picks=st.lists(st.integers(0, 10_000), max_size=15),
    symmetry=st.booleans(),
)
def test_every_key_along_a_random_path_is_the_same_with_the_memo(
    protocol: str, picks: list[int], symmetry: bool
) -> None:
    """One memo across the whole path, as in a search: each state's key equals the key
    computed from scratch (faults included: crashed nodes, restarts, pauses)."""
    sim = Sim(0)
    spawn(sim, protocol, 3)
    memo = NodeMemo()
    for pick in [0, *picks]:
        assert state_key(sim, "durations", (), symmetry, memo) == state_key(
            sim, "durations", (), symmetry
        )
        listed = sim.choices()
        if not listed:
            break
        sim.choose(listed[pick % len(listed)].id)


class Hidden:
    """Pickles without its ``secret``: a fingerprint would not see it change."""

    def __init__(self, secret: int) -> None:
        self.secret = secret

    def __getstate__(self) -> dict[str, Any]:
        return {}


class Keeper(Actor):
    def __init__(self, secret: int) -> None:
        self.hidden = Hidden(secret)

    def started(self, ctx: Context) -> None:
        pass


def test_an_object_that_pickles_in_its_own_way_is_never_remembered() -> None:
    """Two nodes that differ only inside such an object get different keys."""
    memo = NodeMemo()
    keys = []
    for secret in (1, 2):
        sim = Sim(0)
        sim.spawn("n1", lambda secret=secret: Keeper(secret))
        keys.append(state_key(sim, "durations", (), False, memo))
    assert keys[0] != keys[1]
    assert memo.hits == memo.misses == 0


class Pointer(Actor):
    """Holds the address of one peer, named when it starts."""

    def __init__(self, peer: str) -> None:
        self.peer_name = peer

    def started(self, ctx: Context) -> None:
        self.peer = ctx.addr(self.peer_name)
        del self.peer_name


def test_nodes_that_differ_only_in_an_address_they_hold_get_different_keys() -> None:
    """The random paths above never part two nodes by an address alone: a node holding
    n2's address and one holding n3's are not one entry of the memo."""
    memo = NodeMemo()
    keys = []
    for peer in ("n2", "n3"):
        sim = Sim(0)
        for name in ("n1", "n2", "n3"):
            sim.spawn(name, lambda name=name, peer=peer: Pointer(peer if name == "n1" else "n1"))
        sim.settle()
        keys.append(state_key(sim, "durations", (), False, memo))
        assert keys[-1] == state_key(sim, "durations", (), False)
    assert keys[0] != keys[1]
