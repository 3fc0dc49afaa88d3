"""Delta debugging and schedule shrinking, on pure tests (no simulation)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.checks import ddmin, shrink_schedule
from distsys_edu.runtime import Fault, FaultSchedule


def faults(n: int) -> list[Fault]:
    return [Fault(1.0 + i * 0.37, "crash", (f"n{i}",)) for i in range(n)]


def names(items: Sequence[Fault]) -> set[str]:
    return {f.args[0] for f in items if f.args}


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 24),
    data=st.data(),
)
def test_ddmin_finds_a_one_minimal_failing_subset(n: int, data: st.DataObject) -> None:
    # The failure needs every node of one of a few "culprit" sets to crash.
    pool = [f"n{i}" for i in range(n)]
    culprits = data.draw(
        st.lists(st.sets(st.sampled_from(pool), min_size=1, max_size=3), min_size=1, max_size=3)
    )
    calls: list[int] = []

    def fails(items: Sequence[Fault]) -> bool:
        calls.append(len(items))
        crashed = names(items)
        return any(c <= crashed for c in culprits)

    found = ddmin(faults(n), fails)
    assert fails(found)
    for i in range(len(found)):
        assert not fails(found[:i] + found[i + 1 :])
    assert any(names(found) == c for c in culprits)
    assert found == [f for f in faults(n) if f in found]  # original order kept


def test_ddmin_returns_nothing_when_nothing_is_needed() -> None:
    assert ddmin(faults(5), lambda items: True) == []


def test_shrink_schedule_rounds_times_and_stays_one_minimal() -> None:
    schedule = FaultSchedule(
        ["2.37 partition n1|n2,n3", "3.11 crash n3", "4.49 pause n2 1.37", "6.83 heal"]
    )

    def fails(candidate: FaultSchedule) -> bool:
        # Needs a partition and a later heal, the heal after t=5.
        acts = [(f.at, f.action) for f in candidate]
        parts = [t for t, a in acts if a == "partition"]
        heals = [t for t, a in acts if a == "heal" and t > 5]
        return bool(parts and heals and parts[0] < heals[0])

    shrunk = shrink_schedule(schedule, fails)
    assert [str(f) for f in shrunk.schedule] == ["2 partition n1|n2,n3", "7 heal"]
    assert shrunk.tests > 0
    with pytest.raises(ValueError, match="does not fail"):
        shrink_schedule(schedule, lambda candidate: False)


def test_shrinking_is_deterministic() -> None:
    schedule = FaultSchedule(faults(12))

    def fails(candidate: FaultSchedule) -> bool:
        return {"n3", "n7"} <= names(candidate)

    first = shrink_schedule(schedule, fails)
    assert first == shrink_schedule(schedule, fails)
    assert names(first.schedule) == {"n3", "n7"}
