"""Random fault schedules: deterministic, well formed, always ending in recovery."""

from __future__ import annotations

import pytest
from determinism import run_python
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.checks import FaultMix, random_schedule, run_seed
from distsys_edu.checks.schedules import recovery_time
from distsys_edu.runtime import Fault, FaultSchedule

NODES = ["n1", "n2", "n3", "n4", "n5"]


def replay_state(schedule: FaultSchedule, at: float) -> dict[str, object]:
    """What the schedule leaves broken once every fault up to ``at`` applied."""
    down: set[str] = set()
    cut = False
    loss = dup = 0.0
    for f in schedule:
        if f.at > at:
            break
        if f.action == "crash":
            down.add(f.args[0])
        elif f.action == "restart":
            down.discard(f.args[0])
        elif f.action in ("partition", "one_way"):
            cut = True
        elif f.action == "heal":
            cut = False
        elif f.action == "loss":
            loss = f.args[0]
        elif f.action == "duplication":
            dup = f.args[0]
    return {"down": down, "cut": cut, "loss": loss, "duplication": dup}


def test_the_same_seed_gives_the_same_schedule_in_any_process() -> None:
    here = str(random_schedule(run_seed(4, 2), NODES, 15.0))
    code = (
        "from distsys_edu.checks import random_schedule, run_seed;"
        f"print(random_schedule(run_seed(4, 2), {NODES!r}, 15.0))"
    )
    for hashseed in ("0", "123"):
        assert run_python(code, hashseed=hashseed).strip() == here
    assert str(random_schedule(run_seed(4, 3), NODES, 15.0)) != here


def test_run_seeds_are_stable_and_distinct() -> None:
    # Stable: the test above computes run_seed(4, 2) in other processes too.
    seeds = {run_seed(s, i) for s in range(3) for i in range(300)}
    assert len(seeds) == 900
    assert all(0 <= s < 2**32 for s in seeds)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), duration=st.floats(8.0, 40.0))
def test_every_schedule_is_well_formed_and_ends_in_recovery(seed: int, duration: float) -> None:
    mix = FaultMix()
    schedule = random_schedule(seed, NODES, duration, mix)
    recovery = recovery_time(duration, mix)
    assert list(schedule) == sorted(schedule, key=lambda f: f.at)
    for f in schedule:
        assert mix.start <= f.at <= recovery, f
        assert Fault.parse(str(f)) == f  # prints exactly, for the replay snippet
        if f.action == "pause":
            assert f.at + f.args[1] <= recovery + 1e-9
        if f.action in ("partition", "one_way"):
            a, b = f.args[0]
            assert a and b and not set(a) & set(b) and set(a) | set(b) == set(NODES)
    # Nothing is left broken after recovery.
    end = replay_state(schedule, recovery)
    assert end == {"down": set(), "cut": False, "loss": 0.0, "duplication": 0.0}
    # A node is only crashed while up, only restarted while down.
    down: set[str] = set()
    for f in schedule:
        if f.action == "crash":
            assert f.args[0] not in down
            down.add(f.args[0])
        elif f.action == "restart":
            assert f.args[0] in down
            down.discard(f.args[0])
    assert FaultSchedule.from_json(schedule.to_json()) == schedule


def test_the_mix_shapes_the_schedule() -> None:
    only_crashes = FaultMix(actions=(3, 3), pause=0, partition=0, one_way=0, loss=0, duplication=0)
    schedule = random_schedule(1, NODES, 15.0, only_crashes)
    assert {f.action for f in schedule} <= {"crash", "restart"}
    assert sum(f.action == "crash" for f in schedule) == 3
    none = random_schedule(1, NODES, 15.0, FaultMix(actions=(0, 0)))
    assert list(none) == []
    partitions = FaultMix(actions=(4, 4), crash=0, pause=0, loss=0, duplication=0, heal=0)
    schedule = random_schedule(2, NODES, 15.0, partitions)
    assert [f.action for f in schedule][-1] == "heal"
    assert all(f.at == 10.0 for f in schedule if f.action == "heal")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"actions": (3, 1)},
        {"actions": (-1, 2)},
        {"crash": -1.0},
        {"crash": 0, "pause": 0, "partition": 0, "one_way": 0, "loss": 0, "duplication": 0},
        {"restart": 1.5},
        {"max_loss": 0.0},
        {"pause_seconds": (0.0, 1.0)},
        {"quiet": -1.0},
    ],
)
def test_a_bad_mix_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"not allowed|must be"):
        FaultMix(**kwargs)  # type: ignore[arg-type]


def test_a_run_too_short_for_the_mix_is_refused() -> None:
    with pytest.raises(ValueError, match="duration"):
        random_schedule(0, NODES, 5.0)
    with pytest.raises(ValueError, match="nodes"):
        random_schedule(0, [], 15.0)
    assert FaultMix().to_dict()["actions"] == [1, 6]
