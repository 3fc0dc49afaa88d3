"""What SWIM members say: ``Ping``, ``PingReq`` and ``Ack``, and the membership updates
(``Alive``, ``Suspect``, ``Confirm``) they carry."""

from __future__ import annotations

from dataclasses import dataclass

# -- membership updates (only ever piggybacked) ----------------------------------


@dataclass(frozen=True)
class Alive:
    """``member`` is alive at ``incarnation`` (only the member itself raises it)."""

    member: str
    incarnation: int


@dataclass(frozen=True)
class Suspect:
    """Someone suspects ``member`` (as of its ``incarnation``) to have failed."""

    member: str
    incarnation: int


@dataclass(frozen=True)
class Confirm:
    """``member`` is declared dead: it did not refute a suspicion in time."""

    member: str
    incarnation: int


Update = Alive | Suspect | Confirm


# -- messages ----------------------------------------------------------------------


@dataclass(frozen=True)
class Ping:
    """Are you alive? Probe number ``seq`` of ``sender``; answered by an ``Ack``."""

    sender: str
    seq: int
    updates: tuple[Update, ...] = ()


@dataclass(frozen=True)
class PingReq:
    """Please ping ``target`` for me and relay its ``Ack`` (my probe number ``seq``)."""

    sender: str
    seq: int
    target: str
    updates: tuple[Update, ...] = ()


@dataclass(frozen=True)
class Ack:
    """``target`` answered probe ``seq``; ``sender`` is the target or a relaying helper."""

    sender: str
    seq: int
    target: str
    updates: tuple[Update, ...] = ()
