"""Durations with units (issue 6, item 13): ``5ms``, ``0.25s``, ``250us``; bare numbers
keep their place's unit, with a warning where they are implausible."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.runtime import Constant, Fault, FaultSchedule, LinkConfig, LogNormal, Sim, Uniform
from distsys_edu.runtime.network import latency_text, parse_latency
from distsys_edu.runtime.units import (
    ImplausibleUnitWarning,
    format_duration,
    parse_duration,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("5ms", 0.005), ("0.25s", 0.25), ("250us", 0.00025), ("1.5", 1.5), (" 2 ms ", 0.002)],
)
def test_a_duration_reads_with_its_unit(text: str, seconds: float) -> None:
    assert parse_duration("t", text) == seconds


def test_a_bare_number_takes_the_unit_of_its_place() -> None:
    assert parse_duration("--timeout", "150", unit="ms") == 0.15


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.005, "5ms"), (1.5, "1.5s"), (0.00025, "250us"), (0.0, "0s"), (2.0, "2s"), (1e22, "1e+22s")],
)
def test_a_duration_prints_with_its_unit(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, allow_infinity=False, allow_nan=False))
def test_format_and_parse_are_exact_inverses(seconds: float) -> None:
    assert parse_duration("t", format_duration(seconds)) == seconds


def test_fault_text_shows_units_and_round_trips() -> None:
    fault = Fault.parse("500ms latency 5ms:10ms n1 n2")
    assert fault == Fault(0.5, "latency", (Uniform(0.005, 0.01), "n1", "n2"))
    assert str(fault) == "0.5 latency 5ms:10ms n1 n2"
    assert str(Fault.parse("1 pause n1 250ms")) == "1 pause n1 250ms"
    schedule = FaultSchedule([fault, Fault.parse("1 pause n1 250ms")])
    assert FaultSchedule.from_json(schedule.to_json()) == schedule
    assert FaultSchedule.parse(str(schedule)) == schedule


def test_a_bare_latency_of_a_second_or_more_in_a_fault_line_warns() -> None:
    with pytest.warns(ImplausibleUnitWarning) as caught:
        fault = Fault.parse("0 latency 5:10")
    assert fault.args == (Uniform(5, 10),)  # read as seconds, as documented
    assert str(caught[0].message) == (
        "latency=5:10 has no unit, so it is read as 5s:10s: a latency of 1s or more is "
        "unusual. Write 5s:10s if you meant that, or 5ms:10ms"
    )
    assert caught[0].filename == __file__  # it points at the caller's line


def test_set_network_with_a_bare_latency_of_a_second_or_more_warns() -> None:
    sim = Sim(seed=0)
    with pytest.warns(ImplausibleUnitWarning, match="latency=10 has no unit"):
        sim.set_network(latency=10)
    assert sim.network.default.latency == Constant(10)


def test_explicit_units_and_plausible_numbers_do_not_warn() -> None:
    sim = Sim(seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim.set_network(latency="10ms")
        sim.set_network(latency=0.01)
        sim.set_network(latency=Constant(10))  # explicit: a Constant of 10 seconds
        Fault.parse("0 latency 5s:10s")
        Fault.parse("0 latency lognormal:5ms:2:10")  # a sigma and a cap are no latency
        LinkConfig(latency="2ms:3ms")
    assert sim.network.default.latency == Constant(10)


def test_latency_models_take_strings_with_units() -> None:
    assert Constant("5ms") == Constant(0.005)
    assert Uniform("5ms", "0.01s") == Uniform(0.005, 0.01)
    assert LogNormal("5ms", 0.5, "1s") == LogNormal(0.005, 0.5, 1.0)
    assert parse_latency("lognormal:5ms:0.5:inf") == LogNormal(0.005, 0.5)
    assert latency_text(LogNormal(0.005, 0.5, 0.25)) == "lognormal:5ms:0.5:250ms"
    assert math.isinf(LogNormal("5ms", 0.5).maximum)
