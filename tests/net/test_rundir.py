"""net up takes only a directory of ours, and only one launcher at a time."""

from __future__ import annotations

import fcntl
import os
import stat
import threading

import pytest
from netfixtures import OPTIONS

from distsys_edu.net import Cluster, NetError
from distsys_edu.net.claim import MARK
from distsys_edu.net.rundir import RunDir
from distsys_edu.runtime import InvalidArgument


def test_a_directory_that_is_not_ours_is_refused_and_left_as_it_was(tmp_path):
    mine = tmp_path / "project"
    (mine / "nodes").mkdir(parents=True)
    (mine / "nodes" / "n1.log").write_text("my own notes")
    (mine / "key").write_text("my key")
    (mine / "state.json").write_text("{}")
    mine.chmod(0o755)
    before = {p: p.read_bytes() for p in mine.rglob("*") if p.is_file()}
    with pytest.raises(InvalidArgument, match=r"dir=.*project.* is not allowed: must be a new"):
        Cluster.up("raft", 1, mine, options=OPTIONS)
    assert {p: p.read_bytes() for p in mine.rglob("*") if p.is_file()} == before
    assert stat.S_IMODE(mine.stat().st_mode) == 0o755
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(InvalidArgument, match="must be a directory"):
        Cluster.up("raft", 1, a_file, options=OPTIONS)


def test_an_empty_directory_is_taken_and_an_earlier_run_is_cleared_of_its_own_files_only(
    tmp_path, clusters
):
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o755)
    cluster = clusters.up(1, name="empty")
    assert stat.S_IMODE(empty.stat().st_mode) == 0o700 and (empty / MARK).exists()
    cluster.down()
    kept = empty / "nodes" / "README"
    kept.write_text("a note of mine")
    old_trace = cluster.run.node_file("n1", "trace.jsonl").read_text()
    again = clusters.up(1, name="empty")
    assert kept.read_text() == "a note of mine"
    assert again.run.node_file("n1", "trace.jsonl").read_text() != old_trace


def test_a_second_launcher_is_refused_while_the_first_is_starting(tmp_path, clusters):
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    (run / MARK).touch()
    fd = os.open(run / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a launcher in the middle of net up holds it
        with pytest.raises(NetError, match="another command is starting a cluster there"):
            clusters.up(1)
    finally:
        os.close(fd)
    clusters.up(1)  # the lock went with its holder


def test_two_launchers_at_the_same_moment_start_one_cluster(tmp_path, clusters):
    go = threading.Barrier(2)
    outcomes: list[object] = []

    def launch() -> None:
        go.wait()
        try:
            outcomes.append(Cluster.up("raft", 2, tmp_path / "run", options=OPTIONS))
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=launch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    started = [c for c in outcomes if isinstance(c, Cluster)]
    for cluster in started:
        clusters.track(cluster)
    assert len(started) == 1 and len(outcomes) == 2
    assert "is not allowed" in str(next(e for e in outcomes if isinstance(e, NetError)))


def test_commands_changing_the_state_at_once_lose_no_change(tmp_path):
    run = RunDir(tmp_path)
    run.save_state({"pids": {}})

    def restart(name: str) -> None:  # as many `net restart` at once, each noting a pid
        for pid in range(40):
            with run.edit_state() as state:
                state["pids"][name] = pid
                state[name] = state.get(name, 0) + 1

    threads = [threading.Thread(target=restart, args=(f"n{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    state = run.state()
    assert state["pids"] == {f"n{i}": 39 for i in range(6)}
    assert all(state[f"n{i}"] == 40 for i in range(6))
