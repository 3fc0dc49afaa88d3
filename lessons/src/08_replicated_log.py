# %% [markdown]
# # 08 The replicated log
#
# **What you will learn** (about 60 minutes):
#
# - why electing a leader is not enough: what a follower must **take over** is the
#   leader's **log**, the ordered list of commands every server applies;
# - **AppendEntries** step by step: how a leader sends entries, how a follower checks
#   that its log matches before it takes them (the *consistency check*), and how it
#   repairs a log that does not (*conflict repair*);
# - how a follower that was down **catches up**, and why a stale leader's entries that
#   were never committed are **overwritten**, legally;
# - **the commit rule**, and Figure 8 of the Raft paper: why a leader may not commit an
#   entry of an older term by counting the servers that hold it;
# - two exercises: AppendEntries on a follower, then the commit rule on a leader.
#
# Sources: D. Ongaro and J. Ousterhout, *In Search of an Understandable Consensus
# Algorithm*, USENIX ATC 2014 (Raft: Figure 2, section 5.3 log replication, section 5.4
# safety, Figure 8); D. Ongaro, *Consensus: Bridging Theory and Practice*, PhD thesis,
# Stanford University, 2014 (section 6.4, the no-op entry). The pictures follow
# RaftScope (raft.github.io): one box an entry, coloured by its term.

# %%
import matplotlib.pyplot as plt

from distsys_edu.checks import DEFAULT_INVARIANTS
from distsys_edu.exercises import check_commit_rule, check_log_repair
from distsys_edu.exercises.replication import CommitLeader, LogFollower
from distsys_edu.experiments.log_scenarios import (
    FIGURE8_CRASH,
    catch_up,
    figure8,
    stale_leader,
    with_client,
)
from distsys_edu.protocols.cluster import majority
from distsys_edu.protocols.raft import AppendEntries, AppendEntriesReply
from distsys_edu.protocols.raftlog import Entry
from distsys_edu.runtime import Context, snapshot_at
from distsys_edu.viz import draw_cluster, timeline
from distsys_edu.viz.draw import draw_logs


def terms(sim, node):
    """The terms of the entries on ``node``'s disk, index 1 first."""
    return [entry.term for entry in sim.storage(node)["log"]]


def broken_invariants(sim):
    """The names of Raft's safety invariants that ``sim``'s trace breaks."""
    return {c.name for c in DEFAULT_INVARIANTS["raftlog"] if c.check(sim.trace)}


# %% [markdown]
# ## 1. Why a leader needs a log
#
# Lessons 04 to 06 elected a leader and nothing more. The blog this course started from
# promises that "if the leader fails, one of the followers takes over". Takes over
# *what*? A key-value store, say: a client asks the leader to `put x=3`, the leader says
# "done", then the leader crashes. The new leader must know that `x` is 3, or the
# client's "done" was a lie.
#
# Raft's answer: the leader does not change its state and then tell the others. It
# appends the command to a **log**, an ordered list of entries, each with the **term**
# in which a leader received it, and sends the entries to the followers. An entry is
# **committed** once a majority of servers hold it; only then does any server apply it
# to its state machine, in log order, and only then does the leader answer the client.
# A majority holds every committed entry, any two majorities meet, and a server votes
# only for a candidate whose log is at least as up to date as its own: so every new
# leader holds every committed entry.
#
# Three servers and a client that puts and gets, for 2 seconds of virtual time:

# %%
sim, servers = with_client(seed=0, ops=6)
sim.run(until=2.0)
draw_cluster(sim)
plt.show()

# %% [markdown]
# Under the cluster, each server's log: one box an entry, the number in it its term.
# The first entry is the **no-op** a new leader appends to its log at once (thesis
# section 6.4; we will see why it matters in section 4). All boxes are solid and to the
# left of the bar: every entry is committed on every server, and the three logs are the
# same.

# %% tags=["claim"]
logs = {n: terms(sim, n) for n in servers}
assert len({tuple(log) for log in logs.values()}) == 1 and len(logs["n1"]) == 7, logs
assert all(sim.annotations(n)["commit_index"] == 7 for n in servers), logs

# %% [markdown]
# ## 2. AppendEntries, step by step
#
# One message does all the work, from the leader to each follower (Figure 2):
#
# | field | meaning |
# |---|---|
# | `term`, `leader_id` | the leader's term and name |
# | `prev_log_index`, `prev_log_term` | the index and term of the entry just before the new ones |
# | `entries` | the new entries (none: a heartbeat) |
# | `leader_commit` | the leader's `commit_index` |
#
# The follower takes the entries only if its own log holds an entry at `prev_log_index`
# with the term `prev_log_term`: the **consistency check**. If it does, every entry up
# to there is the same on both (by induction: each entry was accepted after the same
# check of the one before). Then it deletes any of its entries that **conflict** with a
# new one (same index, another term) and everything after, and appends the new ones. It
# answers with `success` and how far its log now matches. On a refusal the leader
# moves its `next_index` for that follower back and tries again from earlier.
#
# Here are the messages of one client request, in the run above:

# %%
request_at = next(e.t for e in sim.trace if e.kind == "deliver" and e.data.get("type") == "ClientRequest")
for e in sim.trace:
    if e.kind == "send" and request_at <= e.t < request_at + 0.01 and isinstance(e.msg, (AppendEntries, AppendEntriesReply)):
        print(f"t={e.t:.4f}  {e.node} -> {e.peer}  {e.msg}")
