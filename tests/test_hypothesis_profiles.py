"""The fast loop's Hypothesis profile runs a few examples of every property test, and
only `make check` selects it: `make test` and CI keep each test's full count."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule
from hypothesis_profiles import CHECK_EXAMPLES, CHECK_PROFILE, cap_examples, capped

ROOT = Path(__file__).resolve().parent.parent


def test_capping_lowers_only_the_number_of_examples():
    given_settings = settings(max_examples=CHECK_EXAMPLES * 5, derandomize=True, deadline=None)
    low = capped(given_settings)
    assert low.max_examples == CHECK_EXAMPLES
    assert low.derandomize and low.deadline is None
    few = settings(max_examples=CHECK_EXAMPLES - 3)
    assert capped(few) is few


def test_a_capped_property_runs_the_capped_number_of_examples():
    calls = []

    @settings(max_examples=CHECK_EXAMPLES * 5, database=None)
    @given(st.integers())
    def prop(n: int) -> None:
        calls.append(n)

    cap_examples(prop)
    prop()
    assert 0 < len(calls) <= CHECK_EXAMPLES


def test_a_capped_state_machine_runs_the_capped_number_of_examples():
    runs = []

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            runs.append(self)

        @rule()
        def step(self) -> None:
            pass

    case = Machine.TestCase
    case.settings = settings(max_examples=CHECK_EXAMPLES * 5, database=None)
    cap_examples(None, case)
    case("runTest").runTest()
    assert 0 < len(runs) <= CHECK_EXAMPLES


def test_only_make_check_selects_the_check_profile():
    makefile = (ROOT / "Makefile").read_text()
    check = re.search(r"^CHECK_ARGS \?=(.*?)(?<!\\)\n", makefile, re.M | re.S)
    full = re.search(r"^PYTEST_ARGS \?=(.*?)(?<!\\)\n", makefile, re.M | re.S)
    assert check is not None and full is not None
    assert f"--hypothesis-profile={CHECK_PROFILE}" in check.group(1)
    assert "hypothesis-profile" not in full.group(1)


def test_no_profile_sets_a_wall_clock_deadline():
    for name in ("dev", "ci", CHECK_PROFILE):
        assert settings.get_profile(name).deadline is None, name
