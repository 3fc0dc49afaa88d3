# %% [markdown]
# # 04 Leader election
#
# **What you will learn**
#
# * the Bully election (Garcia-Molina 1982): the highest live id wins, by asking
#   only the nodes above it; you will write its four rules;
# * the ring election (Chang and Roberts 1979): ids travel round a ring and only the
#   largest comes back; you will write its one rule;
# * how many messages each costs, measured against the textbook formulas;
# * what both assume about the network, and where that breaks (the topic of lesson 05).
#
# **Time:** about 60 minutes, two exercises included. You need lesson 03.

# %%
from distsys_edu import Constant, LinkConfig, Sim
from distsys_edu.checks import one_leader_among_reachable
from distsys_edu.exercises import check_bully, check_ring
from distsys_edu.exercises.bully import (
    AWAITING_ANSWER,
    AWAITING_COORDINATOR,
    CANDIDATE,
    Answer,
    Election,
)
from distsys_edu.exercises.ring import Elected, RingElection
from distsys_edu.experiments.messages import election_messages
from distsys_edu.protocols import bully, ring
from distsys_edu.protocols.bully import BullyNode
from distsys_edu.protocols.cluster import LEADER
from distsys_edu.protocols.ring import RingNode
from distsys_edu.runtime import Context
from distsys_edu.viz import animate, draw_cluster, plot_message_counts, timeline

# %% [markdown]
# ## 1. Bully: the highest live id wins
#
# Garcia-Molina (*Elections in a distributed computing system*, IEEE Transactions on
# Computers C-31(1), 1982, section 4), in the three messages of the textbooks
# (Coulouris et al., *Distributed Systems*, section 15.3). Every node has a unique id;
# a node that suspects the coordinator starts an **election**:
#
# 1. it sends `Election` to every node with a **higher** id, and waits;
# 2. a higher node that gets it replies `Answer` ("I am alive, I take over") and starts
#    an election of its own;
# 3. a node that hears no `Answer` in time concludes that every higher node crashed:
#    it is the coordinator and tells every lower node with `Coordinator`;
# 4. a node that was answered waits for that `Coordinator` (and starts again if none
#    comes).
#
# Five nodes; links take 10 ms so that we can watch; the coordinator `n5` crashes at
# t=1. **Predict:** who wins, and who sends how many `Election` messages?

# %%
slow = LinkConfig(latency=Constant(0.01))
sim = Sim(seed=4, network=slow, faults=["1 crash n5"])
bully.spawn_cluster(sim, 5)
sim.run(until=2.0)
lines = timeline(sim.trace, 1.38, 1.5)

# %% [markdown]
# All four followers suspected `n5` at t=1.4 (their detectors allow 0.35 s of silence
# and are asked every 0.05 s) and asked the nodes above them; `n5` was down, so its Elections were dropped (✕). Each
# of `n1`, `n2`, `n3` got an Answer from above; `n4` got none, waited
# `answer_timeout` (50 ms) and announced itself. The cluster at t=2: `n4` leads and
# every live follower points at it.

# %% tags=["claim"]
def events(kind, msg_type=None):
    """(rounded time, node, peer) of the trace's events of a kind (a claim's helper)."""
    return [(round(e.t, 3), e.node, e.peer) for e in sim.trace
            if e.t > 1 and e.kind == kind and (msg_type is None or e.msg_type == msg_type)]


suspicions = {}
for e in sim.trace:
    if e.kind == "annotate" and "n5" in e.data.get("suspects", ()):
        suspicions.setdefault(e.node, round(e.t, 3))
assert suspicions == dict.fromkeys(("n1", "n2", "n3", "n4"), 1.4), suspicions


assert {(t, n) for t, n, _ in events("send", "Election")} == {
    (1.4, n) for n in ("n1", "n2", "n3", "n4")}
assert {(n, p) for _, n, p in events("drop", "Election")} == {
    (n, "n5") for n in ("n1", "n2", "n3", "n4")}
assert {p for _, _, p in events("deliver", "Answer")} == {"n1", "n2", "n3"}
assert {(t, n) for t, n, _ in events("send", "Coordinator")} == {(1.45, "n4")}
assert {n: sim.annotations(n)["leader"] for n in ("n1", "n2", "n3", "n4")} == dict.fromkeys(
    ("n1", "n2", "n3", "n4"), "n4") and sim.annotations("n4")["role"] == LEADER

# %%
view = draw_cluster(sim)

# %% [markdown]
# The same election, a hundred times slower than virtual time (80 ms become 8 s; it plays
# in a loop, and where the notebook runs, ▶ and the slider step through it):

# %%
animate(sim, 1.39, 1.47, fps=10, speed=0.01)

# %% [markdown]
# ### Exercise 1: write the Bully election
#
# Write the four rules below. Your class keeps everything else of the library's
# `BullyNode`: heartbeats, the failure detector that calls `start_election`, what
# it publishes for the pictures. It speaks the same messages, so the check also runs
# it *beside* our nodes. It first tests each rule on one node, `n3` of five, driven by
# hand with a `Probe`, then runs three clusters: everyone starts, only the lowest
# starts, and the coordinator crashes with your nodes at `n2` and `n4`.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.bully:Bully

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.bully:Bully

# %%
check_bully(Bully)

# %% [markdown]
# ## 2. The ring: only the largest id comes back
#
# Chang and Roberts (*An improved algorithm for decentralized extrema-finding in
# circular configurations of processes*, CACM 22(5), 1979) arrange the nodes in a
# ring; each sends only to its clockwise neighbour. An initiator sends
# `Election(own id)`. A node that receives `Election(j)`:
#
# * `j` larger than its own id: passes it on (the larger id wins);
# * `j` smaller, and not yet taking part: sends `Election(own id)` instead;
# * `j` smaller, already taking part: swallows it (its own larger id is on its way);
# * `j` its own id: the id went all the way round unbeaten: it leads, and sends
#   `Elected(own id)` round the ring.
#
# **Predict:** five nodes whose ids *decrease* clockwise (`n1` has id 5), every node
# starts at once. How many `Election` messages in all?

# %%
sim = Sim(seed=0, network=slow)
names = ring.spawn_cluster(sim, 5, order="descending")
sim.run(until=0.3)
print("Election messages:", sim.trace.counts()["sent_by_type"]["Election"])
lines = timeline(sim.trace, 0.0, 0.12)

# %% tags=["claim"]
assert sim.trace.counts()["sent_by_type"]["Election"] == 1 + 2 + 3 + 4 + 5
assert {n: sim.annotations(n)["leader"] for n in names} == dict.fromkeys(names, "n1")

# %% [markdown]
# Node `nk` has id `6 - k`. Each id travels clockwise past ever smaller ids until it
# wraps round to `n1`, the largest: id `k` makes `k` hops, 1 + 2 + 3 + 4 + 5 = 15.
#
# ### Exercise 2: the ring's rule
#
# Write `on_election`. The check gives one `Election` at a time to node `n3` of five
# (a larger id, a smaller one twice, its own), then two in a row (does the first make
# `n3` a participant?), then runs two rings and counts their messages against Chang and
# Roberts'.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.ring:Ring

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.ring:Ring

# %%
check_ring(Ring)

# %% [markdown]
# ## 3. Messages, measured against the formulas
#
# With `N` nodes, the textbooks give (Garcia-Molina 1982; Chang and Roberts 1979;
# Coulouris et al. section 15.3; the derivations are in the docstrings of
# `distsys_edu.protocols.bully` and `distsys_edu.protocols.ring`):
#
# | election | case | messages |
# |---|---|---|
# | Bully | the highest id starts | `N - 1` (Coordinator only) |
# | Bully | the lowest id starts | `N(N-1)/2` Election + `N(N-1)/2` Answer + `N - 1` Coordinator `= N² - 1` |
# | ring | every node starts, ids ascending | `2N - 1` Election + `N` Elected `= 3N - 1` |
# | ring | every node starts, ids descending | `N(N+1)/2` Election + `N` Elected |
#
# **Predict** for `N = 5` before you run: 4, 24, 14 and 20?

# %%
cases = [("bully", "ascending", "highest"), ("bully", "ascending", "lowest")]
cases += [("ring", "ascending", "all"), ("ring", "descending", "all")]
for protocol, order, initiator in cases:
    counts = election_messages(protocol, 5, order=order, initiator=initiator)
    print(f"{protocol:5} {order:10} {initiator:8} {counts}")

# %% tags=["claim"]
def formulas(n):
    """The table's four formulas for n nodes, in the order of `cases`."""
    return [n - 1, n * n - 1, 3 * n - 1, n * (n + 1) // 2 + n]


for n in (3, 5, 8):
    measured = [election_messages(p, n, order=o, initiator=i)["total"] for p, o, i in cases]
    assert measured == formulas(n), (n, measured, formulas(n))
assert formulas(5) == [4, 24, 14, 20]

# %% [markdown]
# And for growing clusters (points measured, lines the formulas): Bully's worst case
# grows as N², the ring's best as 3N.

# %%
ax = plot_message_counts()

# %% [markdown]
# ## 4. What both assume
#
# Bully takes silence for death: a higher node that does not answer in time *has*
# crashed. That holds only in a synchronous network. Cut the cluster in two at t=1,
# heal it at t=3. **Predict:** how many leaders at t=5, after the network healed?

# %%
sim = Sim(seed=5, faults=["1 partition n1,n2,n3|n4,n5", "3 heal"])
names = bully.spawn_cluster(sim, 5)
sim.run(until=5.0)
print({n: sim.annotations(n)["leader"] for n in names})

# %% tags=["claim"]
assert sorted(n for n in names if sim.annotations(n)["role"] == LEADER) == ["n3", "n5"]
(split,) = one_leader_among_reachable(sim.trace, grace=1.0)  # the run ends at the default grace, 2 s after the heal
assert set(split.nodes) == {"n3", "n5"} and split.t == 3.0, split

# %% [markdown]
# Two leaders, `n3` and `n5`, among nodes that all reach each other again: each
# side's silence looked like the other side's crash, and nothing in Bully makes a
# leader step down (no terms). This is **split brain**; the ring has the same gap.
# Lesson 05 shows why it matters and how Raft's terms fix it.

# %% [markdown]
# ## Summary
#
# * Bully (Garcia-Molina 1982) elects the highest live id: ask only higher nodes,
#   answer and take over for lower ones, win when nobody above answers in time.
#   Best case `N - 1` messages, worst `N² - 1`.
# * The ring (Chang and Roberts 1979) elects the largest id among the participants
#   by letting only that id complete the circle: between `3N - 1` and
#   `N(N+1)/2 + N` messages when every node starts.
# * Both count on timeouts that never lie: a partition or a pause gives two leaders.
#
# **Next:** lesson 05, *Split brain and terms*.
