"""A node's life: spawn, start, crash, restart, stop, and what happens when its code raises.

A node is up, paused, down or stopped (``node.NODE_STATES``). Its actor's code
(handlers, timers, hooks) always runs through :meth:`Lifecycle.guarded`, so an
exception never vanishes: it becomes a ``Failure`` and then, as ``supervisor.py``
describes, a supervised restart, a crash, or (strict mode, or your own code
outside the actors) an exception out of ``run``.

The lifecycle owns the nodes (``nodes``, and ``outside``: the notebook's own code,
which is not a node) and the failures. It reaches the other parts of its Sim
through ``sim``: the scheduler, the trace writer, the transport (whose code is
running, the requests a crash forgets) and the engine (whether a run goes on).
"""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .actor import Actor, Context
from .address import Addr
from .entries import ACCEPT, CALL
from .errors import UnknownNode, invalid
from .node import DOWN, PAUSED, STOPPED, UP, ActorFactory, Node
from .supervisor import Failure, HandlerFailureWarning, Supervisor

if TYPE_CHECKING:
    from .face import Face

_FORBIDDEN_IN_NAMES = set(" \t\n,|:#<>")  # <> keeps "<outside>" (the notebook) reserved
_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__))


def _caller_outside_runtime() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside the runtime."""
    frame, level = sys._getframe(2), 2  # 1 is the caller's own warnings.warn line
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_RUNTIME_DIR):
        frame, level = frame.f_back, level + 1
    return level


class Lifecycle:
    """Nodes come and go; a failure is recorded, then supervised.

    Args:
        sim: the Sim this is a part of (its actors' ``World``).
        strict: re-raise a handler's exception instead of recording it.

    Attributes:
        nodes: every node's record, by name, in spawn order.
        outside: the record of the code outside the actors (index -1).
        failures: every ``Failure`` so far.
        failures_before_run: ``len(failures)`` when the current run began.
    """

    def __init__(self, sim: Face, strict: bool) -> None:
        self._sim = sim
        self.strict = strict
        self.nodes: dict[str, Node] = {}
        self.failures: list[Failure] = []
        self.failures_before_run = 0
        self.outside = self.new_node("<outside>", -1, None, None)

    def new_node(
        self, name: str, index: int, factory: ActorFactory | None, supervisor: Supervisor | None
    ) -> Node:
        """A node record with its address (index -1: the outside, which is not a node)."""
        node = Node(name, index, factory, supervisor)
        node.addr = Addr(self._sim, node)
        return node

    def node(self, name: str) -> Node:
        """The record of node ``name``.

        Raises:
            InvalidArgument: ``name`` is not a str.
            UnknownNode: no node has that name.
        """
        if not isinstance(name, str):
            raise invalid("node", name, "must be a node's name (a str)")
        node = self.nodes.get(name)
        if node is None:
            known = ", ".join(self.nodes) or "none yet"
            raise UnknownNode(f"node={name!r} is not allowed: no such node (known: {known})")
        return node

    # -- birth ---------------------------------------------------------------

    def spawn(
        self, name: str, factory: ActorFactory, *, supervisor: Supervisor | None = None
    ) -> Addr:
        """Create node ``name`` running the actor ``factory()`` returns; return its ``Addr``.

        The actor's ``started(ctx)`` runs at the current virtual time, after
        the code that called ``spawn`` (so spawn every node, then run).

        Raises:
            InvalidArgument: a bad or already used name, a factory that is not
                callable or does not return an ``Actor``.
        """
        if not isinstance(name, str) or not name or _FORBIDDEN_IN_NAMES & set(name):
            raise invalid("name", name, "must be a non-empty str without spaces or , | : # < >")
        if name in self.nodes:
            raise invalid("name", name, "is already used by another node; names must be unique")
        if supervisor is not None and not isinstance(supervisor, Supervisor):
            raise invalid("supervisor", supervisor, "must be a Supervisor or None")
        node = self.new_node(name, len(self.nodes), factory, supervisor)
        actor = self.make_actor(node)
        self.nodes[name] = node
        self._sim.trace.nodes.append(name)
        self.boot(node, actor, "spawn")
        return node.addr

    def make_actor(self, node: Node) -> Actor:
        factory = node.factory
        if not callable(factory):
            raise invalid("factory", factory, "must be a callable that returns an Actor")
        actor = factory()
        if not isinstance(actor, Actor):
            raise invalid(
                "factory", factory, f"must return an Actor instance, but it returned {actor!r}"
            )
        return actor

    def boot(self, node: Node, actor: Actor, event: str) -> None:
        """Run ``actor`` on ``node`` from now: a fresh context; ``started`` runs soon."""
        node.actor = actor
        node.status = UP
        node.handlers = {}
        node.ctx = Context(self._sim, node)
        self._sim.writer.event(event, node)
        self.call_soon(node, "started", actor.started)

    # -- what a node publishes ---------------------------------------------------

    def annotate(self, node: Node, state: dict[str, Any]) -> None:
        """``ctx.annotate``: update what ``node`` publishes and record it (World)."""
        for key, value in state.items():
            if value is None:
                node.annotations.pop(key, None)
            else:
                node.annotations[key] = value
        self._sim.writer.event("annotate", node, None, dict(state))

    # -- running the actor's code ------------------------------------------------

    def guarded(
        self, node: Node, during: str, what: str, fn: Callable[..., Any], *args: Any
    ) -> None:
        """Run ``fn(*args)`` as ``node``'s code; an exception becomes a recorded failure."""
        transport = self._sim.transport
        previous = transport.current
        transport.current = node
        try:
            fn(*args)
        except Exception as exc:
            transport.current = previous
            self.fail(node, during, what, exc)
        finally:  # also when something else escapes (Ctrl-C, strict mode)
            transport.current = previous

    def call_soon(self, node: Node, during: str, hook: Callable[[Context], Any]) -> None:
        """Run an actor hook at the current time, after what is already scheduled now."""
        incarnation = node.incarnation

        def call() -> None:
            if node.incarnation != incarnation:
                return
            if node.status is PAUSED:
                node.backlog.append((CALL, call))
            elif node.status is UP:
                self.guarded(node, during, during, hook, node.ctx)

        self._sim.scheduler.push(self._sim.now, CALL, call)

    # -- failures and supervision ------------------------------------------------

    def fail(self, node: Node, during: str, what: str, exc: Exception) -> None:
        """Record ``exc``, raised by ``node``'s code, then restart, crash or re-raise."""
        if getattr(exc, "_distsys_recorded", False):
            raise exc  # recorded where it was raised; now on its way out (strict mode)
        outcome = self.outcome(node)
        failure = Failure(
            t=self._sim.now,
            node=node.name,
            during=during,
            what=what,
            error=f"{type(exc).__name__}: {exc}",
            outcome=outcome,
            traceback="".join(traceback.format_exception(exc)),
        )
        self.failures.append(failure)
        if outcome != "raised":  # what is raised is seen anyway
            self.warn_first_failure()
        data = {"during": during, "what": what, "error": failure.error, "outcome": outcome}
        self._sim.writer.event("failure", node, None, data)
        if outcome == "raised":
            exc._distsys_recorded = True  # type: ignore[attr-defined]
            raise exc
        if outcome == "restarted":
            self.supervised_restart(node)
        elif outcome == "crashed":
            self.crash(node)

    def outcome(self, node: Node) -> str:
        """What a failure of ``node``'s code leads to now."""
        if self.strict or node is self.outside:  # the outside is your own code: it raises
            return "raised"
        if node.status not in (UP, PAUSED):
            return node.status  # it stopped or crashed itself before raising
        supervisor = node.supervisor
        if supervisor is not None and supervisor.allows_restart(node.restart_times, self._sim.now):
            return "restarted"
        return "crashed"

    def warn_first_failure(self) -> None:
        """Warn about the run's first failure (every failure outside a run)."""
        index = len(self.failures) - 1
        if self._sim.engine.running and index != self.failures_before_run:
            return
        warnings.warn(
            f"a handler failed: {self.failures[index]}. The run goes on; "
            f"sim.failures[{index}].traceback shows where it raised "
            "(Sim(strict=True) stops at the first failure instead).",
            HandlerFailureWarning,
            stacklevel=_caller_outside_runtime(),
        )

    def warn_failure_count(self) -> None:
        """At the end of a run: say how many more failures followed the first."""
        more = len(self.failures) - self.failures_before_run - 1
        if more > 0:
            warnings.warn(
                f"{more} more handler failure(s) after the first in this run; "
                f"sim.failures holds all {len(self.failures)}.",
                HandlerFailureWarning,
                stacklevel=_caller_outside_runtime(),
            )

    def supervised_restart(self, node: Node) -> None:
        """Actix-style restart: same instance, fresh context, timers and requests gone."""
        node.restart_times.append(self._sim.now)
        node.incarnation += 1
        node.ctx = Context(self._sim, node)
        self._sim.writer.event("supervised_restart", node)
        actor = node.actor
        assert actor is not None
        self.call_soon(node, "restarting", actor.restarting)
        self.call_soon(node, "started", actor.started)

    # -- death -------------------------------------------------------------------

    def crash(self, node: Node) -> None:
        """``node`` stops at once: its waiting mail is dropped, its timers go stale."""
        node.status = DOWN
        self.end_incarnation(node)
        node.actor = None
        node.ctx = None
        self._sim.writer.event("crash", node)
        backlog, node.backlog = node.backlog, []
        for kind, item in backlog:
            if kind == ACCEPT:
                self._sim.writer.drop(item, "node_down")

    def stop(self, node: Node) -> None:
        """``ctx.stop()``: ``stopped(ctx)`` runs, then the node takes no more mail (World)."""
        if node.status not in (UP, PAUSED):
            return
        ctx, actor = node.ctx, node.actor
        assert ctx is not None and actor is not None
        node.status = STOPPED  # first, so a stopped() that raises is recorded, not acted on
        try:
            self.guarded(node, "stopped", "stopped", actor.stopped, ctx)
        finally:  # even when strict mode re-raises
            self.end_incarnation(node)
            self._sim.writer.event("stop", node)

    def end_incarnation(self, node: Node) -> None:
        """Forget what belongs to the running actor: timers, requests, pause, annotations."""
        node.incarnation += 1  # every timer and request callback of the old one is now stale
        node.pause_until = 0.0
        node.annotations = {}
        self._sim.transport.forget_requests(node)  # nobody will read their replies
