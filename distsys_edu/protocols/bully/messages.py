"""What Bully nodes say to each other (the textbook's three messages, and heartbeats)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Election:
    """``candidate`` (with ``candidate_id``) asks every higher node: is anyone above me alive?"""

    candidate: str
    candidate_id: int

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.candidate


@dataclass(frozen=True)
class Answer:
    """The paper's "OK": ``responder`` is alive, higher, and takes the election over."""

    responder: str
    responder_id: int

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.responder


@dataclass(frozen=True)
class Coordinator:
    """The winner ``leader`` announces itself to every lower node."""

    leader: str
    leader_id: int

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.leader


@dataclass(frozen=True)
class Heartbeat:
    """The coordinator ``leader`` is still alive (and still coordinator)."""

    leader: str
    leader_id: int

    @property
    def sender(self) -> str:
        """Who sent it."""
        return self.leader


BullyMessage = Election | Answer | Coordinator | Heartbeat
