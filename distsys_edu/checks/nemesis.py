"""Targeted faults: a fault aimed at whoever leads when it fires (Jepsen's nemesis
aimed at the primaries), resolved in virtual time and recorded.

A fault schedule names nodes; a line here may name a *target* instead::

    3.2 crash @leader             # whoever leads at 3.2 s crashes
    4 pause @leader 1s            # whoever leads at 4 s freezes for 1 s
    5 partition @leader|@others   # the leader is cut off from the other servers
    5 one_way @leader|@others     # ... or can no longer reach them
    7 restart @down               # every server down at 7 s restarts

Why: some bugs need the *leader* to fail at the right moment, again and again
(Raft's Figure 8 needs three leaders in a row to fail after appending and before
replicating). Random faults on random nodes almost never line that up; a fault that
always hits the current leader does, without a schedule written for the bug.

When the fault fires (after everything else due at its instant, like any scheduled
fault), the target is read from what the servers publish (``sim.annotations``):

* ``@leader`` is a server that is up or paused and publishes ``role="leader"``; if
  several do (a deposed leader that has not yet heard of the newer term), the one
  of the highest ``term``, then the first in spawn order. If none does, the fault
  is *skipped*.
* ``@others`` (only opposite ``@leader`` in a partition) is every other server.
  Clients are in neither group, so they still reach the cut-off leader: it keeps
  taking requests that it cannot replicate. A targeted partition *replaces* the
  partitions before it (it heals first), as each start of Jepsen's partition
  nemesis is a fresh grudge: isolating one leader after another does not end with
  every server cut off from every other.
* ``@down`` (only in ``restart``) is every server that is down; none: skipped.

The fault is then applied to the nodes it resolved to, so the trace and
``sim.fault_history`` hold the plain faults (``3.2 crash n2``): that history replays
the run in a bare Sim. Each resolution is written, in order, to
``sim.trace.meta["targets"]`` (``"3.2 crash @leader -> 3.2 crash n2"``, or
``"... -> skipped: nobody leads"``). The same seed and schedule give the same
resolutions, so a targeted schedule replays and shrinks like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..protocols.cluster import LEADER
from ..runtime import Fault, FaultSchedule, Sim
from ..runtime.errors import FaultScheduleError

__all__ = [
    "DOWN",
    "LEADER_TARGET",
    "OTHERS",
    "TARGETS",
    "is_targeted",
    "resolve",
    "run_targeted",
    "split_targeted",
]

LEADER_TARGET, OTHERS, DOWN = "@leader", "@others", "@down"
TARGETS = (LEADER_TARGET, OTHERS, DOWN)
"""The names a schedule may give instead of a node's."""

_WHERE = {
    LEADER_TARGET: ("crash", "pause", "partition", "one_way"),
    OTHERS: ("partition", "one_way"),
    DOWN: ("restart",),
}
_FORMS = "crash @leader, pause @leader S, partition @leader|@others, restart @down"


def _names_in(fault: Fault) -> list[str]:
    """Every node name in ``fault``'s arguments (the groups' members too)."""
    names: list[str] = []
    for arg in fault.args:
        if isinstance(arg, str):
            names.append(arg)
        elif isinstance(arg, tuple) and all(isinstance(g, tuple) for g in arg):
            names.extend(n for group in arg for n in group if isinstance(n, str))
    return names


def is_targeted(fault: Fault) -> bool:
    """Whether ``fault`` names a target (a name starting with ``@``).

    Raises:
        FaultScheduleError: an unknown target, or one where it does not fit.
    """
    targets = [n for n in _names_in(fault) if n.startswith("@")]
    for name in targets:
        if fault.action not in _WHERE.get(name, ()):
            raise FaultScheduleError(
                f"fault '{fault}' is not allowed: target {name!r} must be one of "
                f"{', '.join(TARGETS)}, used as in {_FORMS}"
            )
    aimed = fault.action in ("partition", "one_way") and targets
    if aimed and fault.args[0] != ((LEADER_TARGET,), (OTHERS,)):
        raise FaultScheduleError(
            f"fault '{fault}' is not allowed: a targeted partition must be '@leader|@others'"
        )
    return bool(targets)


def split_targeted(schedule: Iterable[Any]) -> tuple[FaultSchedule, FaultSchedule]:
    """``(plain, targeted)``: the faults that name nodes, and those that name targets."""
    faults = FaultSchedule(schedule)
    targeted = [is_targeted(f) for f in faults]
    plain = FaultSchedule(f for f, t in zip(faults, targeted, strict=True) if not t)
    return plain, FaultSchedule(f for f, t in zip(faults, targeted, strict=True) if t)


def leader(sim: Sim, servers: Sequence[str]) -> str | None:
    """The server that leads now by what it publishes (see the module's docstring)."""
    leading = [
        (-int(sim.annotations(name).get("term") or 0), position, name)
        for position, name in enumerate(servers)
        if sim.status(name) in ("up", "paused") and sim.annotations(name).get("role") == LEADER
    ]
    return min(leading)[2] if leading else None


def resolve(sim: Sim, servers: Sequence[str], fault: Fault) -> tuple[tuple[Fault, ...], str]:
    """What a targeted ``fault`` becomes now: ``(plain faults, "")``, or ``((), why not)``."""
    if fault.action == "restart":
        down = tuple(Fault(sim.now, "restart", (n,)) for n in servers if sim.status(n) == "down")
        return (down, "") if down else ((), "nobody is down")
    target = leader(sim, servers)
    if target is None:
        return (), "nobody leads"
    if fault.action in ("partition", "one_way"):
        rest = tuple(n for n in servers if n != target)
        if not rest:
            return (), "the leader is the only server"
        cut = Fault(sim.now, fault.action, (((target,), rest),))
        return (Fault(sim.now, "heal"), cut), ""
    return (Fault(sim.now, fault.action, (target, *fault.args[1:])),), ""


def run_targeted(sim: Sim, servers: Sequence[str], targeted: Sequence[Fault], until: float) -> None:
    """Run ``sim`` to ``until``, applying each targeted fault when its time comes.

    At each fault's instant everything else due then runs first (as for any
    scheduled fault), then the target is resolved and the plain fault applied.
    Faults after ``until`` are not reached.
    """
    record: list[str] = sim.trace.meta.setdefault("targets", [])
    for fault in targeted:
        if fault.at > until:
            break
        sim.run(until=fault.at)
        applied, why = resolve(sim, servers, fault)
        for plain in applied:
            sim.apply(plain)
        became = "; ".join(str(f) for f in applied) or f"skipped: {why}"
        record.append(f"{fault} -> {became}")
    sim.run(until=until)
