# %% [markdown]
# # 00 Start here
#
# **What you will learn** (about 15 minutes): what this course covers, how to run
# the notebooks, and what the playground you will meet again later looks like.
#
# ## What this course is about
#
# A well-known style of blog post builds "a leader–follower system with heartbeats
# on an actor framework (Rust's Actix)". It reads well, and it is broken in ways that
# only show when machines crash, pause and lose messages. In this course you run that
# design, watch it break, and fix it step by step, the way real systems did:
#
# | Lesson | You learn |
# |---|---|
# | 00 Start here | running the notebooks; a first cluster |
# | 01 Actors and messages | mailboxes; latency, loss, duplication, reordering; retries |
# | 02 The blog's design | the design as written; its flaws; supervision against failover |
# | 03–04 | failure detection (timeouts, φ accrual, SWIM) and leader election (bully, ring) |
# | 05–06 | split brain, terms, and a Raft-style election |
# | 07 | the same actors as real processes over a real network |
#
# Each lesson asks you to **predict** what will happen before you run it, has
# exercises that a check grades with specific feedback, and ends with a summary.
# Worked answers are in `solutions/`: try first.
#
# ## How to run a cell
#
# Click a grey code cell and press **Shift+Enter**: it runs, shows its output below,
# and moves to the next cell. Run the cells in order, top to bottom. If something
# gets muddled, *Kernel → Restart Kernel and Run All Cells* starts afresh. Try it:

# %%
import distsys_edu
from distsys_edu import Sim
from distsys_edu.exercises import check_first_leader, check_same_seed
from distsys_edu.protocols import spawn
from distsys_edu.viz import Playground, animate, draw_cluster

print("distsys_edu", distsys_edu.__version__, "is ready")

# %% [markdown]
# ## A first cluster
#
# Everything in the course runs inside a `Sim`: a simulated world with its own
# **virtual** clock and network. Here five nodes run a Raft-style election (lesson
# 05 explains it). **Predict**: after one second of virtual time, how many of the
# five nodes lead?

# %%
sim = Sim(seed=1)
spawn(sim, "raft", 5)
sim.run(until=1.0)
view = draw_cluster(sim)

# %% tags=["claim"]
roles = {n: v.annotations["role"] for n, v in sim.snapshot().nodes.items()}
assert list(roles.values()).count("leader") == 1, roles

# %% [markdown]
# One star: one leader. Each dotted arrow goes from a node to the node it believes
# leads; the arcs around the nodes are their timers, running down. The second of
# virtual time took a few milliseconds of real time: a simulation runs as fast as
# the computer allows.
#
# ## Same seed, same run
#
# All randomness (message delays, losses, timeouts) comes from the seed. Run the same
# code with the same seed and you get the same run, event for event; the trace's
# digest is its fingerprint. **Self-check**: predict what this cell prints, then
# change one seed to 2 and run it again.

# %%
def first_cluster(seed: int) -> str:
    sim = Sim(seed=seed)
    spawn(sim, "raft", 5)
    sim.run(until=1.0)
    return sim.trace.digest()


print("the same run:", first_cluster(seed=1) == first_cluster(seed=1))

# %% [markdown]
# ## Warm-up 1: same seed, same digest
#
# Write `run_twice(seed)`: run the 5-node Raft cluster for 1 s twice with that seed
# (two Sims: two runs) and return both Sims. The check compares their digests with
# each other and with ours, on seeds you have not seen.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.warm_ups:run_twice

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.warm_ups:run_twice

# %%
check_same_seed(run_twice)

# %% [markdown]
# ## Warm-up 2: who leads first?
#
# Each Raft node publishes its role with `ctx.annotate`; the trace keeps these as
# `annotate` events, and `sim.trace.events("annotate")` lists them in time order
# (each `e` has `e.t`, `e.node` and `e.data`, e.g. `e.data["role"]`). Write
# `first_leader(sim)`: you are given a Sim with 5 Raft nodes spawned; run it long
# enough for an election (an election takes a few hundred milliseconds) and return
# the name of the first node it elected. Careful: the check hands you clusters in
# which the first leader crashes and another takes over, and in which a candidate
# loses its election.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.warm_ups:first_leader

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.warm_ups:first_leader

# %%
check_first_leader(first_leader)

# %% [markdown]
# That is why every notebook here shows the same pictures on your computer as on
# ours, and why a bug you find can always be replayed.
#
# ## The playground
#
# The playground is a live picture of a run that you can play, pause, rewind and
# break: crash, restart or pause a node (click it), cut the network in two, change
# the latency and the loss. Every action is recorded and can be copied as code.
# Press ▶, then crash the leader and watch the others elect a new one. (It needs a
# running kernel: on a page without one, such as GitHub, it shows nothing.)

# %%
# NBVAL_IGNORE_OUTPUT
Playground("raft", nodes=5, seed=1)

# %% [markdown]
# If you are reading this without a kernel, here is the same cluster as a recording:
# the leader crashes at t = 1 s and the others elect a new one (slowed down 4 times; it
# plays in a loop, and where the notebook runs, ▶ and the slider step through it).

# %%
sim = Sim(seed=1, faults=["1.0 crash n5"])
spawn(sim, "raft", 5)
sim.run(until=1.6)
animate(sim, 0.95, 1.55, fps=5, speed=0.25)

# %% tags=["claim"]
def leaders_at(t):
    return [n for n, v in sim.snapshot(t).nodes.items() if v.annotations.get("role") == "leader"]


assert leaders_at(0.999) == ["n5"] and sim.snapshot(1.0).nodes["n5"].status == "down"
assert len(leaders_at(1.55)) == 1 and leaders_at(1.55) != ["n5"], leaders_at(1.55)

# %% [markdown]
# ## Summary
#
# - The course runs a leader–follower design, breaks it, and fixes it, in a simulated
#   world that replays exactly from a seed.
# - Run cells with Shift+Enter, in order; restart and run all when in doubt.
# - The playground lets you break a cluster by hand; every lesson has its pictures.
#
# **Next**: [01 Actors and messages](01_actors_and_messages.ipynb).
#
# ## Sources
#
# - D. Ongaro, J. Ousterhout, "In Search of an Understandable Consensus Algorithm",
#   USENIX ATC 2014: the Raft election shown above (section 5.2).
# - The visual language follows RaftScope (<https://raft.github.io/>) and The Secret
#   Lives of Data (<http://thesecretlivesofdata.com/raft/>).
