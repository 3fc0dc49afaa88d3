"""Linearizability checker: time to check Porcupine's histories and one of ours, beside Porcupine.

Histories timed (the check only: each history is read once, untimed, and checked
``--repeat`` times, best kept; reading is timed apart as ``parse_s``):

* Porcupine's ``test_data/jepsen/etcd_*.log`` (102 register histories, ~85
  operations each; Porcupine skips ``etcd_095``, and so do we), summed;
* Porcupine's ``test_data/kv/c{01,10,50}-{ok,bad}.txt`` (key-value, by key);
* ours: 1,000 operations by 10 clients on a register (writes, reads and cas on 5
  values) and on a 10-key store (puts, gets, appends), each client one operation
  at a time, each operation's effect at a random point of its window, a tenth of the
  writes without an answer: linearizable by construction.

Without ``--porcupine DIR`` the Porcupine histories come from the few shipped in
``tests/checks/data/porcupine``. With it (a checkout of Porcupine: ``git -C
/work/.mirror/anishathalye+porcupine/repo archive HEAD | tar -x -C DIR``), all of them,
and Porcupine's own Go benchmarks (``go test -bench``, ``GOMAXPROCS=1``: one core, as
our checker uses) run on the same histories; ``ratio_ours_to_porcupine`` divides our
check time by Porcupine's ``ns/op``.

Ours and Porcupine's take turns ``--rounds`` times (default 2), and each figure is the
best of its rounds, so that a machine busy with other work at one moment does not
favour either side.

Run: ``PYTHONPATH=. python benchmarks/linearizability.py [--porcupine DIR] [--repeat N]
[--rounds R]``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import emit, machine, progress

from distsys_edu.checks import History, Operation, linearizable, load_history

SHIPPED = Path(__file__).resolve().parents[1] / "tests" / "checks" / "data" / "porcupine"
KV_NAMES = ("c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad")
GO_KV = {
    "c01-ok": "Kv1ClientOk",
    "c01-bad": "Kv1ClientBad",
    "c10-ok": "Kv10ClientsOk",
    "c10-bad": "Kv10ClientsBad",
    "c50-ok": "Kv50ClientsOk",
    "c50-bad": "Kv50ClientsBad",
}


def our_history(seed: int, ops: int, clients: int, model: str) -> History:
    """``ops`` operations by ``clients`` clients, linearizable by construction."""
    rng = random.Random(seed)
    free = [0.0] * clients  # when each client may invoke its next operation
    planned = []
    for i in range(ops):
        client = min(range(clients), key=lambda c: (free[c], c))
        start = free[client] + rng.uniform(0, 0.5)
        end = start + rng.uniform(0.1, 3.0)
        free[client] = end
        planned.append((rng.uniform(start, end), i, client, start, end))
    state: dict[Any, Any] = {}
    made = []
    for point, _i, client, start, end in sorted(planned):  # effects in point order
        key = None if model == "register" else f"k{rng.randrange(10)}"
        f = rng.choice(
            ("read", "write", "cas") if model == "register" else ("get", "put", "append")
        )
        value: Any = None
        result: Any = None
        complete: float | None = end
        if f in ("write", "put", "append"):
            value = str(rng.randrange(5)) if model == "register" else f"x{point:.3f} "
            state[key] = value if f != "append" else state.get(key, "") + value
            complete = None if rng.random() < 0.1 else end
        elif f == "cas":
            value = (str(rng.randrange(5)), str(rng.randrange(5)))
            result = state.get(key) == value[0]
            if result:
                state[key] = value[1]
        else:
            result = state.get(key)
        made.append(Operation(client, f, value, key, start, complete, result))
    made.sort(key=lambda op: op.invoke)
    return History(tuple(made), source=f"ours-{model}")


def best_check(history: History, model: str, repeat: int) -> tuple[float, bool | None]:
    """The fastest of ``repeat`` checks, in seconds, and the verdict."""
    times, verdict = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        verdict = linearizable(history, model=model).linearizable
        times.append(time.perf_counter() - start)
    return min(times), verdict


def ours(data: Path, repeat: int) -> dict[str, Any]:
    """Our check times on Porcupine's histories in ``data`` and on our own."""
    etcd = sorted(p for p in data.glob("**/etcd_*.log") if p.name != "etcd_095.log")
    results: dict[str, Any] = {}
    parse_s, total, slowest = 0.0, 0.0, ("", 0.0)
    verdicts: dict[str, bool | None] = {}
    for path in etcd:
        start = time.perf_counter()
        h = load_history(path)
        parse_s += time.perf_counter() - start
        seconds, verdicts[path.name] = best_check(h, "register", repeat)
        total += seconds
        slowest = max(slowest, (path.name, seconds), key=lambda x: x[1])
    results["etcd"] = {
        "histories": len(etcd),
        "check_s": round(total, 6),
        "parse_s": round(parse_s, 4),
        "slowest": {"name": slowest[0], "check_s": round(slowest[1], 4)},
        "linearizable": sum(v is True for v in verdicts.values()),
    }
    results["verdicts"] = verdicts
    progress(f"etcd: {len(etcd)} histories in {total:.3f} s")
    for name in KV_NAMES:
        path = next(iter(data.glob(f"**/{name}.txt")), None)
        if path is None:
            continue
        h = load_history(path)
        seconds, verdict = best_check(h, "kv", repeat)
        results[name] = {
            "operations": len(h),
            "check_s": round(seconds, 6),
            "linearizable": verdict,
        }
        verdicts[path.name] = verdict
        progress(f"{name}: {seconds:.3f} s")
    for model in ("register", "kv"):
        h = our_history(seed=1, ops=1000, clients=10, model=model)
        seconds, verdict = best_check(h, model, repeat)
        results[f"ours_1000ops_10clients_{model}"] = {
            "operations": len(h),
            "check_s": round(seconds, 6),
            "linearizable": verdict,
        }
        progress(f"ours ({model}): {seconds:.3f} s")
    return results


def expected_verdicts(directory: Path) -> dict[str, bool]:
    """The verdicts Porcupine's own tests assert, read from its ``porcupine_test.go``."""
    source = (directory / "porcupine_test.go").read_text(encoding="utf-8")
    found = {
        f"etcd_{int(n):03d}.log": v == "true"
        for n, v in re.findall(r"checkJepsen\(t, (\d+), (true|false)\)", source)
    }
    found |= {
        f"{name}.txt": v == "true"
        for name, v in re.findall(r'checkKv\(t, "([\w-]+)", (true|false), true\)', source)
    }
    return found


def porcupine(directory: Path) -> dict[str, float]:
    """Porcupine's own benchmarks (``go test -bench``): seconds per check, by benchmark."""
    env = {**os.environ, "GOMAXPROCS": "1", "GOFLAGS": "-mod=mod", "GOPROXY": "off"}
    pattern = "^Benchmark(EtcdJepsen[0-9]+|" + "|".join(GO_KV.values()) + ")$"
    progress("running Porcupine's benchmarks (go test -bench), a minute or two")
    done = subprocess.run(
        ["go", "test", "-run", "^$", "-bench", pattern, "-benchtime", "300ms"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.findall(r"^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op", done.stdout, re.M)
    names = {go: ours for ours, go in GO_KV.items()}
    return {names.get(k, k): float(v) / 1e9 for k, v in found}


def best_of_rounds(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The first round's figures, each ``check_s`` the smallest of any round."""
    best = rounds[0]
    for name, figures in best.items():
        if isinstance(figures, dict) and "check_s" in figures:
            figures["check_s"] = min(r[name]["check_s"] for r in rounds)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--porcupine", type=Path, default=None, metavar="DIR")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--rounds", type=int, default=2, help="ours then Porcupine's, this many times; best kept"
    )
    args = parser.parse_args()
    data = args.porcupine / "test_data" if args.porcupine else SHIPPED
    ours_rounds, their_rounds = [], []
    for _ in range(args.rounds):  # interleaved, so that both see the same kind of load
        ours_rounds.append(ours(data, args.repeat))
        if args.porcupine:
            their_rounds.append(porcupine(args.porcupine))
    result: dict[str, Any] = {
        "data": str(data),
        "repeat": args.repeat,
        "rounds": args.rounds,
        "ours": best_of_rounds(ours_rounds),
    }
    verdicts = result["ours"].pop("verdicts")
    if args.porcupine:
        expected = expected_verdicts(args.porcupine)
        result["disagreements_with_porcupines_tests"] = sorted(
            name for name, verdict in expected.items() if verdicts.get(name) is not verdict
        )
        result["histories_compared_with_porcupines_tests"] = len(expected)
        theirs = {k: min(r[k] for r in their_rounds) for k in their_rounds[0]}
        etcd = [k for k in theirs if k.startswith("EtcdJepsen")]
        if len(etcd) != result["ours"]["etcd"]["histories"]:
            progress(f"warning: Porcupine timed {len(etcd)} etcd histories")
        theirs["etcd"] = sum(theirs.pop(k) for k in etcd)
        result["porcupine_s"] = {k: round(v, 6) for k, v in theirs.items()}
        result["ratio_ours_to_porcupine"] = {
            name: round(result["ours"][name]["check_s"] / theirs[name], 2)
            for name in theirs
            if name in result["ours"] and theirs[name] > 0
        }
        go = subprocess.run(["go", "version"], capture_output=True, text=True, check=False)
        result["go"] = go.stdout.strip()
    result["machine"] = machine()
    emit(result)


if __name__ == "__main__":
    sys.exit(main())
