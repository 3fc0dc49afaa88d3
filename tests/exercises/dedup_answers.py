"""Plausible but wrong Accounts, each with one mistake a learner makes (lesson 01)."""

from __future__ import annotations

from distsys_edu import Actor, Context
from distsys_edu.exercises.dedup import Deposit
from distsys_edu.exercises.solutions.dedup import Account


class AddsEveryArrival(Actor):
    """Adds every Deposit that arrives, duplicates included."""

    def __init__(self) -> None:
        self.balance = 0

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        self.balance += msg.amount
        ctx.annotate(balance=self.balance)


class KeepsHighestId(Actor):
    """Skips any deposit whose id is not above the highest seen: loses overtaken ones."""

    def __init__(self) -> None:
        self.balance = 0
        self.highest = 0

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        if msg.id > self.highest:
            self.highest = msg.id
            self.balance += msg.amount
        ctx.annotate(balance=self.balance)


class RemembersAmounts(Actor):
    """Recognises a duplicate by its amount: loses a different deposit of the same amount."""

    def __init__(self) -> None:
        self.balance = 0
        self.amounts: set[int] = set()

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        if msg.amount not in self.amounts:
            self.amounts.add(msg.amount)
            self.balance += msg.amount
        ctx.annotate(balance=self.balance)


class PublishesOnlyNew(Account):
    """Counts right but publishes only the balance after the first deposit."""

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        first = not self.counted
        if msg.id not in self.counted:
            self.counted.add(msg.id)
            self.balance += msg.amount
        if first:
            ctx.annotate(balance=self.balance)


class PublishesTheIds(Account):
    """Publishes the set of ids instead of the balance."""

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        self.counted.add(msg.id)
        ctx.annotate(balance=self.counted)


# -- one rule left out of the worked answer (issue 15) ----------------------------------


class NeverPublishes(Account):
    """Counts right but never publishes."""

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        if msg.id not in self.counted:
            self.counted.add(msg.id)
            self.balance += msg.amount


# -- written from the lesson text alone ---------------------------------------------------


class CountsDeposits(Account):
    """Adds one per deposit instead of its amount."""

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        if msg.id not in self.counted:
            self.counted.add(msg.id)
            self.balance += 1
        ctx.annotate(balance=self.balance)


class RemembersTheLastId(Actor):
    """Skips a deposit only if its id is the one just before it."""

    def __init__(self) -> None:
        self.balance = 0
        self.previous: int | None = None

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        if msg.id != self.previous:
            self.balance += msg.amount
            self.previous = msg.id
        ctx.annotate(balance=self.balance)


class ExpectsTheNextId(Actor):
    """Counts a deposit only if its id is the next one expected: a late one is lost."""

    def __init__(self) -> None:
        self.balance = 0
        self.expected = 1

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        if msg.id == self.expected:
            self.balance += msg.amount
            self.expected += 1
        ctx.annotate(balance=self.balance)
