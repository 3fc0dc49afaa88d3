"""The story of a trace: the one interpretation that the terminal and the pictures share.

A trace is a list of low-level events. A reader wants the story: who sent what
to whom and what became of it (:class:`MessageLeg`), when a node was down, paused
or stopped (:class:`StatusSpan`), and what changed in words: roles, leaders,
votes, suspicions, faults (:class:`Entry`). :func:`read_story` reads all three
from a full trace (live or read back from JSON lines). The text timeline
(:mod:`.text`) prints the entries; the space-time diagram (:mod:`.spacetime`) draws
all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, is_dataclass, replace
from dataclasses import fields as dataclass_fields
from typing import Any

from ..checks.arguments import trace_of
from ..checks.cluster_state import FAULT_KINDS, end_time
from ..runtime import Trace
from ..runtime.errors import InvalidArgument, invalid
from ..runtime.units import as_seconds

# -- words: what changed -------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of a timeline: at ``t``, ``subject`` did ``clauses`` (joined by "and").

    Each clause starts with a verb in the third person singular ("follows n3"),
    so that :func:`.text.render` can say it of several nodes ("n2, n4 follow n3").
    """

    t: float
    subject: str
    clauses: tuple[str, ...]
    suffix: str = ""

    @property
    def what(self) -> str:
        """The clauses as said of one subject."""
        return " and ".join(self.clauses) + self.suffix

    def plural(self) -> str:
        """The clauses as said of several subjects."""
        return " and ".join(_plural(c) for c in self.clauses) + self.suffix

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {"t": self.t, "node": self.subject, "event": self.what}


_PLURAL_VERBS = {
    "becomes": "become",
    "follows": "follow",
    "forgets": "forget",
    "votes": "vote",
    "suspects": "suspect",
    "stops": "stop",
    "CRASHES": "CRASH",
    "restarts": "restart",
    "pauses": "pause",
    "resumes": "resume",
    "fails": "fail",
}


def _plural(clause: str) -> str:
    verb, _, rest = clause.partition(" ")
    return f"{_PLURAL_VERBS.get(verb, verb)} {rest}".rstrip()


def entries(trace: Trace) -> list[Entry]:
    """What a reader wants to see of a run: faults, roles, leaders, votes, suspicions.

    Built from the trace's annotate and fault events only (every node's published
    view, as in the pictures), so it works on a trace read back from JSON lines.

    Raises:
        TraceLevelError: the trace keeps counts only.
    """
    views: dict[str, dict[str, Any]] = {}
    found: list[Entry] = []
    # Every fault kind the checks know; hold, release and link changes are not shown.
    kinds = ("annotate", "failure", "stop", *FAULT_KINDS)
    for event in trace.events(kinds):
        node = event.node or "network"
        kind, data, t = event.kind, event.data, event.t
        if kind == "annotate":
            old = views.setdefault(node, {})
            new = {k: v for k, v in {**old, **data}.items() if v is not None}
            clauses = _changes(node, old, new)
            if clauses:
                term = new.get("term")
                suffix = f" (term {term})" if term is not None else ""
                last = found[-1] if found else None
                if last and (last.t, last.subject, last.suffix) == (t, node, suffix):
                    clauses = [*last.clauses, *clauses]  # one moment, one line
                    found.pop()
                    if clauses[:1] == ["becomes follower"] and clauses[1].startswith("follows "):
                        clauses[:2] = [f"becomes follower of {clauses[1][8:]}"]
                found.append(Entry(t, node, tuple(clauses), suffix))
            views[node] = new
        elif kind in ("crash", "restart", "stop"):
            views[node] = {}
            verb = {"crash": "CRASHES", "restart": "restarts", "stop": "stops"}[kind]
            found.append(Entry(t, node, (verb,)))
        elif kind == "pause":  # a real cluster's pause lasts until resumed: no duration
            length = f" for {data['duration']:g} s" if data else ""
            found.append(Entry(t, node, (f"pauses{length}",)))
        elif kind == "resume":
            found.append(Entry(t, node, ("resumes",)))
        elif kind == "partition":
            arrow = "->" if data.get("one_way") else "|"
            cut = f"{','.join(data['a'])} {arrow} {','.join(data['b'])}"
            found.append(Entry(t, "network", (f"is partitioned: {cut}",)))
        elif kind == "heal":
            found.append(Entry(t, "network", ("heals",)))
        elif kind == "failure":
            what = f"fails in {data['what']}: {data['error']} ({data['outcome']})"
            found.append(Entry(t, node, (what,)))
    return found


def _changes(node: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed in a node's published view, in words (verbs first)."""
    out: list[str] = []
    role, leader = new.get("role"), new.get("leader")
    if role != old.get("role") and role is not None:
        if role == "leader":
            out.append("becomes LEADER")
        elif role == "follower" and leader is not None:
            out.append(f"becomes follower of {leader}")
        else:
            out.append(f"becomes {role}")
    elif leader != old.get("leader") and leader != node:
        if leader is not None:
            out.append(f"follows {leader}")
        elif old.get("leader") not in (None, node):
            out.append(f"forgets leader {old['leader']}")
    voted = new.get("voted_for")
    changed_vote = voted != old.get("voted_for") or new.get("term") != old.get("term")
    if voted not in (None, node) and changed_vote:
        out.append(f"votes for {voted}")
    before, after = set(old.get("suspects", ())), set(new.get("suspects", ()))
    out.extend(f"suspects {n}" for n in sorted(after - before))
    out.extend(f"stops suspecting {n}" for n in sorted(before - after))
    return out


# -- messages and node states ------------------------------------------------------


@dataclass(frozen=True)
class MessageLeg:
    """One message from sending to its end.

    Attributes:
        msg_id: its id in the trace.
        type: its type's name.
        src: the sender (``None``: the world outside the actors).
        dst: the recipient (``None``: a reply to the outside).
        sent_at: when it was sent.
        due: when it was due to arrive (``None``: dropped as it was sent).
        outcome: ``"delivered"``, ``"dropped"`` or ``"in_flight"`` (at the trace's end).
        ended_at: when it was delivered or dropped (``None`` while in flight).
        reason: why it was dropped (one of ``DROP_REASONS``), else ``None``.
        answer: for the reply of a request-reply exchange, whether it says yes (a vote
            granted, an append that succeeded, a runtime ``Reply`` of ``True``) or no;
            ``None`` for any other message (see :func:`answer_of`).
    """

    msg_id: int
    type: str
    src: str | None
    dst: str | None
    sent_at: float
    due: float | None
    outcome: str
    ended_at: float | None = None
    reason: str | None = None
    answer: bool | None = None


ANSWER_FIELDS = ("vote_granted", "granted", "success", "ok")
"""The fields by which a reply says yes or no (Raft's, the exercises', a generic ``ok``)."""


def answer_of(msg: object) -> bool | None:
    """Whether ``msg`` (a message, or a record read back from JSON lines) answers yes or no.

    ``None`` when it is no answer: it has none of :data:`ANSWER_FIELDS` holding a bool, and
    is not a runtime ``Reply`` whose value is a bool.
    """
    fields = getattr(msg, "fields", None)
    if isinstance(fields, dict):  # a MessageRecord, read back from JSON lines
        values, kind = fields, str(getattr(msg, "type", ""))
    elif is_dataclass(msg) and not isinstance(msg, type):
        values = {f.name: getattr(msg, f.name) for f in dataclass_fields(msg)}
        kind = type(msg).__name__
    else:
        return None
    for name in (*ANSWER_FIELDS, *(("value",) if kind == "Reply" else ())):
        value = values.get(name)
        if isinstance(value, bool):
            return value
    return None


@dataclass(frozen=True)
class StatusSpan:
    """A stretch of time during which ``node`` was not up: ``status`` from ``start`` to ``end``.

    ``end`` is ``None`` when the node was still in that state at the trace's end.
    """

    node: str
    status: str
    start: float
    end: float | None


_NOT_UP_AFTER = {"crash": "down", "pause": "paused", "stop": "stopped"}
_UP_AGAIN = ("restart", "resume")


def message_legs(trace: Trace) -> list[MessageLeg]:
    """Every message of the trace, in the order sent, with what became of it."""
    sent: dict[int, MessageLeg] = {}
    ends: dict[int, tuple[str, float, str | None]] = {}
    for i in trace.positions(("send", "duplicate", "deliver", "drop")):
        e = trace[i]
        assert e.msg_id is not None
        if e.kind in ("send", "duplicate"):
            type_name = e.msg_type or "?"
            leg = MessageLeg(e.msg_id, type_name, e.node, e.peer, e.t, e.due, "")
            sent[e.msg_id] = leg if e.msg is None else replace(leg, answer=answer_of(e.msg))
        else:
            ends[e.msg_id] = ("delivered" if e.kind == "deliver" else "dropped", e.t, e.reason)
    legs = []
    for msg_id, leg in sent.items():
        outcome, ended_at, reason = ends.get(msg_id, ("in_flight", None, None))
        legs.append(replace(leg, outcome=outcome, ended_at=ended_at, reason=reason))
    return legs


def status_spans(trace: Trace) -> list[StatusSpan]:
    """Every stretch of time a node was down, paused or stopped, in the order they began."""
    open_spans: dict[str, StatusSpan] = {}
    spans: list[StatusSpan] = []
    for e in trace.events((*_NOT_UP_AFTER, *_UP_AGAIN)):
        assert e.node is not None
        began = open_spans.pop(e.node, None)
        if began is not None:
            spans.append(StatusSpan(e.node, began.status, began.start, e.t))
        if e.kind in _NOT_UP_AFTER:
            open_spans[e.node] = StatusSpan(e.node, _NOT_UP_AFTER[e.kind], e.t, None)
    spans.extend(open_spans.values())
    spans.sort(key=lambda s: (s.start, s.node))
    return spans


@dataclass(frozen=True)
class Story:
    """What happened in a trace, read once: messages, node states and words."""

    nodes: list[str]
    end: float
    messages: list[MessageLeg]
    spans: list[StatusSpan]
    entries: list[Entry]


def read_story(trace: Trace) -> Story:
    """The whole story of a full trace.

    Raises:
        InvalidArgument: ``trace`` is not a Trace.
        TraceLevelError: the trace keeps counts only.
    """
    trace = trace_of(trace)
    return Story(
        list(trace.nodes),
        end_time(trace),
        message_legs(trace),
        status_spans(trace),
        entries(trace),
    )


# -- link settings -------------------------------------------------------------------

LossChange = tuple[float, str | None, str | None, float]
"""``(t, src, dst, loss)``: a link's loss set at ``t`` (``src is None``: the default)."""


def loss_changes(trace: Trace) -> list[LossChange]:
    """Every change of a loss probability, in order, as ``(t, src, dst, loss)``.

    Changing any setting of one link gives that link a configuration of its own,
    which keeps the default's loss of that moment (as the Sim does); that is
    recorded here as a change too.
    """
    changes: list[LossChange] = []
    default, own = 0.0, set()
    for e in trace.events("link"):
        link = None if e.node is None else (e.node, e.peer)
        if link is not None and link not in own:
            own.add(link)
            changes.append((e.t, e.node, e.peer, default))
        if "loss" in e.data:
            changes.append((e.t, e.node, e.peer, e.data["loss"]))
            if link is None:
                default = e.data["loss"]
    return changes


def losses_at(
    changes: list[LossChange], nodes: list[str], t: float
) -> dict[tuple[str, str], float]:
    """The loss probability of each directed link at time ``t`` that has one above 0."""
    default, links = 0.0, {}
    for at, src, dst, loss in changes:
        if at > t:
            break
        if src is None or dst is None:
            default = loss
        else:
            links[(src, dst)] = loss
    if not default and not any(links.values()):
        return {}
    pairs = ((a, b) for a in nodes for b in nodes if a != b)
    found = {pair: links.get(pair, default) for pair in pairs}
    return {pair: loss for pair, loss in found.items() if loss > 0}


def link_losses(trace: Trace, t: float) -> dict[tuple[str, str], float]:
    """The loss probability of each directed link at ``t`` that has one above 0."""
    return losses_at(loss_changes(trace), list(trace.nodes), t)


# -- times ---------------------------------------------------------------------------


def check_trace_time(param: str, value: Any, trace: Trace) -> float:
    """Return ``value`` as a time within ``trace`` (0 to its last event), or raise.

    Raises:
        InvalidArgument: not a finite number within the trace.
    """
    end = end_time(trace)
    allowed = f"must be a time in seconds from 0 to {end!r} (the trace's last event)"
    try:
        seconds = as_seconds(param, value)
    except InvalidArgument:
        raise invalid(param, value, allowed) from None
    if not seconds <= end:
        raise invalid(param, value, allowed)
    return seconds
