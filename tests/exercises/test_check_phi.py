"""Lesson 03's phi check: the worked answer passes (and equals the library's detector),
the stub is not attempted, and each plausible wrong detector gets its own feedback."""

from __future__ import annotations

import math

import phi_answers as wrong
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from variants import Variant, assert_caught

from distsys_edu.exercises import check_phi
from distsys_edu.exercises.phi import MISTAKES, reference
from distsys_edu.exercises.phi import PhiDetector as Stub
from distsys_edu.exercises.phi_mistakes import Mistake
from distsys_edu.exercises.result import FAILED, NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.solutions.phi import PhiDetector


def failed_scenarios(result):
    return {o.scenario: o for o in result.outcomes if o.status == FAILED}


def test_worked_answer_passes_every_scenario():
    result = check_phi(PhiDetector)
    assert result.status == PASSED
    assert len(result.outcomes) == 4


def test_stub_is_not_attempted():
    result = check_phi(Stub)
    assert result.status == NOT_ATTEMPTED
    assert "raises NotImplementedError: compute phi" in result.outcomes[0].happened


@pytest.mark.parametrize(
    ("answer", "mistake", "first_failing"),
    [
        (wrong.SampleVariance, "the sample variance", "steady heartbeats"),
        (wrong.NoMinimumStd, "no minimum standard deviation", "steady heartbeats"),
        (wrong.NeverDrops, "a window that never drops old intervals", "steady heartbeats"),
        (wrong.NoGuesses, "no guessed intervals", "steady heartbeats"),
    ],
)
def test_each_wrong_formula_is_named(answer, mistake, first_failing):
    failed = failed_scenarios(check_phi(answer))
    assert "never heard" not in failed
    outcome = failed[first_failing]
    assert outcome.happened.endswith(f"which is what {mistake} gives")
    assert outcome.hint == next(m.hint for m in MISTAKES if m.name == mistake)
    assert outcome.at is not None


def test_the_window_mistake_shows_when_the_sender_slows_down():
    failed = failed_scenarios(check_phi(wrong.NeverDrops))
    assert "window that never drops" in failed["sender slows down"].happened


def test_a_never_heard_node_must_have_phi_zero():
    failed = failed_scenarios(check_phi(wrong.NeverHeardSuspected))
    outcome = failed["never heard"]
    assert outcome.expected == "phi=0 at t=0.05 (no heartbeat heard yet)"
    assert "for a node never heard from" in outcome.happened
    assert outcome.hint.startswith("before the first heartbeat there is nothing to measure")


def test_an_exception_for_a_never_heard_node_gets_the_same_hint():
    failed = failed_scenarios(check_phi(wrong.NeverHeardCrashes))
    outcome = failed["never heard"]
    assert outcome.happened == (
        "phi(0.025) raised StatisticsError: fmean requires at least one data point"
    )
    assert outcome.hint == "before the first heartbeat there is nothing to measure: return 0.0"


def test_the_text_is_deterministic():
    assert str(check_phi(wrong.SampleVariance)) == str(check_phi(wrong.SampleVariance))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.001, 0.5), min_size=0, max_size=25), st.floats(0.0, 2.0))
def test_the_worked_answer_computes_what_the_library_computes(gaps, wait):
    answer, library = PhiDetector(), reference()
    t = 0.0
    for gap in gaps:
        t += gap
        answer.heartbeat(t)
        library.heartbeat(t)
    mine, theirs = answer.phi(t + wait), library.phi(t + wait)
    assert mine == theirs or math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-12)


@given(st.lists(st.floats(0.001, 0.5), min_size=0, max_size=25), st.floats(0.0, 2.0))
def test_a_mistake_model_with_no_mistake_computes_the_librarys_phi(gaps, wait):
    """The judge names a mistake when the learner's phi matches its model; the model
    is sound only if, with every mistake switched off, it is the right phi."""
    library, arrivals, t = reference(), [], 0.0
    for gap in gaps:
        t += gap
        arrivals.append(t)
        library.heartbeat(t)
    model = Mistake("none", "").phi(arrivals, t + wait)
    right = library.phi(t + wait)
    assert model == right or math.isclose(model, right, rel_tol=1e-9, abs_tol=1e-12)


VARIANTS = [
    Variant("0.0 before the first heartbeat", wrong.NoGuardForNeverHeard, ("return 0.0",)),
    Variant("start the window with FIRST_INTERVALS", wrong.GuessesLeftOut, ("FIRST_INTERVALS",)),
    Variant("keep only WINDOW intervals", wrong.NeverDrops, ("only the last window",)),
    Variant("drop the oldest", wrong.DropsTheNewest, ("drop the oldest",)),
    Variant("divide by n", wrong.SampleVariance, ("not n - 1",)),
    Variant("at least MIN_STD", wrong.NoMinimumStd, ("min_std",)),
    Variant("math.inf if p_later is 0", wrong.NoInfinity, ("math.inf",)),
    Variant("note when the last heartbeat came", wrong.NeverNotesTheLast, ("self.last = t",)),
    Variant("-log10, not the natural log (fresh)", wrong.NaturalLog, ("log10",)),
    Variant("erfc, not 1 - erf (fresh)", wrong.OneMinusErf, ("math.erfc",)),
    Variant("silence since the last (fresh)", wrong.SilenceFromTheFirst, ("self.last = t",)),
    Variant("WINDOW, not WINDOW + 1 (fresh)", wrong.WindowOfEleven, ("only the last window",)),
    Variant("phi 0 for the never heard (existing)", wrong.NeverHeardSuspected, ("return 0.0",)),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=Variant.id)
def test_each_rule_left_out_is_caught_and_named(variant):
    assert_caught(check_phi, variant)
