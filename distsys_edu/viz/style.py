"""The visual vocabulary every picture shares: one palette, one marker per role.

Colours are Okabe and Ito's palette, which readers with any common colour-vision
deficiency can tell apart; and no meaning rests on colour alone: each role also
has a marker shape, and a node that is down, paused or stopped carries a mark of
its own (a cross, two bars, a bar). A message type has one colour everywhere: in
the cluster picture, in the timeline and in their legends.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""Okabe & Ito (2008), "Color Universal Design": eight colours for every reader."""

GREY = "#999999"
LIGHT_GREY = "#DDDDDD"
WRONG = OKABE_ITO["vermillion"]
BELIEF_LINESTYLE = (0, (1, 2))
"""Belief arrows are dotted, so that a wrong belief (vermillion) never reads as a cut link
(vermillion dashes)."""
"""The colour of a mistaken belief: a false suspicion, a leader that is not one."""


@dataclass(frozen=True)
class RoleStyle:
    """How a role is drawn: a fill colour, a matplotlib marker and a legend label."""

    colour: str
    marker: str
    label: str


ROLE_STYLES = {
    "leader": RoleStyle(OKABE_ITO["orange"], "*", "leader"),
    "follower": RoleStyle(OKABE_ITO["blue"], "o", "follower"),
    "candidate": RoleStyle(OKABE_ITO["bluish_green"], "^", "candidate"),
    "unknown": RoleStyle(GREY, "D", "unknown role"),
}
"""Leader, follower, candidate and unknown: a colour and a shape each."""


def style_key(role: object) -> str:
    """The key of :data:`ROLE_STYLES` that ``role`` (an annotation value) is drawn with."""
    return role if isinstance(role, str) and role in ROLE_STYLES else "unknown"


STATUS_MARKS = {
    "down": ("X", "down (crashed)"),
    "paused": ("pause", "paused"),
    "stopped": ("_", "stopped itself"),
}
"""A status other than up: the mark drawn over the node and its legend label."""

MESSAGE_COLOURS = {
    # Raft
    "AppendEntries": OKABE_ITO["sky_blue"],
    "AppendEntriesReply": OKABE_ITO["blue"],
    "RequestVote": OKABE_ITO["reddish_purple"],
    "Vote": OKABE_ITO["orange"],
    "RequestVoteReply": OKABE_ITO["orange"],
    # the replicated log's clients (not the CRC's pick: it gave them AppendEntries' blues)
    "ClientRequest": OKABE_ITO["bluish_green"],
    "ClientReply": OKABE_ITO["black"],
    # heartbeats, the blog, bully and ring
    "Heartbeat": OKABE_ITO["sky_blue"],
    "RegisterFollower": OKABE_ITO["yellow"],
    "Election": OKABE_ITO["reddish_purple"],
    "Answer": OKABE_ITO["orange"],
    "Coordinator": OKABE_ITO["bluish_green"],
    "Elected": OKABE_ITO["bluish_green"],
    # SWIM
    "Ping": OKABE_ITO["sky_blue"],
    "Ack": OKABE_ITO["blue"],
    "PingReq": OKABE_ITO["yellow"],
    "Suspect": OKABE_ITO["orange"],
    "Confirm": OKABE_ITO["black"],
    "Alive": OKABE_ITO["bluish_green"],
    # the runtime's replies to Addr.send
    "Reply": OKABE_ITO["black"],
}
"""Colours of the message types of the protocols in this package. None is vermillion:
that colour marks what went wrong (drops, false beliefs, violations)."""

_OTHER_COLOURS = tuple(c for c in OKABE_ITO.values() if c != WRONG)


def message_colour(type_name: str) -> str:
    """The colour of messages of type ``type_name``: the same in every picture.

    A type not in :data:`MESSAGE_COLOURS` gets one of the Okabe-Ito colours chosen
    by a CRC-32 of its name, which is the same in every process (``hash()`` is not).
    """
    known = MESSAGE_COLOURS.get(type_name)
    if known is not None:
        return known
    return _OTHER_COLOURS[zlib.crc32(type_name.encode()) % len(_OTHER_COLOURS)]


@dataclass(frozen=True)
class LinkStyle:
    """How one direction of a link is drawn (see :mod:`.cluster`)."""

    colour: str
    linestyle: Any  # a matplotlib line style: "-", ":" or (offset, (on, off, ...))
    linewidth: float
    label: str


LINK_STYLES = {
    "healthy": LinkStyle(LIGHT_GREY, "-", 1.0, "link"),
    "lossy": LinkStyle(GREY, ":", 1.6, "lossy link"),
    "held": LinkStyle(OKABE_ITO["orange"], (0, (6, 2, 1, 2)), 2.2, "held link (messages wait)"),
    "cut": LinkStyle(WRONG, (0, (3, 2)), 2.2, "cut link (partition)"),
}
"""Link states, least to most serious; a direction shows the most serious that applies."""
