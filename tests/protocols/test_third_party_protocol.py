"""A protocol from outside the package (tests/protocols/example_protocol.py, the one in
docs/architecture.md), registered from the test and nothing else: it spawns, explores,
plays in the playground, runs on the command line, is model-checked and runs over
``net up`` as real processes, with no edit to distsys_edu."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import re
from pathlib import Path

import example_protocol
import pytest
from example_protocol import SPEC, LowestConfig, LowestNode

from distsys_edu import InvalidArgument, Sim
from distsys_edu.checks import explore, model_check
from distsys_edu.cli import main
from distsys_edu.net import Cluster
from distsys_edu.protocols import get_spec, node_names, protocol_names, register, registry, spawn
from distsys_edu.viz.playground import PlaygroundModel

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


@pytest.fixture
def lowest(monkeypatch):
    """The example registered, in a registry that forgets it after the test."""
    monkeypatch.setattr(registry, "_registered", {})
    return register(SPEC)


class Forgetful(LowestNode):
    """The bug: it notes the time under its own name, not the sender's, so it never
    hears of a lower node and every node leads."""

    def on_alive(self, msg, ctx):
        self.heard[ctx.name] = ctx.now


def spawn_forgetful(sim: Sim, nodes: int = 3, *, heartbeat: float = 0.1) -> list[str]:
    names, config = node_names(nodes), LowestConfig(heartbeat)
    for name in names:
        peers = tuple(n for n in names if n != name)
        sim.spawn(name, lambda peers=peers: Forgetful(peers, config))
    return names


BROKEN = dataclasses.replace(SPEC, name="forgetful", spawn=spawn_forgetful, actors=(Forgetful,))


def test_the_docs_example_is_this_module_word_for_word():
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Adding a protocol") :]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None, "docs/architecture.md: no python block under 'Adding a protocol'"
    assert block.group(1) == Path(example_protocol.__file__).read_text(encoding="utf-8")


def test_it_spawns_in_a_sim_by_name_and_the_lowest_node_leads(lowest):
    assert "lowest" in protocol_names() and get_spec("lowest") is SPEC
    sim = Sim(seed=3)
    names = spawn(sim, "lowest", 3, heartbeat=0.2)
    sim.run(until=2.0)
    assert {n: sim.annotations(n)["leader"] for n in names} == dict.fromkeys(names, "n1")
    sim.crash("n1")
    sim.run(until=4.0)
    assert {sim.annotations(n)["leader"] for n in ("n2", "n3")} == {"n2"}


def test_explore_finds_nothing_wrong_with_it_and_the_bug_in_the_broken_variant(lowest):
    result = explore("lowest", runs=20, nodes=3, progress=False)
    assert result.invariants == ("one_leader_among_reachable",)  # its spec's, by default
    assert result.violations == {"one_leader_among_reachable": 0}
    register(BROKEN)
    broken = explore("forgetful", runs=3, nodes=3, progress=False, max_shrink=1)
    assert broken.violations["one_leader_among_reachable"] == 3
    replay = broken.counterexamples[0].replay  # it imports the spawn function itself
    assert "import spawn_forgetful" in replay and "spawn_forgetful(sim, 3)" in replay
    found: dict = {}
    exec(replay, found)  # as a learner pasting it would, without registering anything
    assert found["violations"]


def test_explore_in_worker_processes_finds_the_same(lowest):
    one = explore("lowest", runs=4, nodes=3, progress=False)
    two = explore("lowest", runs=4, nodes=3, progress=False, jobs=2)
    assert two.violations == one.violations == {"one_leader_among_reachable": 0}


def test_the_playground_offers_its_knob_as_a_slider_and_runs_it(lowest):
    from distsys_edu.viz.playground.widget import Playground

    model = PlaygroundModel("lowest", nodes=3, options={"heartbeat": 0.2})
    assert model.lanes[0].setup.knobs() == SPEC.knobs
    model.advance(1.0)
    assert model.lanes[0].sim.annotations("n3")["leader"] == "n1"
    widget = Playground("lowest", nodes=3)
    (slider,) = widget.timing_box.children
    assert (slider.min, slider.max, slider.value) == (0.01, 1.0, 0.1)
    assert slider.description == "heartbeat (s)"
    with pytest.raises(InvalidArgument, match="heartbeat=5"):
        PlaygroundModel("lowest", nodes=3, options={"heartbeat": 5})


def test_the_command_line_explores_it_with_its_knob(lowest, capsys):
    assert (
        main(
            [
                "explore",
                "lowest",
                "--runs",
                "2",
                "--nodes",
                "3",
                "--json",
                "--set",
                "heartbeat=200ms",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["protocol"] == "lowest" and data["violation_counts"] == {
        "one_leader_among_reachable": 0
    }
    assert main(["run", "lowest", "--nodes", "3", "--until", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["protocol"] == "lowest"


def test_model_check_explores_it_without_symmetry_as_its_spec_says(lowest):
    result = model_check("lowest", 2, ["one_leader_at_a_time"], max_depth=4, progress=False)
    assert not result.symmetry and result.symmetry_note == ": the lowest name leads"
    # Two nodes that have not yet heard each other both lead: the model checker finds
    # the shortest such path (why its spec's invariant allows a grace period).
    (found,) = result.violations
    assert found.invariant == "one_leader_at_a_time" and len(found.path) == 2


def test_net_up_runs_it_as_real_processes(lowest, clusters):
    run_dir = clusters.tmp_path / "lowest"
    try:  # the command line's net up, in this process (where the test registered it)
        assert (
            main(
                [
                    "net",
                    "up",
                    "lowest",
                    "--nodes",
                    "3",
                    "--dir",
                    str(run_dir),
                    "--set",
                    "heartbeat=0.2",
                ]
            )
            == 0
        )
    finally:
        cluster = Cluster(run_dir)
        clusters.track(cluster)
    assert cluster.config.options == {"heartbeat": 0.2}
    assert cluster.config.module == "example_protocol"
    cluster.wait_for(
        lambda statuses: all(s.state == "up" and s.leader == "n1" for s in statuses), 30.0
    )
    assert {s.role for s in cluster.status() if s.name != "n1"} == {"follower"}


@pytest.fixture
def clusters(tmp_path):
    """Named as tests/net's fixture, so this test is marked ``net`` like those."""
    from net.netfixtures import started_clusters

    with started_clusters(tmp_path) as made:
        yield made


def test_an_installed_packages_entry_point_is_found_once_and_a_broken_one_is_named(
    monkeypatch,
):
    group = registry.ENTRY_POINT_GROUP
    points = [
        importlib.metadata.EntryPoint("lowest", "example_protocol:SPEC", group),
        importlib.metadata.EntryPoint("nope", "no_such_module_here:SPEC", group),
    ]
    asked = []

    def entry_points(*, group):
        asked.append(group)
        return points

    monkeypatch.setattr(registry, "_registered", {})
    monkeypatch.setattr(registry, "_entry_points", None)
    monkeypatch.setattr(registry, "_broken", {})
    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    assert get_spec("lowest") is SPEC
    assert protocol_names()[-2:] == ["lowest", "nope"]
    with pytest.warns(UserWarning, match="nope"), pytest.raises(InvalidArgument) as broken:
        get_spec("nope")
    assert "entry point nope = no_such_module_here:SPEC" in str(broken.value)
    assert get_spec("raft").name == "raft"  # the others still work
    assert asked == [group]  # read once
