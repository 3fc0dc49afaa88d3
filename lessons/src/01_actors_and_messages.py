# %% [markdown]
# # 01 Actors and messages
#
# **What you will learn** (about 45 minutes):
#
# - what an *actor* is: a piece of state that only messages can change, with a
#   *mailbox* and one handler per message type;
# - what a simulated network does to messages: **latency**, **loss**,
#   **duplication** and **reordering**;
# - how to read a first **space-time diagram**;
# - how to make a conversation survive a lossy network (retries), and how to make
#   a receiver survive duplicates (deduplication by id).
#
# Everything runs in virtual time, from a seed: run a cell twice and you get the
# same result, to the last digit.

# %%
from dataclasses import dataclass

from distsys_edu import Actor, Context, Sim, Timer, Uniform
from distsys_edu.exercises import check_deduplication, check_ping_pong
from distsys_edu.exercises.dedup import Deposit
from distsys_edu.exercises.ping_pong import PINGS, PONGER, RETRY_INTERVAL, Ping, Pong
from distsys_edu.viz import timeline

# %% [markdown]
# ## Messages and actors
#
# A **message** is a small fact, frozen once sent: a frozen dataclass named for what
# it means. An **actor** is an object whose state nobody else touches: other actors
# can only send it messages. For each message type it has one handler,
# `on_<type in snake_case>(self, msg, ctx)`; `ctx` (the *context*) is how it talks to
# the world: `ctx.now`, `ctx.addr(name)` to reach another node, timers.
#
# This is the model of Hewitt's actors and of Rust's Actix, the framework of the
# blog post this course starts from.

# %%
@dataclass(frozen=True)
class Hello:
    n: int


class Greeter(Actor):
    def started(self, ctx: Context) -> None:  # runs once, when the node starts
        self.n = 0
        ctx.run_interval(0.010, self.greet)  # every 10 ms of virtual time

    def greet(self, ctx: Context) -> None:
        if self.n < 5:
            self.n += 1
            ctx.addr("listener").do_send(Hello(self.n))


class Listener(Actor):
    def on_hello(self, msg: Hello, ctx: Context) -> None:
        print(f"t={ctx.now * 1000:6.1f} ms  listener got Hello({msg.n})")


# %% [markdown]
# `Sim` is the world: it owns virtual time and the network between the nodes. We
# spawn one node of each kind and run one second of virtual time. The default
# network delivers every message after exactly 1 ms.

# %%
def world(seed: int = 1, faults: tuple[str, ...] = (), **network: object) -> Sim:
    sim = Sim(seed=seed, faults=faults)
    sim.set_network(**network)  # latency=, loss=, duplication=
    sim.spawn("greeter", Greeter)
    sim.spawn("listener", Listener)
    sim.run(until=1.0)
    return sim


sim = world()

# %% [markdown]
# The greeter sent a Hello every 10 ms; each arrived 1 ms later.

# %% tags=["claim"]
def hellos(sim, kind="deliver"):
    """(time in ms, n) of each Hello event of this kind, in trace order (for claims)."""
    return [(round(e.t * 1000, 1), e.msg.n) for e in sim.trace if e.kind == kind]


assert hellos(sim, "send") == [(10.0 * n, n) for n in range(1, 6)], hellos(sim, "send")
assert hellos(sim) == [(10.0 * n + 1, n) for n in range(1, 6)], hellos(sim)
#
# ## Mailboxes
#
# An actor handles **one message at a time**: while it is busy (or frozen), the
# messages that arrive wait in its **mailbox**, in order. So its state needs no
# locks. **Predict**: the listener is frozen for the first 50 ms (a long garbage
# collection pause, say). When does it handle each Hello?

# %%
sim = world(faults=("0 pause listener 50ms",))

# %% [markdown]
# The first four Hellos waited in the mailbox and were handled together at t = 50 ms,
# in the order they were sent; the fifth came after the pause, as usual.

# %% tags=["claim"]
assert hellos(sim) == [(50.0, 1), (50.0, 2), (50.0, 3), (50.0, 4), (51.0, 5)], hellos(sim)
assert sim.snapshot(0.0499).nodes["listener"].status == "paused"
#
# ## Latency
#
# **Predict** before you run: with a latency of 50 ms each way, when does the
# listener get each Hello?

# %%
sim = world(latency="50ms")

# %% [markdown]
# Each Hello arrived 50 ms after it was sent: the network is slower, and still
# reliable and in order. Real networks are not so kind.

# %% tags=["claim"]
assert hellos(sim) == [(10.0 * n + 50, n) for n in range(1, 6)], hellos(sim)
#
# ## Loss
#
# **Predict**: each message is lost with probability 0.3. How many of the five Hellos
# arrive? Which ones?

# %%
sim = world(loss=0.3)
print(sim.trace.counts()["drops"])

# %% tags=["claim"]
drops = [e for e in sim.trace if e.kind == "drop"]
assert [e.reason for e in drops] == ["loss", "loss"] and len(hellos(sim)) == 3, drops

# %% [markdown]
# Lost messages are not silently gone: the trace records each drop with its reason.
# Nobody told the greeter. A sender on a real network cannot know whether a message
# arrived unless the receiver answers, and an answer can be lost too.
#
# ## Duplication
#
# A network may also deliver a message **twice** (a retransmission at a lower layer
# whose first copy was not lost after all). **Predict**: with duplication 0.5, how
# many Hellos does the listener get?

# %%
sim = world(duplication=0.5)
print("sent:", sim.sent, " delivered:", sim.delivered)

# %% tags=["claim"]
copies = [e for e in sim.trace if e.kind == "duplicate"]
assert sim.sent == 5 + len(copies) == 8 and sim.delivered == 8, (sim.sent, copies)
assert len({e.msg_id for e in sim.trace if e.kind == "deliver"}) == 8

# %% [markdown]
# Each duplicate is its own message, counted as one more sent. The listener cannot
# tell a copy from a new message unless the message carries an identity (here `n`).
#
# ## Reordering
#
# Reordering is not a knob: it follows from latency that varies. If each message
# takes between 1 and 100 ms, ten times the gap between two Hellos, a later message
# can overtake an earlier one.
# **Predict**: in what order do the Hellos arrive?

# %%
sim = world(latency=Uniform("1ms", "100ms"))

# %% tags=["claim"]
assert [n for _, n in hellos(sim)] == [1, 2, 4, 3, 5], hellos(sim)

# %% [markdown]
# `Hello(4)` overtook `Hello(3)`: sent 10 ms later, it arrived 49 ms earlier.

# %% [markdown]
# ## A first space-time diagram
#
# The trace holds every event of the run. A **space-time diagram** (Lamport, 1978)
# draws it: one horizontal lane per node, time to the right, and each message as an
# arrow from the moment it was sent to the moment it arrived. Crossing arrows are
# reordered messages; a red cross is a message dropped where it was lost. Here is
# a network that does all of it at once:

# %%
sim = world(seed=30, latency=Uniform("1ms", "100ms"), loss=0.2, duplication=0.3)
diagram = timeline(sim.trace, end=0.16)

# %% [markdown]
# `Hello(2)` overtook `Hello(1)`, `Hello(3)` was lost on the way (the cross), and
# `Hello(4)` arrived twice: the network made a copy.

# %% tags=["claim"]
assert [n for _, n in hellos(sim)] == [2, 1, 4, 4, 5], hellos(sim)
assert [n for _, n in hellos(sim, "drop")] == [3] and [n for _, n in hellos(sim, "duplicate")] == [4]
assert max(t for t, _ in hellos(sim)) < 160

# %% [markdown]
# ## Exercise 1: ping-pong that survives 30 % loss
#
# Write a `Pinger` that gets `PINGS` (five) different Pongs from the node `"ponger"`
# (whose `Ponger` answers every `Ping(seq, sender)` with `Pong(seq)`). Messages get
# lost, so **resend a Ping every `RETRY_INTERVAL` seconds until its Pong arrives**;
# a retried Ping may be answered twice, so **count each Pong once**; and when all
# five are in, **stop the retry timer**. Publish the count with
# `ctx.annotate(pongs=count)`.
#
# Useful: `ctx.run_interval(every, fn)` calls `fn(ctx)` every `every` seconds and
# returns a `Timer`; `ctx.cancel(timer)` stops it. The check runs your Pinger on five
# seeded networks, one of them losing 30 % of all messages.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.ping_pong:Pinger

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.ping_pong:Pinger

# %%
check_ping_pong(Pinger)

# %% [markdown]
# Retrying is how a sender survives loss: TCP does it, and so does every protocol in
# this course. But a retry and a duplicating network have the same effect on the
# receiver: it may get the same request twice. The receiver must cope.
#
# ## Exercise 2: count each deposit once
#
# A `Teller` sends eight `Deposit(id, amount)` messages to the node `"account"`, 10 ms
# apart. Write the `Account`: add each deposit's amount to the balance **once**, even
# when the network duplicates it or delivers it after a later one, and publish the
# balance after each deposit with `ctx.annotate(balance=...)`.
#
# **Predict** first: which of these would pass? (a) add every deposit that arrives;
# (b) ignore a deposit whose id is not higher than the highest seen; (c) ignore a
# deposit whose amount was seen before. The check tries your Account on a reliable,
# a duplicating and a reordering network, and on one that does both.

# %% tags=["exercise"]
# distsys-edu: include distsys_edu.exercises.dedup:Account

# %% tags=["solution"]
# distsys-edu: include distsys_edu.exercises.solutions.dedup:Account

# %%
check_deduplication(Account)

# %% [markdown]
# (None of the three: (a) counts duplicates, (b) throws away overtaken deposits,
# (c) throws away a different deposit of the same amount.) Deduplication belongs at
# the endpoints, by an identity the sender gives each request: the *end-to-end
# argument* of Saltzer, Reed and Clark.
#
# ## Summary
#
# - An actor is state behind a mailbox; it handles one message at a time, with one
#   handler per message type.
# - A network delays messages (latency), loses some, duplicates some, and reorders
#   them when delays vary. The trace records each of these, and a seed replays it.
# - A space-time diagram shows who sent what to whom, and when.
# - Retries survive loss; ids make retries and duplicates harmless.
#
# **Next**: [02 The blog's design](02_blogs_design.ipynb): a leader, followers and
# heartbeats, exactly as a well-known blog post builds them, and how it breaks.
#
# ## Sources
#
# - C. Hewitt, P. Bishop, R. Steiger, "A Universal Modular ACTOR Formalism for
#   Artificial Intelligence", IJCAI 1973: the actor model.
# - Actix, the Rust actor framework: <https://actix.rs/docs/actix/actor>
#   (actors, `Handler`, `Addr::do_send`/`try_send`).
# - L. Lamport, "Time, Clocks, and the Ordering of Events in a Distributed System",
#   CACM 21(7), 1978: space-time diagrams (Figure 1).
# - J. H. Saltzer, D. P. Reed, D. D. Clark, "End-to-End Arguments in System Design",
#   ACM TOCS 2(4), 1984: duplicate suppression belongs at the endpoints (section
#   "Duplicate message suppression").
