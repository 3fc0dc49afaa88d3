"""What the protocols share: a Membership built once a cluster, and Names views of it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.protocols.cluster import Membership, Names


@given(size=st.integers(1, 12), data=st.data())
@settings(max_examples=60, deadline=None)
def test_views_are_the_lists_they_stand_for(size: int, data: st.DataObject) -> None:
    names = [f"n{i}" for i in range(1, size + 1)]
    ids = data.draw(st.permutations(range(1, size + 1)))
    members = Membership(names, dict(zip(names, ids, strict=True)))
    me = data.draw(st.sampled_from(names))
    at, mine = names.index(me), ids[names.index(me)]
    by_id = sorted(names, key=lambda n: ids[names.index(n)])
    expected = {
        "peers": [n for n in names if n != me],
        "successors": names[at + 1 :] + names[:at],
        "higher": [n for n in by_id if ids[names.index(n)] > mine],
        "lower": [n for n in by_id if ids[names.index(n)] < mine],
    }
    for view, listed in expected.items():
        names_view = getattr(members, view)(me)
        assert list(names_view) == listed
        assert len(names_view) == len(listed)
        assert [names_view[i] for i in range(-len(listed), len(listed))] == listed * 2
        assert names_view[1:] == tuple(listed[1:])
    assert members.name_of[mine] == me and me in members and "x" not in members


def test_a_view_shares_the_cluster_tuple_and_refuses_a_bad_index() -> None:
    members = Membership(["a", "b", "c"])
    peers = members.peers("b")
    assert repr(peers) == "Names(['a', 'c'])"
    assert members.ids == {"a": 1, "b": 2, "c": 3}
    with pytest.raises(IndexError, match="index=2 is out of range for 2 names"):
        peers[2]
    assert Membership.of(members) is members
    assert Membership.of(["a", "b"]).names == ("a", "b")
    assert isinstance(peers, Names)
