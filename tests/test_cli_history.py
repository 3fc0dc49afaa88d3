"""``distsys-edu history check``: the verdict as an exit status, a summary or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distsys_edu.cli import main

DATA = Path(__file__).parent / "checks" / "data" / "porcupine"


def hard_history(path: Path) -> Path:
    """24 concurrent writes, then a read of a value nobody wrote: a long search."""
    lines = [f"{{:process {i}, :type :invoke, :f :write, :value {i}}}" for i in range(24)]
    lines += [f"{{:process {i}, :type :ok, :f :write, :value {i}}}" for i in range(24)]
    lines += ["{:process 99, :type :invoke, :f :read, :value nil}"]
    lines += ["{:process 99, :type :ok, :f :read, :value -1}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_exit_status_0_linearizable_1_not(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "check", str(DATA / "etcd_005.log")]) == 0
    assert capsys.readouterr().out.startswith("linearizable (register model, 79 operations")
    assert main(["history", "check", str(DATA / "c01-bad.txt"), "--model", "kv"]) == 1
    out = capsys.readouterr().out
    assert (
        out.startswith("not linearizable (kv model") and "key '7': no order works by line 60" in out
    )


def test_json_has_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "check", str(DATA / "etcd_000.log"), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["linearizable"] is False and data["stuck"] == "43: read() -> 2"
    assert len(data["prefix"]) == 43


def test_exit_status_3_when_the_budget_runs_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hard_history(tmp_path / "hard.edn")
    assert main(["history", "check", str(path), "--timeout", "1ms", "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["linearizable"] is None and data["summary"].startswith("unknown")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nowhere.edn"], "history='nowhere.edn' is not allowed: no such file"),
        ([str(DATA / "c01-ok.txt")], "line 1: f='append' is not allowed in the register model"),
        ([str(DATA / "etcd_000.log"), "--timeout", "0"], "timeout=0.0 is not allowed"),
        ([str(DATA / "etcd_000.log"), "--model", "queue"], "invalid choice: 'queue'"),
    ],
)
def test_exit_status_2_on_bad_input(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "check", *args]) == 2
    assert words in capsys.readouterr().err


def test_picture(tmp_path: Path) -> None:
    png = tmp_path / "h.png"
    assert main(["history", "check", str(DATA / "etcd_000.log"), "--picture", str(png)]) == 1
    assert png.read_bytes()[:4] == b"\x89PNG"
