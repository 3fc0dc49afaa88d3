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
#   entry of an older term by counting the servers that hold it; then `explore` finds
#   Figure 8 by itself, with faults aimed at the leader;
# - two exercises: AppendEntries on a follower, then the commit rule on a leader.
#
# Sources: D. Ongaro and J. Ousterhout, *In Search of an Understandable Consensus
# Algorithm*, USENIX ATC 2014 (Raft: Figure 2, section 5.3 log replication, section 5.4
# safety, Figure 8); D. Ongaro, *Consensus: Bridging Theory and Practice*, PhD thesis,
# Stanford University, 2014 (section 6.4, the no-op entry). The pictures follow
# RaftScope (raft.github.io): one box an entry, coloured by its term.

# %%
from collections.abc import Sequence

import matplotlib.pyplot as plt

from distsys_edu.checks import DEFAULT_INVARIANTS
from distsys_edu.exercises import check_commit_rule, check_log_repair
from distsys_edu.experiments.log_scenarios import (
    FIGURE8_CRASH,
    catch_up,
    figure8,
    first_command_sent,
    leader_of,
    rpc_lines,
    stale_leader,
    with_client,
)
from distsys_edu.protocols.cluster import majority
from distsys_edu.protocols.raft import AppendEntries
from distsys_edu.protocols.raftlog import Entry, RaftLogNode
from distsys_edu.runtime import Context
from distsys_edu.viz import draw_cluster, timeline
from distsys_edu.viz.draw import draw_logs
from distsys_edu.viz.commits import commits_in
from distsys_edu.viz.logs import last_published_logs


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
assert all(sim.storage(n)["log"][0].command is None for n in servers)  # the no-op

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
# Here are the first messages that carry a client's command, in the run above (an
# entry is shown by its term; `prev` is `(prev_log_index, prev_log_term)`):

# %%
sent = first_command_sent(sim.trace)
print("\n".join(rpc_lines(sim.trace, sent, count=6)))

# %% [markdown]
# **Predict before you read on.** The leader `n3` sent entry 2 to both followers, and both
# said `success=True, match_index=2`. When is entry 2 committed: when `n3` has one reply,
# or both? When do the followers learn that it is committed? (Look at `leader_commit` in
# the next AppendEntries.)
#
# With 3 servers a majority is 2, and the leader counts itself: the first reply commits
# entry 2, the leader applies it and answers the client. The followers learn it from
# `leader_commit=2` in the leader's next AppendEntries, and apply it then.
#
# The timeline shows it: a black tick on a lane where that server's commit index
# advances. The leader's tick comes with the first reply; the followers' come with the
# leader's next AppendEntries, its next heartbeat, 30 ms later.

# %%
timeline(sim.trace, start=sent - 0.002, end=sent + 0.04)
plt.show()

# %% tags=["claim"]
sends = [e for e in sim.trace if e.kind == "send" and e.t >= sent and e.node == "n3"]
later = [e.msg for e in sends if type(e.msg).__name__ == "AppendEntries" and e.t > sent]
assert later and later[0].leader_commit == 2, later[:1]
first_lines = rpc_lines(sim.trace, sent, count=4)
assert first_lines[0].startswith(f"t={sent:.4f}  n3 -> n1"), first_lines
assert all("success=True, match_index=2" in line for line in first_lines[2:]), first_lines
ticks = {(c.node, c.index): c.t for c in reversed(commits_in(sim.trace, sent, sent + 0.04))}
assert ticks[("n3", 2)] <= sent + 0.003 and ticks[("n1", 2)] == ticks[("n2", 2)], ticks
assert 0.025 < ticks[("n1", 2)] - ticks[("n3", 2)] < 0.035, ticks  # "30 ms later"

# %% [markdown]
# ## 3. A follower that was down catches up
#
# Same cluster, with a client that never stops. At t=1 s the first follower of the
# leader, `n1`, crashes; at t=2.5 s it restarts. Its log is on its disk, so it comes
# back with the entries it had: but the others went on without it.

# %%
down = catch_up(seed=0)
fig, axes = plt.subplots(1, 2, figsize=(13, 3.2), layout="constrained")
draw_logs(down.trace, 2.49, ax=axes[0])
draw_logs(down.trace, 2.6, ax=axes[1])
plt.show()

# %% [markdown]
# At t=2.49 (left) `n1` is down; its disk holds the 4 entries it had at t=1, the others
# hold 12. **Predict:** after the restart, the leader's next AppendEntries to `n1` says
# `prev=(12, 1)`, since the leader believes `n1` took everything it sent. What does `n1`
# answer, and how many messages does it take until its log is the leader's again?

# %%
print("\n".join(rpc_lines(down.trace, 2.5, node="n1", count=4)))

# %% [markdown]
# `n1` has no entry 12: the consistency check fails, and it answers `success=False`,
# saying its log is 4 long (`match_index=4`). The leader moves `next_index` back to 5 and
# sends entries 5 to 12 with `prev=(4, 1)` at once; `n1` holds entry 4 of term 1, so it
# takes them all. One refusal, one AppendEntries: at t=2.6 (right) the logs are the same.

# %% tags=["claim"]
crashed = [(e.t, e.node) for e in down.trace if e.kind in ("crash", "restart")]
assert crashed == [(1.0, "n1"), (2.5, "n1")], crashed
assert leader_of(down, ["n1", "n2", "n3"]) == "n3"
disks = last_published_logs(down.trace, 2.49)
assert disks["n1"] == ((1, 4),) and disks["n3"] == ((1, 12),), disks
caught = rpc_lines(down.trace, 2.5, node="n1", count=4)
assert "success=False, match_index=4" in caught[1] and "prev=(4, 1)" in caught[2], caught
assert "entries=[1, 1, 1, 1, 1, 1, 1, 1]" in caught[2], caught
assert last_published_logs(down.trace, 2.6)["n1"] == last_published_logs(down.trace, 2.6)["n3"]

# %% [markdown]
# ## 4. A stale leader's entries are overwritten
#
# Five servers and a client. At t=1 s the network cuts the leader, `n5`, and the client
# off from the other four; at t=3 s it heals. The client can reach only `n5`, which
# still believes it leads: it appends the client's requests to its log, but it cannot
# reach a majority, so it never commits them and never answers. The four others elect a
# leader of term 2, which appends its no-op.

# %%
cut = stale_leader(seed=0)
fig, axes = plt.subplots(1, 2, figsize=(13, 3.8), layout="constrained")
draw_logs(cut.trace, 2.99, ax=axes[0])
draw_logs(cut.trace, 4.0, ax=axes[1])
plt.show()

# %% [markdown]
# At t=2.99 (left) there are two leaders, of terms 1 and 2, and their logs differ from
# index 6 on: `n5`'s entries 6 and 7 (term 1) are dashed, not committed; `n3`'s entry 6
# (term 2) is committed. **Predict:** when the network heals, whose index 6 survives?
#
# `n5` hears term 2, steps down and follows `n3`. `n3`'s AppendEntries fails the
# consistency check on `n5` until `next_index` meets the logs' last common entry, 5; then
# conflict repair deletes `n5`'s entries 6 and 7 and appends term 2's. That is legal:
# they were never committed, and the client was never told they were done. At t=4
# (right) every log is the same.

# %% tags=["claim"]
roles = {t: {n: v.annotations.get("role") for n, v in cut.snapshot(t).nodes.items()} for t in (0.99, 2.99)}
assert roles[0.99]["n5"] == "leader" and roles[2.99]["n5"] == roles[2.99]["n3"] == "leader", roles
before = last_published_logs(cut.trace, 2.99)
assert before["n5"] == ((1, 7),) and before["n3"] == ((1, 5), (2, 1)), before
assert cut.trace and leader_of(cut, [f"n{i}" for i in range(1, 6)]) == "n3"
assert len({tuple(terms(cut, n)) for n in ("n1", "n2", "n3", "n4", "n5")}) == 1
assert terms(cut, "n5")[5:7] == [2, 2] and broken_invariants(cut) == set()

# %% [markdown]
# ## 5. Figure 8: counting replicas is not enough
#
# Could a leader commit an entry as soon as a majority holds it, whatever its term?
# Figure 8 of the paper says no. We build its situation exactly, by putting each
# server's term, vote and log on its disk before the run (no no-op entries, as in the
# paper): `n1` and `n2` hold entry 2 of term 2; `n5` led term 3 and holds entry 2 of
# term 3; `n3` and `n4` hold only entry 1. `n2` and `n5` are down. `n1` wins an election
# and sends entry 2 (term 2) to `n3` and `n4`. At t=3 s `n1` crashes and `n5` restarts.

# %%
fig8 = figure8()
fig, axes = plt.subplots(1, 2, figsize=(13, 3.8), layout="constrained")
draw_logs(fig8.trace, FIGURE8_CRASH - 0.01, ax=axes[0])
draw_logs(fig8.trace, 8.0, ax=axes[1])
plt.show()

# %% [markdown]
# At t=2.99 (left) entry 2 of term 2 is on `n1`, `n3` and `n4`: a majority of five. But
# `n1` leads a later term, and it commits nothing: its boxes are dashed. **Predict:**
# what happens to entry 2 when `n5`, with its entry 2 of term 3, comes back?
#
# `n5`'s last entry has term 3, later than term 2: `n3` and `n4` find its log more up to
# date and vote for it. It leads, and overwrites their entry 2 (right). Had `n1`
# committed that entry by counting replicas, a committed entry would now be gone from
# the servers that make the new majority, and a client would have been told "done" for
# an operation the cluster then forgot.

# %% tags=["claim"]
assert fig8.snapshot(2.99).nodes["n1"].annotations["role"] == "leader"
assert fig8.annotations("n5")["role"] == "leader"
assert last_published_logs(fig8.trace, 2.99)["n3"] == ((1, 1), (2, 1))
held = [n for n, log in last_published_logs(fig8.trace, 2.99).items() if log == ((1, 1), (2, 1))]
assert sorted(held) == ["n1", "n3", "n4"], held
assert max(e.data.get("commit_index", 0) for e in fig8.trace if e.kind == "annotate" and e.node == "n1") == 0
assert terms(fig8, "n3") == [1, 3] and broken_invariants(fig8) == set()

# %% [markdown]
# Now the same disks with a leader that does commit by counting replicas, of any term
# (one method changed, three lines):

# %%
class CountsAnyTerm(RaftLogNode):
    def may_commit(self, ctx: Context, index: int) -> bool:
        return True  # no Figure 8 restriction


print(sorted(broken_invariants(figure8(CountsAnyTerm))))

# %% [markdown]
# The checks of `distsys_edu.checks.raftlog` read the trace: an entry committed in term
# 2 is later held by fewer than a majority (`committed_never_lost`), the leader of term
# 5 or later lacks it (`leader_completeness`), and two servers applied different
# commands at index 2 (`state_machine_safety`).
#
# Raft's rule (section 5.4.2): a leader commits by counting replicas only entries of its
# **own** term; earlier entries are committed with them, since a log that holds entry N
# holds every entry before it. That is why a new leader appends a no-op of its term: it
# commits everything before it without waiting for a client.

# %% tags=["claim"]
assert broken_invariants(figure8(CountsAnyTerm)) == {
    "committed_never_lost", "leader_completeness", "state_machine_safety"
}

# %% [markdown]
# ## 6. ... then found by `explore`
#
# We put Figure 8 together by hand, disk by disk. Would `explore` (lesson 06) find it
# without being told, on a cluster that starts empty and only runs? Two things stand in
# its way.
#
# - **The no-op hides it.** A new leader's no-op is the last entry of its log, so the
#   AppendEntries that brings an older entry to a follower brings the no-op after it: by
#   the time a majority holds the older entry, it holds the no-op too, and the correct
#   rule commits both at once. The broken rule commits nothing earlier. That is the fix
#   the thesis recommends (section 6.4); to see the bug, we turn the no-op off, as the
#   paper's figure has it.
# - **It takes leaders failing in a row.** Three servers are enough: a leader takes a
#   client's write and is cut off before replicating it; the next leader does the same
#   at the same index, in a later term; then the first one wins again, brings its older
#   entry to a majority, commits it by counting, and is cut off; the second one, whose
#   entry there has a later term, wins and overwrites it. Random faults on random
#   servers almost never hit the leader at those moments.
#
# So we aim the faults, as Jepsen's nemesis can aim at the primary:
# `ISOLATE_THE_LEADER` cuts off, 40 to 80 times a run, whichever server leads *at that
# moment* (what the servers publish), from the other servers; clients still reach it, so
# it keeps taking writes it cannot replicate. The schedule says `partition
# @leader|@others`; the run resolves it when it fires and records whom it hit.
#
# **Predict:** in 20 runs of three servers that commit by counting (no no-op, one client
# writing), how many break State Machine Safety when random servers are cut off as
# often? And when it is always the leader?

# %%
from dataclasses import replace

from distsys_edu.checks import ISOLATE_THE_LEADER, explore, run_once
from distsys_edu.protocols.raftlog import spawn_cluster


def spawn_counts_any_term(sim, nodes=3, **options):
    return spawn_cluster(sim, nodes, server=CountsAnyTerm, noop=False, **options)


runs = {"runs": 20, "nodes": 3, "options": {"clients": 1}, "progress": False}
at_random = explore(spawn_counts_any_term, faults=replace(ISOLATE_THE_LEADER, target=None),
                    invariants=["state_machine_safety"], max_shrink=0, **runs)
at_leader = explore(spawn_counts_any_term, faults=ISOLATE_THE_LEADER,
                    invariants=["state_machine_safety"], max_shrink=1, **runs)
print("random servers:", at_random.violations, " the leader:", at_leader.violations)

# %% tags=["claim"]
assert at_random.violations == {"state_machine_safety": 0}, at_random.violations
assert at_leader.violations == {"state_machine_safety": 9}, at_leader.violations

# %% [markdown]
# Random servers: none of 20. The leader: 9 of 20. `explore` shrinks the first one
# (lesson 06) from its dozens of partitions to the few it needs, and replays it:

# %%
found = at_leader.counterexamples[0]
print(found.minimal, found.minimal_violation, sep="\n")
replayed = run_once(spawn_counts_any_term, found.seed, found.minimal, nodes=3, options={"clients": 1})
print(*replayed.trace.meta["targets"], sep="\n")

# %% tags=["claim"]
assert [str(f).split(" ", 1)[1] for f in found.minimal] == ["partition @leader|@others"] * 4
hit = [line.rsplit("partition ", 1)[1].split("|")[0] for line in replayed.trace.meta["targets"]]
assert hit == ["n3", "n2", "n1", "n2"], hit
assert found.minimal_violation.nodes == ("n1",) and "index 19" in found.minimal_violation.detail

# %% [markdown]
# Four leaders cut off, one after another: `n3`, then `n2`, `n1` and `n2` again. The
# logs just before the last cut (left) and when the check fails (right):

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 3.8), layout="constrained")
draw_logs(replayed.trace, found.minimal[-1].at - 0.005, ax=axes[0])
draw_logs(replayed.trace, found.minimal_violation.t, ax=axes[1])
plt.show()

# %% [markdown]
# Left: `n2`, cut off at t=2 with entry 19 of term 3 that it had not replicated, is back
# and leads term 6; it has just brought entry 19 to `n3`, and commits it by counting (its
# bar is after 19). But `n1`, cut off at t=2.2 while it led term 4 (it still believes it
# does), holds entries 19 and 20 of term 4, writes it took while cut off. When `n2` is
# cut off at t=2.61, `n1`'s last entry (term 4) is later than `n3`'s (term 3): `n3`
# votes for `n1`, which leads term 8, overwrites entry 19 on `n3` and commits its own
# (right). Two servers have now committed different entries at index 19: Figure 8,
# found by the explorer.

# %% tags=["claim"]
notes, first_commit = {}, {}  # each server's view so far; when it first committed index 19
for e in replayed.trace:
    if e.kind == "annotate":
        notes.setdefault(e.node, {}).update(e.data)
        if notes[e.node].get("commit_index", 0) >= 19:
            first_commit.setdefault(e.node, (e.t, dict(notes[e.node])))
assert first_commit["n2"][1]["term"] == 6 and first_commit["n2"][1]["log"][-1] == (3, 6)
assert first_commit["n2"][0] < found.minimal[-1].at < first_commit["n1"][0]
assert first_commit["n1"][1]["term"] == 8 and first_commit["n1"][1]["log"][-2] == (4, 2)

# %% [markdown]
# **Predict:** the correct rule (still without the no-op), in the same 20 runs?

# %%
def spawn_correct(sim, nodes=3, **options):
    return spawn_cluster(sim, nodes, noop=False, **options)


correct = explore(spawn_correct, faults=ISOLATE_THE_LEADER, max_shrink=0, **runs,
                  invariants=["state_machine_safety", "committed_never_lost", "leader_completeness"])
print(correct.violations)

# %% tags=["claim"]
assert sum(correct.violations.values()) == 0, correct.violations

# %% [markdown]
# Nothing: a leader that commits only entries of its own term never commits entry 19
# of term 3 in term 6, and the leader of term 8 is free to replace it, since it was never
# committed. (`benchmarks/figure8_explore.py` runs 40 of each, with and without the
# no-op; docs/replicated-log.md says how the leader is targeted.)

# %% [markdown]
# ## Exercise 1: AppendEntries on a follower
#
# Write the two methods of a follower that the library's `RaftLogNode` calls when an
# AppendEntries arrives (the term checks, the reply and the commit index are done for
# you): `consistent`, the consistency check, and `store`, conflict repair. The check
# puts each rule to one server on its own, then runs a stale follower and Figure 8's
# disks with your servers and checks Raft's invariants over the trace.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.replication:LogFollower

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.replication:LogFollower

# %%
check_log_repair(LogFollower)

# %% [markdown]
# ## Exercise 2: the commit rule
#
# Write the leader's commit rule, called whenever a follower reports how far its log
# matches: find the highest index a majority holds (the leader included), commit it if
# its entry is of the current term, and apply what is committed. The check puts each
# case to one leader (on 5 servers and on 4, with and without an older term's entry),
# then runs a client against your servers and Figure 8's disks.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.replication:CommitLeader

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.replication:CommitLeader

# %%
check_commit_rule(CommitLeader)

# %% [markdown]
# ## Summary
#
# - What a new leader takes over is the **log**: commands in order, each with the term
#   a leader received it in. A command is **committed** once a majority holds it, and
#   only committed commands are applied and answered.
# - **AppendEntries** carries the entries after `prev_log_index`; a follower takes them
#   only if its entry at `prev_log_index` has term `prev_log_term` (the consistency
#   check), then deletes conflicting entries and appends (conflict repair). A refusal
#   sends the leader back until the logs meet: that is how a follower that was down
#   catches up, and how a stale leader's uncommitted entries are overwritten.
# - A leader commits by counting replicas only entries of its own term (Figure 8);
#   older entries are committed with them, and the no-op of a new leader does that at once.
# - Some bugs need the **leader** to fail at the right moments: faults aimed at
#   whoever leads when they fire (`ISOLATE_THE_LEADER`) let `explore` find Figure 8 in
#   about half the runs, where the same faults on random servers find it in none.
#
# **Next**: lesson 09, a key-value store on this log that survives its leader: clients
# that retry, exactly-once commands, and checking the history the way Jepsen does.
