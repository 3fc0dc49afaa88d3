"""What the lessons' exercises call, and the probe helper they share with the tests.

:class:`Probe` drives one actor's handlers by hand, with no network, and records what
the actor sends, schedules and publishes: a protocol rule is checked in a few lines.
"""

from .probe import Probe, ProbeAddr, ProbeContext, Sent

__all__ = ["Probe", "ProbeAddr", "ProbeContext", "Sent"]
