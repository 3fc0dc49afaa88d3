# %% [markdown]
# # 10 Every interleaving
#
# **What you will learn** (about 40 minutes):
#
# - why random testing can find a bug but can never say "there is none";
# - to **model-check** a small cluster: search every order of events (every delivery,
#   every timer) up to a bound, breadth first, so the first counterexample found is a
#   shortest one;
# - to **step** through that counterexample by hand, go back, and choose differently;
# - what a bound means, why state counts explode, and what symmetry buys;
# - to write an invariant that the model checker checks, and to find the bound at which a
#   bug first appears.
#
# Sources: explicit-state model checking as in TLC (Lamport, *Specifying Systems*, 2002)
# and in the tools built for teaching it on real code: DSLabs (Michael et al., EuroSys
# 2019) and Stateright. Symmetry reduction: Ip and Dill, *Better verification through
# symmetry* (FMSD 9, 1996). The protocol is lesson 06's broken Raft election.

# %%
from collections.abc import Callable
from typing import Any

from distsys_edu.checks import explore, model_check
from distsys_edu.checks.model_state import ModelView
from distsys_edu.exercises import check_smallest_bound, check_state_invariant
from distsys_edu.exercises.broken import BrokenRaftNode, spawn_broken, spawner
from distsys_edu.exercises.solutions.broken import FixedRaftNode
from distsys_edu.viz import draw_state_space

# %% [markdown]
# ## 1. Random testing finds it, sometimes
#
# Lesson 06's `BrokenRaftNode` grants a vote without checking `voted_for`. The explorer
# runs it under random faults. **Predict:** in 10 runs of 5 nodes, how many give one
# term two leaders? Does it depend on the seed?

# %%
found = {}
for seed in (0, 1, 2):
    result = explore(
        spawner(BrokenRaftNode), runs=10, seed=seed,
        invariants=["one_leader_per_term"], max_shrink=1, progress=False,
    )
    found[seed] = result.violations["one_leader_per_term"]
found

# %% [markdown]
# One run in ten from seed 0, none from seed 1, four from seed 2. From seed 1 alone you
# would have shipped the bug: ten clean runs say nothing about the eleventh.

# %% tags=["claim"]
assert found == {0: 1, 1: 0, 2: 4}, found

# %% [markdown]
# ## 2. Every interleaving, breadth first
#
# The model checker takes the same actor classes and a controlled Sim in which nothing
# happens by itself. From the first state (every node started, every election timer
# set) it tries **every** choice: deliver each message in flight, fire each timer. Each
# choice gives a state (the nodes' fields and disks, the messages in flight, the timers);
# states seen before are not searched again. It goes breadth first: all states one
# choice away, then two, and so on, so the first violation it meets is one of the
# shortest.
#
# Bounds keep it finite: 3 nodes, at most 6 choices (`max_depth`), no state searched
# past term 1 (`max_term`). **Predict:** how many choices does the shortest way to two
# leaders of one term take?

# %%
broken = model_check(spawn_broken, 3, max_depth=6, max_term=1, progress=False)
print(broken.details())

# %% [markdown]
# Six choices: n3's timer fires and it stands in term 1, n1 votes for it and n3 leads;
# then n2's timer fires, n1 votes **again** in the same term, and n2 leads term 1 too.
# No run of five or fewer choices does it, within these bounds: breadth first, the
# search looked at every shorter one first.

# %% tags=["claim"]
assert [len(v.path) for v in broken.violations] == [6], broken.violations
assert broken.violations[0].detail == "n2 and n3 both led term 1", broken.violations[0].detail
assert broken.violations[0].labels[::3] == (
    "fire n3's timer start_election", "fire n2's timer start_election"
), broken.violations[0].labels
assert [lab.split()[1:5] for lab in broken.violations[0].labels[1:6:3]] == [
    ["RequestVote", "n3", "->", "n1"], ["RequestVote", "n2", "->", "n1"]
], broken.violations[0].labels
assert not model_check(spawn_broken, 3, max_depth=5, max_term=1, progress=False).violations

# %% [markdown]
# ## 3. Step through it by hand
#
# In a live notebook, the next cell opens the **step mode** at the first state with the
# counterexample's six choices queued: *forward* takes the next one, the invariant's line
# turns red at the sixth. *back* replays from the seed with one choice fewer; click any
# other choice in the list to branch off and explore another order. The picture takes
# clicks too: a message's dot delivers it (shift-click drops it), a timer's clock fires
# it. *copy as code* shows the Python that rebuilds the state you stand in
# (`sim.choose(...)`, one line a choice).

# %%
# NBVAL_IGNORE_OUTPUT
broken.violations[0].playground()

# %% [markdown]
# The same works for the explorer's counterexample: `result.shortest().playground()`
# replays that seeded run as choices, event for event, up to the violation.
#
# ## 4. The fixed node, proved safe within the bounds
#
# With lesson 06's fix (grant a vote only if `voted_for` is `None` or the candidate),
# **predict**: does the same search find anything?

# %%
fixed = model_check(spawner(FixedRaftNode), 3, max_depth=6, max_term=1, progress=False)
print(fixed)

# %% [markdown]
# Nothing, in 253 distinct states: **every** order of events up to 6 choices, term 1,
# 3 nodes, keeps one leader per term. That is a proof, but only within the bounds: 95
# states at depth 6 still had choices left, and what happens after them, or with 5
# nodes, or with a lost message (`max_lost=1`), was not searched. A bound is a promise
# about what was looked at, not about what was not.

# %% tags=["claim"]
assert not fixed.violations and fixed.exhausted, fixed
assert (fixed.states, fixed.at_max_depth) == (253, 95), (fixed.states, fixed.at_max_depth)

# %% [markdown]
# ## 5. The state space of a 3-node election
#
# Each dot is a state, in columns by depth (choices from the start): grey dots where
# nobody leads, orange stars where somebody does, and the counterexample's path in bold
# to the cross, the state where two lead. The search stopped at depth 6, once the
# invariant broke (307 states).

# %%
figure = draw_state_space(broken)

# %% tags=["claim"]
assert broken.states == 307 and broken.stopped_by == "every invariant broken", broken

# %% [markdown]
# ## 6. Why the counts explode, and what symmetry buys
#
# Each level multiplies the states by about the number of things that can happen next:
# three timers, then the messages each one sends. **Predict:** how fast do the distinct
# states grow with the depth, with and without symmetry?

# %%
counts = {}
for depth in range(2, 7):
    plain = model_check(spawner(FixedRaftNode), 3, max_depth=depth, max_term=1,
                        symmetry=False, progress=False)
    reduced = model_check(spawner(FixedRaftNode), 3, max_depth=depth, max_term=1,
                          progress=False)
    counts[depth] = (plain.states, reduced.states)
counts

# %% [markdown]
# About three times more states per level. The nodes run the same code, so a state in
# which n1 stands and one in which n2 stands are the same up to renaming: with symmetry
# the checker keeps one of each such group, up to 3! = 6 times fewer states for 3 nodes.
# It is sound only when no node is treated by name (the blog's design, Bully and the
# ring compare names: the checker refuses symmetry for them).

# %% tags=["claim"]
growth = [counts[d + 1][0] / counts[d][0] for d in range(2, 6)]
assert all(2 < g < 4 for g in growth), growth
assert all(1 < p / r <= 6 for p, r in counts.values()), counts

# %% [markdown]
# ## Exercise 1: an invariant the model checker checks
#
# The checker's invariants read one state, a `ModelView`: each node's `status` and
# `annotations` (`role`, `term`). Write `same_term_leaders(view)`: `None` while no two
# nodes that are up lead the same term, and words naming them and the term when two do.
# The check tries it on states made by hand, then model-checks the broken and the fixed
# Raft with it.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.state_invariant:same_term_leaders

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.state_invariant:same_term_leaders

# %%
check_state_invariant(same_term_leaders)

# %% [markdown]
# ## Exercise 2: the bound at which a bug first appears
#
# Write `smallest_bound(search, most)`: `search(bound)` model-checks with that bound and
# returns the result; return the smallest bound from 0 to `most` at which it finds a
# violation (`result.violations`), or `None`. The check gives it made-up searches first,
# then the broken Raft by `max_depth`.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.smallest_bound:smallest_bound

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.smallest_bound:smallest_bound

# %%
check_smallest_bound(smallest_bound)

# %% [markdown]
# ## Summary
#
# - Random exploration finds bugs in some runs; it never proves their absence.
# - The model checker searches every interleaving of a small cluster within stated
#   bounds, breadth first, so its counterexample is a shortest one; the step mode lets
#   you walk it, go back and branch.
# - "Holds" means "holds within the bounds": state counts grow about threefold per
#   choice, and symmetry divides them by up to n! for n interchangeable nodes.
# - Liveness ("a leader is eventually elected") is not checked exhaustively here: the
#   explorer keeps that job.
