"""Fault input and latency parameters: only the project's own errors, never a raw one.

Issue 6, item 6: ``from_json`` read ``"args": "n1"`` as a crash of node ``n`` and
dropped extra args; huge ints raised ``OverflowError``; ``Fault(10**400, "heal")``
was accepted and then could not be printed; ``LogNormal(maximum="x")`` raised a
raw ``TypeError``. A Hypothesis test feeds junk to every public constructor and
parser of the runtime's input modules.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu.runtime import (
    Constant,
    Fault,
    FaultSchedule,
    FaultScheduleError,
    InvalidArgument,
    LinkConfig,
    LogNormal,
    SimError,
    Trace,
    Uniform,
    snapshot_at,
)
from distsys_edu.runtime.faults import as_fault
from distsys_edu.runtime.network import as_latency, parse_latency
from distsys_edu.runtime.units import parse_duration, read_duration


@pytest.mark.parametrize(
    ("call", "fragments"),
    [
        (
            lambda: FaultSchedule.from_json('[{"at": 1, "action": "crash", "args": "n1"}]'),
            ["args='n1'", "must be a list", "write TIME crash NODE"],
        ),
        (
            lambda: FaultSchedule.from_json('[{"at": 1, "action": "crash", "args": ["a", "b"]}]'),
            ["args=['a', 'b']", "at most 1"],
        ),
        (
            lambda: Fault.from_dict({"at": 1, "action": "partition", "args": ["ab"]}),
            ["groups='ab'", "list of two lists"],
        ),
        (lambda: Fault(1, "crash", "n"), ["args='n'", "tuple or list"]),
        (lambda: Fault(1, "pause", ("a", 10**400)), ["pause argument 1000", "seconds > 0"]),
        (
            lambda: FaultSchedule.from_json('[{"at": 1' + "0" * 400 + ', "action": "heal"}]'),
            ["at=1000"],
        ),
        (lambda: Fault(10**400, "heal"), ["at=1000", "finite"]),
        (lambda: LogNormal(0.01, 0.5, maximum="x"), ["maximum='x'", "duration"]),
        (lambda: LogNormal(0.01, 0.5, maximum=None), ["maximum=None"]),
    ],
    ids=[
        "json-args-str",
        "json-extra-args",
        "json-groups-str",
        "args-str",
        "pause-huge",
        "json-at-huge",
        "at-huge",
        "maximum-str",
        "maximum-none",
    ],
)
def test_each_reported_case_is_the_usual_clear_error(
    call: Callable[[], Any], fragments: list[str]
) -> None:
    with pytest.raises(InvalidArgument) as info:
        call()
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


def test_a_list_of_args_is_kept_as_a_tuple() -> None:
    assert Fault(1, "crash", ["n1"]) == Fault(1, "crash", ("n1",))
    assert hash(Fault(1, "crash", ["n1"])) == hash(Fault(1, "crash", ("n1",)))


# ---------------------------------------------------------------- Hypothesis: junk in

junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["n1", "crash", "pause", "latency", "5ms", "1e999", "nan", "-1", "inf"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
"""Huge ints, NaN, inf, bools, strings, None, lists and dicts of those."""

fault_dicts = st.fixed_dictionaries(
    {
        "at": junk,
        "action": st.sampled_from(["crash", "pause", "partition", "latency", "loss", "x"]),
    },
    optional={"args": junk},
)

CONSTRUCTORS: list[tuple[str, Callable[..., Any]]] = [
    ("Constant", lambda a, b, c: Constant(a)),
    ("Uniform", lambda a, b, c: Uniform(a, b)),
    ("LogNormal", lambda a, b, c: LogNormal(a, b, c)),
    ("LinkConfig", lambda a, b, c: LinkConfig(a, b, c)),
    ("as_latency", lambda a, b, c: as_latency(a)),
    ("parse_latency", lambda a, b, c: parse_latency(a)),
    ("parse_duration", lambda a, b, c: parse_duration("x", a)),
    ("Fault", lambda a, b, c: str(Fault(a, b, c))),
    ("Fault-action", lambda a, b, c: str(Fault(1, "pause", ("n1", a)))),
    ("Fault.parse", lambda a, b, c: str(Fault.parse(a))),
    ("Fault.from_dict", lambda a, b, c: str(Fault.from_dict(a))),
    ("as_fault", lambda a, b, c: str(as_fault(a))),
    ("FaultSchedule", lambda a, b, c: str(FaultSchedule(a))),
    ("FaultSchedule.parse", lambda a, b, c: str(FaultSchedule.parse(a))),
    ("FaultSchedule.from_json", lambda a, b, c: str(FaultSchedule.from_json(a))),
    ("Trace", lambda a, b, c: Trace(a)),
    ("events", lambda a, b, c: Trace().events(since=a, until=b)),
    ("snapshot_at", lambda a, b, c: snapshot_at(Trace(), a)),
]


@settings(max_examples=60, deadline=None)
@given(
    which=st.sampled_from(CONSTRUCTORS),
    a=junk | fault_dicts,
    b=junk,
    c=junk,
)
def test_junk_gives_only_the_projects_errors(
    which: tuple[str, Callable[..., Any]], a: Any, b: Any, c: Any
) -> None:
    name, make = which
    try:
        make(a, b, c)
    except SimError:
        pass  # the project's own: fine
    except Exception as exc:  # anything else is the bug
        pytest.fail(f"{name}({a!r}, {b!r}, {c!r}) raised {type(exc).__name__}: {exc}")


@settings(max_examples=60, deadline=None)
@given(st.lists(fault_dicts, max_size=3))
def test_junk_json_schedules_give_only_the_projects_errors(data: list[Any]) -> None:
    try:
        text = json.dumps(data)
    except (ValueError, OverflowError):
        return  # not JSON at all
    try:
        schedule = FaultSchedule.from_json(text)
    except FaultScheduleError:
        return
    assert FaultSchedule.from_json(schedule.to_json()) == schedule  # what loads, round-trips
    assert FaultSchedule.parse(str(schedule)) == schedule


def test_read_duration_does_not_spend_long_on_a_huge_exponent() -> None:
    with pytest.raises(ValueError):
        read_duration("1e-99999999")  # exponents have at most four digits
    assert read_duration("1e9999") == math.inf
    with pytest.raises(InvalidArgument, match="duration"):
        parse_duration("t", "1e9999")


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: FaultSchedule(5), "faults=5"),
        (lambda: FaultSchedule("1 crash a"), "FaultSchedule.parse reads text"),
        (lambda: FaultSchedule.from_json(None), "text=None"),
        (lambda: FaultSchedule.parse(["1 crash a"]), "text=['1 crash a']"),
        (lambda: Fault.parse(None), "cannot be parsed"),
        (lambda: Fault.from_dict({"at": 1, "action": "pause", "args": ["a", "soon"]}), "'soon'"),
    ],
    ids=["not-iterable", "a-str", "json-none", "parse-list", "line-none", "json-seconds-text"],
)
def test_a_schedule_of_the_wrong_kind_is_refused(call: Callable[[], Any], fragment: str) -> None:
    with pytest.raises(FaultScheduleError) as info:
        call()
    assert fragment in str(info.value)


def test_json_takes_times_and_durations_with_units() -> None:
    fault = Fault.from_dict({"at": "500ms", "action": "pause", "args": ["a", "250ms"]})
    assert fault == Fault(0.5, "pause", ("a", 0.25))


def test_json_args_that_are_not_a_list_are_refused_for_any_action() -> None:
    with pytest.raises(FaultScheduleError, match=r"args=None must be a list"):
        FaultSchedule.from_json('[{"at": 1, "action": "x", "args": null}]')


# -- the public functions of checks, experiments and viz (issue 17, item 11) -----------

TRACE = None  # built on first use: a short Raft run with a crash


def _trace() -> Any:
    global TRACE
    if TRACE is None:
        from distsys_edu import Sim
        from distsys_edu.protocols import spawn

        sim = Sim(seed=2, faults=["0.6 crash n1"])
        spawn(sim, "raft", 3)
        sim.run(until=1.2)
        TRACE = sim.trace
    return TRACE


def _public_calls() -> dict[str, tuple[Callable[..., Any], Callable[[], dict[str, Any]]]]:
    """Each public function with arguments that work: the junk replaces one at a time."""
    from distsys_edu import checks, viz
    from distsys_edu.experiments.election_messages import election_messages
    from distsys_edu.experiments.election_time import election_time
    from distsys_edu.experiments.swim_false_deaths import false_deaths

    trace = _trace
    return {
        "one_leader_among_reachable": (
            checks.one_leader_among_reachable,
            lambda: {"trace": trace(), "grace": 2.0, "window": 10.0, "end": None},
        ),
        "completeness": (
            checks.completeness,
            lambda: {"trace": trace(), "within": 1.0, "restarted": False, "end": None},
        ),
        "liveness": (checks.liveness, lambda: {"trace": trace(), "after": None, "within": 3.0}),
        "leader_known_by_all": (
            checks.leader_known_by_all,
            lambda: {"source": trace(), "since": 0.0},
        ),
        "one_leader_per_term": (checks.one_leader_per_term, lambda: {"trace": trace()}),
        "run_once": (
            checks.run_once,
            lambda: {
                "protocol": "raft",
                "seed": 0,
                "schedule": [],
                "nodes": 3,
                "duration": 0.3,
                "latency": 0.001,
                "options": None,
            },
        ),
        "explore": (
            checks.explore,
            lambda: {
                "protocol": "raft",
                "runs": 0,
                "seed": 0,
                "nodes": 3,
                "duration": 15.0,
                "latency": (0.001, 0.01),
                "options": None,
                "max_shrink": 0,
            },
        ),
        "random_schedule": (
            checks.random_schedule,
            lambda: {"seed": 0, "nodes": ["n1", "n2"], "duration": 15.0},
        ),
        "election_time": (
            election_time,
            lambda: {
                "nodes": 3,
                "timeout": (0.15, 0.3),
                "latency": (0.005, 0.01),
                "trials": 1,
                "seed": 0,
                "progress": False,
            },
        ),
        "election_messages": (
            election_messages,
            lambda: {"protocol": "bully", "nodes": 3, "order": "ascending", "seed": 0},
        ),
        "false_deaths": (
            false_deaths,
            lambda: {"runs": 1, "nodes": 3, "suspicion_timeout": None, "seed": 0},
        ),
        "timeline": (
            viz.timeline,
            lambda: {"trace": trace(), "start": 0.0, "end": 1.0, "max_messages": 400},
        ),
        "read_story": (viz.read_story, lambda: {"trace": trace()}),
        "cluster_png": (viz.cluster_png, lambda: {"source": trace(), "t": 0.5, "dpi": 20}),
        "layout": (viz.layout, lambda: {"nodes": ["n1", "n2"]}),
    }


PUBLIC = sorted(_public_calls())

PUBLIC_JUNK = st.sampled_from(
    [
        math.nan,
        math.inf,
        -math.inf,
        -1,
        -0.5,
        10**400,
        1e308,
        "x",
        "",
        "5 parsecs",
        "-1s",
        "nan",
        "1e999",
        True,
        [],
        [1],
        {},
        {"bogus": 1},
        object(),
        b"1",
        1j,
    ]
) | st.text(max_size=4)
"""What a person may pass by mistake (never a valid long duration: each call stays short)."""


@settings(max_examples=250, deadline=None)
@given(name=st.sampled_from(PUBLIC), data=st.data())
def test_public_functions_of_checks_experiments_and_viz_refuse_junk_clearly(
    name: str, data: st.DataObject
) -> None:
    """One argument replaced by junk: the call works or raises the project's own error
    (``SimError``, ``InvalidArgument`` among them), never a raw ``TypeError``,
    ``ValueError``, ``OverflowError``..., and never a quiet wrong answer from NaN."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    function, valid = _public_calls()[name]
    kwargs = valid()
    param = data.draw(st.sampled_from(sorted(kwargs)), label="param")
    kwargs[param] = data.draw(PUBLIC_JUNK, label="junk")
    try:
        function(**kwargs)
    except SimError:
        pass
    finally:
        plt.close("all")


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda c: c.one_leader_among_reachable(_trace(), end=math.nan), "end=nan"),
        (lambda c: c.one_leader_among_reachable(_trace(), end=10**400), "end=1000"),
        (lambda c: c.one_leader_among_reachable(_trace(), end="x"), "end='x'"),
        (lambda c: c.explore("raft", runs=1, duration=math.nan), "duration=nan"),
        (lambda c: c.explore("raft", runs=1, options={"bogus": 1}), "has no option 'bogus'"),
    ],
    ids=["end-nan", "end-huge", "end-str", "duration-nan", "unknown-option"],
)
def test_the_reported_calls_of_checks_are_clear_errors(
    call: Callable[[Any], Any], fragment: str
) -> None:
    from distsys_edu import checks

    with pytest.raises(InvalidArgument, match=re.escape(fragment)):
        call(checks)


def test_a_duration_with_a_unit_is_welcome_where_a_person_types_one() -> None:
    from distsys_edu import checks

    typed = checks.explore("raft", runs=1, nodes=3, latency="5ms", duration="15s")
    assert (typed.duration, typed.runs) == (15.0, 1)
    assert checks.one_leader_among_reachable(_trace(), grace="2s", end="1200ms") == []
