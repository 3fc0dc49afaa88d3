"""raftlog on a real node's disk: its log of ``Entry`` objects, changed in place, kept
in the JSON storage file and read back as the same entries; its clients as nodes."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.net.codec import MessageCodec, protocol_message_types
from distsys_edu.net.factories import cluster_factories
from distsys_edu.net.rundir import ClusterConfig
from distsys_edu.net.storage import PersistentStorage
from distsys_edu.protocols.raftlog import ClientRequest, Entry, KVClient, RaftLogNode, Workload
from distsys_edu.protocols.raftlog.client import as_workload
from distsys_edu.runtime.errors import InvalidArgument

CODEC = MessageCodec(protocol_message_types("raftlog"), lambda name: ("addr", name))

VALUES = {
    "get": st.none(),
    "put": st.integers(0, 5),
    "cas": st.tuples(st.integers(0, 5), st.integers(0, 5)),
    "append": st.text(max_size=5),
}
COMMANDS = st.sampled_from(sorted(VALUES)).flatmap(
    lambda op: st.builds(
        ClientRequest,
        st.sampled_from(["c1", "c2"]),
        st.integers(1, 99),
        st.just(op),
        st.sampled_from(["x", "y"]),
        VALUES[op],
    )
)
ENTRIES = st.lists(st.builds(Entry, st.integers(1, 9), st.none() | COMMANDS), max_size=12)


@settings(max_examples=50, deadline=None)
@given(entries=ENTRIES, cut=st.integers(0, 12))
def test_a_log_changed_in_place_comes_back_as_the_same_entries(tmp_path_factory, entries, cut):
    path = tmp_path_factory.mktemp("disk") / "n1.storage.json"
    storage = PersistentStorage(path, CODEC)
    log = storage.setdefault("log", [])
    log.extend(entries)  # in place, as RaftLogNode.store does
    del log[cut:]
    storage.flush()
    back = PersistentStorage(path, CODEC)["log"]
    assert back == entries[:cut] and isinstance(back, list)
    assert [repr(e) for e in back] == [repr(e) for e in entries[:cut]]  # the applied digest


def test_an_in_place_change_reaches_the_file_at_the_flush(tmp_path):
    path = tmp_path / "n1.storage.json"
    storage = PersistentStorage(path, CODEC)
    storage["log"] = []
    storage["log"].append(Entry(1))
    assert json.loads(path.read_text()) == {"log": []}
    storage.flush()
    assert PersistentStorage(path, CODEC) == {"log": [Entry(1)]}


@dataclass(frozen=True)
class Stranger:
    x: int


def test_a_dataclass_outside_the_protocol_is_refused_naming_the_storage(tmp_path):
    storage = PersistentStorage(tmp_path / "n1.storage.json", CODEC)
    with pytest.raises(InvalidArgument, match=r"storage=.*registered dataclasses"):
        storage["log"] = [Stranger(1)]
    with pytest.raises(InvalidArgument, match="storage="):
        PersistentStorage(tmp_path / "n2.storage.json")["log"] = [Entry(1)]  # no codec


def test_raftlog_sends_the_election_messages_of_raft_it_inherits():
    names = {t.__name__ for t in protocol_message_types("raftlog")}
    assert {"RequestVote", "RequestVoteReply", "AppendEntries", "Entry"} <= names


def test_clients_are_nodes_of_a_real_cluster_asking_the_servers():
    options = {"clients": 2, "workload": {"keys": ["k"], "ops": ["get", "put"], "limit": 3}}
    factories = cluster_factories("raftlog", ["n1", "n2", "n3"], options, seed=1)
    assert sorted(factories) == ["c1", "c2", "n1", "n2", "n3"]
    client = factories["c1"]()
    assert isinstance(client, KVClient) and client.servers == ("n1", "n2", "n3")
    assert client.workload == Workload(keys=("k",), ops=("get", "put"), limit=3)
    assert isinstance(factories["n1"](), RaftLogNode)


def test_a_workload_given_as_options_is_checked_naming_it():
    with pytest.raises(InvalidArgument, match=r"workload=.*fields of Workload"):
        as_workload({"speed": 3})
    with pytest.raises(InvalidArgument, match="workload="):
        as_workload([1])
    with pytest.raises(InvalidArgument, match="keys="):
        as_workload({"keys": []})


def test_a_cluster_file_without_clients_has_every_node_a_server():
    old = ClusterConfig(protocol="raft", nodes=["n1", "n2"], ports={"n1": 1, "n2": 2})
    assert old.servers == ["n1", "n2"] and old.clients == []
    kv = ClusterConfig(protocol="raftlog", nodes=["n1", "c1"], ports={}, clients=["c1"])
    assert kv.servers == ["n1"]


def test_an_in_place_change_json_cannot_hold_is_refused_at_the_flush(tmp_path):
    storage = PersistentStorage(tmp_path / "n1.storage.json", CODEC)
    storage["log"] = []
    storage["log"].append(Stranger(2))
    with pytest.raises(InvalidArgument, match=r"storage=\{'log': \[.*Stranger\(x=2\)"):
        storage.flush()
