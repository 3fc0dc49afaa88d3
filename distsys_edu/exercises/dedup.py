"""Lesson 01's second exercise: count each deposit once, however the network delivers it.

A :class:`Teller` (given) sends the deposits of :data:`DEPOSITS`, one every
:data:`SEND_GAP` seconds, each a ``Deposit(id, amount)``, to the node ``"account"``.
The learner writes the :class:`Account`: it publishes ``ctx.annotate(balance=b)``
after each deposit, with ``b`` the sum of the *different* deposits received so far.
:func:`check_deduplication` plays it through four seeded networks:

* ``reliable network``: 1 ms links, nothing duplicated or reordered. Two deposits
  carry the same amount, so an Account that recognises a duplicate by its amount
  already misses one here.
* ``duplicating network``: half of the messages arrive twice (each copy is its own
  message, with its own delay); an Account that adds every arrival counts some twice.
* ``reordering network``: latency 1 to 100 ms, ten times the gap between sends, so
  later deposits overtake earlier ones; an Account that remembers only the highest
  id seen throws away every deposit that was overtaken.
* ``duplicating and reordering``: both at once.

The judge reads the trace: at each published balance it compares with the deposits
delivered so far, and names the first deposit that was counted twice or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ..runtime import Actor, Context, Event, LinkConfig, Sim, Uniform
from .result import ExerciseResult
from .runner import Exercise, Problem, Scenario, register

TELLER, ACCOUNT = "teller", "account"
"""The two nodes' names."""

DEPOSITS = ((1, 5), (2, 20), (3, 5), (4, 10), (5, 20), (6, 5), (7, 50), (8, 10))
"""``(id, amount)`` of each deposit the Teller sends, in order. Amounts repeat on
purpose: two different deposits can be worth the same."""

SEND_GAP = 0.01
"""Seconds between two deposits sent by the Teller."""

UNTIL = 1.0
"""Each scenario runs this long: long after the last deposit arrives."""


@dataclass(frozen=True)
class Deposit:
    """Add ``amount`` to the balance; ``id`` tells this deposit from every other one."""

    id: int
    amount: int


class Teller(Actor):
    """Sends each deposit of DEPOSITS once, SEND_GAP seconds apart, to the Account."""

    def __init__(self) -> None:
        self.sent = 0

    def started(self, ctx: Context) -> None:
        """Send the first deposit now and the others one interval apart."""
        self.send_next(ctx)
        self.timer = ctx.run_interval(SEND_GAP, self.send_next)

    def send_next(self, ctx: Context) -> None:
        """Send the next deposit; stop the timer after the last."""
        ctx.addr(ACCOUNT).do_send(Deposit(*DEPOSITS[self.sent]))
        self.sent += 1
        if self.sent == len(DEPOSITS):
            ctx.cancel(self.timer)


class Account(Actor):
    """Keeps a balance: each different deposit counted exactly once.

    * ``on_deposit`` runs for every Deposit that arrives, duplicates included, and
      in the order they arrive, which need not be the order they were sent.
    * Add each deposit's amount once, and publish the balance after each deposit:
      ``ctx.annotate(balance=self.balance)``.
    """

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        raise NotImplementedError("add the amount once per deposit, then publish the balance")


def play(network: LinkConfig, seed: int, account_class: type) -> Sim:
    """Spawn the Teller and the learner's Account on ``network``, run until UNTIL."""
    sim = Sim(seed=seed, network=network)
    sim.spawn(TELLER, Teller)
    sim.spawn(ACCOUNT, account_class)
    sim.run(until=UNTIL)
    return sim


def judge(sim: Sim) -> Problem | None:
    """Each published balance is the sum of the different deposits delivered so far."""
    arrivals: list[Event] = []  # every delivery of a Deposit, in order
    for e in sim.trace.events(("deliver", "annotate")):
        if e.kind == "deliver" and isinstance(e.msg, Deposit):
            arrivals.append(e)
        elif e.kind == "annotate" and e.node == ACCOUNT and "balance" in e.data:
            problem = _check_balance(e, arrivals)
            if problem is not None:
                return problem
    published = sim.annotations(ACCOUNT).get("balance")
    total = _balance(arrivals)
    if published != total:
        return Problem(
            expected=f"balance={total} published once every deposit had arrived",
            happened=f"the last balance the Account published was {published}",
            hint="publish the balance after each deposit: ctx.annotate(balance=self.balance)",
        )
    return None


def _balance(arrivals: list[Event]) -> int:
    """The sum of the different deposits among ``arrivals``."""
    return sum({e.msg.id: e.msg.amount for e in arrivals}.values())


def _check_balance(e: Event, arrivals: list[Event]) -> Problem | None:
    """The balance published at ``e`` must count each deposit delivered so far once."""
    balance = e.data["balance"]
    if isinstance(balance, bool) or not isinstance(balance, int):
        return Problem(
            expected="the balance published as a number: ctx.annotate(balance=self.balance)",
            happened=f"at t={e.t:g} the Account published balance={balance!r}",
            hint="publish the sum of the amounts, an int",
            at=e.t,
        )
    right = _balance(arrivals)
    if balance == right:
        return None
    expected = f"balance={right} at t={e.t:g}: the deposits received so far, each once"
    if not arrivals:
        return Problem(expected, f"the Account published balance={balance}", _ONCE, at=e.t)
    *before, latest = arrivals
    deposit: Deposit = latest.msg
    said = f"at t={e.t:g} Deposit {deposit.id} (amount {deposit.amount}) arrived"
    seen = {d.msg.id: d.msg.amount for d in before}
    if balance > right:
        again = " a second time (a duplicate)" if deposit.id in seen else ""
        return Problem(
            expected,
            f"{said}{again} and the Account published balance={balance}: it counted a "
            "deposit twice",
            "a network can deliver a message twice: remember the ids of the deposits "
            "you counted (a set) and ignore one whose id is already there",
            at=e.t,
        )
    if balance == len({*seen, deposit.id}):
        return Problem(
            expected,
            f"{said} and the Account published balance={balance}: the number of deposits",
            "add each deposit's amount (msg.amount), not 1 per deposit",
            at=e.t,
        )
    happened, hint = _not_counted(deposit, seen)
    return Problem(
        expected,
        f"{said}{happened} and the Account published balance={balance}: it did not count it",
        hint,
        at=e.t,
    )


def _not_counted(deposit: Deposit, seen: dict[int, int]) -> tuple[str, str]:
    """(why, hint): the causes a deposit left out may have, after ``seen`` (id: amount)."""
    causes, hints = [], []
    overtaken = [i for i in seen if i > deposit.id]
    if overtaken:
        causes.append(f"it was overtaken by Deposit {max(overtaken)}")
        hints.append(
            "messages can overtake each other: remember every id counted (a set), "
            "not only the highest"
        )
    twins = [i for i, amount in seen.items() if amount == deposit.amount and i != deposit.id]
    if twins:
        causes.append(f"Deposit {twins[0]} had the same amount")
        hints.append("two different deposits can carry the same amount: tell them apart by id")
    ahead = [i for i, _ in DEPOSITS if i < deposit.id and i not in seen]
    if ahead:
        causes.append(f"it overtook Deposit {ahead[0]}, which had not arrived yet")
        hints.append(
            "messages can overtake each other: count a deposit when it arrives, without "
            "waiting for the ones sent before it"
        )
    why = f" ({'; '.join(causes)})" if causes else ""
    return why, "; ".join(hints) or _ONCE


_ONCE = "add each deposit's amount once, recognising a deposit by its id"


def _scenario(name: str, network: LinkConfig, seed: int) -> Scenario:
    player: Callable[[type], Sim] = partial(play, network, seed)
    return Scenario(name, player, judge)


REORDERING = Uniform(0.001, 0.1)
"""Latency spread ten times the gap between sends: later deposits overtake earlier ones."""

EXERCISE = register(
    Exercise(
        "deduplication",
        "Account",
        (
            _scenario("reliable network", LinkConfig(), seed=1),
            _scenario("duplicating network", LinkConfig(duplication=0.5), seed=2),
            _scenario("reordering network", LinkConfig(latency=REORDERING), seed=3),
            _scenario(
                "duplicating and reordering",
                LinkConfig(latency=REORDERING, duplication=0.5),
                seed=4,
            ),
        ),
    )
)


def check_deduplication(account_class: type, *, strict: bool | None = None) -> ExerciseResult:
    """Check an Account that counts each deposit once, under duplication and reordering.

    Args:
        account_class: the class you wrote (not an instance).
        strict: raise unless it passes; ``None`` reads ``DISTSYS_EDU_STRICT``.

    Returns:
        The result: a coloured box in a notebook, a few lines of text elsewhere.

    Raises:
        ExerciseFailed: strict, and it did not pass.
    """
    return EXERCISE.check(account_class, strict=strict)
