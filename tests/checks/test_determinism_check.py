"""check_determinism: a scenario run in fresh processes with other hash seeds.

The scenarios here are written the way a notebook defines them: the cell source
is registered in ``linecache`` (as IPython does) and run as ``__main__``, so the
fresh process cannot import the actor classes and gets their source instead.
"""

from __future__ import annotations

import itertools
import linecache
from typing import Any

import pytest

from distsys_edu.checks import check_determinism
from distsys_edu.runtime import InvalidArgument, Sim

CELL = """
from dataclasses import dataclass

from distsys_edu import Actor, Sim

NAMES = ("a", "b", "c", "d", "e", "f", "g", "h")


@dataclass(frozen=True)
class Hello:
    n: int


class Greeter(Actor):
    def started(self, ctx):
        for name in ORDER({n for n in NAMES if n != ctx.name}):
            ctx.addr(name).do_send(Hello(1))

    def on_hello(self, msg, ctx):
        ctx.annotate(last=msg.n)


def scenario():
    sim = Sim(seed=0)
    for name in NAMES:
        sim.spawn(name, Greeter)
    sim.run(until=1)
    return sim
"""

_cells = itertools.count(1)


def notebook_cell(source: str) -> dict[str, Any]:
    """Run ``source`` as IPython runs a cell: as ``__main__``, its text kept in linecache."""
    filename = f"<ipython-input-{next(_cells)}-r2test>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def test_an_actor_that_iterates_over_a_set_is_flagged_with_the_first_difference() -> None:
    cell = notebook_cell(CELL.replace("ORDER(", "list("))
    result = check_determinism(cell["scenario"], hash_seeds=(1, 2))
    assert not result.same
    assert result.hash_seeds == (1, 2)
    assert len(result.digests) == 2 and result.digests[0] != result.digests[1]
    assert result.first_difference is not None
    assert result.first_difference.startswith("event ")
    assert "PYTHONHASHSEED=1" in result.first_difference
    assert "sorted(" in result.first_difference


def test_an_actor_that_iterates_in_sorted_order_passes() -> None:
    cell = notebook_cell(CELL.replace("ORDER(", "sorted("))
    result = check_determinism(cell["scenario"], hash_seeds=(1, 2))
    assert result.same
    assert result.digests[0] == result.digests[1] == cell["scenario"]().trace.digest()
    assert result.first_difference is None


def importable_scenario() -> Sim:
    """A scenario in an importable module: the fresh process imports it by name."""
    sim = Sim(seed=3)
    sim.run(until=1)
    return sim


def test_a_scenario_in_an_importable_module_is_imported() -> None:
    result = check_determinism(importable_scenario, hash_seeds=(0, 5))
    assert result.same and result.digests[0] == importable_scenario().trace.digest()


def test_a_failing_scenario_shows_its_error() -> None:
    cell = notebook_cell("def scenario():\n    raise ValueError('my own bug')\n")
    with pytest.raises(RuntimeError, match="my own bug"):
        check_determinism(cell["scenario"])


@pytest.mark.parametrize(
    ("scenario", "seeds", "param"),
    [
        (lambda: None, (1, 2), "scenario="),
        (importable_scenario, (1, 1), "hash_seeds="),
        (importable_scenario, (1,), "hash_seeds="),
        (importable_scenario, (1, -2), "hash_seeds="),
    ],
    ids=["lambda", "same-seeds", "one-seed", "negative"],
)
def test_bad_arguments_are_refused(scenario: Any, seeds: tuple[int, ...], param: str) -> None:
    with pytest.raises(InvalidArgument, match=param):
        check_determinism(scenario, hash_seeds=seeds)
