"""Fault control: break the world by hand, or from a schedule, and remember how.

Every fault (``crash``, ``restart``, ``pause``, ``partition``, ``heal``, ``hold``,
``release``, ``set_network``, ``set_link``) is applied now and appended to
``fault_history``, a ``FaultSchedule`` that replays the same run in a fresh Sim.
A scheduled fault happens after everything else due at its instant, exactly as
if you had run until then and applied it by hand.

The fault controller owns that history and the schedule still to come; it
breaks the world through the other parts of its Sim (the lifecycle's crash and
boot, the transport's network and held links).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from .entries import ARRIVE, CALL
from .errors import FaultScheduleError, InvalidArgument, UnknownNode, check_time, invalid
from .faults import Fault, FaultSchedule, as_fault
from .node import PAUSED, UP

if TYPE_CHECKING:
    from .face import Face

SETTLE = "settle"  # the fault history's mark: what is due at this instant runs first


class FaultController:
    """The fault API, and the history that replays it.

    Args:
        sim: the Sim this is a part of.
    """

    def __init__(self, sim: Face) -> None:
        self._sim = sim
        self._fault_history: list[Fault] = []
        self._fault_groups: dict[float, list[Fault]] = {}  # scheduled, by instant
        self._events_at_last_fault = 0  # _events_now when the last fault was remembered

    # -- the history -----------------------------------------------------------

    def _remember(self, action: str, *args: Any) -> None:
        """Add a fault to the history, after a ``settle`` mark if a replay needs one.

        A replay applies the faults of one instant together, after what is due
        then (or, at 0, before it). A fault applied by hand after events of its
        instant ran since the last fault (``restart a; run_for(0); crash a``,
        or ``run(until=0); crash a``) gets a ``settle`` mark first, so the
        replay runs those events before it too. Faults applied inside the loop
        (a schedule) copy their marks from the schedule instead.
        """
        history, now = self._fault_history, self._sim.now
        if not self._sim.engine.running:
            same_instant = bool(history) and history[-1].at == now
            before = self._events_at_last_fault if same_instant else 0
            if self._sim.engine.events_now > before and (same_instant or now == 0):
                history.append(Fault(now, SETTLE))
        history.append(Fault(now, action, args))
        self._events_at_last_fault = -1 if self._sim.engine.running else self._sim.engine.events_now

    @property
    def fault_history(self) -> FaultSchedule:
        """Every fault applied so far, by schedule or by hand, as a replayable schedule.

        Between two faults of one instant, a ``settle`` line marks that what was
        due then ran in between (you ran ``run_for(0)``, or ``run(until=0)``
        before a fault at 0); a replay does the same. Faults applied between two
        ``step()`` calls inside one instant replay after the rest of it.
        """
        return FaultSchedule(self._fault_history)

    # -- nodes -------------------------------------------------------------------

    def crash(self, name: str) -> None:
        """Crash ``name`` now: timers cancelled, mailbox dropped, later mail dropped.

        Crashing a node that is already down or stopped changes nothing.
        """
        node = self._sim.lifecycle.node(name)
        self._remember("crash", name)
        if node.status in (UP, PAUSED):
            self._sim.lifecycle.crash(node)

    def restart(self, name: str) -> None:
        """Start a fresh actor on ``name`` from its factory (crashing it first if it is up).

        Only ``ctx.storage`` survives, as a disk would.
        """
        node = self._sim.lifecycle.node(name)
        actor = self._sim.lifecycle.make_actor(node)
        self._remember("restart", name)
        if node.status in (UP, PAUSED):
            self._sim.lifecycle.crash(node)
        node.incarnation += 1
        self._sim.lifecycle.boot(node, actor, "restart")

    def pause(self, name: str, duration: float) -> None:
        """Freeze ``name`` for ``duration`` seconds (a GC pause).

        Deliveries and timers wait and then run, in order, when it resumes (an
        interval timer runs once, not once per missed tick). Pausing a paused
        node extends the pause; a down node cannot pause.
        """
        node = self._sim.lifecycle.node(name)
        duration = check_time("duration", duration, positive=True)
        self._remember("pause", name, duration)
        if node.status not in (UP, PAUSED):
            return
        node.status = PAUSED
        node.pause_until = max(node.pause_until, self._sim.now + duration)
        self._sim.writer.event("pause", node, None, {"duration": duration})
        incarnation = node.incarnation

        def resume() -> None:
            if (
                node.incarnation == incarnation
                and node.status is PAUSED
                and (self._sim.now >= node.pause_until)
            ):
                node.status = UP
                self._sim.writer.event("resume", node)
                backlog, node.backlog = node.backlog, []
                self._sim.scheduler.push_first(backlog)  # what waited runs first, in order

        self._sim.scheduler.push(self._sim.now + duration, CALL, resume)

    # -- links -------------------------------------------------------------------

    def _names(self, param: str, group: str | Iterable[str]) -> list[str]:
        allowed = "must be a node's name or a list of names, at least one"
        if isinstance(group, str):
            names = [group]
        elif isinstance(group, Iterable) and not isinstance(group, dict):
            names = list(group)
        else:
            raise invalid(param, group, allowed)
        if not names or not all(isinstance(name, str) for name in names):
            raise invalid(param, group, allowed)
        for name in names:
            self._sim.lifecycle.node(name)
        return names

    def partition(
        self,
        group_a: str | Iterable[str],
        group_b: str | Iterable[str],
        *,
        one_way: bool = False,
    ) -> None:
        """Cut the links between two groups of nodes (only ``a -> b`` if ``one_way``).

        Messages sent over a cut link, or arriving over one, are dropped with
        reason ``"partition"``. Partitions add up until ``heal``.
        """
        a, b = self._names("group_a", group_a), self._names("group_b", group_b)
        if set(a) & set(b):
            raise invalid("group_b", group_b, f"must not share nodes with group_a={a!r}")
        self._remember("one_way" if one_way else "partition", (tuple(a), tuple(b)))
        cut = {(x, y) for x in a for y in b}
        if not one_way:
            cut |= {(y, x) for x in a for y in b}
        self._sim.transport.network.blocked |= cut
        self._sim.transport.network_changed()
        self._sim.writer.event("partition", None, None, {"a": a, "b": b, "one_way": one_way})

    def heal(self) -> None:
        """End every partition (held links stay held)."""
        self._remember("heal")
        self._sim.transport.network.blocked.clear()
        self._sim.transport.network_changed()
        self._sim.writer.event("heal")

    def hold(self, src: str, dst: str) -> None:
        """Park messages arriving over ``src -> dst`` until ``release`` (a slow link)."""
        a, b = self._sim.lifecycle.node(src), self._sim.lifecycle.node(dst)
        if a is b:
            raise invalid("dst", dst, "must differ from src: self-sends are always delivered")
        self._remember("hold", src, dst)
        self._sim.transport.network.held.add((src, dst))
        self._sim.transport.network_changed()
        self._sim.writer.event("hold", a, b)

    def release(self, src: str | None = None, dst: str | None = None) -> None:
        """Stop holding ``src -> dst`` (every held link if both are ``None``).

        The parked messages arrive now, in the order they arrived.
        """
        if (src is None) != (dst is None):
            raise invalid(
                "dst" if dst is None else "src", None, "give both src and dst, or neither"
            )
        if src is not None and dst is not None:
            self._sim.lifecycle.node(src), self._sim.lifecycle.node(dst)
            links = [(src, dst)]
            self._remember("release", src, dst)
        else:
            links = sorted(self._sim.transport.network.held)
            self._remember("release")
        self._sim.transport.network.held.difference_update(links)
        self._sim.transport.network_changed()
        self._sim.writer.event("release", None, None, {"links": [list(link) for link in links]})
        parked = [(ARRIVE, env) for link in links for env in self._sim.transport.held.pop(link, [])]
        self._sim.scheduler.push_first(parked)

    def set_network(
        self, *, latency: Any = None, loss: float | None = None, duplication: float | None = None
    ) -> None:
        """Change the default link settings (``None`` keeps a setting)."""
        self._change_links(None, latency=latency, loss=loss, duplication=duplication)

    def set_link(
        self,
        src: str,
        dst: str,
        *,
        latency: Any = None,
        loss: float | None = None,
        duplication: float | None = None,
    ) -> None:
        """Change the settings of the directed link ``src -> dst`` only."""
        self._sim.lifecycle.node(src), self._sim.lifecycle.node(dst)
        self._change_links((src, dst), latency=latency, loss=loss, duplication=duplication)

    def _change_links(self, link: tuple[str, str] | None, **settings: Any) -> None:
        """Change one link (``None``: the default), one recorded fault per setting."""
        net = self._sim.transport.network
        current = net.default if link is None else net.config(*link)
        current.changed(**settings)  # check every value before changing anything
        nodes = self._sim.lifecycle.nodes
        src, dst = (None, None) if link is None else (nodes[link[0]], nodes[link[1]])
        for setting, value in settings.items():
            if value is None:
                continue
            current = net.default if link is None else net.config(*link)
            config = current.changed(**{setting: value})
            if link is None:
                net.default = config
            else:
                net.links[link] = config
            self._sim.transport.network_changed()
            value = getattr(config, setting)
            self._remember(setting, value, *(link or ()))
            self._sim.writer.event("link", src, dst, {setting: value})

    # -- schedules -----------------------------------------------------------------

    def schedule(self, faults: Fault | str | dict[str, Any] | Iterable[Any]) -> None:
        """Apply each fault when virtual time reaches its ``at``.

        Raises:
            FaultScheduleError: an entry cannot be parsed, or its time has passed.
        """
        if isinstance(faults, (Fault, str, dict)):
            faults = [faults]
        elif not isinstance(faults, Iterable):
            raise FaultScheduleError(
                f"faults={faults!r} is not allowed: give a Fault, a line such as "
                "'2.5 crash n1', a dict, or a list of those"
            )
        parsed = [as_fault(f) for f in faults]  # parse all before scheduling any
        now = self._sim.now
        for fault in parsed:
            if fault.at < now:
                raise FaultScheduleError(
                    f"fault '{fault}' is not allowed: at={fault.at!r} is before now ({now!r})"
                )
        for fault in parsed:
            group = self._fault_groups.get(fault.at)
            if group is not None:
                group.append(fault)
                continue
            self._fault_groups[fault.at] = [fault]
            # Faults at one instant are applied together, as you would apply them
            # by hand: after everything else due then (run until then, then act),
            # but a fault due right now goes before what is still due now (act,
            # then run). So a fault_history replays to the same trace.
            if fault.at == self._sim.now:
                self._sim.scheduler.push(fault.at, CALL, self._group_call(fault.at))
            else:
                self._push_late(fault.at)

    def _push_late(self, at: float) -> None:
        """Schedule the fault group for ``at`` after everything else due at ``at``."""
        self._sim.scheduler.push_late(at, CALL, self._group_call(at))

    def _group_call(self, at: float) -> Callable[[], None]:
        apply_group = partial(self._apply_group, at)
        apply_group.__name__ = "fault schedule"  # type: ignore[attr-defined]
        return apply_group

    def _apply_group(self, at: float) -> None:
        """Apply every fault scheduled for ``at``; one that fails stops none of the others.

        At a ``settle`` mark the rest waits until everything due now has run
        (it goes on the heap after the rest of the instant, as a new group).
        """
        errors = []
        group = self._fault_groups.pop(at)
        for index, fault in enumerate(group):
            if fault.action == SETTLE:
                self._remember(SETTLE)
                self._fault_groups[at] = group[index + 1 :]
                self._push_late(at)
                break
            try:
                self.apply(fault)
            except FaultScheduleError as exc:
                errors.append(exc)
        if errors:
            raise errors[0]

    def apply(self, fault: Fault | str | dict[str, Any]) -> None:
        """Apply one fault now (its ``at`` is ignored); ``settle`` is ``run_for(0)``.

        Raises:
            FaultScheduleError: the fault names an unknown node or is otherwise invalid.
        """
        fault = as_fault(fault)
        action, args = fault.action, fault.args
        try:
            if action == SETTLE:
                self._sim.engine.run_for(0)
            elif action in ("partition", "one_way"):
                self.partition(*args[0], one_way=action == "one_way")
            elif action in ("loss", "duplication", "latency"):
                setting = {action: args[0]}
                if len(args) == 3:
                    self.set_link(args[1], args[2], **setting)
                else:
                    self.set_network(**setting)
            else:
                getattr(self, action)(*args)
        except (InvalidArgument, UnknownNode) as exc:
            raise FaultScheduleError(f"fault '{fault}' cannot be applied: {exc}") from None
