"""An independent per-event safety checker, agreeing with ``one_leader_per_term``.

The oracle here is written apart from the library on purpose, from the runtime's
documented rules only (docs/runtime.md, "The trace"): replay every event of the
trace, keep each node's published view (``annotate`` merges keys, ``None`` removes
one, a spawn, crash, restart or stop clears the view), and after every event flag
a node that leads a term some other node has led. It shares no code with
:mod:`distsys_edu.checks`, so a bug in the library's replay (such as reading the
state only once each instant is over) makes the two disagree.

Hypothesis draws protocols (Raft, and two broken on purpose: one whose second
leader stays, one whose second leader steps down within the same instant), a seed,
a cluster size and a random fault schedule (``random_schedule``), and the two
checkers must report the same violations, at the same times, naming the same nodes.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from toy_protocols import spawn_flicker, spawn_term_one

from distsys_edu.checks import FaultMix, one_leader_per_term, random_schedule, run_once
from distsys_edu.protocols.cluster import node_names
from distsys_edu.runtime import Trace

CLEARS_VIEW = ("spawn", "crash", "restart", "stop")  # docs/runtime.md: nothing published yet

DURATION = 5.0
MIX = FaultMix(actions=(1, 5), crash=3.0, restart=0.9, quiet=1.5)
PROTOCOLS: dict[str, Any] = {
    "raft": "raft",
    "term_one": spawn_term_one,
    "flicker": spawn_flicker,
}


def second_leaders_of_a_term(trace: Trace) -> list[tuple[float, tuple[str, ...]]]:
    """``(t, claimants so far)`` each time a node leads a term another node led, at any event."""
    views: dict[str, dict[str, Any]] = {}
    led_by: dict[Hashable, list[str]] = {}
    found: list[tuple[float, tuple[str, ...]]] = []
    for event in trace:
        node = event.node
        if node is None:
            continue
        if event.kind in CLEARS_VIEW:
            views[node] = {}
        elif event.kind == "annotate":
            view = views.setdefault(node, {})
            for key, value in event.data.items():
                if value is None:
                    view.pop(key, None)
                else:
                    view[key] = value
            term = view.get("term")
            if view.get("role") == "leader" and term is not None:
                leaders = led_by.setdefault(term, [])
                if node not in leaders:
                    leaders.append(node)
                    if len(leaders) > 1:
                        found.append((event.t, tuple(leaders)))
    return found


@settings(max_examples=200, deadline=None)
@given(
    protocol=st.sampled_from(sorted(PROTOCOLS)),
    seed=st.integers(0, 2**32 - 1),
    nodes=st.integers(2, 5),
)
def test_the_library_and_an_independent_per_event_checker_agree(
    protocol: str, seed: int, nodes: int
) -> None:
    schedule = random_schedule(seed, node_names(nodes), DURATION, MIX)
    sim = run_once(PROTOCOLS[protocol], seed, schedule, nodes=nodes, duration=DURATION)
    expected = second_leaders_of_a_term(sim.trace)
    assert [(v.t, v.nodes) for v in one_leader_per_term(sim.trace)] == expected


def test_the_oracle_sees_a_second_leader_that_lasts_zero_seconds() -> None:
    # The oracle itself must not miss what it is there to catch.
    sim = run_once(spawn_flicker, 0, ["1 restart n2", "2 crash n3", "3 restart n3"], nodes=3)
    assert second_leaders_of_a_term(sim.trace) == [(1.0, ("n1", "n2")), (3.0, ("n1", "n2", "n3"))]
