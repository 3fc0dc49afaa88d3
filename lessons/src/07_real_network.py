# %% [markdown]
# # 07 The same cluster on a real network
#
# **What you will learn** (about 45 minutes):
#
# - how to run the Raft nodes of the earlier lessons as five real operating-system
#   processes that talk over UDP, and break them with real signals: `kill -9`, a
#   frozen process (SIGSTOP), a cut network;
# - how a *stale leader* — a leader frozen past its followers' election timeout —
#   finds out that the world moved on, and steps down;
# - how to read the nodes' merged trace with the same checks and the same timeline as
#   a simulated run;
# - what you lose against the simulator, and what you gain.
#
# The simulator of lessons 00–06 was one Python process that pretended to be five.
# Here each node is its own process with its own clock, scheduler and socket, so two
# runs of this notebook never produce the same trace. Cells whose output depends on
# real timing are marked and say so; the facts the lesson relies on are checked with
# `assert` instead of being printed.
#
# **This lesson needs a real machine.** It starts processes and opens UDP sockets,
# which a browser cannot: it is not in the JupyterLite site (`make lite`, where
# lessons 00–06 run with no server, see `docs/lite.md`). Run it in JupyterLab on your
# computer (`make lab`) or on Binder.

# %%
import tempfile
from pathlib import Path

from distsys_edu import Sim, Trace
from distsys_edu.checks import one_leader_per_term
from distsys_edu.exercises import check_step_downs, check_terms_with_two_leaders
from distsys_edu.net import Cluster
from distsys_edu.protocols import spawn
from distsys_edu.viz import timeline

# %% [markdown]
# ## Five processes
#
# `Cluster.up` starts one Python process per node (`python -m distsys_edu.cli.processes`), not
# threads or tasks inside this notebook's kernel. Each process runs the very same
# `Raft` actor class as the simulator; only the `Context` it is given differs: its
# `ctx.now` reads the machine's clock and its messages are UDP datagrams on
# 127.0.0.1. The nodes keep their files (trace, storage, log) in a run directory, here
# a temporary one. They are tied to this kernel: if it dies, they die.
#
# Election timeouts are 300–600 ms, slower than the simulator's 150–300 ms, so that a
# busy machine does not trigger elections by itself.

# %%
workdir = tempfile.TemporaryDirectory()
cluster = Cluster.up(
    "raft", 5, Path(workdir.name) / "run", options={"election_timeout": [0.3, 0.6]}, seed=7
)
print(f"{len(cluster.pids())} node processes: {', '.join(cluster.config.nodes)}")

# %% [markdown]
# Wait until all five agree on one leader. *Which* node wins depends on whose timer
# runs out first, which depends on when each process happened to start: the output
# below differs from run to run (that is why the cell is marked).

# %%
# NBVAL_IGNORE_OUTPUT
# (the leader and how long it took depend on real timing)
first, term1 = cluster.wait_for_leader(timeout=10)
print(f"{first} leads term {term1}")

# %% [markdown]
# ## `kill -9` the leader
#
# **Predict.** We send the leader SIGKILL: no goodbye, no last message. How do the
# others find out? In which term will the next leader lead? How long will they go
# without one: closer to 0.1 s, 0.5 s or 5 s?

# %%
# NBVAL_IGNORE_OUTPUT
# (names and terms depend on real timing)
cluster.kill(first)
second, term2 = cluster.wait_for_leader(timeout=10, above_term=term1)
assert second != first and term2 > term1
print(f"{first} killed; {second} leads term {term2}")

# %% [markdown]
# Nobody told them: they noticed the silence. A follower's election timer ran out
# (no `AppendEntries` for 300–600 ms), it became a candidate in the next term, and a
# majority voted for it: Raft's rules for followers and candidates (Ongaro and
# Ousterhout 2014, §5.2 and Figure 2).
#
# We bring the killed node back. It is a fresh process; only what it wrote to its
# storage file survives (its term and its vote, as Raft's Figure 2 requires of
# "persistent state").

# %%
cluster.restart(first)

# %% [markdown]
# ## A stale leader
#
# A process can stop without dying: a long garbage-collection pause, a laptop lid, a
# virtual machine being migrated. We freeze the new leader with SIGSTOP for longer
# than the followers' election timeout, then let it run again with SIGCONT. This is
# the scenario of Kleppmann's "How to do distributed locking" (2016) and of
# *Designing Data-Intensive Applications* (2017, ch. 8, "Process Pauses").
#
# **Predict.** While it is frozen, what do the other four do? When it wakes up, it
# still believes it leads. What is the first thing that tells it otherwise, and what
# does it do then?

# %%
# NBVAL_IGNORE_OUTPUT
# (names and terms depend on real timing)
stale = second
rest = [n for n in cluster.config.nodes if n != stale]
cluster.pause(stale)
third, term3 = cluster.wait_for_leader(timeout=10, among=rest, above_term=term2)
cluster.resume(stale)
cluster.wait_for_leader(timeout=10, above_term=term2)
print(f"{stale} froze as leader of term {term2}; {third} was elected in term {term3}")

# %% [markdown]
# The others could not tell a frozen leader from a dead one, so they elected
# another. On waking, the stale leader sent heartbeats for term `term2`; the answers
# carried a higher term, and Raft's rule for *all* servers applies: "if RPC request or
# response contains term T > currentTerm: set currentTerm = T, convert to follower"
# (Figure 2). We check that in the trace below.
#
# ## Cut the network, then heal it
#
# **Predict.** We cut the current leader and one follower off from the other three.
# Which side elects a leader? What happens to the old leader when the cut heals?

# %%
# NBVAL_IGNORE_OUTPUT
# (names and terms depend on real timing)
minority = [third, next(n for n in rest if n != third)]
majority = [n for n in cluster.config.nodes if n not in minority]
cluster.partition([minority, majority])
fourth, term4 = cluster.wait_for_leader(timeout=10, among=majority, above_term=term3)
cluster.heal()
leader, term = cluster.wait_for_leader(timeout=10, above_term=term3)
print(f"{majority} elected {fourth} in term {term4}; after the heal {leader} leads")

# %% [markdown]
# Only the majority side (three of five) can win an election. The minority's leader
# kept its title but could not commit anything; after the heal it heard the higher
# term and stepped down, exactly as the paused one did.
#
# ## The merged trace
#
# Each node wrote its own trace file; the launcher wrote what it did (kill, pause,
# partition...). `cluster.trace()` merges them into one `Trace`, ordered by time and
# Lamport clock (Lamport 1978) so that every message is sent before it arrives. We
# stop the cluster and check the facts the story above relies on.

# %%
real = cluster.trace()
cluster.down()
workdir.cleanup()
resumed = real.events("resume")[0].t
after_resume = real.events("annotate", node=stale, since=resumed)
assert one_leader_per_term(real) == []
assert any(e.data["role"] == "follower" and e.data["term"] > term2 for e in after_resume)
print("one leader per term: yes; the stale leader stepped down into a higher term: yes")

# %% tags=["claim"]
# The partition's minority leader adopted the majority's higher term (it stepped down).
assert fourth in majority and term4 > term3
assert real.events("annotate", node=third)[-1].data["term"] >= term4

# %% [markdown]
# Now the same picture as the simulator's: one lane per node, an arrow per message,
# hatching while a node was down or paused. Zoomed on the moment the stale leader
# woke up (where the hatching on its lane ends): the heartbeats it had not yet sent
# go out for the old term, the replies come back with the new term, and from then on
# its lane only receives the new leader's `AppendEntries`. The axis counts seconds on
# the machine's clock since the cluster started, where the simulator's counts virtual
# seconds.

# %%
# NBVAL_IGNORE_OUTPUT
# (a real run draws a different picture every time)
_ = timeline(real, start=resumed - 0.3, end=resumed + 0.3)

# %% [markdown]
# ## The same story in the simulator
#
# The same faults as a schedule, in virtual time: n5 leads term 1, is killed at
# t=1 and restarts at t=2; n2, leader of term 2, is paused at t=2.5 for a second;
# at t=4.5 the network is cut between n1, n2 and the rest, and healed at t=6.

# %%
sim = Sim(
    seed=1,
    faults=["1 crash n5", "2 restart n5", "2.5 pause n2 1.0", "4.5 partition n1,n2|n3,n4,n5", "6 heal"],
)
spawn(sim, "raft", 5)
sim.run(until=7)
print(one_leader_per_term(sim.trace), sim.trace.digest()[:16])

# %% tags=["claim"]
def leaders(t):
    """{leader: term} in the simulated run at t."""
    nodes = sim.snapshot(t).nodes.items()
    return {n: v.annotations["term"] for n, v in nodes if v.annotations.get("role") == "leader"}


assert leaders(0.99) == {"n5": 1} and leaders(2.49) == {"n2": 2}, (leaders(0.99), leaders(2.49))
assert leaders(3.49) == {"n1": 3, "n2": 2}  # n2, paused, still believes it leads term 2
assert one_leader_per_term(sim.trace) == []

# %%
_ = timeline(sim.trace, start=3.2, end=3.8)

# %% [markdown]
# This picture is the same every time you run it, on every machine (the digest above
# says so), and you can replay it, step it, take a snapshot at any instant. The real
# one is not, and cannot.
#
# ## What was lost, and what was gained
#
# **Lost against the simulator:**
#
# - *Determinism and replay.* The seed still seeds each node's random numbers, but
#   which datagram arrives first is up to the operating system. Every run differs;
#   a failure you saw once may never come back.
# - *Complete accounting.* A datagram sent to a dead process simply vanishes: the
#   trace shows it sent, and never delivered nor dropped.
# - *Knowing what is true.* In the simulator the runtime knows a node is down; here
#   nobody does (not even `try_send`), which is exactly the position of the nodes.
# - *Time.* A second is a second; pauses last until someone resumes them.
#
# **Gained:** real processes, real signals, a real kernel network. The pause was a
# real frozen process whose datagrams queued in its socket; the kill came in the
# middle of whatever it was doing. And the protocol, unchanged, still kept one
# leader per term, which the same check confirmed on the real trace.
#
# ## Exercise 1: find the step-downs
#
# A real trace cannot be replayed, so you will study it by reading it. Write
# `step_downs(trace)`: every time a leader stepped down, with the term it led and the
# term in which it stepped down. The check runs your function on simulated traces
# (the same schema as the real one): a paused leader, a crashed leader, a partition,
# a split vote, and a scripted leader that learns of a term two ahead.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.real_traces:step_downs

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.real_traces:step_downs

# %%
check_step_downs(step_downs)

# %% [markdown]
# When it passes, try `step_downs(real)`: you should find the stale leader among
# them, stepping down from `term2`.
#
# ## Exercise 2: one leader per term
#
# `one_leader_per_term` is the check that matters most for Raft: Figure 2's
# *Election Safety*, "at most one leader can be elected in a given term" (§5.2).
# Write it yourself: `terms_with_two_leaders(trace)` returns each term that had two
# leaders or more. Beware: a split that healed before the end still counts, and a view
# that publishes no term says nothing about terms.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.real_traces:terms_with_two_leaders

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.real_traces:terms_with_two_leaders

# %%
check_terms_with_two_leaders(terms_with_two_leaders)

# %% [markdown]
# ## Summary
#
# - The same actor classes ran as five real processes: Raft elected a leader, replaced
#   a killed one, and a leader frozen past the election timeout stepped down as soon
#   as it heard of the higher term.
# - The nodes' traces merge into one, which the same checks and the same timeline
#   read. One leader per term held on the real run too.
# - The price: no determinism, no replay, no complete accounting of messages. That is
#   why the earlier lessons used the simulator, and why a real run is checked by
#   reading its trace, not by running it again.
#
# **Next:** from a terminal, `distsys-edu net up raft` starts the same cluster for
# you to break by hand (`net kill`, `net pause`, `net partition`, `net trace`); see
# `docs/real-network.md`.
#
# **Sources.** D. Ongaro and J. Ousterhout, "In Search of an Understandable Consensus
# Algorithm", USENIX ATC 2014: §5.1 (terms; a stale leader steps down), §5.2 (leader
# election, Election Safety) and Figure 2 (rules for servers, persistent state).
# L. Lamport, "Time, Clocks, and the Ordering of Events in a Distributed System",
# CACM 21(7), 1978 (the clocks used to merge the traces). M. Kleppmann, "How to do
# distributed locking", 2016, and *Designing Data-Intensive Applications*, O'Reilly
# 2017, ch. 8 (process pauses).
