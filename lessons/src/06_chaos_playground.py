# %% [markdown]
# # 06 Chaos playground
#
# **What you will learn** (about 45 minutes):
#
# - to break a cluster on purpose, live, with the playground: crash, pause, cut, heal,
#   rewind, and copy what you did as code;
# - to let the **explorer** try many random fault schedules on a protocol that looks
#   right, and **shrink** a failing schedule to the few faults that matter;
# - to replay that schedule, find the bug in the timeline, and fix the protocol; the
#   exercise checks your fix with the explorer;
# - to write the invariant behind the bug ("one vote per term") as a check over a trace.
#
# Sources: the explorer is randomized fault injection in the spirit of Jepsen (K.
# Kingsbury, jepsen.io) and of FoundationDB's deterministic simulation testing; the
# shrinking is Zeller and Hildebrandt's delta debugging (*Simplifying and Isolating
# Failure-Inducing Input*, IEEE TSE 28(2), 2002), which the explorer runs until the
# schedule is 1-minimal. The protocol is Raft's election (Ongaro and Ousterhout, USENIX
# ATC 2014, section 5.2 and Figure 2).

# %%
from distsys_edu import Context, Sim, Trace
from distsys_edu.checks import explore, one_leader_per_term, run_once
from distsys_edu.exercises import check_fixed_protocol, check_vote_invariant
from distsys_edu.exercises.broken import BrokenRaftNode, spawn_broken, spawner
from distsys_edu.protocols.raft import RequestVote, RequestVoteReply
from distsys_edu.viz import Playground, PlaygroundModel, draw_cluster, timeline

# %% [markdown]
# ## 1. The playground
#
# Run the next cell in a live notebook. ▶ plays the Raft cluster; click a node to crash
# or restart it (or pick another click mode); put nodes on side A and side B and cut the
# network; drag *time* back to rewind: the run replays from its seed, so you see the same
# thing again. The monitor under the picture says when an invariant breaks, and *copy as
# code* gives you a program that replays your run without the widget.

# %%
# NBVAL_IGNORE_OUTPUT
Playground("raft", seed=0)

# %% [markdown]
# The widget drives a `PlaygroundModel`, which you can also drive in code. Here we let the
# cluster elect a leader, crash that leader at t=1, and bring it back at t=2:

# %%
model = PlaygroundModel("raft", seed=0)
model.advance(1.0)
model.crash("n1")
model.advance(1.0)
model.restart("n1")
model.advance(1.0)
print(model.snippet())

# %% [markdown]
# Clicking can find bugs, but slowly: a person tries a few dozen schedules in an hour.
# The rest of this lesson lets the computer try them.
#
# ## 2. A Raft that looks right
#
# `BrokenRaftNode` is the library's Raft-style node with **one line missing** somewhere
# in its rules. Without faults it elects a leader, as Raft should:

# %%
sim = Sim(seed=3)
spawn_broken(sim, 5)
sim.run(until=2)
picture = draw_cluster(sim)

# %% tags=["claim"]
roles = [v.annotations["role"] for v in sim.snapshot().nodes.values()]
assert roles.count("leader") == 1 and one_leader_per_term(sim.trace) == [], roles

# %% [markdown]
# ## 3. The explorer
#
# `explore` runs the protocol many times, each run under its own random fault schedule
# (crashes, restarts, pauses, partitions, message loss, duplication), and checks an
# invariant on each full trace: here Raft's *Election Safety*, at most one leader per
# term. When a run breaks it, the explorer *shrinks* its schedule: it removes faults as
# long as the failure stays, until no single fault can go.
#
# **Predict:** in 30 runs of 15 s, how many break the invariant: none, a few, or most?

# %%
# NBVAL_IGNORE_OUTPUT
result = explore(spawn_broken, runs=30, seed=0, invariants=["one_leader_per_term"], max_shrink=1)

# %%
print(result)

# %% [markdown]
# Eight runs out of thirty. The first one was shrunk from its random schedule to four
# faults: all four are needed for the failure, on this seed.

# %% tags=["claim"]
assert result.violations == {"one_leader_per_term": 8}, result.violations
first = result.counterexamples[0]
assert first.minimal is not None and len(first.minimal) == 4 < len(first.schedule), first
for leave_out in range(4):
    fewer = [f for i, f in enumerate(first.minimal) if i != leave_out]
    assert one_leader_per_term(run_once(spawn_broken, first.seed, fewer).trace) == [], fewer
#
# ## 4. Replay the shrunk schedule
#
# Same seed, same faults, same run: the shrunk schedule replays exactly.

# %%
found = result.shortest()
sim = run_once(spawn_broken, found.seed, found.minimal)
violation = one_leader_per_term(sim.trace)[0]
print(violation)

# %% tags=["claim"]
assert found is first and violation == found.minimal_violation, (violation, found)

# %% [markdown]
# **Predict:** two leaders of one term need two majorities of votes, and two majorities
# of five nodes share a node. What must that shared node have done?
#
# The timeline shows the messages just before the second leader wins. Look for a node
# that answers a `RequestVote` of the same term twice, to two candidates.

# %%
diagram = timeline(sim.trace, violation.t - 0.03, violation.t + 0.005)

# %% tags=["claim"]
granted = {}
for e in sim.trace:
    window = violation.t - 0.03 <= e.t <= violation.t + 0.005
    if window and e.kind == "send" and e.msg_type == "RequestVoteReply" and e.msg.vote_granted:
        granted.setdefault((e.msg.term, e.node), set()).add(e.peer)
twice = {k: v for k, v in granted.items() if len(v) > 1}
assert [term for term, _ in twice] == [9] and set(violation.nodes) in twice.values(), granted

# %%
picture = draw_cluster(sim, violation.t)

# %% [markdown]
# ## 5. Fix it
#
# Here is the broken node's `RequestVote` receiver. Compare it, condition by condition,
# with the RequestVote RPC box of Figure 2 in the Raft paper ("Receiver implementation").

# %%
# distsys-edu: include distsys_edu.exercises.broken:BrokenRaftNode.on_request_vote

# %% [markdown]
# ### Exercise: fix the protocol
#
# Write `FixedRaftNode.on_request_vote` with every condition Figure 2 asks for. The check
# first puts each condition to one server on its own (a request of an older term, a
# second candidate, a log behind ours...), runs your node once without faults (it must
# still elect a leader) and then lets the explorer loose on it: 40 runs under random
# faults, none of which may give a term two leaders. If it finds one, the box shows the
# shrunk schedule and who voted twice.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.broken:FixedRaftNode

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.broken:FixedRaftNode

# %%
check_fixed_protocol(FixedRaftNode)

# %% [markdown]
# ### Exercise: an invariant the monitor could run
#
# Two leaders of a term are the symptom; the cause is a node that voted twice in one term.
# Write `votes_twice(trace)`: the `(term, voter)` pairs where a voter granted its vote to
# two *different* candidates in one term. The check runs it on the library's Raft (with
# duplicated messages), on the broken node under the explorer's shrunk schedule, and on
# a few scripted votes (a refusal, a third candidate, a vote lost on the way).

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.vote_invariant:votes_twice

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.vote_invariant:votes_twice

# %%
check_vote_invariant(votes_twice)

# %% [markdown]
# Your fix is a protocol like any other: `spawner(FixedRaftNode)` is its spawn function,
# so you can explore it further yourself, or play with it:
# `Playground(spawner(FixedRaftNode))`. Forty runs passing do not prove it correct;
# they make a bug that is easy to hit unlikely. (Raft's own safety argument is a proof,
# in section 5.4 of the paper.)
#
# ## Summary
#
# - The playground breaks a run by hand and replays it from its seed; every action is
#   recorded, so a run is a short program.
# - The explorer tries many random fault schedules and checks invariants on every event;
#   delta debugging shrinks a failing schedule to the few faults that matter.
# - One missing condition (`voted_for`) lets a node vote twice in a term, and two
#   majorities then elect two leaders: the explorer finds it in seconds, where runs
#   without faults never show it.
#
# **Next**: lesson 07. Before you go, try the explorer on the library's protocols:
# `explore("bully", runs=30)` finds lesson 05's split brain on its own.

# %% tags=["claim"]
bully = explore("bully", runs=30, max_shrink=0, progress=False)
assert bully.violations["one_leader_among_reachable"] > 0, bully.violations
