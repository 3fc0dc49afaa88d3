"""The controlled mode: sim.choices() and sim.choose(id)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.protocols import spawn
from distsys_edu.protocols.registry import PROTOCOLS
from distsys_edu.runtime import CHOICE_KINDS, ChoiceOptions, Sim, Trace
from distsys_edu.runtime.errors import InvalidArgument


def raft(seed: int = 0) -> Sim:
    sim = Sim(seed)
    spawn(sim, "raft", 3)
    return sim


def test_nothing_happens_by_itself_but_the_started_hooks() -> None:
    sim = raft()
    listed = sim.choices()
    assert sim.now == 0.0
    fires = [c for c in listed if c.kind == "fire"]
    assert sorted(c.node for c in fires) == ["n1", "n2", "n3"]  # one election timer each
    assert not [c for c in listed if c.kind == "deliver"]  # nothing sent yet
    ids = [c.id for c in listed]
    assert len(ids) == len(set(ids))
    faults = {c.id for c in listed if c.kind in ("crash", "pause", "partition")}
    assert {"crash:n1", "pause:n2:1.0", "partition:n3"} <= faults
    assert {c.kind for c in listed} <= set(CHOICE_KINDS)


def test_a_timer_fires_at_its_own_time_and_its_messages_can_be_chosen() -> None:
    sim = raft()
    fire = next(c for c in sim.choices() if c.kind == "fire" and c.node == "n1")
    sim.choose(fire.id)
    assert sim.now == fire.due
    assert sim.annotations("n1")["role"] == "candidate"
    votes = [c for c in sim.choices() if c.kind == "deliver"]
    assert sorted(c.node for c in votes) == ["n2", "n3"]
    assert all(c.label.startswith("deliver RequestVote n1 -> ") for c in votes)


def test_drop_and_duplicate_are_recorded() -> None:
    sim = raft()
    sim.choose(next(c for c in sim.choices() if c.kind == "fire").id)
    first = next(c for c in sim.choices() if c.kind == "drop")
    sim.choose(first.id)
    assert sim.trace.counts()["drops"]["loss"] == 1
    assert first.id.replace("drop", "deliver") not in {c.id for c in sim.choices()}
    dup = next(c for c in sim.choices() if c.kind == "duplicate")
    before = sim.in_flight
    sim.choose(dup.id)
    assert sim.in_flight == before + 1
    assert sim.sent == sim.delivered + sim.dropped + sim.in_flight


def test_faults_by_choice() -> None:
    sim = raft()
    sim.choose("crash:n1")
    assert sim.status("n1") == "down"
    assert "restart:n1" in {c.id for c in sim.choices()}
    sim.choose("restart:n1")
    assert sim.status("n1") == "up"
    sim.choose("partition:n2")
    assert "heal" in {c.id for c in sim.choices()}
    sim.choose("heal")
    sim.choose("pause:n3:2.0", ChoiceOptions(pause=2.0))
    assert sim.status("n3") == "paused"
    resume = next(c for c in sim.choices() if c.kind == "run")
    sim.choose(resume.id)
    assert sim.status("n3") == "up" and sim.now == 2.0
    again = raft()
    again.choose_all(sim.choices_made)  # the default options: the id says 2 s
    assert again.trace.digest() == sim.trace.digest()


def test_an_id_not_listed_now_is_refused_by_name() -> None:
    sim = raft()
    with pytest.raises(InvalidArgument, match=r"choice='m99:deliver'.*t\d+:fire"):
        sim.choose("m99:deliver")
    with pytest.raises(InvalidArgument, match="choice="):
        sim.choose("restart:n1")  # n1 is up
    with pytest.raises(InvalidArgument, match="pause"):
        ChoiceOptions(pause=-1.0)


@settings(max_examples=30, deadline=None)
@given(
    protocol=st.sampled_from(sorted(PROTOCOLS)),
    seed=st.integers(0, 5),
    picks=st.lists(st.integers(0, 10_000), max_size=25),
)
def test_the_same_choices_from_the_same_seed_give_the_same_trace(
    protocol: str, seed: int, picks: list[int]
) -> None:
    """Any sequence of choices (faults too), replayed from the seed, is the same run."""
    sim = Sim(seed)
    spawn(sim, protocol, 3)
    times = [sim.now]
    for pick in picks:
        listed = sim.choices()
        if not listed:
            break
        choice = listed[pick % len(listed)]
        sim.choose(choice.id)
        moves = choice.kind in ("deliver", "fire", "run") and choice.due is not None
        assert sim.now == (max(times[-1], choice.due) if moves else times[-1])
        times.append(sim.now)
    assert times == sorted(times)  # never backwards
    again = Sim(seed)
    spawn(again, protocol, 3)
    again.choose_all(sim.trace.meta.get("choices", []))
    assert again.trace.digest() == sim.trace.digest()
    assert again.choices_made == sim.choices_made


def test_the_choices_travel_with_the_saved_trace() -> None:
    """A trace written as JSON lines carries its choices: read back, they replay it."""
    sim = raft(3)
    for _ in range(6):
        sim.choose(next(c for c in sim.choices() if c.kind in ("fire", "deliver")).id)
    saved = Trace.from_jsonl(io.StringIO(sim.trace.to_jsonl_string()))
    assert saved.meta["choices"] == sim.choices_made
    again = raft(3)
    again.choose_all(saved.meta["choices"])
    assert again.trace.digest() == sim.trace.digest()
