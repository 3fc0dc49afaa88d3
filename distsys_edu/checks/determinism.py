"""Does a scenario give the same trace in every process? Run it twice and see.

The runtime is deterministic, but a learner's own actor may not be: iterating
over a ``set`` of strings visits them in an order that depends on the process's
``PYTHONHASHSEED``, so the same seed gives different traces in different
processes. :func:`check_determinism` runs a scenario in fresh Python processes
with different hash seeds and compares the traces event by event.

The scenario is a function without arguments that builds a Sim, runs it and
returns it (or its trace). The fresh processes need its code:

* if the function lives in an importable module, they import it;
* if it was defined in a notebook or a script (module ``__main__``), the source
  of every function and class of that namespace is shipped, with its imports
  and simple constants (numbers, strings, tuples...), and run there; nothing is
  pickled. Notebook cells are found through ``linecache``, where IPython keeps them.

    >>> result = check_determinism(my_scenario)      # doctest: +SKIP
    >>> result.same, result.first_difference
"""

from __future__ import annotations

import ast
import inspect
import linecache
import os
import re
import sys
import textwrap
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..jobs.cores import can_start_processes
from ..runtime.errors import SimError, invalid

_RUN = """
_result = {name}()
_trace = getattr(_result, "trace", _result)
print(_trace.digest())
for _line in _trace.lines():
    print(_line)
"""
"""What the fresh process runs after the scenario's code: its digest, then its events."""


@dataclass(frozen=True)
class DeterminismResult:
    """What :func:`check_determinism` found.

    Attributes:
        same: every process produced the same trace, byte for byte.
        hash_seeds: the ``PYTHONHASHSEED`` of each process.
        digests: each process's trace digest, in the order of ``hash_seeds``.
        first_difference: the first event that differs, as text for a person
            (its index and both versions), or ``None`` when ``same``.
    """

    same: bool
    hash_seeds: tuple[int, ...]
    digests: tuple[str, ...]
    first_difference: str | None


def check_determinism(
    scenario: Callable[[], Any], *, hash_seeds: Sequence[int] = (1, 2), timeout: float = 300.0
) -> DeterminismResult:
    """Run ``scenario()`` in a fresh process per hash seed and compare the traces.

    Args:
        scenario: a top-level function without arguments that returns a Sim
            (after running it) or a Trace, recorded with ``trace="full"``.
        hash_seeds: the ``PYTHONHASHSEED`` of each process (at least two, distinct).
        timeout: wall-clock seconds each process may take.

    Returns:
        A :class:`DeterminismResult`.

    Raises:
        InvalidArgument: ``scenario`` is not a top-level function, or fewer
            than two distinct hash seeds.
        RuntimeError: a process failed; its error output is in the message.
        SimError: this Python cannot start processes (Pyodide, in JupyterLite).
    """
    if not can_start_processes():
        raise SimError(
            f"check_determinism starts fresh Python processes, which {sys.platform} (a "
            "browser, as in JupyterLite) cannot: run it on a real machine"
        )
    if not inspect.isfunction(scenario) or "<" in scenario.__qualname__:
        raise invalid(
            "scenario", scenario, "must be a function defined at the top level of a module or cell"
        )
    seeds = tuple(hash_seeds)
    if len(set(seeds)) < 2 or not all(isinstance(s, int) and 0 <= s < 2**32 for s in seeds):
        raise invalid("hash_seeds", hash_seeds, "must be two or more distinct ints in [0, 2**32)")
    code = _code_of(scenario) + _RUN.format(name=scenario.__name__)
    runs = [_run_fresh(code, seed, timeout) for seed in seeds]
    digests = tuple(lines[0] for lines in runs)
    difference = None
    for seed, lines in zip(seeds[1:], runs[1:], strict=True):
        difference = difference or _first_difference(seeds[0], runs[0][1:], seed, lines[1:])
    return DeterminismResult(len(set(digests)) == 1, seeds, digests, difference)


def _first_difference(seed_a: int, a: list[str], seed_b: int, b: list[str]) -> str | None:
    """The first line that differs between two traces' JSON lines (the header is line 0)."""
    for i in range(max(len(a), len(b))):
        line_a = a[i] if i < len(a) else "(the trace has ended)"
        line_b = b[i] if i < len(b) else "(the trace has ended)"
        if line_a != line_b:
            where = "the header" if i == 0 else f"event {i - 1}"
            return (
                f"{where} differs: with PYTHONHASHSEED={seed_a}: {line_a}\n"
                f"with PYTHONHASHSEED={seed_b}: {line_b}\n"
                "Iterating over a set (or a dict built from one) is a usual cause: "
                "iterate over sorted(...) instead."
            )
    return None


def _run_fresh(code: str, hash_seed: int, timeout: float) -> list[str]:
    import subprocess  # here, not at the top: a browser's Python has no processes

    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONHASHSEED": str(hash_seed),
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        },
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"the scenario failed in a fresh process (PYTHONHASHSEED={hash_seed}):\n{done.stderr}"
        )
    return done.stdout.splitlines()


def _code_of(scenario: Callable[[], Any]) -> str:
    """Python source that defines ``scenario`` under its own name in a fresh process."""
    module = sys.modules.get(scenario.__module__)
    if scenario.__module__ != "__main__" and getattr(module, "__file__", None):
        return f"from {scenario.__module__} import {scenario.__name__}\n"
    return "\n".join(_definitions(scenario.__globals__)) + "\n"


def _definitions(namespace: dict[str, Any]) -> list[str]:
    """The imports, simple constants, functions and classes of a ``__main__`` namespace,
    in the order they were first defined, as source lines."""
    lines = []
    for name, value in list(namespace.items()):
        if name.startswith("_") or name in ("In", "Out", "get_ipython", "exit", "quit"):
            continue
        if isinstance(value, types.ModuleType):
            lines.append(f"import {value.__name__} as {name}")
        elif inspect.isclass(value) or inspect.isfunction(value):
            lines.append(_definition(name, value))
        elif _is_literal(value):
            lines.append(f"{name} = {value!r}")
    return lines


def _definition(name: str, value: type | types.FunctionType) -> str:
    if value.__module__ != "__main__":
        imported = f"from {value.__module__} import {value.__qualname__}"
        return imported if name == value.__qualname__ else f"{imported} as {name}"
    source = textwrap.dedent(_source(value))
    return source if name == value.__name__ else f"{source}\n{name} = {value.__name__}"


def _source(value: type | types.FunctionType) -> str:
    """The source of a function or class defined in ``__main__``.

    ``inspect`` finds a class through its module's file, which a notebook does
    not have; then the latest cell (in ``linecache``) that defines it is used.
    """
    try:
        return inspect.getsource(value)
    except (OSError, TypeError):
        pattern = re.compile(rf"class {re.escape(value.__name__)}\b")
        found = None
        for filename in list(linecache.cache):
            lines = linecache.getlines(filename)
            for i, line in enumerate(lines):
                if pattern.match(line):
                    start = i
                    while start > 0 and lines[start - 1].startswith("@"):
                        start -= 1
                    found = lines[start:i] + inspect.getblock(lines[i:])
        if found is None:
            raise invalid(
                "scenario", value, "uses a class whose source cannot be found; define it in a cell"
            ) from None
        return "".join(found)


def _is_literal(value: Any) -> bool:
    """Whether ``repr(value)`` reads back as an equal value (numbers, strings, tuples...)."""
    try:
        return bool(ast.literal_eval(repr(value)) == value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
