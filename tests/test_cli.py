"""Tests for the command line (distsys_edu.cli): JSON output, timelines, bad input."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from distsys_edu.cli import main
from distsys_edu.cli.output import final_state
from distsys_edu.experiments.election_time import ElectionTimeResult
from distsys_edu.runtime import Actor, Context, Sim

ROOT = Path(__file__).resolve().parents[1]


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    """Run ``main(argv)``; expect success, one JSON object on stdout, nothing on stderr."""
    status = main(list(argv))
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert captured.err == ""  # --json turns progress bars off
    lines = captured.out.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert isinstance(data, dict)
    return data


def run_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    status = main(list(argv))
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


# --------------------------------------------------------------------------- JSON output


def test_election_time_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        "experiment",
        "election-time",
        "--protocol",
        "raft",
        "--nodes",
        "5",
        "--timeout",
        "150:300",
        "--latency",
        "5:10",
        "--trials",
        "20",
        "--seed",
        "1",
        "--json",
    )
    # Every field of the result but the per-trial ones (--distribution adds times_ms).
    assert set(data) == {f.name for f in fields(ElectionTimeResult)} - {"per_trial", "times_ms"}
    assert data["trials"] == 20
    assert data["timeout_ms"] == [150.0, 300.0]
    assert data["heartbeat_ms"] == 75.0  # half the lowest timeout
    assert 75 < data["median_ms"] < 500  # type: ignore[operator]


def test_election_time_is_the_python_api(capsys: pytest.CaptureFixture[str]) -> None:
    from distsys_edu.experiments.election_time import election_time

    data = run_json(
        capsys,
        "experiment",
        "election-time",
        "--timeout",
        "100:200",
        "--heartbeat",
        "40",
        "--trials",
        "8",
        "--seed",
        "4",
        "--distribution",
        "--json",
    )
    api = election_time(
        timeout=(0.1, 0.2), heartbeat=0.04, trials=8, seed=4, progress=False
    ).to_dict()
    assert data == json.loads(json.dumps(api))


def test_messages_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        "experiment",
        "messages",
        "--protocol",
        "bully",
        "--nodes",
        "5",
        "--order",
        "ascending",
        "--initiator",
        "lowest",
        "--json",
    )
    assert data == {"Election": 10, "Answer": 10, "Coordinator": 4, "total": 24}
    ring = run_json(
        capsys,
        "experiment",
        "messages",
        "--protocol",
        "ring",
        "--nodes",
        "4",
        "--order",
        "random",
        "--json",
    )
    assert ring["total"] == sum(v for k, v in ring.items() if k != "total")  # type: ignore[misc]


def test_a_protocol_is_taken_by_its_alias_and_reported_by_its_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, "run", "kv", "--nodes", "3", "--until", "1", "--json")
    assert data["protocol"] == "raftlog"
    assert run_json(capsys, "run", "raftlog", "--nodes", "3", "--until", "1", "--json") == data
    explored = run_json(capsys, "explore", "kv", "--nodes", "3", "--runs", "1", "--json")
    assert explored["protocol"] == "raftlog"
    for command in (["run"], ["explore"], ["model-check"], ["net", "up"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        assert "one of blog, bully, ring, raft, raftlog (or kv), swim" in capsys.readouterr().out


def test_explore_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "explore", "raft", "--runs", "5", "--seed", "3", "--json")
    assert data["runs"] == 5
    assert isinstance(data["violations"], list)
    assert data["violations"] == []  # raft keeps one leader per term; shapes: below


def test_explore_reports_counterexamples_with_replays(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The blog's design has no terms: some seed shows two leaders that can talk.
    data = run_json(capsys, "explore", "blog", "--runs", "30", "--seed", "0", "--json")
    assert data["runs"] == 30
    assert data["violations"]
    for violation in data["violations"]:  # type: ignore[attr-defined]
        assert {"seed", "schedule", "replay"} <= set(violation)
        assert isinstance(violation["seed"], int)
        assert isinstance(violation["schedule"], list)
        assert "import" in violation["replay"]


def test_run_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "run",
        "raft",
        "--nodes",
        "5",
        "--seed",
        "2",
        "--until",
        "10",
        "--fault",
        "2.5 crash n1",
        "--fault",
        "4 partition n1,n2|n3,n4,n5",
        "--fault",
        "8 heal",
        "--loss",
        "0.01",
        "--latency",
        "5:10",
        "--json",
    ]
    data = run_json(capsys, *argv)
    assert data["protocol"] == "raft"
    assert data["nodes"] == ["n1", "n2", "n3", "n4", "n5"]
    assert isinstance(data["leaders"], list) and len(data["leaders"]) >= 1  # type: ignore[arg-type]
    assert data["faults"] == ["2.5 crash n1", "4 partition n1,n2|n3,n4,n5", "8 heal"]
    assert len(data["digest"]) == 64  # type: ignore[arg-type]
    assert data["failures"] == []
    assert data["sent"] == data["delivered"] + data["dropped"] + data["in_flight"]  # type: ignore[operator]
    counts = data["counts"]
    assert counts["drops"]["partition"] > 0  # type: ignore[index]
    # Same seed, same run: the digest repeats.
    assert run_json(capsys, *argv)["digest"] == data["digest"]


def test_run_json_final_views(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "run", "raft", "--until", "3", "--fault", "1 crash n2", "--json")
    views = data["views"]
    assert views["n2"]["status"] == "down"  # type: ignore[index]
    up = [n for n, v in views.items() if v["status"] == "up"]  # type: ignore[union-attr]
    leader = data["leaders"][0]  # type: ignore[index]
    assert all(views[n]["leader"] == leader for n in up)  # type: ignore[index]


def test_run_text_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_text(
        capsys,
        "run",
        "raft",
        "--seed",
        "1",
        "--until",
        "4",
        "--latency",
        "5:10",
        "--fault",
        "2 crash n1",
    )
    assert "becomes LEADER" in out
    assert "n1 CRASHES" in out
    assert "digest:" in out


def test_demo_text_tells_both_stories(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_text(capsys, "demo")
    blog, raft = out.split("== 2.")
    assert "CRASHES" in blog and "suspect" in blog
    assert "no live node leads" in blog
    assert "becomes candidate" in raft and "vote for" in raft
    assert "leads (term" in raft


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "demo", "--json")
    designs = data["designs"]
    assert [d["protocol"] for d in designs] == ["blog", "raft"]  # type: ignore[union-attr]
    blog, raft = designs  # type: ignore[misc]
    assert blog["leaders"] == []
    assert len(raft["leaders"]) == 1 and raft["leaders"][0] != raft["crashed"]
    assert all({"t", "node", "event"} == set(e) for e in raft["timeline"])


def test_detector_tradeoff_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        "experiment",
        "detector-tradeoff",
        "--kind",
        "fixed",
        "--thresholds",
        "150,500",
        "--duration",
        "30",
        "--runs",
        "2",
        "--json",
    )
    rows = data["rows"]
    assert [r["threshold"] for r in rows] == [0.15, 0.5]  # type: ignore[union-attr]


def test_progress_bar_on_stderr_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["experiment", "election-time", "--trials", "5"])
    captured = capsys.readouterr()
    assert status == 0
    assert "median" in captured.out
    assert "election-time" in captured.err  # the tqdm bar's label


# --------------------------------------------------------------------------- bad input


BAD_INPUT = [
    ["run", "paxos"],
    ["run", "raft", "--fault", "soon crash n1"],
    ["run", "raft", "--fault", "2.5"],
    ["run", "raft", "--fault", "2.5 explode n1"],
    ["run", "raft", "--fault", "2.5 crash n9"],
    ["run", "raft", "--fault", "4 partition n1,n2"],
    ["run", "raft", "--fault", "4 partition n1|n7"],
    ["run", "raft", "--fault", "-1 crash n1"],
    ["run", "raft", "--fault", "1 latency 0.01:0.005"],
    ["run", "raft", "--fault", "1 hold n1 n1"],
    ["run", "raft", "--fault", "1 partition n1|n1"],
    ["run", "raft", "--fault", "1 pause n1"],
    ["run", "raft", "--nodes", "0"],
    ["run", "raft", "--nodes", "many"],
    ["run", "raft", "--until", "-3"],
    ["run", "raft", "--loss", "1.5"],
    ["run", "raft", "--latency", "10:5"],
    ["run", "raft", "--latency", "fast"],
    ["run", "raft", "--bogus"],
    ["run"],
    [],
    ["frobnicate"],
    ["experiment", "election-time", "--timeout", "300:150"],
    ["experiment", "election-time", "--timeout", "0:150"],
    ["experiment", "election-time", "--timeout", "150-300"],
    ["experiment", "election-time", "--nodes", "0"],
    ["experiment", "election-time", "--trials", "0"],
    ["experiment", "election-time", "--latency", "-5:10"],
    ["experiment", "election-time", "--heartbeat", "200"],
    ["experiment", "election-time", "--protocol", "paxos"],
    ["experiment", "election-time", "--protocol", "bully"],
    ["experiment", "messages", "--protocol", "raft"],
    ["experiment", "messages", "--protocol", "bully", "--order", "sideways"],
    ["experiment", "messages", "--protocol", "ring", "--nodes", "0"],
    ["experiment", "detector-tradeoff", "--kind", "psychic"],
    ["experiment", "detector-tradeoff", "--thresholds", "a,b"],
    ["experiment", "nothing"],
    ["explore", "paxos"],
    ["explore", "raft", "--runs", "0"],
    ["demo", "--nodes", "1"],
]


@pytest.mark.parametrize("argv", BAD_INPUT, ids=lambda a: " ".join(a) or "(nothing)")
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status = main(argv)
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("distsys-edu: error: ")
    assert "Traceback" not in captured.err


def test_bad_input_messages_say_what_is_wrong(capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        ("run", "paxos"): "protocol='paxos' is not allowed: must be one of",
        ("run", "raft", "--fault", "2.5 crash n9"): "names 'n9', not a node",
        ("run", "raft", "--fault", "2.5 explode n1"): "unknown action 'explode'",
        ("experiment", "election-time", "--timeout", "300:150"): (
            "--timeout='300:150' is not allowed: must have LOW <= HIGH"
        ),
        ("run", "raft", "--nodes", "0"): "--nodes=0 is not allowed: must be an integer >= 1",
        ("run", "raft", "--nodes", "many"): "invalid int value: 'many'",
    }
    for argv, message in cases.items():
        assert main(list(argv)) == 2
        assert message in capsys.readouterr().err


# --------------------------------------------------------------------------- the process


def _python_m(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "distsys_edu", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


def test_console_script_is_declared() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'distsys-edu = "distsys_edu.cli:main"' in text


def test_python_m_prints_one_json_object() -> None:
    done = _python_m("experiment", "election-time", "--trials", "3", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert set(json.loads(done.stdout)) >= {"trials", "mean_ms", "p99_ms"}


def test_python_m_bad_input_exits_2_with_one_line() -> None:
    done = _python_m("run", "raft", "--fault", "4 partition n1,n2|")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_a_bug_is_not_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the project's own errors are bad input; a plain ValueError is a bug."""

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug, not bad input")

    monkeypatch.setattr("distsys_edu.cli.experiments.election_messages", broken)
    with pytest.raises(ValueError, match="a bug, not bad input"):
        main(["experiment", "messages", "--protocol", "bully"])


def test_python_m_a_bug_exits_1_with_its_traceback() -> None:
    program = (
        "import sys\n"
        "import distsys_edu.cli.experiments as commands\n"
        "def broken(*args, **kwargs):\n"
        "    raise ValueError('a bug, not bad input')\n"
        "commands.election_messages = broken\n"
        "from distsys_edu.cli import main\n"
        "sys.exit(main(['experiment', 'messages', '--protocol', 'bully']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" in done.stderr
    assert done.stderr.strip().endswith("ValueError: a bug, not bad input")


@dataclass(frozen=True)
class Seen:
    n: int


class Odd(Actor):
    """Publishes values JSON has no word for."""

    def started(self, ctx: Context) -> None:
        ctx.annotate(role="follower", suspects=frozenset({"n2", "n10"}), seen=Seen(1), phi=math.inf)


def test_final_views_are_encoded_as_the_trace_encodes_them() -> None:
    sim = Sim()
    sim.spawn("n1", Odd)
    sim.run(until=1)
    state = final_state(sim)
    assert state["views"]["n1"] == {
        "status": "up",
        "role": "follower",
        "suspects": ["n10", "n2"],
        "seen": {"type": "Seen", "fields": {"n": 1}},
        "phi": "inf",
    }
    assert json.loads(json.dumps(state, allow_nan=False)) == state


# --------------------------------------------------------------------------- the first hour


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from distsys_edu import __version__

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"distsys-edu {__version__}\n"


def test_run_writes_the_trace_as_json_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from distsys_edu.checks import one_leader_per_term
    from distsys_edu.runtime import Trace

    path = tmp_path / "run.jsonl"
    argv = ["run", "raft", "--until", "3", "--fault", "1 crash n1", "--trace", str(path)]
    data = run_json(capsys, *argv, "--json")
    assert data["trace_file"] == str(path)
    trace = Trace.from_jsonl(str(path))
    assert trace.digest() == data["digest"]
    assert trace.end == 3.0 and [e.t for e in trace.events("crash")] == [1.0]
    assert one_leader_per_term(trace) == []
    out = run_text(capsys, *argv)
    assert f"trace: {len(trace)} events written to {path}" in out


def test_an_unwritable_trace_file_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "no" / "such" / "dir.jsonl"
    assert main(["run", "raft", "--until", "1", "--trace", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"distsys-edu: error: --trace='{path}' is not allowed: cannot be written")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "raft", "--latency", "-1:5"],
        ["experiment", "election-time", "--latency", "-1:5"],
    ],
)
def test_a_value_that_starts_with_a_minus_gets_the_options_own_error(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--latency='-1:5' is not allowed" in err
    assert "expected one argument" not in err


def test_one_node_is_one_node(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_text(capsys, "run", "raft", "--nodes", "1", "--until", "2")
    assert "1 node, seed 0" in out
    assert "n1 leads (term 1), the only live node." in out
    assert "1 node," in run_text(
        capsys, "experiment", "messages", "--protocol", "ring", "--nodes", "1"
    )
    for nodes, who in (("2", "n2 follows nobody."), ("3", "n2, n3 follow nobody.")):
        argv = ["run", "blog", "--nodes", nodes, "--until", "3", "--fault", "1 crash n1"]
        assert f"no live node leads; {who}" in run_text(capsys, *argv)


def test_explore_prints_a_summary_and_the_rest_on_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["explore", "bully", "--runs", "20", "--seed", "0", "--max-shrink", "1"]
    out = run_text(capsys, *argv)
    lines = out.splitlines()
    assert lines[0] == "explore bully: 20 runs of 15 s from seed 0, 5 nodes"
    assert lines[1].startswith("  one_leader_among_reachable: broken in ")
    assert "max_shrink=1" in out and "--max-shrink N" in out
    assert "Replay it with:" in out and "sim.run(until=15.0)" in out
    assert len(lines) < 40
    everything = run_text(capsys, *argv, "--all")
    assert everything.startswith(out)
    broken = int(lines[1].split("broken in ")[1].split()[0])
    assert everything.count("broke one_leader_among_reachable") == broken + 1  # + the shortest
    assert run_text(capsys, *argv, "--verbose") == everything


def test_explore_json_is_the_same_bytes_every_time(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["explore", "bully", "--runs", "4", "--seed", "1", "--max-shrink", "1", "--json"]
    first = run_json(capsys, *argv)
    assert "wall_s" not in json.dumps(first)
    assert main(argv) == 0
    assert capsys.readouterr().out == json.dumps(first) + "\n"


def test_explore_target_leader_aims_the_fault_mix_at_the_leader(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["explore", "blog", "--runs", "10", "--seed", "0", "--max-shrink", "0", "--json"]
    aimed = run_json(capsys, *argv, "--target", "leader")
    faults = [line for v in aimed["violations"] for line in v["schedule"]]  # type: ignore[attr-defined]
    assert any(" crash @leader" in line for line in faults), faults
    assert not [line for line in faults if re.search(r" (crash|pause|partition) n\d", line)]
    random = run_json(capsys, *argv)  # the default: random servers, as before
    faults = [line for v in random["violations"] for line in v["schedule"]]  # type: ignore[attr-defined]
    assert faults and not [line for line in faults if "@" in line], faults

    import distsys_edu.cli.explore as command
    from distsys_edu.checks import FaultMix

    mixes = []
    real_explore = command.explore
    monkeypatch.setattr(
        command, "explore", lambda *a, **kw: mixes.append(kw["faults"]) or real_explore(*a, **kw)
    )
    for target in ("leader", "random"):
        run_json(capsys, "explore", "raft", "--runs", "1", "--target", target, "--json")
    assert mixes == [FaultMix(target="leader"), FaultMix()]
    assert main(["explore", "raft", "--target", "primary"]) == 2
    assert "invalid choice: 'primary' (choose from 'random', 'leader')" in capsys.readouterr().err


def test_explore_max_shrink_must_be_a_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", "raft", "--max-shrink", "-1"]) == 2
    assert "--max-shrink=-1 is not allowed: must be an integer >= 0" in capsys.readouterr().err


# --------------------------------------------------------------------------- the README


def _section(text: str, title: str) -> str:
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_says_what_exists_today() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    today = _section(readme, "What a learner sees")  # tests/test_readme.py: the list itself
    for target in re.findall(r"\]\(([^)#:]+)\)", today):  # local links, not https:
        assert (ROOT / target).exists(), target
    notebooks = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    assert all(name in today for name in notebooks), "list each lesson that exists"


def test_the_quick_start_is_two_commands_each_on_its_own() -> None:
    quick = _section((ROOT / "README.md").read_text(encoding="utf-8"), "Quick start")
    blocks = re.findall(r"```sh\n(.*?)```", quick, re.S)
    commands = [[line.split("#")[0].strip() for line in b.strip().splitlines()] for b in blocks]
    assert commands[:2] == [["make lab"], ["make test"]]  # two blocks: paste either alone
    assert "**one** of these two commands" in quick
    assert "Ctrl-C" in blocks[0] and "Ctrl-C" in quick.split("```", 4)[-1]


# --------------------------------------------------------------------------- units


def test_durations_on_the_command_line_take_explicit_units(
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["run", "raft", "--seed", "2", "--fault", "2.5 crash n1", "--json"]
    plain = run_json(capsys, *base, "--until", "10", "--latency", "5:10")
    with_units = run_json(capsys, *base, "--until", "10000ms", "--latency", "5ms:0.01s")
    assert with_units["digest"] == plain["digest"]
    assert with_units["until"] == 10.0
    shorter = run_json(capsys, *base, "--until", "500ms")
    assert shorter["until"] == 0.5


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["run", "raft", "--until", "0.01", "--fault", "0 latency 5:10"], "read as 5s:10s"),
        (["run", "raft", "--until", "0.01", "--latency", "2000"], "read as 2000ms"),
        (
            ["experiment", "election-time", "--trials", "0", "--timeout", "0.15:0.3"],
            "read as 0.15ms:0.3ms",
        ),
    ],
    ids=["fault-latency-seconds", "latency-2s", "timeout-under-1ms"],
)
def test_an_implausible_bare_number_warns_naming_the_unit_assumed(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    from distsys_edu.runtime.units import ImplausibleUnitWarning

    with pytest.warns(ImplausibleUnitWarning, match=fragment):
        main([*argv, "--json"])
    capsys.readouterr()


def test_a_bad_duration_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "raft", "--until", "5 minutes"]) == 2
    err = capsys.readouterr().err
    assert "--until" in err and "500ms" in err and err.count("\n") == 1


def test_the_command_line_starts_without_matplotlib():
    # Pictures load matplotlib (a quarter of a second) only when something is drawn.
    code = "import sys, distsys_edu.cli; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
