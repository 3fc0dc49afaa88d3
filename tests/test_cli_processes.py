"""The two processes the launcher starts take their arguments from the command line
(``python -m distsys_edu.cli.processes node|keeper``), typed, and refuse bad ones."""

from __future__ import annotations

import pytest

from distsys_edu.cli import processes
from distsys_edu.net.children import PROCESSES


def test_the_launcher_starts_this_module() -> None:
    assert processes.__name__ == PROCESSES


def test_a_node_gets_its_arguments_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(processes, "run_node", lambda *args: calls.append(args) or 0)
    argv = ["node", "/run", "n2", "--fd", "5", "--listening-since", "0.25", "--parent", "77"]
    assert processes.main(argv) == 0
    assert calls == [("/run", "n2", 5, 0, 0.25, 77)]


def test_the_keeper_gets_its_arguments_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(processes, "keep", lambda *args: calls.append(args) or 0)
    assert processes.main(["keeper", "/run", "--ready", "9"]) == 0
    assert calls == [("/run", None, 9)]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["node", "/run", "n1", "--listening-since", "0"], "--fd"),
        (["node", "/run", "n1", "--fd", "x", "--listening-since", "0"], "--fd"),
        (["keeper", "/run", "--owner", "me"], "--owner"),
        (["shell"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_naming_what_is_wrong(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        processes.main(argv)
    assert ended.value.code == 2
    assert named in capsys.readouterr().err
