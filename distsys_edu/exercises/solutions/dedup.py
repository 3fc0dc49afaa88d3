"""A worked answer to lesson 01's second exercise (:mod:`distsys_edu.exercises.dedup`)."""

from __future__ import annotations

from ...runtime import Actor, Context
from ..dedup import Deposit


class Account(Actor):
    """Keeps a balance: each different deposit counted exactly once.

    A duplicate carries the same id as the deposit it copies, and a deposit may arrive
    after a later one: remember every id counted, and skip the ones already there.
    """

    def __init__(self) -> None:
        self.balance = 0
        self.counted: set[int] = set()

    def on_deposit(self, msg: Deposit, ctx: Context) -> None:
        if msg.id not in self.counted:
            self.counted.add(msg.id)
            self.balance += msg.amount
        ctx.annotate(balance=self.balance)
