"""ExerciseResult: status from outcomes, the short text, the coloured box, the grader's data."""

from __future__ import annotations

import pytest

from distsys_edu.exercises import ExerciseFailed, ExerciseResult, ScenarioOutcome
from distsys_edu.exercises.result import (
    ERROR,
    FAILED,
    NOT_ATTEMPTED,
    PASSED,
    STATUSES,
    SUMMARY_CHARS,
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


def test_data_reads_back():
    result = ExerciseResult.from_outcomes("x", [OK, BAD])
    assert ExerciseResult.from_dict(result.to_dict()) == result
    assert result.to_dict()["text"] == str(result)


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


def test_box_opens_the_first_problem_in_full_and_folds_each_other_under_one_line():
    drawn = []

    def draw(name):
        def png():
            drawn.append(name)
            return b"\x89PNG"

        return png

    first = ScenarioOutcome("stormy", FAILED, "5", "3 pongs", "retry", draw=draw("stormy"))
    second = ScenarioOutcome("windy", FAILED, "5", "4 pongs " + "x" * 200, "h", draw=draw("windy"))
    html = ExerciseResult.from_outcomes("x", [OK, first, second])._repr_html_()
    assert html.count("<details") == 2 and html.count("<details open>") == 1
    assert html.index("<details open>") < html.index("stormy") < html.index("<details>")
    folded = html[html.index("<details>") :]
    assert "windy: 4 pongs x" in folded  # its line says what happened ...
    line = folded[folded.index("windy: ") + 7 : folded.index("</summary>")]
    assert line.endswith("\u2026") and len(line) <= SUMMARY_CHARS  # ... in one short line
    assert drawn == ["stormy"]  # only the open one is drawn
    assert html.count("<img") == 1
    assert "<details" not in html[: html.index("calm") + 20]  # a pass is a plain line


def test_box_keeps_code_inside_its_border_and_names_its_picture():
    outcome = ScenarioOutcome(
        "s", FAILED, happened="h", replay="x = " + "1" * 300, picture=b"p", caption="the messages"
    )
    html = ExerciseResult.from_outcomes("x", [outcome])._repr_html_()
    assert '<pre style="white-space:pre-wrap' in html
    assert 'style="max-width:100%;height:auto"' in html
    assert "<dt>the messages</dt>" in html


def test_a_probes_messages_are_shown_in_the_box_and_kept_in_the_data():
    lines = ("t=0  n3 received RingElection(candidate_id=1)", "t=0  n3 sent Elected(3) to n4")
    outcome = ScenarioOutcome("rule", FAILED, happened="h", messages=lines)
    result = ExerciseResult.from_outcomes("x", [outcome])
    html = result._repr_html_()
    assert "<dt>what it received and sent</dt>" in html
    assert "n3 received RingElection(candidate_id=1)\nt=0  n3 sent Elected(3) to n4" in html
    assert ExerciseResult.from_dict(result.to_dict()) == result
    assert "received" not in str(result)  # the text stays short
