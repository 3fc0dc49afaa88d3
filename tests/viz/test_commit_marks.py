"""The timeline ticks a lane where that node's published commit index advances: the
leader first (it counted a majority), the followers later (leader_commit told them);
nothing for a protocol that publishes no commit index."""

from __future__ import annotations

from itertools import pairwise

import matplotlib

from distsys_edu.experiments.log_scenarios import first_command_sent, with_client
from distsys_edu.protocols import spawn
from distsys_edu.runtime import Sim
from distsys_edu.viz import timeline
from distsys_edu.viz.commits import COMMIT_LABEL, commits_in

matplotlib.use("Agg")


def test_the_leader_commits_an_entry_before_its_followers_learn_of_it() -> None:
    sim, servers = with_client(seed=0, ops=6)
    sim.run(until=1.0)
    sent = first_command_sent(sim.trace)
    commits = commits_in(sim.trace, sent, 1.0)
    first = {}
    for c in commits:
        first.setdefault((c.node, c.index), c.t)
    leader = "n3"
    assert sim.annotations(leader)["role"] == "leader"
    for follower in set(servers) - {leader}:
        assert first[(leader, 2)] < first[(follower, 2)]
    assert all(b.index > a.index for a, b in pairwise(commits) if a.node == b.node)
    drawn = timeline(sim.trace, start=sent, end=sent + 0.1)
    assert drawn.commits is not None and len(drawn.commits.get_offsets()) == len(
        commits_in(sim.trace, sent, sent + 0.1)
    )
    legend = drawn.ax.get_legend()
    assert COMMIT_LABEL in [t.get_text() for t in legend.get_texts()]


def test_no_ticks_for_a_protocol_without_a_log() -> None:
    sim = Sim(seed=1, trace="full")
    spawn(sim, "raft", 3)
    sim.run(until=1.0)
    assert commits_in(sim.trace, 0.0, 1.0) == []
    drawn = timeline(sim.trace)
    assert drawn.commits is None
    assert COMMIT_LABEL not in [t.get_text() for t in drawn.ax.get_legend().get_texts()]
