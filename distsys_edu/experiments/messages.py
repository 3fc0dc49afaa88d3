"""The old path of :mod:`distsys_edu.experiments.election_messages`, kept because
lesson 04 imports ``election_messages`` from here."""

from .election_messages import election_messages

__all__ = ["election_messages"]
