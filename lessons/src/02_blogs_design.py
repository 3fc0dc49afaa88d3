# %% [markdown]
# # 02 The blog's design
#
# **What you will learn** (about 50 minutes):
#
# - the leader–follower heartbeat design of the blog post this course starts from,
#   run exactly as written;
# - how to find the flaws of a design: predict what could go wrong, then break it on
#   purpose (a crash, a partition, a dead follower) and read what happened;
# - the difference between **supervision** (restarting an actor that raised, on the
#   same machine) and **failover** (another machine takes over from a dead one);
# - how to make followers detect a dead leader, and a standby take over from it.
#
# You should know lesson 01: actors, messages, and the network's faults.

# %%
from collections.abc import Sequence
from functools import partial

from distsys_edu import Context, Sim, Supervisor, Timer
from distsys_edu.exercises import check_failover, check_follower_detector
from distsys_edu.protocols.blog import BlogConfig, Follower, Heartbeat, Leader, spawn_cluster
from distsys_edu.viz import animate, draw_cluster, timeline

# %% [markdown]
# ## The design, as written
#
# The blog builds a cluster on Rust's actor framework, Actix:
#
# - a `Leader` keeps the addresses of its followers; a `Follower` joins by sending
#   `RegisterFollower(its address)`, once, when it starts;
# - every second the leader sends a `Heartbeat` to each follower with
#   `follower.try_send(Heartbeat).unwrap()`;
# - every second each follower sends a `Heartbeat` to its leader; when `try_send`
#   fails, it decides the leader "has failed" and forgets it;
# - "the leader detects its own failure through the followers' heartbeats".
#
# `distsys_edu.protocols.blog` is that design translated line by line, flaws included.
#
# **Before you run anything: what could go wrong with this design?** Think of a
# crashed leader, a crashed follower, a network that drops messages. Write down two or
# three guesses; the rest of this lesson tests them.
#
# Four nodes, `n1` the leader:

# %%
def blog_cluster(seed: int = 1) -> Sim:
    sim = Sim(seed=seed)
    spawn_cluster(sim, 4)  # n1 leads; n2, n3, n4 follow
    return sim


sim = blog_cluster()
sim.run(until=5.0)
view = draw_cluster(sim)

# %% [markdown]
# The star is the leader, the circles are followers, and each arrow goes from a node to
# the node it *believes* leads (black: right). Heartbeats travel every second, both
# ways.
#
# ## Crash the leader
#
# **Predict**: the leader's machine crashes at t = 5. What do the followers do? Who
# leads at t = 8?

# %%
sim.crash("n1")
sim.run(until=8.0)
for name in ["n1", "n2", "n3", "n4"]:
    print(name, sim.status(name), sim.annotations(name))

# %% tags=["claim"]
followers = ["n2", "n3", "n4"]
assert sim.status("n1") == "down" and all(sim.status(n) == "up" for n in followers)
assert sim.annotations("n1") == {}  # a crashed node publishes nothing
assert all(sim.annotations(n)["suspects"] == ("n1",) for n in followers)
assert not [n for n in followers if sim.annotations(n).get("role") == "leader"]
assert all(sim.annotations(n).get("leader") is None for n in followers)

# %% [markdown]
# Each follower's next `try_send` failed, so it forgot its leader (it now *suspects*
# n1) ... and that is all. Nobody leads, for ever. Watch it happen (slowed down, so
# that you can see the heartbeats in flight; it plays in a loop, and where the notebook
# runs, ▶ and the slider step through it):

# %%
animate(sim, 4.5, 7.5, fps=4, speed=0.5)

# %% [markdown]
# ## A partition instead of a crash
#
# In one process, Actix knows at once that an actor has stopped, and `try_send` fails.
# Across a network nobody does: a crashed machine and a slow one look the same (a
# message and its answer are just missing). **Predict**: instead of crashing, the
# leader is cut off from its followers by a network partition. What do the followers
# believe after 5 s? What does the leader?

# %%
sim = blog_cluster()
sim.run(until=5.0)
sim.partition(["n1"], ["n2", "n3", "n4"])
sim.run(until=10.0)
for name in ["n1", "n2", "n3", "n4"]:
    print(name, sim.annotations(name))

# %% tags=["claim"]
assert all(sim.annotations(n)["leader"] == "n1" for n in followers)
assert sim.annotations("n1")["considers_itself_failed"] is True
assert not [e for e in sim.trace if e.kind == "send_error"]

# %% [markdown]
# Every follower still follows n1: `try_send` did not fail, the messages were simply
# dropped. And the leader "detected its own failure" (`considers_itself_failed`): the
# only way its check can fire is while it is *fine* and its followers are unreachable.

# %%
view = draw_cluster(sim)

# %% [markdown]
# ## Its flaws
#
# Compare with your guesses. `distsys_edu/protocols/blog.py` lists seven flaws of the
# design; here are the five that the runs of this lesson show, with the numbers they
# have there.
#
# **1. The leader is asked to detect its own failure.** A crashed process runs no
# code, so it can never notice that it crashed (the crashed `n1` above published
# nothing); the check fired only in the partition, while `n1` was fine. Failure must
# be detected by *someone else*, from the outside, by the silence of its heartbeats.
#
# **2. Nothing elects a new leader.** After the crash the followers knew the leader
# was gone and did nothing about it. Restarting n1 does not help either: a fresh
# leader has an empty list of followers, and nobody registers again.
#
# **3. No terms.** Nothing numbers a leadership. If a second leader appears (by hand,
# or by a naive election), nobody can tell the current leader from a stale one: split
# brain. Lesson 05 fixes this with Raft's terms.
#
# **4. A failed send panics.** `try_send(..).unwrap()` panics when a follower is gone.
# **Predict**: follower n3 crashes. What happens to the leader?

# %%
sim = blog_cluster()
sim.run(until=5.0)
sim.crash("n3")
sim.run(until=10.0)
print({name: sim.status(name) for name in ["n1", "n2", "n3", "n4"]})
print(sim.failures[0].error)

# %% [markdown]
# One dead follower took the leader down with it, and with the leader the whole
# cluster. (The pink box above is the runtime telling you that a handler raised.)
#
# **5. `try_send` is an oracle a real network does not have.** It failed at once for
# the crashed leader and the crashed follower, which run in this one process, and
# never in the partition, where the followers went on "following" a leader they could
# not reach. On a real network, a crash on another machine gives no error at all.

# %% tags=["claim"]
assert [sim.status(n) for n in ("n1", "n2", "n3", "n4")] == ["down", "up", "down", "up"]
failure = sim.failures[0]
assert (failure.node, failure.outcome, failure.t) == ("n1", "crashed", 6.0), failure
assert failure.error.startswith("SendError") and "'n3'" in failure.error, failure.error
assert all(sim.annotations(n)["suspects"] == ("n1",) for n in ("n2", "n4"))
#
# ## Supervision against failover
#
# Actix, like Erlang, answers a crashing actor with a **supervisor**: when the actor
# raises, restart it, on the same machine, with its fields kept and its timers gone.
# **Predict**: n1 runs under a supervisor that allows 3 restarts within 10 s; n3
# crashes as before. Does the supervisor save the leader?

# %%
sim = Sim(seed=1)
config = BlogConfig()
sim.spawn("n1", partial(Leader, config), supervisor=Supervisor(max_restarts=3, within=10.0))
for name in ["n2", "n3"]:
    sim.spawn(name, partial(Follower, "n1", config))
sim.run(until=5.0)
sim.crash("n3")
sim.run(until=15.0)
print(sim.trace.counts()["events"]["supervised_restart"], "restarts; n1 is", sim.status("n1"))

# %% tags=["claim"]
restarts = [e.t for e in sim.trace if e.kind == "supervised_restart" and e.node == "n1"]
crashes = [e.t for e in sim.trace if e.kind == "crash" and e.node == "n1"]
failures = [e.t for e in sim.trace if e.kind == "failure" and e.node == "n1"]
assert restarts == [6.0, 7.0, 8.0] and crashes == [9.0] and failures == [6.0, 7.0, 8.0, 9.0]
assert [f.outcome for f in sim.failures] == ["restarted"] * 3 + ["crashed"]
assert all(f.error.startswith("SendError") and "'n3'" in f.error for f in sim.failures)

# %% [markdown]
# The supervisor restarted the leader three times. Each time the same actor, with the
# same list of followers, panicked again on the same dead follower, until the
# supervisor gave up and let the node crash. The space-time diagram shows it: every
# second n1 heartbeats n2, then panics on n3 and is restarted; the fourth panic within
# 10 s is one too many, and at t = 9 n1 is down (hatched) for good.

# %%
diagram = timeline(sim.trace, start=4.5, end=9.5)

# %% [markdown]
# Supervision is for **transient faults inside one machine**: a bug that one bad
# message triggers, a connection to reopen. It cannot help when the fault stays (a
# dead peer), and it cannot help when **the machine itself** is gone: the supervisor
# runs on that machine, and dies with it. Then another machine must take over:
# **failover**. For that, the others must first *notice* that the leader is gone,
# without `try_send`.
#
# ## Exercise 1: followers that detect a dead leader
#
# Write a `WatchfulFollower`: a blog follower that **suspects its leader when no
# heartbeat came for a while**. Long enough that a late heartbeat is no reason (the
# network can delay one by half a second), short enough to notice within 5 s.
# To suspect, do what the blog's follower does when a send fails:
# `self.leader = None`, then `self.publish(ctx)`.
#
# Useful: `ctx.run_later(after, fn)` calls `fn(ctx)` once, `after` seconds from now,
# and returns a `Timer`; `ctx.cancel(timer)` stops it. The check runs your follower
# beside the blog's leader: steady, on a jittery network, with the leader cut off, and
# with it crashed.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.follower:WatchfulFollower

# %% tags=["solution"]
from distsys_edu.exercises.solutions.follower import MISSED_HEARTBEATS  # 3


# distsys-edu: include distsys_edu.exercises.solutions.follower:WatchfulFollower

# %%
check_follower_detector(WatchfulFollower)

# %% [markdown]
# ## Exercise 2: a standby that takes over
#
# Now fail over. Write a `Standby`: a follower that watches the leader's heartbeats as
# in Exercise 1 and, when they stop, **takes over**: it stops following, publishes
# itself as leader, and **heartbeats the other followers every interval**. The check
# runs it as n2, beside the blog's leader n1 (under a supervisor, which will not
# help) and a follower n3 that follows whoever heartbeats it.
#
# **Predict** before you write: should the Standby take over when n1 is only cut off
# by a partition, and n1 is still running? What does n1 believe then?

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.failover:Standby

# %% tags=["solution"]
from distsys_edu.exercises.solutions.failover import MISSED_HEARTBEATS  # 3


# distsys-edu: include distsys_edu.exercises.solutions.failover:Standby

# %%
check_failover(Standby)

# %% [markdown]
# It must take over: from n2's side a cut-off leader and a dead one look the same.
# But n1, alive on its side of the cut, still believes it leads. Two leaders and no
# way to tell which is current: that is flaw 3, split brain, and the reason the next
# lessons add elections and terms.
#
# ## Summary
#
# - The blog's design runs, and breaks: when the leader dies nothing takes over; its
#   failure detection leans on `try_send`, which a network does not offer; a crash
#   of one follower kills the leader; nothing numbers a leadership.
# - A process cannot detect its own crash; others detect it by silence, with a
#   timeout of a few heartbeat intervals: too short suspects live nodes, too long is
#   slow.
# - A supervisor restarts a failed *actor* on its own machine; a dead *machine* needs
#   another node to take over (failover), and a takeover without terms risks two
#   leaders.
#
# **Next**: [03 Failure detection](03_failure_detection.ipynb): how to choose that
# timeout, and detectors that adapt it.
#
# ## Sources
#
# - The source blog post: "a leader–follower system with heartbeats built on an actor
#   framework (Rust's Actix)", the kind of post this course starts from. Its design,
#   and its words in quotation marks here ("the leader detects its own failure through
#   the followers' heartbeats"), are restated flaw by flaw, with the seven flaws
#   numbered as in this lesson, in `distsys_edu/protocols/blog.py`.
# - Actix: `Addr::try_send` and `Supervised` (<https://actix.rs/docs/actix/>).
# - J. Armstrong, *Making reliable distributed systems in the presence of software
#   errors*, PhD thesis, KTH, 2003, chapter 4: supervision trees.
# - M. J. Fischer, N. A. Lynch, M. S. Paterson, "Impossibility of Distributed
#   Consensus with One Faulty Process", JACM 32(2), 1985: a crashed process cannot be
#   told apart from a slow one in an asynchronous system.
# - T. D. Chandra, S. Toueg, "Unreliable Failure Detectors for Reliable Distributed
#   Systems", JACM 43(2), 1996: failure detection by timeouts, and its mistakes.
# - N. Budhiraja, K. Marzullo, F. B. Schneider, S. Toueg, "The Primary-Backup
#   Approach", in *Distributed Systems* (2nd ed.), 1993: failover to a backup.
# - D. Ongaro, J. Ousterhout, "In Search of an Understandable Consensus Algorithm",
#   USENIX ATC 2014, section 5.1: terms.
