"""The launcher's promises: the net commands, no twins, and no process left behind."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest
from netfixtures import OPTIONS, wait_all_ended

from distsys_edu.cli import main
from distsys_edu.net import Cluster, NetError
from distsys_edu.net.children import pid_alive


def net(capsys, *args):
    status = main(["net", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_net_commands_start_inspect_break_and_end_a_cluster(tmp_path, capsys, clusters):
    run = str(tmp_path / "cli")
    options = json.dumps(OPTIONS)
    status, out, _ = net(capsys, "up", "raft", "--nodes", "3", "--dir", run, "--options", options)
    assert status == 0 and "started raft" in out
    cluster = Cluster(run)
    clusters.track(cluster)
    pids = set(cluster.pids().values())

    status, _, err = net(capsys, "up", "raft", "--nodes", "3", "--dir", run)
    assert status == 2 and "a cluster is running there" in err  # no twins
    assert set(cluster.pids().values()) == pids

    status, out, _ = net(capsys, "status", "--json", "--dir", run)
    nodes = json.loads(out)["nodes"]
    assert status == 0 and [n["name"] for n in nodes] == ["n1", "n2", "n3"]
    assert all(n["alive"] and n["pid"] in pids for n in nodes)

    for args in (("kill", "n9"), ("partition", "n1|n1"), ("loss", "1.5"), ("pause", "")):
        status, _, err = net(capsys, *args, "--dir", run)
        assert status == 2 and err.startswith("distsys-edu: error: ") and err.count("\n") == 1
    assert net(capsys, "up", "nope", "--dir", str(tmp_path / "x"))[0] == 2
    assert net(capsys, "status", "--dir", str(tmp_path / "none"))[0] == 2

    assert net(capsys, "loss", "0.5", "--dir", run)[0] == 0
    assert net(capsys, "kill", "n1", "--dir", run)[0] == 0
    assert not pid_alive(cluster.pid("n1"))
    out_file = tmp_path / "merged.jsonl"
    status, out, _ = net(capsys, "trace", "--out", str(out_file), "--dir", run)
    assert status == 0 and out_file.read_text().startswith('{"format":"distsys_edu.trace"')
    unwritable = tmp_path / "no-such-dir" / "merged.jsonl"
    status, _, err = net(capsys, "trace", "--out", str(unwritable), "--dir", run)
    assert status == 2 and err.count("\n") == 1 and "--out" in err and "cannot be written" in err
    assert net(capsys, "down", "--dir", run)[0] == 0
    wait_all_ended(pids)
    text = net(capsys, "status", "--dir", run)[1]
    assert text.count(" down ") == 3


def test_nodes_end_when_their_run_directory_is_removed(tmp_path, clusters):
    cluster = clusters.up(3, tied=False)
    pids = set(cluster.pids().values())
    shutil.rmtree(cluster.run.path)
    wait_all_ended(pids)


def test_tied_nodes_end_when_the_launching_process_dies(tmp_path, clusters):
    script = textwrap.dedent(f"""
        import json, sys, time
        from distsys_edu.net import Cluster
        cluster = Cluster.up("raft", 3, sys.argv[1], options={OPTIONS!r})
        print(json.dumps(list(cluster.pids().values())), flush=True)
        time.sleep(60)
    """)
    launcher = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "tied")], stdout=subprocess.PIPE, text=True
    )
    try:
        pids = json.loads(launcher.stdout.readline())
        clusters.pids |= set(pids)
        assert all(pid_alive(pid) for pid in pids)
        launcher.send_signal(signal.SIGKILL)  # no finally, no atexit: only the kernel knows
        launcher.wait(5)
        wait_all_ended(pids)
    finally:
        launcher.kill()
        launcher.wait(5)
        launcher.stdout.close()


def test_a_second_up_on_a_live_directory_is_refused(clusters):
    cluster = clusters.up(1)
    with pytest.raises(NetError, match="a cluster is running there"):
        Cluster.up("raft", 1, cluster.run.path)


def launch(tmp_path, script: str):
    """A Python process that starts a tied cluster, prints its pids, then sleeps."""
    code = textwrap.dedent(f"""
        import json, sys, time
        from distsys_edu.net import Cluster
        cluster = Cluster.up("raft", 3, sys.argv[1], options={OPTIONS!r})
        print(json.dumps(list(cluster.pids().values())), flush=True)
        {script}
    """)
    run = tmp_path / "tied"
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(run)], stdout=subprocess.PIPE, text=True
    )
    return process, run


def test_a_paused_node_of_a_tied_cluster_ends_when_its_owner_dies(tmp_path, clusters):
    launcher, run = launch(tmp_path, "time.sleep(60)")
    try:
        pids = json.loads(launcher.stdout.readline())
        clusters.pids |= set(pids)
        Cluster(run).pause("n2")  # SIGSTOP: it cannot handle the kernel's SIGTERM
        launcher.send_signal(signal.SIGKILL)
        launcher.wait(5)
        wait_all_ended(pids)
    finally:
        launcher.kill()
        launcher.wait(5)
        launcher.stdout.close()


def test_a_node_restarted_by_another_command_belongs_to_the_cluster(tmp_path, clusters):
    launcher, run = launch(tmp_path, "time.sleep(60)")
    try:
        pids = json.loads(launcher.stdout.readline())
        clusters.pids |= set(pids)
        restart = [sys.executable, "-m", "distsys_edu", "net", "restart", "n2", "--dir", str(run)]
        subprocess.run(restart, check=True, timeout=60)  # the command ends here
        cluster = Cluster(run)
        reborn = cluster.pid("n2")
        clusters.pids.add(reborn)
        assert reborn not in pids
        # it runs on after the command that restarted it ended: it takes part in an election
        cluster.kill("n1")
        cluster.kill("n3")
        cluster.restart("n1")
        clusters.track(cluster)
        cluster.wait_for_leader(20 * OPTIONS["election_timeout"][1], among=["n1", "n2"])
        assert pid_alive(reborn)
        # and it ends with the cluster's owner, as every other node does
        launcher.send_signal(signal.SIGKILL)
        launcher.wait(5)
        wait_all_ended([*cluster.pids().values()])
    finally:
        launcher.kill()
        launcher.wait(5)
        launcher.stdout.close()


def test_a_paused_node_ends_when_its_run_directory_is_removed(tmp_path, clusters):
    cluster = clusters.up(3, tied=False)
    pids = set(cluster.pids().values())
    cluster.pause("n1")
    shutil.rmtree(cluster.run.path)
    wait_all_ended(pids)
