"""ExerciseResult: status from outcomes, the short text, the coloured box, the grader's data."""

from __future__ import annotations

import pytest

from distsys_edu.exercises import ExerciseFailed, ExerciseResult, ScenarioOutcome
from distsys_edu.exercises.result import (
    ERROR,
    FAILED,
    MIMETYPE,
    NOT_ATTEMPTED,
    PASSED,
    STATUSES,
)
from distsys_edu.runtime import InvalidArgument

OK = ScenarioOutcome("calm", PASSED)
BAD = ScenarioOutcome(
    "stormy",
    FAILED,
    expected="5 pongs",
    happened="3 pongs",
    hint="retry",
    replay="sim = replay('x', 'stormy', C)",
    at=2.5,
)
BAD_AGAIN = ScenarioOutcome("windy", FAILED, expected="5", happened="4", hint="retry")
BROKEN = ScenarioOutcome("calm", ERROR, expected="no exception", happened="KeyError: 1")
TODO = ScenarioOutcome(
    "calm", NOT_ATTEMPTED, happened="started() raises NotImplementedError", hint="write it"
)


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        ([OK, OK], PASSED),
        ([OK, BAD], FAILED),
        ([BAD, BROKEN], ERROR),
        ([BROKEN, TODO, BAD], NOT_ATTEMPTED),
    ],
)
def test_status_follows_from_the_worst_outcome(outcomes, status):
    result = ExerciseResult.from_outcomes("x", outcomes)
    assert result.status == status
    assert result.passed == (status == PASSED)


def test_text_of_a_failure_names_scenario_expected_happened_hint_and_replay():
    text = str(ExerciseResult.from_outcomes("ping_pong", [OK, BAD, BAD_AGAIN]))
    assert text.splitlines() == [
        "ping_pong: FAILED (1 of 3 scenarios passed)",
        "- calm: passed",
        "- stormy: failed",
        "    expected: 5 pongs",
        "    happened: 3 pongs",
        "    hint: retry",
        "    replay it:",
        "      sim = replay('x', 'stormy', C)",
        "- windy: failed",
        "    happened: 4 (hint as above)",
    ]
    assert repr(ExerciseResult.from_outcomes("ping_pong", [OK, BAD])) == str(
        ExerciseResult.from_outcomes("ping_pong", [OK, BAD])
    )


def test_text_of_not_attempted_is_one_line_and_a_hint():
    result = ExerciseResult.from_outcomes("x", [TODO, OK])
    assert str(result).splitlines() == [
        "x: NOT ATTEMPTED yet: started() raises NotImplementedError",
        "  hint: write it",
    ]


def test_only_the_first_error_is_detailed():
    second = ScenarioOutcome("other", ERROR, expected="no exception", happened="KeyError: 1")
    text = str(ExerciseResult.from_outcomes("x", [BROKEN, second]))
    assert text.splitlines()[0] == "x: ERROR in scenario 'calm': KeyError: 1"
    assert text.count("happened:") == 1


@pytest.mark.parametrize("status", STATUSES)
def test_box_has_a_label_as_well_as_a_colour(status):
    outcome = {PASSED: OK, FAILED: BAD, ERROR: BROKEN, NOT_ATTEMPTED: TODO}[status]
    html = ExerciseResult.from_outcomes("x", [outcome])._repr_html_()
    label = {PASSED: "PASSED", FAILED: "FAILED", ERROR: "ERROR", NOT_ATTEMPTED: "NOT ATTEMPTED"}
    assert html.count(label[status]) == 1  # in the box's label, not again in its text
    assert "border" in html


def test_box_escapes_text_and_shows_a_picture():
    outcome = ScenarioOutcome("<b>", FAILED, happened="a < b", picture=b"\x89PNG")
    result = ExerciseResult.from_outcomes("x", [outcome])
    html = result._repr_html_()
    assert "&lt;b&gt;" in html and "a &lt; b" in html
    assert "data:image/png;base64,iVBORw==" in html
    assert "PNG" not in str(result) and "iVBOR" not in str(result)


def test_mimebundle_carries_text_box_and_data_that_reads_back():
    result = ExerciseResult.from_outcomes("x", [OK, BAD])
    bundle = result._repr_mimebundle_()
    assert bundle["text/plain"] == str(result)
    assert bundle["text/html"] == result._repr_html_()
    assert ExerciseResult.from_dict(bundle[MIMETYPE]) == result


def test_from_dict_refuses_what_to_dict_could_not_write():
    with pytest.raises(InvalidArgument, match="data="):
        ExerciseResult.from_dict({"exercise": "x"})


def test_unknown_status_is_refused():
    with pytest.raises(InvalidArgument, match="status='maybe' is not allowed"):
        ScenarioOutcome("s", "maybe")
    with pytest.raises(InvalidArgument, match="status='maybe' is not allowed"):
        ExerciseResult("x", "maybe", ())


def test_raise_unless_passed():
    passed = ExerciseResult.from_outcomes("x", [OK])
    assert passed.raise_unless_passed() is passed
    failed = ExerciseResult.from_outcomes("x", [BAD])
    with pytest.raises(ExerciseFailed) as caught:
        failed.raise_unless_passed()
    assert caught.value.result is failed
    assert str(caught.value) == str(failed)
    assert isinstance(caught.value, AssertionError)
