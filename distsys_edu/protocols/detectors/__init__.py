"""Failure detectors: plain objects fed heartbeat arrival times.

A failure detector answers one question: "should I still believe that process is
alive?". Every detector here is a small object with no clock of its own. The caller
feeds it the virtual time (float seconds) at which each heartbeat arrived, and asks
about any later virtual time. So the same object works inside a simulated node (feed
it ``ctx.now``) and on its own in a notebook (feed it a list of times and plot).

Three detectors, from simplest to most adaptive:

* ``FixedTimeoutDetector``: suspect once no heartbeat arrived for ``timeout`` seconds.
* ``AdaptiveTimeoutDetector``: the same, but every wrong suspicion grows the timeout,
  which makes it eventually perfect under partial synchrony.
* ``PhiAccrualDetector``: outputs a suspicion level phi instead of yes/no
  (Hayashibara, Defago, Yared, Katayama, "The phi accrual failure detector", SRDS 2004),
  computed the way Akka computes it.

One module a kind: :mod:`.base` (what every detector offers, and the checks of its
parameters), :mod:`.timeouts` (the two timeout detectors) and :mod:`.phi` (phi
accrual). Import them from here.

Times must be fed in order: a heartbeat or a question about a time earlier than the
last heartbeat raises ``ValueError`` (the detector no longer knows the past), as does
any parameter outside its allowed range, NaN included.
"""

from .base import FailureDetector
from .phi import PhiAccrualDetector
from .timeouts import AdaptiveTimeoutDetector, FixedTimeoutDetector

__all__ = [
    "AdaptiveTimeoutDetector",
    "FailureDetector",
    "FixedTimeoutDetector",
    "PhiAccrualDetector",
]
